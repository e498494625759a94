/* The matcher's per-document core in `rules/_speedups.c`: what `rules.matcher` does
 * between the scan and the sorted matches, when a rule set is large enough that Python's
 * per-rule work dominates. Included once, by `_speedups.c`, after `_matcher_hits.h`.
 *
 * - `absorb`: the pids of a field's word keys → the document's pids and facts
 *   (`pid * nfields + field`) (`rules.matcher._Scan.__init__`).
 * - `candidates`: `rules.index.Presearcher.candidates`.
 * - `match_rules`: the loop of `rules.matcher.Matcher.match`: each candidate's program
 *   (`_Scan.holds`), its hits merged in the reference's order (`_Scan.hits`), its score
 *   (`RuleProgram.score`), the `Match`es sorted best first.
 *
 * The data are the Python matcher's own (rule programs as nested tuples, facts and pids
 * as sets); what needs the text (a hit list, a proximity window) is asked of Python
 * through callables. `tests/rules/test_differential.py` runs both ways.
 */
#ifndef NEWSWATCH_MATCHER_CORE_H
#define NEWSWATCH_MATCHER_CORE_H

enum { OP_FACTS = 0, OP_PROX = 1, OP_AND = 2, OP_OR = 3, OP_NOT = 4 }; /* rules.index */

static PyObject *builtin_sum; /* `sum`, as `rules.scoring` adds (compensated in 3.12+) */

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

/* `rules.matcher._Scan.holds`: 1, 0, or -1 on error. `proximity(pid, fields)` answers
 * for a proximity leaf. */
static int holds(PyObject *program, PyObject *facts, PyObject *proximity) {
    if (!PyTuple_Check(program) || PyTuple_GET_SIZE(program) < 2) {
        PyErr_SetString(PyExc_TypeError, "a rule program is a tuple (opcode, …)");
        return -1;
    }
    long op = PyLong_AsLong(PyTuple_GET_ITEM(program, 0));
    PyObject *operand = PyTuple_GET_ITEM(program, 1);
    if (op == OP_FACTS && PyTuple_Check(operand)) return any_in(operand, facts);
    if (Py_EnterRecursiveCall(" in a rule program")) return -1;
    int result = -1;
    if (op == OP_FACTS) {
        /* keys not a tuple: malformed */
    } else if (op == OP_AND || op == OP_OR) {
        int stop = op == OP_OR; /* the value that ends the loop: any() or all() */
        result = !stop;
        for (Py_ssize_t i = 0; PyTuple_Check(operand) && i < PyTuple_GET_SIZE(operand); i++) {
            int value = holds(PyTuple_GET_ITEM(operand, i), facts, proximity);
            if (value < 0 || value == stop) {
                result = value;
                break;
            }
        }
    } else if (op == OP_NOT) {
        result = holds(operand, facts, proximity);
        if (result >= 0) result = !result;
    } else if (op == OP_PROX && PyTuple_GET_SIZE(program) == 3) {
        PyObject *answer = PyObject_CallFunctionObjArgs(proximity, operand,
                                                        PyTuple_GET_ITEM(program, 2), NULL);
        result = answer == NULL ? -1 : PyObject_IsTrue(answer);
        Py_XDECREF(answer);
    }
    Py_LeaveRecursiveCall();
    if (result < 0 && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_TypeError, "a malformed rule program");
    }
    return result;
}

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

/* `_Scan.hits(places)`: `(hits, best)`, each hit list asked of `hits_of(label, pid,
 * field)` once per document (`cache`, by hit-list number). */
static PyObject *rule_hits(PyObject *places, PyObject *facts, PyObject *cache, PyObject *hits_of,
                           const double *weights, Py_ssize_t nweights) {
    Py_ssize_t n = PyTuple_GET_SIZE(places), count = 0;
    FoundHits *found = PyMem_Malloc((n + 1) * sizeof(FoundHits));
    if (found == NULL) return PyErr_NoMemory();
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *place = PyTuple_GET_ITEM(places, i);
        if (!PyTuple_Check(place) || PyTuple_GET_SIZE(place) != 6) {
            PyErr_SetString(PyExc_TypeError, "a hit place is (field, key, number, label, pid, scanned)");
            goto done;
        }
        PyObject *number = PyTuple_GET_ITEM(place, 2), *label = PyTuple_GET_ITEM(place, 3);
        Py_ssize_t field = PyLong_AsSsize_t(PyTuple_GET_ITEM(place, 0));
        if (field < 0 || field >= nweights) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "field out of range");
            goto done;
        }
        if (PyTuple_GET_ITEM(place, 5) == Py_True) {
            int present = PySet_Contains(facts, PyTuple_GET_ITEM(place, 1));
            if (present < 0) goto done;
            if (!present) continue; /* not found there: no hits */
        }
        PyObject *hits = PyDict_GetItemWithError(cache, number);
        if (hits == NULL) {
            if (PyErr_Occurred()) goto done;
            hits = PyObject_CallFunctionObjArgs(hits_of, label, PyTuple_GET_ITEM(place, 4),
                                                PyTuple_GET_ITEM(place, 0), NULL);
            if (hits == NULL) goto done;
            int stored = PyTuple_Check(hits) ? PyDict_SetItem(cache, number, hits) : -1;
            Py_DECREF(hits); /* the cache holds it */
            if (stored < 0) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "hits_of gives a tuple");
                goto done;
            }
        }
        if (PyTuple_GET_SIZE(hits)) found[count++] = (FoundHits){field, label, hits};
    }
    if (count == 1) {
        double weight = weights[found[0].field];
        result = pack_hits(found[0].hits, &found[0].label, &weight, 1);
        goto done;
    }
    for (Py_ssize_t i = 1; i < count; i++) { /* stable sort by field (few lists) */
        FoundHits moving = found[i];
        Py_ssize_t j = i;
        for (; j > 0 && found[j - 1].field > moving.field; j--) found[j] = found[j - 1];
        found[j] = moving;
    }
    int shared = 0;
    for (Py_ssize_t i = 1; i < count; i++) shared |= found[i].field == found[i - 1].field;
    if (shared) {
        result = merge_hits(found, count, weights);
        goto done;
    }
    /* each in its own field: the lists, in field order, need no merge */
    Py_ssize_t total = 0, nbest = 0;
    for (Py_ssize_t i = 0; i < count; i++) total += PyTuple_GET_SIZE(found[i].hits);
    PyObject *joined = PyTuple_New(total);
    PyObject **labels = PyMem_Malloc((count + 1) * sizeof(PyObject *));
    double *best = PyMem_Malloc((count + 1) * sizeof(double));
    if (joined != NULL && labels != NULL && best != NULL) {
        Py_ssize_t k = 0;
        for (Py_ssize_t i = 0; i < count; i++) {
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(found[i].hits); j++) {
                PyTuple_SET_ITEM(joined, k++, Py_NewRef(PyTuple_GET_ITEM(found[i].hits, j)));
            }
            best_update(labels, best, &nbest, found[i].label, weights[found[i].field]);
        }
        result = pack_hits(joined, labels, best, nbest);
    } else if (joined != NULL) {
        PyErr_NoMemory();
    }
    Py_XDECREF(joined);
    PyMem_Free(labels);
    PyMem_Free(best);
done:
    PyMem_Free(found);
    return result;
}

/* `RuleProgram.score(best)`: the sum of boost × weight over `best`, times the priority's
 * weight; one term's product is not passed through `sum` (as in Python: `0 + x` is x). */
static int rule_score(PyObject *best, PyObject *boosts, double priority, double *score) {
    Py_ssize_t n = PyTuple_GET_SIZE(best);
    PyObject *products = n > 1 ? PyList_New(n) : NULL;
    if (n > 1 && products == NULL) return -1;
    double product = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = PyTuple_GET_ITEM(best, i);
        PyObject *boost = PyDict_GetItemWithError(boosts, PyTuple_GET_ITEM(pair, 0));
        double factor = boost == NULL ? 1.0 : PyFloat_AsDouble(boost);
        if (PyErr_Occurred()) {
            Py_XDECREF(products);
            return -1;
        }
        product = factor * PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(pair, 1));
        if (products != NULL) {
            PyObject *value = PyFloat_FromDouble(product);
            if (value == NULL) {
                Py_DECREF(products);
                return -1;
            }
            PyList_SET_ITEM(products, i, value);
        }
    }
    if (products == NULL) {
        *score = product * priority;
        return 0;
    }
    PyObject *total = PyObject_CallOneArg(builtin_sum, products);
    Py_DECREF(products);
    if (total == NULL) return -1;
    *score = PyFloat_AsDouble(total) * priority;
    Py_DECREF(total);
    return PyErr_Occurred() ? -1 : 0;
}

typedef struct {
    double score;
    PyObject *rule_id; /* borrowed, from the rule */
    PyObject *match;   /* owned */
} Scored;

static int compare_scored(const void *a, const void *b) { /* best score first, then id */
    const Scored *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return compare_labels(x->rule_id, y->rule_id);
}

/* One candidate: its Match appended to `out` when it matches; 0, or -1 on error. */
static int match_one(PyObject *rule, PyObject *const *args, PyObject *explained, Scored *out,
                     Py_ssize_t *count, const double *weights, Py_ssize_t nweights) {
    if (!PyTuple_Check(rule) || PyTuple_GET_SIZE(rule) != 6) {
        PyErr_SetString(PyExc_TypeError, "a rule is (id, program, places, boosts, leafset, priority)");
        return -1;
    }
    PyObject *rule_id = PyTuple_GET_ITEM(rule, 0), *rule_ids = args[7];
    if (rule_ids != Py_None) {
        int wanted = PySequence_Contains(rule_ids, rule_id);
        if (wanted <= 0) return wanted;
    }
    int matched = holds(PyTuple_GET_ITEM(rule, 1), args[2], args[5]);
    if (matched <= 0) return matched;
    PyObject *leafset = PyTuple_GET_ITEM(rule, 4);
    PyObject *known = PyDict_GetItemWithError(explained, leafset); /* equal leaves: equal hits */
    if (known == NULL) {
        if (PyErr_Occurred()) return -1;
        PyObject *made = rule_hits(PyTuple_GET_ITEM(rule, 2), args[2], args[3], args[4], weights,
                                   nweights);
        if (made == NULL) return -1;
        int stored = PyDict_SetItem(explained, leafset, made);
        Py_DECREF(made);
        if (stored < 0) return -1;
        known = made;
    }
    PyObject *boosts = PyTuple_GET_ITEM(rule, 3);
    double score, priority = PyFloat_AsDouble(PyTuple_GET_ITEM(rule, 5));
    if (PyErr_Occurred() || !PyDict_Check(boosts)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "boosts must be a dict");
        return -1;
    }
    if (rule_score(PyTuple_GET_ITEM(known, 1), boosts, priority, &score) < 0) return -1;
    PyTypeObject *match_type = (PyTypeObject *)args[8];
    PyObject *match = match_type->tp_alloc(match_type, 3), *value = PyFloat_FromDouble(score);
    if (match == NULL || value == NULL) {
        Py_XDECREF(match);
        Py_XDECREF(value);
        return -1;
    }
    PyTuple_SET_ITEM(match, 0, Py_NewRef(rule_id));
    PyTuple_SET_ITEM(match, 1, value);
    PyTuple_SET_ITEM(match, 2, Py_NewRef(PyTuple_GET_ITEM(known, 0)));
    out[(*count)++] = (Scored){score, rule_id, match};
    return 0;
}

PyDoc_STRVAR(match_rules_doc,
             "match_rules(numbers, rules, facts, hits_cache, hits_of, proximity, weights,\n"
             "            rule_ids, match_type) -> list\n\n"
             "The loop of `rules.matcher.Matcher.match` over the candidate rule numbers:\n"
             "each rule `(id, program, places, boosts, leafset, priority weight)` whose\n"
             "program holds of `facts` (`proximity(pid, fields)` for a proximity leaf) and\n"
             "whose id is in `rule_ids` (unless None), as `match_type(id, score, hits)`,\n"
             "best score first, then by id. Hit lists come from `hits_of(label, pid,\n"
             "field)`, once each (`hits_cache`); `weights` is each field's weight.");

static PyObject *match_rules(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 9 || !PyTuple_Check(args[1]) || !PyAnySet_Check(args[2]) ||
        !PyDict_Check(args[3]) || !PyTuple_Check(args[6]) || !PyType_Check(args[8]) ||
        !PyType_IsSubtype((PyTypeObject *)args[8], &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "match_rules(numbers, rules, facts, hits_cache, hits_of, "
                                         "proximity, weights, rule_ids, match_type)");
        return NULL;
    }
    PyObject *numbers = PySequence_Fast(args[0], "numbers must be iterable"), *rules = args[1];
    if (numbers == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(numbers), nweights = PyTuple_GET_SIZE(args[6]);
    Py_ssize_t count = 0;
    Scored *scored = PyMem_Malloc((n + 1) * sizeof(Scored));
    double *weights = PyMem_Malloc((nweights + 1) * sizeof(double));
    PyObject *explained = PyDict_New(), *result = NULL;
    if (scored == NULL || weights == NULL || explained == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < nweights; i++) {
        weights[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(args[6], i));
    }
    if (PyErr_Occurred()) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t number = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(numbers, i));
        if (number < 0 || number >= PyTuple_GET_SIZE(rules)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "rule number out of range");
            goto done;
        }
        if (match_one(PyTuple_GET_ITEM(rules, number), args, explained, scored, &count, weights,
                      nweights) < 0) {
            goto done;
        }
    }
    qsort(scored, count, sizeof(Scored), compare_scored);
    result = PyList_New(count);
    for (Py_ssize_t i = 0; result != NULL && i < count; i++) {
        PyList_SET_ITEM(result, i, scored[i].match);
        scored[i].match = NULL;
    }
done:
    for (Py_ssize_t i = 0; scored != NULL && i < count; i++) Py_XDECREF(scored[i].match);
    PyMem_Free(scored);
    PyMem_Free(weights);
    Py_XDECREF(explained);
    Py_DECREF(numbers);
    return result;
}

#endif
