/* `windows`: a proximity term's occurrences from its parts', in C.
 *
 * Included by `_speedups.c`. The same as `rules.automaton._windows` (and so
 * `rules.terms._find_proximity`): each part occurrence `(start, end, at)` is placed at
 * the index of the token holding offset `at` of `spaced`; the events are sorted by
 * (token, start, end, at, part); a window runs from an event over every event at most
 * `slop` tokens after it, and counts when it holds every part. Windows are taken left
 * to right without overlap.
 */

typedef struct {
    Py_ssize_t token, start, end, at, part;
} WindowEvent;

static int compare_window_events(const void *a, const void *b) {
    const WindowEvent *x = a, *y = b;
    Py_ssize_t left[5] = {x->token, x->start, x->end, x->at, x->part};
    Py_ssize_t right[5] = {y->token, y->start, y->end, y->at, y->part};
    for (int k = 0; k < 5; k++) {
        if (left[k] != right[k]) return left[k] < right[k] ? -1 : 1;
    }
    return 0;
}

/* The index of the token holding offset `at` of `spaced` (`FieldText.token_index`:
 * tokens are runs of non-spaces), given `starts`, every token start in order. */
static Py_ssize_t token_holding(const Py_ssize_t *starts, Py_ssize_t count, Py_ssize_t at) {
    Py_ssize_t low = 0, high = count;
    while (low < high) { /* bisect_right(starts, at) */
        Py_ssize_t mid = (low + high) / 2;
        if (at < starts[mid]) high = mid;
        else low = mid + 1;
    }
    return low - 1;
}

/* Read every occurrence of `parts` into `events` (allocated here); the count, or -1. */
static Py_ssize_t window_events(PyObject *spaced, PyObject *parts, WindowEvent **events) {
    Py_ssize_t nparts = PyList_GET_SIZE(parts), total = 0, size = PyUnicode_GET_LENGTH(spaced);
    for (Py_ssize_t i = 0; i < nparts; i++) {
        PyObject *found = PyList_GET_ITEM(parts, i);
        if (!PyList_Check(found)) {
            PyErr_SetString(PyExc_TypeError, "windows: each part's occurrences are a list");
            return -1;
        }
        total += PyList_GET_SIZE(found);
    }
    Py_ssize_t *starts = PyMem_Malloc((size / 2 + 2) * sizeof(Py_ssize_t)), ntokens = 0;
    *events = PyMem_Malloc((total + 1) * sizeof(WindowEvent));
    if (starts == NULL || *events == NULL) {
        PyMem_Free(starts);
        PyErr_NoMemory();
        return -1;
    }
    int kind = PyUnicode_KIND(spaced);
    const void *data = PyUnicode_DATA(spaced);
    for (Py_ssize_t i = 0; i < size; i++) {
        if (PyUnicode_READ(kind, data, i) != ' ' && (i == 0 || PyUnicode_READ(kind, data, i - 1) == ' ')) {
            starts[ntokens++] = i;
        }
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < nparts; i++) {
        PyObject *found = PyList_GET_ITEM(parts, i);
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(found); k++) {
            PyObject *occurrence = PyList_GET_ITEM(found, k);
            if (!PyTuple_Check(occurrence) || PyTuple_GET_SIZE(occurrence) != 3) {
                PyErr_SetString(PyExc_TypeError, "windows: an occurrence is (start, end, at)");
                break;
            }
            WindowEvent *e = &(*events)[n++];
            e->start = PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 0));
            e->end = PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 1));
            e->at = PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 2));
            e->token = token_holding(starts, ntokens, e->at);
            e->part = i;
        }
    }
    PyMem_Free(starts);
    return PyErr_Occurred() ? -1 : n;
}

PyDoc_STRVAR(windows_doc,
             "windows(spaced, parts, slop) -> list\n\n"
             "`rules.automaton._windows`: the occurrences `(start, end, at)` of a proximity\n"
             "term whose parts occur at `parts` (a list of lists of occurrences) in a field\n"
             "with this `spaced` text.");

static PyObject *windows(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t slop;
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyList_Check(args[1]) ||
        ((slop = PyLong_AsSsize_t(args[2])) == -1 && PyErr_Occurred())) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "windows(spaced, parts, slop)");
        return NULL;
    }
    WindowEvent *events = NULL;
    Py_ssize_t n = window_events(args[0], args[1], &events), nparts = PyList_GET_SIZE(args[1]);
    Py_ssize_t *seen = n < 0 ? NULL : PyMem_Calloc(nparts + 1, sizeof(Py_ssize_t));
    PyObject *found = seen == NULL ? NULL : PyList_New(0);
    if (n >= 0 && seen == NULL) PyErr_NoMemory();
    if (found != NULL) qsort(events, n, sizeof(WindowEvent), compare_window_events);
    for (Py_ssize_t i = 0, round = 1; found != NULL && i < n; round++) {
        Py_ssize_t last = events[i].token + slop, j = i, distinct = 0;
        Py_ssize_t start = events[i].start, end = events[i].end;
        for (; j < n && events[j].token <= last; j++) {
            if (seen[events[j].part] != round) { /* `round` marks parts seen in this window */
                seen[events[j].part] = round;
                distinct++;
            }
            start = Py_MIN(start, events[j].start);
            end = Py_MAX(end, events[j].end);
        }
        if (distinct < nparts) {
            i++;
            continue;
        }
        PyObject *occurrence = Py_BuildValue("(nnn)", start, end, events[i].at);
        if (occurrence == NULL || PyList_Append(found, occurrence) < 0) Py_CLEAR(found);
        Py_XDECREF(occurrence);
        i = j;
    }
    PyMem_Free(events);
    PyMem_Free(seen);
    return found;
}
