/* The scan's helpers and the presearcher in `rules/_speedups.c`. Included once, by
 * `_speedups.c`, before `_matcher_core.h`.
 *
 * - `absorb`: the pids of a field's word keys → the document's pids and facts
 *   (`pid * nfields + field`) (`rules.matcher._Scan.__init__`).
 * - `candidates`: `rules.index.Presearcher.candidates`, over its own dicts.
 */
#ifndef NEWSWATCH_PRESEARCH_H
#define NEWSWATCH_PRESEARCH_H

/* Whether one of the ints in tuple `keys` is in set `set`; -1 on error. */
static int any_in(PyObject *keys, PyObject *set) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(keys); i++) {
        int found = PySet_Contains(set, PyTuple_GET_ITEM(keys, i));
        if (found != 0) return found;
    }
    return 0;
}

PyDoc_STRVAR(absorb_doc,
             "absorb(words, field, nfields, pids, facts)\n\n"
             "Add each pid of `words` (the word keys found in a field) to `pids`, and\n"
             "`pid * nfields + field` to `facts`.");

static PyObject *absorb(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyAnySet_Check(args[0]) || !PyLong_Check(args[1]) ||
        !PyLong_Check(args[2]) || !PySet_Check(args[3]) || !PySet_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "absorb(words, field, nfields, pids, facts)");
        return NULL;
    }
    Py_ssize_t field = PyLong_AsSsize_t(args[1]), nfields = PyLong_AsSsize_t(args[2]);
    PyObject *iterator = PyObject_GetIter(args[0]), *pid;
    if (iterator == NULL) return NULL;
    while ((pid = PyIter_Next(iterator)) != NULL) {
        Py_ssize_t number = PyLong_AsSsize_t(pid);
        PyObject *fact = number < 0 ? NULL : PyLong_FromSsize_t(number * nfields + field);
        int failed = fact == NULL || PySet_Add(args[3], pid) < 0 || PySet_Add(args[4], fact) < 0;
        Py_XDECREF(fact);
        Py_DECREF(pid);
        if (failed) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a pid must not be negative");
            break;
        }
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

/* Add each rule `(number, rest)` of tuple `filed` whose `rest` groups all meet `pids`. */
static int add_if_complete(PyObject *found, PyObject *filed, PyObject *pids) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(filed); i++) {
        PyObject *entry = PyTuple_GET_ITEM(filed, i), *rest = PyTuple_GET_ITEM(entry, 1);
        int complete = 1;
        for (Py_ssize_t g = 0; complete == 1 && g < PyTuple_GET_SIZE(rest); g++) {
            complete = any_in(PyTuple_GET_ITEM(rest, g), pids);
        }
        if (complete < 0) return -1;
        if (complete && PySet_Add(found, PyTuple_GET_ITEM(entry, 0)) < 0) return -1;
    }
    return 0;
}

/* The rules filed under `pid` in `paired` whose second pid is in `pids` too. */
static int add_paired(PyObject *found, PyObject *seconds, PyObject *pids) {
    if (PyDict_GET_SIZE(seconds) <= PySet_GET_SIZE(pids)) {
        Py_ssize_t pos = 0;
        PyObject *second, *filed;
        while (PyDict_Next(seconds, &pos, &second, &filed)) {
            int present = PySet_Contains(pids, second);
            if (present < 0 || (present && add_if_complete(found, filed, pids) < 0)) return -1;
        }
        return 0;
    }
    PyObject *iterator = PyObject_GetIter(pids), *second;
    if (iterator == NULL) return -1;
    while ((second = PyIter_Next(iterator)) != NULL) {
        PyObject *filed = PyDict_GetItemWithError(seconds, second);
        Py_DECREF(second);
        if (filed == NULL ? PyErr_Occurred() != NULL : add_if_complete(found, filed, pids) < 0) {
            break;
        }
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? -1 : 0;
}

PyDoc_STRVAR(candidates_doc,
             "candidates(pids, always, direct, paired) -> set\n\n"
             "`rules.index.Presearcher.candidates`: `always`, the rules `direct` files\n"
             "under a pid in `pids`, and the rules `paired` files under two pids in\n"
             "`pids` whose other groups (tuples of pids) each meet `pids`.");

static PyObject *candidates(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyAnySet_Check(args[0]) || !PyTuple_Check(args[1]) ||
        !PyDict_Check(args[2]) || !PyDict_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "candidates(pids, always, direct, paired)");
        return NULL;
    }
    PyObject *pids = args[0], *direct = args[2], *paired = args[3];
    PyObject *found = PySet_New(args[1]);
    PyObject *iterator = found ? PyObject_GetIter(pids) : NULL, *pid;
    if (iterator == NULL) {
        Py_XDECREF(found);
        return NULL;
    }
    while ((pid = PyIter_Next(iterator)) != NULL) {
        PyObject *numbers = PyDict_GetItemWithError(direct, pid);
        PyObject *seconds = numbers == NULL && PyErr_Occurred() ? NULL
                                                                : PyDict_GetItemWithError(paired, pid);
        Py_DECREF(pid);
        if (PyErr_Occurred()) break;
        for (Py_ssize_t i = 0; numbers != NULL && i < PyTuple_GET_SIZE(numbers); i++) {
            if (PySet_Add(found, PyTuple_GET_ITEM(numbers, i)) < 0) break;
        }
        if (PyErr_Occurred() || (seconds != NULL && add_paired(found, seconds, pids) < 0)) break;
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) Py_CLEAR(found);
    return found;
}

#endif
