/* `PhraseIndex`: where a rule set's phrases occur in a field, found and checked in C.
 *
 * Included by `_speedups.c` after `_word_index.h` (it reuses `KeyTable`). The same as
 * `rules.automaton.PatternTable.scan` does for phrases with its automaton over
 * `squeezed` and `_sequence_at`: a phrase's key is the letters of its first segment, and
 * a key found at a position is a candidate start, checked by `phrase_walk` (a port of
 * `rules.automaton._walk`). Instead of an automaton, the letters from each token start
 * (each character, for a phrase starting with Hangul/kana/Han) are hashed one by one,
 * spaces skipped, while a bit filter of the keys' proper prefixes says some key may
 * still start so; at a key's length the table is probed. Most walks end after a letter
 * or two.
 */

typedef struct {
    Py_UCS4 *letters;
    Py_ssize_t length;
    int extends; /* the segment ends in `*`: it may run on to its token's end */
} PhraseSegment;

typedef struct {
    PyObject *pid; /* borrowed: `PhraseIndex.keep` holds it */
    PhraseSegment *segments;
    Py_ssize_t nsegments;
    int anchor_start, anchor_end;
    Py_UCS4 *gap; /* the punctuation the phrase has between its tokens */
    Py_ssize_t ngap;
} Phrase;

typedef struct {
    PyObject_HEAD
    KeyTable anchored, unanchored; /* key → tuple of phrase numbers */
    int unanchored_ascii;          /* some unanchored key is ASCII: scan ASCII texts too */
    Phrase *phrases;
    Py_ssize_t nphrases;
    PyObject *keep; /* (phrases, anchored, unanchored), as given, copied */
} PhraseIndex;

/* How far the stops after a `*` were tried in one token, for one phrase and segment:
 * stops from the token's `end` down to `low` were tried, and `stop` is the largest that
 * worked (its walk ended at `result`), or -1. */
typedef struct {
    Py_ssize_t phrase, seg, end; /* the key; phrase -1: an empty slot */
    Py_ssize_t low, stop, result;
} Frontier;

/* The frontiers of one scan: each stop is tried once per phrase and segment, so a long
 * token cannot make the walk quadratic (`"a* a* b"` over `aaaa…` tried every pair). */
typedef struct {
    Frontier *slots;
    size_t mask, count;
} Frontiers;

/* One field as `phrase_walk` reads it. */
typedef struct {
    int kind, text_kind;
    const void *data, *text_data; /* `spaced`, and the normalised text */
    Py_ssize_t size, text_size;
    Py_ssize_t *inserted, ninserted;
    Frontiers frontiers;
    Py_ssize_t token_from, token_end; /* the last token end found, and from where */
} PhraseField;

static Frontier *frontier_slot(const Frontiers *t, Py_ssize_t phrase, Py_ssize_t seg, Py_ssize_t end) {
    uint64_t h = (uint64_t)phrase * 0x9E3779B97F4A7C15ULL ^ (uint64_t)seg * 0xC2B2AE3D27D4EB4FULL ^
                 (uint64_t)end * 0x165667B19E3779F9ULL;
    for (size_t i = (size_t)(h ^ (h >> 31)) & t->mask;; i = (i + 1) & t->mask) {
        Frontier *slot = &t->slots[i];
        if (slot->phrase < 0 || (slot->phrase == phrase && slot->seg == seg && slot->end == end)) {
            return slot;
        }
    }
}

/* The frontier of `(phrase, seg, end)`, made (nothing tried yet) if new; NULL with
 * MemoryError. The pointer holds until the next call (the table may grow). */
static Frontier *frontier_of(Frontiers *t, Py_ssize_t phrase, Py_ssize_t seg, Py_ssize_t end) {
    if (t->slots == NULL || (t->count + 1) * 2 > t->mask + 1) {
        size_t size = t->slots == NULL ? 64 : (t->mask + 1) * 2;
        Frontier *slots = PyMem_Malloc(size * sizeof(Frontier)), *old = t->slots;
        if (slots == NULL) return (Frontier *)PyErr_NoMemory();
        for (size_t i = 0; i < size; i++) slots[i].phrase = -1;
        size_t old_size = old == NULL ? 0 : t->mask + 1;
        t->slots = slots, t->mask = size - 1;
        for (size_t i = 0; i < old_size; i++) {
            if (old[i].phrase >= 0) *frontier_slot(t, old[i].phrase, old[i].seg, old[i].end) = old[i];
        }
        PyMem_Free(old);
    }
    Frontier *slot = frontier_slot(t, phrase, seg, end);
    if (slot->phrase < 0) {
        *slot = (Frontier){phrase, seg, end, end + 1, -1, -1};
        t->count++;
    }
    return slot;
}

static inline Py_UCS4 spaced_at(const PhraseField *f, Py_ssize_t i) {
    return i >= 0 && i < f->size ? PyUnicode_READ(f->kind, f->data, i) : ' ';
}

/* `FieldText.to_text`: the offset in the normalised text of offset `at` of `spaced`. */
static Py_ssize_t phrase_to_text(const PhraseField *f, Py_ssize_t at) {
    Py_ssize_t low = 0, high = f->ninserted;
    while (low < high) { /* bisect_left(inserted, at) */
        Py_ssize_t mid = (low + high) / 2;
        if (f->inserted[mid] < at) low = mid + 1;
        else high = mid;
    }
    return at - 1 - low;
}

/* `FieldText.gap_ok`: whether the text between the token ending before offset `end` and
 * the one starting at `start` holds only whitespace, `-`, `'` and the phrase's own gap
 * punctuation. */
static int phrase_gap_ok(const PhraseField *f, const Phrase *p, Py_ssize_t end, Py_ssize_t start) {
    Py_ssize_t from = Py_MAX(phrase_to_text(f, end - 1) + 1, 0);
    Py_ssize_t to = Py_MIN(phrase_to_text(f, start), f->text_size);
    for (Py_ssize_t i = from; i < to; i++) {
        Py_UCS4 c = PyUnicode_READ(f->text_kind, f->text_data, i);
        if (Py_UNICODE_ISSPACE(c) || c == '-' || c == '\'') continue;
        Py_ssize_t k = 0;
        while (k < p->ngap && p->gap[k] != c) k++;
        if (k == p->ngap) return 0;
    }
    return 1;
}

/* `rules.automaton._walk`: segments `seg…` of phrase number `number` matched from offset
 * `at` of `spaced`; the end offset, -1 if they do not match, -2 on error. */
static Py_ssize_t phrase_walk(PhraseField *f, const Phrase *p, Py_ssize_t number, Py_ssize_t at,
                              Py_ssize_t seg) {
    if (seg == p->nsegments) return p->anchor_end && spaced_at(f, at) != ' ' ? -1 : at;
    const PhraseSegment *s = &p->segments[seg];
    for (Py_ssize_t k = 0; k < s->length; k++) {
        if (spaced_at(f, at) == ' ') { /* the token ended: step over the gap */
            Py_ssize_t start = at + 1;
            while (start < f->size && spaced_at(f, start) == ' ') start++;
            if (start >= f->size || !phrase_gap_ok(f, p, at, start)) return -1;
            at = start;
        }
        if (spaced_at(f, at) != s->letters[k]) return -1;
        at++;
    }
    if (!s->extends) return phrase_walk(f, p, number, at, seg + 1);
    Py_ssize_t end = at; /* the token's end: the same for every offset of the token */
    if (at >= f->token_from && at <= f->token_end) {
        end = f->token_end;
    } else {
        while (end < f->size && spaced_at(f, end) != ' ') end++;
        f->token_from = at, f->token_end = end;
    }
    if (end >= f->size) return -1; /* no space after: `str.find` gives -1 */
    /* The largest stop in [at, end] whose walk works, longest first. Stops already tried
     * from this token's end for this segment are not tried again. */
    Frontier *known = frontier_of(&f->frontiers, number, seg + 1, end);
    if (known == NULL) return -2;
    if (known->stop >= 0) return known->stop >= at ? known->result : -1;
    for (Py_ssize_t stop = known->low - 1; stop >= at; stop--) {
        Py_ssize_t result = phrase_walk(f, p, number, stop, seg + 1);
        if (result == -2 || (known = frontier_of(&f->frontiers, number, seg + 1, end)) == NULL) {
            return -2;
        }
        known->low = stop;
        if (result >= 0) {
            known->stop = stop, known->result = result;
            return result;
        }
    }
    return -1;
}

/* Check each phrase of `numbers` (a key found at `at`) and add its occurrence to
 * `found` (pid → list of `(start, end, at)`); 0, or -1 on error. */
static int phrase_check(PhraseIndex *index, PhraseField *f, PyObject *numbers, Py_ssize_t at,
                        PyObject *found) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(numbers); i++) {
        Py_ssize_t number = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, i));
        const Phrase *p = &index->phrases[number];
        if (p->anchor_start && spaced_at(f, at - 1) != ' ') continue;
        Py_ssize_t stop = phrase_walk(f, p, number, at, 0);
        if (stop == -2) return -1;
        if (stop < 0) continue;
        PyObject *occurrence = Py_BuildValue("(nnn)", phrase_to_text(f, at),
                                             phrase_to_text(f, stop - 1) + 1, at);
        if (occurrence == NULL) return -1;
        PyObject *list = PyDict_GetItemWithError(found, p->pid);
        int failed = 0;
        if (list == NULL) {
            list = PyErr_Occurred() ? NULL : PyList_New(0);
            failed = list == NULL || PyDict_SetItem(found, p->pid, list) < 0;
            Py_XDECREF(list); /* the dict holds it */
        }
        failed = failed || PyList_Append(list, occurrence) < 0;
        Py_DECREF(occurrence);
        if (failed) return -1;
    }
    return 0;
}

/* The keys of `table` that the letters from offset `at` of `spaced` (spaces skipped)
 * start with, each checked; 0, or -1 on error. `letters` has room for `table->longest`. */
static int phrase_keys_at(PhraseIndex *index, const KeyTable *table, PhraseField *f,
                          Py_ssize_t at, Py_UCS4 *letters, PyObject *found) {
    uint64_t hash = KEY_HASH_SEED;
    Py_ssize_t length = 0;
    for (Py_ssize_t i = at; i < f->size && length < table->longest; i++) {
        Py_UCS4 c = PyUnicode_READ(f->kind, f->data, i);
        if (c == ' ') continue;
        hash = key_hash_step(hash, c);
        letters[length++] = c;
        PyObject *numbers = key_find(table, hash, PyUnicode_4BYTE_KIND, letters, 0, length);
        if (numbers != NULL && phrase_check(index, f, numbers, at, found) < 0) return -1;
        if (!bit_test(table->starts, table->starts_mask, hash | (hash == 0))) break;
    }
    return 0;
}

PyDoc_STRVAR(phrase_index_scan_doc,
             "scan(spaced, text, inserted) -> dict\n\n"
             "The phrases found in a field: pid → occurrences `(start, end, at)` in order,\n"
             "as `rules.automaton.PatternTable.scan` gives them.");

static PyObject *phrase_index_scan(PhraseIndex *index, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1]) ||
        !PyList_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "scan(spaced: str, text: str, inserted: list)");
        return NULL;
    }
    PyObject *spaced = args[0], *text = args[1], *inserted = args[2];
    PhraseField f = {PyUnicode_KIND(spaced), PyUnicode_KIND(text), PyUnicode_DATA(spaced),
                     PyUnicode_DATA(text), PyUnicode_GET_LENGTH(spaced), PyUnicode_GET_LENGTH(text),
                     NULL, PyList_GET_SIZE(inserted), {NULL, 0, 0}, -1, -2};
    Py_ssize_t longest = Py_MAX(index->anchored.longest, index->unanchored.longest);
    Py_UCS4 *letters = PyMem_Malloc((longest + 1) * sizeof(Py_UCS4));
    f.inserted = PyMem_Malloc((f.ninserted + 1) * sizeof(Py_ssize_t));
    PyObject *found = letters && f.inserted ? PyDict_New() : PyErr_NoMemory();
    for (Py_ssize_t i = 0; found != NULL && i < f.ninserted; i++) {
        f.inserted[i] = PyLong_AsSsize_t(PyList_GET_ITEM(inserted, i));
        if (f.inserted[i] == -1 && PyErr_Occurred()) Py_CLEAR(found);
    }
    int unanchored = index->unanchored.longest > 0 &&
                     (index->unanchored_ascii || !PyUnicode_IS_ASCII(spaced));
    for (Py_ssize_t at = 0; found != NULL && at < f.size; at++) {
        if (PyUnicode_READ(f.kind, f.data, at) == ' ') continue;
        int failed = 0;
        if (index->anchored.longest > 0 && spaced_at(&f, at - 1) == ' ') {
            failed = phrase_keys_at(index, &index->anchored, &f, at, letters, found) < 0;
        }
        if (!failed && unanchored) {
            failed = phrase_keys_at(index, &index->unanchored, &f, at, letters, found) < 0;
        }
        if (failed) Py_CLEAR(found);
    }
    PyMem_Free(letters);
    PyMem_Free(f.inserted);
    PyMem_Free(f.frontiers.slots);
    return found;
}

static void phrase_index_dealloc(PhraseIndex *index) {
    key_table_free(&index->anchored);
    key_table_free(&index->unanchored);
    for (Py_ssize_t i = 0; index->phrases != NULL && i < index->nphrases; i++) {
        Phrase *p = &index->phrases[i];
        for (Py_ssize_t k = 0; p->segments != NULL && k < p->nsegments; k++) {
            PyMem_Free(p->segments[k].letters);
        }
        PyMem_Free(p->segments);
        PyMem_Free(p->gap);
    }
    PyMem_Free(index->phrases);
    Py_XDECREF(index->keep);
    Py_TYPE(index)->tp_free((PyObject *)index);
}

/* A new array of the code points of str `text` (its length in `*size`), or NULL. */
static Py_UCS4 *code_points(PyObject *text, Py_ssize_t *size) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "PhraseIndex: letters and gaps are str");
        return NULL;
    }
    *size = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *points = PyMem_Malloc((*size + 1) * sizeof(Py_UCS4));
    if (points == NULL) return (Py_UCS4 *)PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < *size; i++) points[i] = PyUnicode_READ_CHAR(text, i);
    return points;
}

/* Read phrase `spec`: `(pid, ((letters, extends), …), anchor_start, anchor_end, gap)`. */
static int phrase_read(Phrase *p, PyObject *spec) {
    PyObject *segments;
    if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 5 ||
        !PyTuple_Check(segments = PyTuple_GET_ITEM(spec, 1)) || PyTuple_GET_SIZE(segments) == 0) {
        PyErr_SetString(PyExc_TypeError, "PhraseIndex: a phrase is (pid, segments, anchor_start, "
                                         "anchor_end, gap), with segments");
        return -1;
    }
    p->pid = PyTuple_GET_ITEM(spec, 0);
    p->anchor_start = PyObject_IsTrue(PyTuple_GET_ITEM(spec, 2));
    p->anchor_end = PyObject_IsTrue(PyTuple_GET_ITEM(spec, 3));
    p->nsegments = PyTuple_GET_SIZE(segments);
    p->segments = PyMem_Calloc(p->nsegments, sizeof(PhraseSegment));
    if (p->segments == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < p->nsegments; k++) {
        PyObject *segment = PyTuple_GET_ITEM(segments, k);
        if (!PyTuple_Check(segment) || PyTuple_GET_SIZE(segment) != 2) {
            PyErr_SetString(PyExc_TypeError, "PhraseIndex: a segment is (letters, extends)");
            return -1;
        }
        p->segments[k].letters = code_points(PyTuple_GET_ITEM(segment, 0), &p->segments[k].length);
        p->segments[k].extends = PyObject_IsTrue(PyTuple_GET_ITEM(segment, 1));
        if (p->segments[k].letters == NULL) return -1;
    }
    p->gap = code_points(PyTuple_GET_ITEM(spec, 4), &p->ngap);
    return p->gap == NULL || PyErr_Occurred() ? -1 : 0;
}

/* PhraseIndex(phrases, anchored, unanchored). */
static PyObject *phrase_index_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *phrases, *anchored, *unanchored;
    static char *names[] = {"phrases", "anchored", "unanchored", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!O!:PhraseIndex", names, &PyTuple_Type,
                                     &phrases, &PyDict_Type, &anchored, &PyDict_Type, &unanchored)) {
        return NULL;
    }
    PhraseIndex *index = (PhraseIndex *)type->tp_alloc(type, 0);
    if (index == NULL) return NULL;
    anchored = PyDict_Copy(anchored);
    unanchored = anchored == NULL ? NULL : PyDict_Copy(unanchored);
    if (unanchored != NULL) index->keep = PyTuple_Pack(3, phrases, anchored, unanchored);
    Py_XDECREF(anchored);
    Py_XDECREF(unanchored);
    if (index->keep == NULL) goto error;
    anchored = PyTuple_GET_ITEM(index->keep, 1);
    unanchored = PyTuple_GET_ITEM(index->keep, 2);
    index->nphrases = PyTuple_GET_SIZE(phrases);
    index->phrases = PyMem_Calloc(index->nphrases + 1, sizeof(Phrase));
    if (index->phrases == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t i = 0; i < index->nphrases; i++) {
        if (phrase_read(&index->phrases[i], PyTuple_GET_ITEM(phrases, i)) < 0) goto error;
    }
    PyObject *tables[2] = {anchored, unanchored}, *key, *numbers;
    for (int t = 0; t < 2; t++) { /* every phrase number in range */
        for (Py_ssize_t pos = 0; PyDict_Next(tables[t], &pos, &key, &numbers);) {
            if (!PyTuple_Check(numbers)) goto bad_numbers;
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(numbers); i++) {
                Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, i));
                if (n < 0 || n >= index->nphrases) goto bad_numbers;
            }
            if (t == 1 && PyUnicode_Check(key) && PyUnicode_IS_ASCII(key)) index->unanchored_ascii = 1;
        }
    }
    if (key_table_fill(&index->anchored, anchored, 1) < 0 ||
        key_table_fill(&index->unanchored, unanchored, 1) < 0) {
        goto error;
    }
    return (PyObject *)index;
bad_numbers:
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "PhraseIndex: a key maps to a tuple of phrase numbers");
error:
    Py_DECREF(index);
    return NULL;
}

static PyMethodDef phrase_index_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))phrase_index_scan, METH_FASTCALL, phrase_index_scan_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject PhraseIndexType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "rules._speedups.PhraseIndex",
    .tp_basicsize = sizeof(PhraseIndex),
    .tp_dealloc = (destructor)phrase_index_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("PhraseIndex(phrases, anchored, unanchored)\n\nA rule set's phrases "
                        "(pid, segments, anchor_start, anchor_end, gap) and their keys (first "
                        "segment's letters → phrase numbers); `scan` finds them in a field."),
    .tp_methods = phrase_index_methods,
    .tp_new = phrase_index_new,
};
