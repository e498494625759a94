/* The matcher's helpers in `rules/_speedups.c`: a word key's occurrences in `spaced`
 * (`rules.automaton.PatternTable.place` over `ends`) and hits placed in the original
 * text (`rules.matcher._Scan._hits_of` once the occurrences are found). Included once,
 * by `_speedups.c`, after `Span`.
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

PyDoc_STRVAR(hits_doc,
             "hits(hit_type, term, field, original, occurrences, stages) -> tuple\n\n"
             "`rules.matcher._Scan._hits_of` once the occurrences are found: each\n"
             "occurrence's `(start, end)` in the normalised text mapped back through the\n"
             "stages' edit columns (outermost first) to the original text, duplicates\n"
             "dropped, in order, as `hit_type(term, field, start, end, text)`.");

static PyObject *hits(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyType_Check(args[0]) ||
        !PyType_IsSubtype((PyTypeObject *)args[0], &PyTuple_Type) || !PyUnicode_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "hits(hit_type, term, field, original, occurrences, stages)");
        return NULL;
    }
    PyTypeObject *hit_type = (PyTypeObject *)args[0];
    PyObject *term = args[1], *field = args[2], *original = args[3];
    PyObject *found = PySequence_Fast(args[4], "occurrences must be a sequence");
    PyObject *stages = found ? PySequence_Fast(args[5], "stages must be a sequence") : NULL;
    Py_ssize_t count = found ? PySequence_Fast_GET_SIZE(found) : 0, nstages = 0;
    Span *spans = PyMem_Malloc((count + 1) * sizeof(Span));
    Columns *columns = NULL;
    PyObject *result = NULL;
    if (stages == NULL || spans == NULL) goto done;
    nstages = PySequence_Fast_GET_SIZE(stages);
    columns = PyMem_Calloc(nstages + 1, sizeof(Columns));
    if (columns == NULL) goto done;
    for (Py_ssize_t k = 0; k < nstages; k++) {
        PyObject *stage = PySequence_Fast_GET_ITEM(stages, k);
        if (!PyTuple_Check(stage) || PyTuple_GET_SIZE(stage) != 4) {
            PyErr_SetString(PyExc_TypeError, "a stage is (outs, ins, ine, sizes)");
            goto done;
        }
        PyObject **slots[4] = {&columns[k].outs, &columns[k].ins, &columns[k].ine, &columns[k].sizes};
        for (int c = 0; c < 4; c++) {
            *slots[c] = PySequence_Fast(PyTuple_GET_ITEM(stage, c), "a column must be a sequence");
            if (*slots[c] == NULL) goto done;
        }
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *occurrence = PySequence_Fast_GET_ITEM(found, i);
        if (!PyTuple_Check(occurrence) || PyTuple_GET_SIZE(occurrence) < 2) {
            PyErr_SetString(PyExc_TypeError, "an occurrence is (start, end, …)");
            goto done;
        }
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 0));
        Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 1));
        for (Py_ssize_t k = nstages - 1; k >= 0; k--) { /* innermost first */
            start = stage_start(&columns[k], start);
            end = stage_end(&columns[k], end - 1);
        }
        if (PyErr_Occurred()) goto done;
        spans[i] = (Span){start, end};
    }
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
    result = PyTuple_New(kept);
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
done:
    for (Py_ssize_t k = 0; columns != NULL && k < nstages; k++) {
        Py_XDECREF(columns[k].outs);
        Py_XDECREF(columns[k].ins);
        Py_XDECREF(columns[k].ine);
        Py_XDECREF(columns[k].sizes);
    }
    PyMem_Free(columns);
    PyMem_Free(spans);
    Py_XDECREF(found);
    Py_XDECREF(stages);
    return result;
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
    PyObject *spaced = args[0], *key = args[1], *inserted = args[4];
    Py_ssize_t n = PyUnicode_GET_LENGTH(spaced), back = PyUnicode_GET_LENGTH(key) - 1;
    Py_ssize_t ninserted = PyList_GET_SIZE(inserted);
    PyObject *found = PyList_New(0);
    if (found == NULL || back < 0) return found;
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
        PyObject *occurrence = Py_BuildValue("(nnn)", text, text + stop - start, start);
        if (occurrence == NULL || PyList_Append(found, occurrence) < 0) {
            Py_XDECREF(occurrence);
            Py_DECREF(found);
            return NULL;
        }
        Py_DECREF(occurrence);
    }
    if (PyErr_Occurred()) Py_CLEAR(found); /* PyUnicode_Find gives -2 on an error */
    return found;
}

#endif
