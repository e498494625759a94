/* The matcher's helpers in `rules/_speedups.c`: a word key's occurrences in `spaced`
 * (`rules.automaton.PatternTable.place` over `ends`), hits placed in the original text
 * (`rules.matcher._Scan.hits_of` once the occurrences are found), and a matching rule's
 * hit lists merged (`_Scan.hits`). Included once, by `_speedups.c`, after `Span`.
 */
#ifndef NEWSWATCH_MATCHER_HITS_H
#define NEWSWATCH_MATCHER_HITS_H

/* A stage's edit columns (`rules.fastnorm._Stage`), read as sequences of ints. */
typedef struct {
    PyObject *outs, *ins, *ine, *sizes; /* PySequence_Fast results */
} Columns;

static Py_ssize_t column_at(PyObject *column, Py_ssize_t j) {
    return PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(column, j));
}

/* The last edit whose output starts at or before `i` (`bisect_right(outs, i) - 1`). */
static Py_ssize_t edit_before(const Columns *c, Py_ssize_t i) {
    Py_ssize_t low = 0, high = PySequence_Fast_GET_SIZE(c->outs);
    while (low < high) {
        Py_ssize_t mid = (low + high) / 2;
        if (i < column_at(c->outs, mid)) high = mid;
        else low = mid + 1;
    }
    return low - 1;
}

/* `_Stage.start(i)` and `_Stage.end(i)`: where output character `i` came from. */
static Py_ssize_t stage_start(const Columns *c, Py_ssize_t i) {
    Py_ssize_t j = edit_before(c, i);
    if (j < 0) return i;
    Py_ssize_t offset = i - column_at(c->outs, j) - column_at(c->sizes, j);
    return offset < 0 ? column_at(c->ins, j) : column_at(c->ine, j) + offset;
}

static Py_ssize_t stage_end(const Columns *c, Py_ssize_t i) {
    Py_ssize_t j = edit_before(c, i);
    if (j < 0) return i + 1;
    Py_ssize_t offset = i - column_at(c->outs, j) - column_at(c->sizes, j);
    return offset < 0 ? column_at(c->ine, j) : column_at(c->ine, j) + offset + 1;
}

static int compare_spans(const void *a, const void *b) {
    const Span *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* The stages' edit columns (`[(outs, ins, ine, sizes), …]`, outermost first) read as
 * sequences; -1 on error. `columns_free` releases them. */
static Columns *columns_read(PyObject *stages, Py_ssize_t *nstages) {
    PyObject *fast = PySequence_Fast(stages, "stages must be a sequence");
    if (fast == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    Columns *columns = PyMem_Calloc(n + 1, sizeof(Columns));
    if (columns == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    *nstages = n;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *stage = PySequence_Fast_GET_ITEM(fast, k);
        if (!PyTuple_Check(stage) || PyTuple_GET_SIZE(stage) != 4) {
            PyErr_SetString(PyExc_TypeError, "a stage is (outs, ins, ine, sizes)");
            break;
        }
        PyObject **slots[4] = {&columns[k].outs, &columns[k].ins, &columns[k].ine, &columns[k].sizes};
        for (int c = 0; c < 4 && !PyErr_Occurred(); c++) {
            *slots[c] = PySequence_Fast(PyTuple_GET_ITEM(stage, c), "a column must be a sequence");
        }
        if (PyErr_Occurred()) break;
    }
    Py_DECREF(fast);
    return columns;
}

static void columns_free(Columns *columns, Py_ssize_t nstages) {
    for (Py_ssize_t k = 0; columns != NULL && k < nstages; k++) {
        Py_XDECREF(columns[k].outs);
        Py_XDECREF(columns[k].ins);
        Py_XDECREF(columns[k].ine);
        Py_XDECREF(columns[k].sizes);
    }
    PyMem_Free(columns);
}

/* Hits for the normalised spans `spans[:count]` (reordered in place): each mapped back
 * through the stages to the original text, duplicates dropped, in order, as
 * `hit_type(term, field, start, end, text)`. */
static PyObject *place_hits(PyTypeObject *hit_type, PyObject *term, PyObject *field,
                            PyObject *original, Span *spans, Py_ssize_t count,
                            const Columns *columns, Py_ssize_t nstages) {
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t start = spans[i].start, end = spans[i].end;
        for (Py_ssize_t k = nstages - 1; k >= 0; k--) { /* innermost first */
            start = stage_start(&columns[k], start);
            end = stage_end(&columns[k], end - 1);
        }
        spans[i] = (Span){start, end};
    }
    if (PyErr_Occurred()) return NULL;
    Py_ssize_t kept = count;
    if (count > 1) { /* as sorted(set(spans)) */
        qsort(spans, count, sizeof(Span), compare_spans);
        kept = 1;
        for (Py_ssize_t i = 1; i < count; i++) {
            if (spans[i].start != spans[kept - 1].start || spans[i].end != spans[kept - 1].end) {
                spans[kept++] = spans[i];
            }
        }
    }
    PyObject *result = PyTuple_New(kept);
    for (Py_ssize_t i = 0; result != NULL && i < kept; i++) {
        PyObject *hit = hit_type->tp_alloc(hit_type, 5);
        PyObject *a = PyLong_FromSsize_t(spans[i].start), *b = PyLong_FromSsize_t(spans[i].end);
        PyObject *text = PyUnicode_Substring(original, spans[i].start, spans[i].end);
        if (hit == NULL || a == NULL || b == NULL || text == NULL) {
            Py_XDECREF(hit);
            Py_XDECREF(a);
            Py_XDECREF(b);
            Py_XDECREF(text);
            Py_CLEAR(result);
            break;
        }
        PyTuple_SET_ITEM(hit, 0, Py_NewRef(term));
        PyTuple_SET_ITEM(hit, 1, Py_NewRef(field));
        PyTuple_SET_ITEM(hit, 2, a);
        PyTuple_SET_ITEM(hit, 3, b);
        PyTuple_SET_ITEM(hit, 4, text);
        PyTuple_SET_ITEM(result, i, hit);
    }
    return result;
}

PyDoc_STRVAR(hits_doc,
             "hits(hit_type, term, field, original, occurrences, stages) -> tuple\n\n"
             "`rules.matcher._Scan.hits_of` once the occurrences are found: each\n"
             "occurrence's `(start, end)` in the normalised text mapped back through the\n"
             "stages' edit columns (outermost first) to the original text, duplicates\n"
             "dropped, in order, as `hit_type(term, field, start, end, text)`.");

static PyObject *hits(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyType_Check(args[0]) ||
        !PyType_IsSubtype((PyTypeObject *)args[0], &PyTuple_Type) || !PyUnicode_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "hits(hit_type, term, field, original, occurrences, stages)");
        return NULL;
    }
    PyObject *found = PySequence_Fast(args[4], "occurrences must be a sequence");
    if (found == NULL) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(found), nstages = 0;
    Span *spans = PyMem_Malloc((count + 1) * sizeof(Span));
    Columns *columns = spans == NULL ? NULL : columns_read(args[5], &nstages);
    PyObject *result = NULL;
    if (spans == NULL) PyErr_NoMemory();
    if (columns == NULL || PyErr_Occurred()) goto done;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *occurrence = PySequence_Fast_GET_ITEM(found, i);
        if (!PyTuple_Check(occurrence) || PyTuple_GET_SIZE(occurrence) < 2) {
            PyErr_SetString(PyExc_TypeError, "an occurrence is (start, end, …)");
            goto done;
        }
        spans[i] = (Span){PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 0)),
                          PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 1))};
    }
    if (PyErr_Occurred()) goto done;
    result = place_hits((PyTypeObject *)args[0], args[1], args[2], args[3], spans, count, columns,
                        nstages);
done:
    columns_free(columns, nstages);
    PyMem_Free(spans);
    Py_DECREF(found);
    return result;
}

/* Where a word key's occurrences are: `rules.automaton.PatternTable.place` over `ends`.
 * Appends `(start, end, at)` (in the normalised text; `at` in `spaced`) for each
 * occurrence to `spans`/`ats` (either may be NULL), growing them; the count, or -1. */
typedef struct {
    Span *spans;
    Py_ssize_t *ats, count, capacity;
} Occurrences;

static int occurrences_add(Occurrences *found, Py_ssize_t start, Py_ssize_t end, Py_ssize_t at) {
    if (found->count == found->capacity) {
        Py_ssize_t capacity = found->capacity ? found->capacity * 2 : 8;
        Span *spans = PyMem_Realloc(found->spans, capacity * sizeof(Span));
        if (spans != NULL) found->spans = spans;
        Py_ssize_t *ats = spans ? PyMem_Realloc(found->ats, capacity * sizeof(Py_ssize_t)) : NULL;
        if (ats == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        found->ats = ats;
        found->capacity = capacity;
    }
    found->spans[found->count] = (Span){start, end};
    found->ats[found->count++] = at;
    return 0;
}

static void occurrences_free(Occurrences *found) {
    PyMem_Free(found->spans);
    PyMem_Free(found->ats);
}

/* Every occurrence of a word key in `spaced` (`mode` 0: a word ` tok `, 1: a prefix
 * ` tok`, 2: a Hangul/kana/Han term, itself; `size`: the token's or term's length). */
static int find_word(PyObject *spaced, PyObject *key, Py_ssize_t size, Py_ssize_t mode,
                     PyObject *inserted, Occurrences *found) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(spaced), back = PyUnicode_GET_LENGTH(key) - 1;
    Py_ssize_t ninserted = PyList_GET_SIZE(inserted);
    if (back < 0) return 0;
    for (Py_ssize_t at = PyUnicode_Find(spaced, key, 0, n, 1); at >= 0;
         at = PyUnicode_Find(spaced, key, at + 1, n, 1)) {
        Py_ssize_t end = at + back, start, stop; /* the key's last character; the token */
        if (mode == 0) {
            start = end - size, stop = end;
        } else if (mode == 1) {
            start = end - size + 1, stop = PyUnicode_FindChar(spaced, ' ', end, n, 1);
            if (stop < 0) stop = n; /* cannot happen: `spaced` ends with a space */
        } else {
            start = end - size + 1, stop = end + 1;
        }
        Py_ssize_t text = start - 1; /* `FieldText.to_text`: less the spaces inserted before */
        if (ninserted) {
            Py_ssize_t low = 0, high = ninserted;
            while (low < high) { /* bisect_left(inserted, start) */
                Py_ssize_t mid = (low + high) / 2;
                if (PyLong_AsSsize_t(PyList_GET_ITEM(inserted, mid)) < start) low = mid + 1;
                else high = mid;
            }
            text -= low;
        }
        if (occurrences_add(found, text, text + stop - start, start) < 0) return -1;
    }
    return PyErr_Occurred() ? -1 : 0; /* PyUnicode_Find gives -2 on an error */
}

PyDoc_STRVAR(word_occurrences_doc,
             "word_occurrences(spaced, key, size, mode, inserted) -> list\n\n"
             "`rules.automaton.PatternTable.place(pid, field, ends(pid, field))`: every\n"
             "occurrence `(start, end, at)` of a word key in `spaced`, overlaps included.\n"
             "`mode` 0: a whole word (key ` tok `), 1: a prefix (` tok`), 2: a\n"
             "Hangul/kana/Han term (itself); `size` is the token's or term's length.");

static PyObject *word_occurrences(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t size, mode;
    if (nargs != 5 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1]) ||
        !PyList_Check(args[4]) || (size = PyLong_AsSsize_t(args[2])) < 0 ||
        (mode = PyLong_AsSsize_t(args[3])) < 0 || mode > 2) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "word_occurrences(spaced, key, size, mode, inserted)");
        }
        return NULL;
    }
    Occurrences found = {NULL, NULL, 0, 0};
    PyObject *result = NULL;
    if (find_word(args[0], args[1], size, mode, args[4], &found) == 0) {
        result = PyList_New(found.count);
        for (Py_ssize_t i = 0; result != NULL && i < found.count; i++) {
            PyObject *occurrence = Py_BuildValue("(nnn)", found.spans[i].start, found.spans[i].end,
                                                 found.ats[i]);
            if (occurrence == NULL) Py_CLEAR(result);
            else PyList_SET_ITEM(result, i, occurrence);
        }
    }
    occurrences_free(&found);
    return result;
}

/* The merge of a matching rule's hit lists (`rules.matcher._Scan.hits`). */
typedef struct {
    Py_ssize_t field;
    PyObject *label, *hits; /* borrowed */
} FoundHits;

typedef struct {
    Py_ssize_t field, start, end;
    PyObject *label, *hit; /* borrowed */
} HitKey;

static int compare_labels(PyObject *a, PyObject *b) {
    return a == b ? 0 : PyUnicode_Compare(a, b);
}

/* The reference's hit order: field, start, end, term. */
static int compare_hit_keys(const void *a, const void *b) {
    const HitKey *x = a, *y = b;
    if (x->field != y->field) return x->field < y->field ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return compare_labels(x->label, y->label);
}

static int hit_key(HitKey *key, Py_ssize_t field, PyObject *label, PyObject *hit) {
    if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) < 4) {
        PyErr_SetString(PyExc_TypeError, "a hit is (term, field, start, end, …)");
        return -1;
    }
    *key = (HitKey){field, PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 2)),
                    PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 3)), label, hit};
    return PyErr_Occurred() ? -1 : 0;
}

/* Raise `best[label]` to `weight`, adding the label at the end when it is new. */
static void best_update(PyObject **labels, double *weights, Py_ssize_t *count, PyObject *label,
                        double weight) {
    for (Py_ssize_t i = 0; i < *count; i++) {
        if (compare_labels(labels[i], label) == 0) {
            if (weight > weights[i]) weights[i] = weight;
            return;
        }
    }
    labels[*count] = label;
    weights[(*count)++] = weight;
}

/* `(hits, best)`: the hits merged, and each label with its best field weight, as pairs. */
static PyObject *pack_hits(PyObject *hits, PyObject **labels, double *weights, Py_ssize_t count) {
    PyObject *best = PyTuple_New(count);
    for (Py_ssize_t i = 0; best != NULL && i < count; i++) {
        PyObject *pair = Py_BuildValue("(Od)", labels[i], weights[i]);
        if (pair == NULL) Py_CLEAR(best);
        else PyTuple_SET_ITEM(best, i, pair);
    }
    PyObject *result = best == NULL ? NULL : PyTuple_Pack(2, hits, best);
    Py_XDECREF(best);
    return result;
}

/* The merge of `_Scan.hits` once each place's hit list is known (`found`, `count` > 1). */
static PyObject *merge_hits(FoundHits *found, Py_ssize_t count, const double *weights) {
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < count; i++) total += PyTuple_GET_SIZE(found[i].hits);
    HitKey *keys = PyMem_Malloc(total * sizeof(HitKey)), *firsts = PyMem_Malloc(count * sizeof(HitKey));
    PyObject **labels = PyMem_Malloc(count * sizeof(PyObject *));
    double *best = PyMem_Malloc(count * sizeof(double));
    PyObject *merged = NULL, *result = NULL;
    Py_ssize_t nkeys = 0, nbest = 0;
    if (keys == NULL || firsts == NULL || labels == NULL || best == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(found[i].hits); j++) {
            PyObject *hit = PyTuple_GET_ITEM(found[i].hits, j);
            if (hit_key(&keys[nkeys++], found[i].field, found[i].label, hit) < 0) goto done;
        }
        firsts[i] = keys[nkeys - PyTuple_GET_SIZE(found[i].hits)];
    }
    qsort(keys, nkeys, sizeof(HitKey), compare_hit_keys);
    qsort(firsts, count, sizeof(HitKey), compare_hit_keys);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < nkeys; i++) { /* equal keys: equal hits; keep one */
        if (kept == 0 || compare_hit_keys(&keys[kept - 1], &keys[i]) != 0) keys[kept++] = keys[i];
    }
    merged = PyTuple_New(kept);
    if (merged == NULL) goto done;
    for (Py_ssize_t i = 0; i < kept; i++) PyTuple_SET_ITEM(merged, i, Py_NewRef(keys[i].hit));
    for (Py_ssize_t i = 0; i < count; i++) {
        best_update(labels, best, &nbest, firsts[i].label, weights[firsts[i].field]);
    }
    result = pack_hits(merged, labels, best, nbest);
done:
    Py_XDECREF(merged);
    PyMem_Free(keys);
    PyMem_Free(firsts);
    PyMem_Free(labels);
    PyMem_Free(best);
    return result;
}

#endif
