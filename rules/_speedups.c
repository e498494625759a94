/* The matcher's normalisation fast path, in C: `rules.fastnorm.normalize_fast` for the
 * common case, one pass over the text instead of a regex split, a replacement per match,
 * joins and a second regex scan for markup left over.
 *
 * `normalize(text)` does the markup pass (the matches of `rules.markup._SPLIT_RE`, each
 * replaced as `rules.markup.strip_markup` does, by the replacements that module caches)
 * and the fold pass where every character folds on its own (ASCII lower-cased, any other
 * by `rules.chars.simple_char`), and gives the text, the markup edits by column, and
 * `rules.fieldtext` `spaced` (with the offsets of the spaces it inserted, and without its
 * spaces: `squeezed`). It gives None whenever the rest
 * of the pipeline must decide: a character that does not fold on its own (a combining
 * mark, `ß`, a soft hyphen), markup left after the pass, a replacement the cache cannot
 * give, or one of the four non-ASCII letters that the case-insensitive regex counts as
 * ASCII letters. The Python code then does the work as before, so the result is always
 * the reference's (`tests/rules/test_fastnorm.py` runs every case both ways).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef SOURCE_HASH
#define SOURCE_HASH ""
#endif

#define MAX_PASSES 4 /* rules.normalize.MAX_PASSES */
#define UNKNOWN 0u
#define NOT_SIMPLE 0xFFFFFFFFu

static PyObject *replacements; /* dict: matched text → (replacement, prefolded or None) */
static PyObject *learn;        /* callable: matched text → that pair, or None */
static PyObject *simple_char;  /* callable: one character → its fold, or None */
static PyObject *char_kind;    /* callable: one character → 0 (other), 1 (word), 2 (CJK) */
static Py_UCS4 *bmp_folds;     /* fold + 1 of each BMP character, UNKNOWN or NOT_SIMPLE */
static unsigned char *bmp_kinds; /* char_kind + 1 of each BMP character, or 0: unknown */

enum { OTHER = 0, WORD = 1, CJK = 2 };

#include "_markup_scan.h"

/* A growing buffer of code points. */
typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t size, capacity;
    Py_UCS4 max;
} Out;

static int out_reserve(Out *out, Py_ssize_t more) {
    if (out->size + more <= out->capacity) return 0;
    Py_ssize_t capacity = (out->size + more) * 2;
    Py_UCS4 *chars = PyMem_Realloc(out->chars, capacity * sizeof(Py_UCS4));
    if (chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->chars = chars;
    out->capacity = capacity;
    return 0;
}

/* The fold + 1 of non-ASCII `c` when it folds on its own to one character; NOT_SIMPLE
 * otherwise; 0 on error (an exception is set). `out_fold` lower-cases ASCII itself. */
static Py_UCS4 fold_char(Py_UCS4 c) {
    if (c < 0x10000 && bmp_folds[c] != UNKNOWN) return bmp_folds[c];
    PyObject *ch = PyUnicode_FromOrdinal((int)c);
    if (ch == NULL) return 0;
    PyObject *folded = PyObject_CallOneArg(simple_char, ch);
    Py_DECREF(ch);
    if (folded == NULL) return 0;
    Py_UCS4 found = NOT_SIMPLE;
    if (PyUnicode_Check(folded) && PyUnicode_GET_LENGTH(folded) == 1) {
        found = PyUnicode_READ_CHAR(folded, 0) + 1;
    }
    Py_DECREF(folded);
    if (c < 0x10000) bmp_folds[c] = found;
    return found;
}

/* Append `t[start:end]` folded; 1 when a character does not fold on its own, -1 on error. */
static int out_fold(Out *out, const Text *t, Py_ssize_t start, Py_ssize_t end) {
    if (out_reserve(out, end - start) < 0) return -1;
    Py_UCS4 *to = out->chars + out->size, max = out->max; /* max: of the non-ASCII ones */
    Py_ssize_t i = start;
    if (t->kind == PyUnicode_1BYTE_KIND) { /* the commonest: a run of ASCII in one loop */
        const Py_UCS1 *d = t->data;
        while (i < end && d[i] < 0x80) *to++ = lower(d[i++]);
    }
    for (; i < end; i++) {
        Py_UCS4 c = AT(t, i);
        if (c < 0x80) {
            *to++ = lower(c);
            continue;
        }
        Py_UCS4 folded = fold_char(c);
        if (folded == 0) return -1;
        if (folded == NOT_SIMPLE) return 1;
        folded -= 1;
        if (folded > max) max = folded;
        *to++ = folded;
    }
    out->size = to - out->chars;
    out->max = max;
    return 0;
}

/* Append `t[start:end]` as it is (a markup pass on its own). */
static int out_copy(Out *out, const Text *t, Py_ssize_t start, Py_ssize_t end) {
    if (out_reserve(out, end - start) < 0) return -1;
    for (Py_ssize_t i = start; i < end; i++) out->chars[out->size++] = AT(t, i);
    return 0;
}

typedef struct {
    Py_ssize_t start, end;
} Span;

/* The replacement pair of the markup `t[start:end]`, borrowed from the cache (learnt on
 * a miss); NULL with no exception when it cannot be given. */
static PyObject *replacement_of(PyObject *text, Py_ssize_t start, Py_ssize_t end) {
    PyObject *matched = PyUnicode_Substring(text, start, end);
    if (matched == NULL) return NULL;
    PyObject *pair = PyDict_GetItemWithError(replacements, matched);
    if (pair == NULL && !PyErr_Occurred()) {
        PyObject *learnt = PyObject_CallOneArg(learn, matched);
        Py_XDECREF(learnt); /* the cache holds it now, when it is a pair */
        if (learnt != NULL && learnt != Py_None) pair = PyDict_GetItemWithError(replacements, matched);
    }
    Py_DECREF(matched);
    if (pair != NULL && (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2)) pair = NULL;
    return pair;
}

/* `rules.markup.has_markup(text)`: 1 when `text` holds markup other than an entity that
 * decodes to itself (or a letter the scanner leaves to the regex), 0 if not, -1 on error. */
static int holds_markup(PyObject *text) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), n, {n + 1, n + 1, n + 1}};
    if (holds_odd_letter(text)) return 1;
    for (Py_ssize_t i = next_special(&t, 0); i < n; i = next_special(&t, i)) {
        Py_ssize_t end = match_markup(&t, i);
        if (end < 0) {
            i++;
            continue;
        }
        if (AT(&t, i) != '&') return 1;
        PyObject *pair = replacement_of(text, i, end);
        if (pair == NULL) return PyErr_Occurred() ? -1 : 1;
        PyObject *decoded = PyTuple_GET_ITEM(pair, 0);
        if (!PyUnicode_Check(decoded) || PyUnicode_GET_LENGTH(decoded) != end - i) return 1;
        for (Py_ssize_t k = i; k < end; k++) {
            if (PyUnicode_READ_CHAR(decoded, k - i) != AT(&t, k)) return 1;
        }
        i = end;
    }
    return 0;
}

static PyObject *int_list(const Py_ssize_t *values, Py_ssize_t count) {
    PyObject *list = PyList_New(count);
    if (list == NULL) return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyLong_FromSsize_t(values[i]);
        if (value == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, value);
    }
    return list;
}

/* The token kind of `c` (`rules.tokens._char_kind`); -1 on error. */
static int kind_of(Py_UCS4 c) {
    if (c < 0x80) return is_ascii_alnum(c) ? WORD : OTHER;
    if (c < 0x10000 && bmp_kinds[c]) return bmp_kinds[c] - 1;
    PyObject *ch = PyUnicode_FromOrdinal((int)c);
    if (ch == NULL) return -1;
    PyObject *found = PyObject_CallOneArg(char_kind, ch);
    Py_DECREF(ch);
    if (found == NULL) return -1;
    long kind = PyLong_AsLong(found);
    Py_DECREF(found);
    if (kind < OTHER || kind > CJK) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "char_kind gave no kind");
        return -1;
    }
    if (c < 0x10000) bmp_kinds[c] = (unsigned char)(kind + 1);
    return (int)kind;
}

/* `rules.fieldtext.spaced_text` of the normalised `text`: `spaced`, and `inserted` set to
 * the offsets of the spaces put where Hangul/kana/Han meets another script; `squeezed`
 * set to `spaced` without its spaces. */
static PyObject *spaced_of(PyObject *text, PyObject **inserted, PyObject **squeezed) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), at = 0, cuts = 0, kept = 0;
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), n, {0}};
    Py_UCS4 *chars = PyMem_Malloc((3 * n + 2) * sizeof(Py_UCS4)), *letters = chars + 2 * n + 2;
    Py_ssize_t *where = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    PyObject *spaced = NULL;
    if (chars == NULL || where == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    chars[at++] = ' ';
    int before = OTHER;
    Py_ssize_t i = 0;
    if (t.kind == PyUnicode_1BYTE_KIND) { /* ASCII: no kind to look up, nothing inserted */
        const Py_UCS1 *d = t.data;
        for (; i < n && d[i] < 0x80; i++) {
            Py_UCS1 c = d[i];
            if (is_ascii_alnum(c)) {
                chars[at++] = letters[kept++] = c;
            } else {
                chars[at++] = ' ';
            }
        }
        before = i > 0 && is_ascii_alnum(d[i - 1]) ? WORD : OTHER;
    }
    for (; i < n; i++) {
        Py_UCS4 c = AT(&t, i);
        int kind = c < 0x80 ? (is_ascii_alnum(c) ? WORD : OTHER) : kind_of(c);
        if (kind < 0) goto done;
        if (kind == OTHER) {
            chars[at++] = ' ';
        } else {
            if (kind != before && before != OTHER) { /* a word meets Hangul/kana/Han */
                where[cuts++] = at;
                chars[at++] = ' ';
            }
            chars[at++] = letters[kept++] = c;
        }
        before = kind;
    }
    chars[at++] = ' ';
    *inserted = int_list(where, cuts);
    *squeezed = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, letters, kept);
    if (*inserted != NULL && *squeezed != NULL) {
        spaced = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, chars, at);
    }
done:
    PyMem_Free(chars);
    PyMem_Free(where);
    return spaced;
}

/* The scratch space of one pass. */
typedef struct {
    Out out;
    Span *spans;
    Py_ssize_t *columns[4]; /* by edit: output start, input start and end, output size */
} Pass;

static void pass_free(Pass *pass) {
    PyMem_Free(pass->out.chars);
    PyMem_Free(pass->spans);
    for (int k = 0; k < 4; k++) PyMem_Free(pass->columns[k]);
}

/* One markup pass over `text` (and a fold pass, if `fold`): the new text, with the markup
 * edits by column appended to `stages` when there are any; None when the Python passes
 * must do the work; NULL on error. */
static PyObject *run_pass(PyObject *text, Pass *pass, PyObject *stages, int fold) {
    int (*append)(Out *, const Text *, Py_ssize_t, Py_ssize_t) = fold ? out_fold : out_copy;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), n, {n + 1, n + 1, n + 1}};
    Out *out = &pass->out;
    if (holds_odd_letter(text)) Py_RETURN_NONE;
    Py_ssize_t count = 0, capacity = 16;
    pass->spans = PyMem_Malloc(capacity * sizeof(Span));
    if (pass->spans == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = next_special(&t, 0); i < t.n; i = next_special(&t, i)) {
        Py_ssize_t end = match_markup(&t, i);
        if (end < 0) {
            i++;
            continue;
        }
        if (count == capacity) {
            capacity *= 2;
            Span *grown = PyMem_Realloc(pass->spans, capacity * sizeof(Span));
            if (grown == NULL) return PyErr_NoMemory();
            pass->spans = grown;
        }
        pass->spans[count++] = (Span){i, end};
        i = end;
    }
    Py_ssize_t **columns = pass->columns;
    for (int k = 0; k < 4; k++) {
        columns[k] = PyMem_Malloc((count + 1) * sizeof(Py_ssize_t));
        if (columns[k] == NULL) return PyErr_NoMemory();
    }
    Py_ssize_t pos = 0;
    for (Py_ssize_t m = 0; m <= count; m++) {
        Py_ssize_t start = m < count ? pass->spans[m].start : t.n;
        int state = append(out, &t, pos, start);
        if (state != 0) return state < 0 ? NULL : Py_NewRef(Py_None);
        if (m == count) break;
        Py_ssize_t end = pass->spans[m].end, next = m + 1 < count ? pass->spans[m + 1].start : t.n;
        PyObject *pair = replacement_of(text, start, end);
        if (pair == NULL) return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
        PyObject *used = PyTuple_GET_ITEM(pair, 0), *folded = PyTuple_GET_ITEM(pair, 1);
        if (folded != Py_None && (next > end ? AT(&t, end) < 0x80 : m == count - 1)) used = folded;
        if (!PyUnicode_Check(used)) Py_RETURN_NONE;
        Py_INCREF(used); /* the cache may be cleared while folding calls back into Python */
        Text rep = {PyUnicode_KIND(used), PyUnicode_DATA(used), PyUnicode_GET_LENGTH(used), {0}};
        columns[0][m] = out->size;
        columns[1][m] = start;
        columns[2][m] = end;
        columns[3][m] = rep.n;
        state = append(out, &rep, 0, rep.n);
        Py_DECREF(used);
        if (state != 0) return state < 0 ? NULL : Py_NewRef(Py_None);
        pos = end;
    }
    if (count > 0) {
        PyObject *stage = PyTuple_New(4);
        if (stage == NULL) return NULL;
        for (int k = 0; k < 4; k++) {
            PyObject *column = int_list(columns[k], count);
            if (column == NULL) {
                Py_DECREF(stage);
                return NULL;
            }
            PyTuple_SET_ITEM(stage, k, column);
        }
        int failed = PyList_Append(stages, stage);
        Py_DECREF(stage);
        if (failed) return NULL;
    }
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out->chars, out->size);
}

/* Whether `function` may run on `text`: a str, after configure(); else an exception. */
static int usable(PyObject *text, const char *function) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "%s() needs a str", function);
        return 0;
    }
    if (replacements == NULL) {
        PyErr_Format(PyExc_RuntimeError, "call configure() before %s()", function);
        return 0;
    }
    return 1;
}

/* One markup pass over `text` (with the fold when `fold`), its edits appended to
 * `stages`: the new text, None when Python must decide, or NULL on error. */
static PyObject *pass_once(PyObject *text, PyObject *stages, int fold) {
    Pass pass = {{NULL, 0, 0, 0}, NULL, {NULL, NULL, NULL, NULL}};
    PyObject *next = run_pass(text, &pass, stages, fold);
    pass_free(&pass);
    return next;
}

PyDoc_STRVAR(normalize_doc,
             "normalize(text) -> (text, stages, spaced, inserted, squeezed) or None\n\n"
             "The normalised text, each markup pass's edits by column (outermost first),\n"
             "`spaced` with the offsets of its inserted spaces, and `spaced` without\n"
             "spaces; None when the Python passes must do the work.");

static PyObject *normalize(PyObject *module, PyObject *text) {
    if (!usable(text, "normalize")) return NULL;
    PyObject *stages = PyList_New(0);
    if (stages == NULL) return NULL;
    PyObject *result = Py_NewRef(text);
    for (int passes = 0; result != NULL && result != Py_None; passes++) {
        if (passes > 0) { /* as the Python passes: again while markup is left, up to MAX_PASSES */
            int more = passes < MAX_PASSES ? holds_markup(result) : 0;
            if (more < 0) Py_CLEAR(result);
            if (more <= 0) break;
        }
        Py_SETREF(result, pass_once(result, stages, 1));
    }
    PyObject *tuple = NULL;
    if (result != NULL && result != Py_None) {
        PyObject *inserted = NULL, *squeezed = NULL;
        PyObject *spaced = spaced_of(result, &inserted, &squeezed);
        if (spaced != NULL) tuple = PyTuple_Pack(5, result, stages, spaced, inserted, squeezed);
        Py_XDECREF(spaced);
        Py_XDECREF(inserted);
        Py_XDECREF(squeezed);
    } else if (result == Py_None) {
        tuple = Py_NewRef(Py_None);
    }
    Py_XDECREF(result);
    Py_DECREF(stages);
    return tuple;
}

PyDoc_STRVAR(strip_markup_doc,
             "strip_markup(text) -> (text, columns) or None\n\n"
             "`rules.markup.strip_markup` in linear time: the text with its markup\n"
             "replaced and the edits by column (None if there are none); None when the\n"
             "regex must decide (a non-ASCII letter it counts as ASCII).");

static PyObject *strip_markup(PyObject *module, PyObject *text) {
    if (!usable(text, "strip_markup")) return NULL;
    PyObject *stages = PyList_New(0);
    if (stages == NULL) return NULL;
    PyObject *stripped = pass_once(text, stages, 0), *result = stripped;
    if (stripped != NULL && stripped != Py_None) {
        PyObject *columns = PyList_GET_SIZE(stages) ? PyList_GET_ITEM(stages, 0) : Py_None;
        result = PyTuple_Pack(2, stripped, columns);
        Py_DECREF(stripped);
    }
    Py_DECREF(stages);
    return result;
}

PyDoc_STRVAR(has_markup_doc,
             "has_markup(text) -> bool or None\n\n"
             "`rules.markup.has_markup` in linear time; None when the regex must decide.");

static PyObject *has_markup(PyObject *module, PyObject *text) {
    if (!usable(text, "has_markup")) return NULL;
    if (holds_odd_letter(text)) Py_RETURN_NONE;
    int found = holds_markup(text);
    if (found < 0) return NULL;
    return PyBool_FromLong(found);
}

#include "_matcher_hits.h"
#include "_presearch.h"
#include "_matcher_core.h"
#include "_word_index.h"
#include "_phrase_index.h"
#include "_windows.h"

PyDoc_STRVAR(configure_doc,
             "configure(replacements, learn, simple_char, char_kind)\n\n"
             "The Python parts `normalize` uses: the markup replacement cache and the\n"
             "function that fills it, the one-character fold, the token kind of a\n"
             "character.");

static PyObject *configure(PyObject *module, PyObject *args) {
    PyObject *cache, *learn_fn, *simple_fn, *kind_fn;
    if (!PyArg_ParseTuple(args, "O!OOO", &PyDict_Type, &cache, &learn_fn, &simple_fn, &kind_fn)) {
        return NULL;
    }
    if (bmp_folds == NULL) {
        bmp_folds = PyMem_Calloc(0x10000, sizeof(Py_UCS4));
        bmp_kinds = PyMem_Calloc(0x10000, 1);
        if (bmp_folds == NULL || bmp_kinds == NULL) return PyErr_NoMemory();
    }
    Py_XSETREF(replacements, Py_NewRef(cache));
    Py_XSETREF(learn, Py_NewRef(learn_fn));
    Py_XSETREF(simple_char, Py_NewRef(simple_fn));
    Py_XSETREF(char_kind, Py_NewRef(kind_fn));
    memset(bmp_folds, 0, 0x10000 * sizeof(Py_UCS4));
    memset(bmp_kinds, 0, 0x10000);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"normalize", normalize, METH_O, normalize_doc},
    {"strip_markup", strip_markup, METH_O, strip_markup_doc},
    {"has_markup", has_markup, METH_O, has_markup_doc},
    {"hits", (PyCFunction)(void (*)(void))hits, METH_FASTCALL, hits_doc},
    {"word_occurrences", (PyCFunction)(void (*)(void))word_occurrences, METH_FASTCALL,
     word_occurrences_doc},
    {"absorb", (PyCFunction)(void (*)(void))absorb, METH_FASTCALL, absorb_doc},
    {"candidates", (PyCFunction)(void (*)(void))candidates, METH_FASTCALL, candidates_doc},
    {"windows", (PyCFunction)(void (*)(void))windows, METH_FASTCALL, windows_doc},
    {"match_rules", (PyCFunction)(void (*)(void))match_rules, METH_FASTCALL, match_rules_doc},
    {"configure", configure, METH_VARARGS, configure_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "rules._speedups", "The matcher's normalisation fast path.", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    const char *names[] = {"spaced", "inserted", "original", "norm", "columns"};
    PyObject **interned[] = {&str_spaced, &str_inserted, &str_original, &str_norm, &str_columns};
    for (int i = 0; i < 5; i++) {
        if (*interned[i] == NULL && (*interned[i] = PyUnicode_InternFromString(names[i])) == NULL) {
            return NULL;
        }
    }
    if (builtin_sum == NULL) {
        PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
        builtin_sum = builtins == NULL ? NULL : PyDict_GetItemString(builtins, "sum");
        if (builtin_sum == NULL) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ImportError, "no builtin sum");
            return NULL;
        }
        Py_INCREF(builtin_sum);
    }
    if (PyType_Ready(&WordIndexType) < 0 || PyType_Ready(&PhraseIndexType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && (PyModule_AddStringConstant(m, "SOURCE_HASH", SOURCE_HASH) < 0 ||
                      PyModule_AddObjectRef(m, "WordIndex", (PyObject *)&WordIndexType) < 0 ||
                      PyModule_AddObjectRef(m, "PhraseIndex", (PyObject *)&PhraseIndexType) < 0)) {
        Py_CLEAR(m);
    }
    return m;
}
