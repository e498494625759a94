/* The matcher's per-document core in `rules/_speedups.c`: what `rules.matcher` does
 * between the candidates (`_presearch.h`) and the sorted matches. Included once, by
 * `_speedups.c`, after `_matcher_hits.h` and `_presearch.h`.
 *
 * `match_rules` is the loop of `rules.matcher.Matcher.match`: each candidate's program
 * (`_Scan.holds`), its hits merged in the reference's order (`_Scan.hits`, the merge in
 * `_matcher_hits.h`), its score (`RuleProgram.score`), the `Match`es sorted best first.
 *
 * The data are the Python matcher's own (rule programs as nested tuples, facts and pids
 * as sets). A word's and a phrase's hits are placed here; a proximity term's windows
 * and hits are asked of Python through callables. `tests/rules/test_differential.py`
 * runs both ways.
 */
#ifndef NEWSWATCH_MATCHER_CORE_H
#define NEWSWATCH_MATCHER_CORE_H

enum { OP_FACTS = 0, OP_PROX = 1, OP_AND = 2, OP_OR = 3, OP_NOT = 4 }; /* rules.index */
enum { KIND_SEQUENCE = 2 };                                              /* rules.automaton */

static PyObject *builtin_sum; /* `sum`, as `rules.scoring` adds (compensated in 3.12+) */


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


/* A field's texts, read from its `rules.fieldtext.FieldText` on first use. */
typedef struct {
    int state; /* 0: not read yet, 1: read, -1: the document has no such field */
    PyObject *spaced, *inserted, *original;
    Columns *columns;
    Py_ssize_t nstages;
} FieldData;

#define MAX_FIELDS 16

/* One `match_rules` call: the rule set's tables and the document's scan. */
typedef struct {
    PyObject *facts, *fields, *phrases, *hit_lists, *hits_of, *proximity, *rule_ids;
    PyObject *word_keys, *field_names, *kinds;
    PyTypeObject *match_type, *hit_type;
    double weights[MAX_FIELDS];
    Py_ssize_t nfields;
    FieldData data[MAX_FIELDS];
} Context;

static PyObject *str_spaced, *str_inserted, *str_original, *str_norm, *str_columns;

static FieldData *field_data(Context *c, PyObject *field_index, Py_ssize_t field) {
    FieldData *d = &c->data[field];
    if (d->state != 0) return d;
    PyObject *text = PyDict_GetItemWithError(c->fields, field_index); /* a FieldText */
    if (text == NULL) {
        if (PyErr_Occurred()) return NULL;
        d->state = -1;
        return d;
    }
    d->spaced = PyObject_GetAttr(text, str_spaced);
    d->inserted = d->spaced ? PyObject_GetAttr(text, str_inserted) : NULL;
    d->original = d->inserted ? PyObject_GetAttr(text, str_original) : NULL;
    PyObject *norm = d->original ? PyObject_GetAttr(text, str_norm) : NULL;
    PyObject *stages = norm ? PyObject_CallMethodNoArgs(norm, str_columns) : NULL;
    Py_XDECREF(norm);
    if (stages != NULL) {
        d->columns = columns_read(stages, &d->nstages);
        Py_DECREF(stages);
    }
    d->state = 1; /* from here on, `context_free` releases what was read */
    if (PyErr_Occurred()) return NULL;
    if (!PyUnicode_Check(d->spaced) || !PyList_Check(d->inserted) || !PyUnicode_Check(d->original)) {
        PyErr_SetString(PyExc_TypeError, "a field text has str spaced and original, list inserted");
        return NULL;
    }
    return d;
}

static void context_free(Context *c) {
    for (Py_ssize_t i = 0; i < c->nfields; i++) {
        FieldData *d = &c->data[i];
        if (d->state != 1) continue;
        Py_XDECREF(d->spaced);
        Py_XDECREF(d->inserted);
        Py_XDECREF(d->original);
        columns_free(d->columns, d->nstages);
    }
}

/* The hits of a word or Hangul/kana/Han term `(key, size, mode)` in one field, placed in
 * the original text: `_Scan.hits_of` for a scanned word pattern. */
static PyObject *word_hits(Context *c, PyObject *word, PyObject *label, PyObject *field_index,
                           Py_ssize_t field) {
    if (!PyTuple_Check(word) || PyTuple_GET_SIZE(word) != 3) {
        PyErr_SetString(PyExc_TypeError, "a word key is (key, size, mode)");
        return NULL;
    }
    FieldData *d = field_data(c, field_index, field);
    if (d == NULL) return NULL;
    if (d->state < 0) return PyTuple_New(0);
    Py_ssize_t size = PyLong_AsSsize_t(PyTuple_GET_ITEM(word, 1));
    Py_ssize_t mode = PyLong_AsSsize_t(PyTuple_GET_ITEM(word, 2));
    if (PyErr_Occurred()) return NULL;
    Occurrences found = {NULL, NULL, 0, 0};
    PyObject *result = NULL;
    if (find_word(d->spaced, PyTuple_GET_ITEM(word, 0), size, mode, d->inserted, &found) == 0) {
        result = place_hits(c->hit_type, label, PyTuple_GET_ITEM(c->field_names, field), d->original,
                            found.spans, found.count, d->columns, d->nstages);
    }
    occurrences_free(&found);
    return result;
}

/* The hits of phrase `pid` in one field, placed in the original text: `_Scan.hits_of`
 * for a phrase, whose occurrences the scan found (`phrases`: field → pid → list). */
static PyObject *phrase_hits(Context *c, PyObject *label, PyObject *pid, PyObject *field_index,
                             Py_ssize_t field) {
    PyObject *by_pid = PyDict_GetItemWithError(c->phrases, field_index);
    PyObject *found = by_pid == NULL ? NULL : PyDict_GetItemWithError(by_pid, pid);
    if (found == NULL) return PyErr_Occurred() ? NULL : PyTuple_New(0);
    FieldData *d = field_data(c, field_index, field);
    if (d == NULL) return NULL;
    Py_ssize_t count = PyList_Check(found) ? PyList_GET_SIZE(found) : -1;
    if (d->state < 0 || count <= 0) {
        if (count < 0) PyErr_SetString(PyExc_TypeError, "a phrase's occurrences are a list");
        return count < 0 ? NULL : PyTuple_New(0);
    }
    Span *spans = PyMem_Malloc(count * sizeof(Span));
    if (spans == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *occurrence = PyList_GET_ITEM(found, i);
        if (!PyTuple_Check(occurrence) || PyTuple_GET_SIZE(occurrence) != 3) {
            PyErr_SetString(PyExc_TypeError, "an occurrence is (start, end, at)");
            break;
        }
        spans[i] = (Span){PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 0)),
                          PyLong_AsSsize_t(PyTuple_GET_ITEM(occurrence, 1))};
    }
    PyObject *result = PyErr_Occurred() ? NULL
                                        : place_hits(c->hit_type, label, PyTuple_GET_ITEM(c->field_names, field),
                                                     d->original, spans, count, d->columns, d->nstages);
    PyMem_Free(spans);
    return result;
}

/* The hit list of one place, made once per document (`hit_lists`, by number): a word's
 * here, any other term's by `hits_of(label, pid, field)`. Borrowed from the cache. */
static PyObject *place_hit_list(Context *c, PyObject *place, Py_ssize_t field) {
    PyObject *number = PyTuple_GET_ITEM(place, 2), *label = PyTuple_GET_ITEM(place, 3);
    PyObject *hits = PyDict_GetItemWithError(c->hit_lists, number);
    if (hits != NULL || PyErr_Occurred()) return hits;
    PyObject *pid = PyTuple_GET_ITEM(place, 4);
    Py_ssize_t index = PyLong_AsSsize_t(pid);
    if (index < 0 || index >= PyTuple_GET_SIZE(c->word_keys) || index >= PyTuple_GET_SIZE(c->kinds)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "pid out of range");
        return NULL;
    }
    PyObject *word = PyTuple_GET_ITEM(c->word_keys, index), *field_index = PyTuple_GET_ITEM(place, 0);
    if (word != Py_None && PyTuple_GET_ITEM(place, 5) == Py_True) { /* found by the scan */
        hits = word_hits(c, word, label, field_index, field);
    } else if (PyLong_AsLong(PyTuple_GET_ITEM(c->kinds, index)) == KIND_SEQUENCE) {
        hits = phrase_hits(c, label, pid, field_index, field);
    } else {
        hits = PyObject_CallFunctionObjArgs(c->hits_of, label, pid, field_index, NULL);
    }
    if (hits == NULL) return NULL;
    int stored = PyTuple_Check(hits) ? PyDict_SetItem(c->hit_lists, number, hits) : -1;
    Py_DECREF(hits); /* the cache holds it */
    if (stored < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "hits_of gives a tuple");
        return NULL;
    }
    return hits;
}

/* `_Scan.hits(places)`: `(hits, best)`, each label's best field weight in order. */
static PyObject *rule_hits(Context *c, PyObject *places) {
    Py_ssize_t n = PyTuple_GET_SIZE(places), count = 0;
    FoundHits *found = PyMem_Malloc((n + 1) * sizeof(FoundHits));
    if (found == NULL) return PyErr_NoMemory();
    const double *weights = c->weights;
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *place = PyTuple_GET_ITEM(places, i);
        if (!PyTuple_Check(place) || PyTuple_GET_SIZE(place) != 6) {
            PyErr_SetString(PyExc_TypeError, "a hit place is (field, key, number, label, pid, scanned)");
            goto done;
        }
        Py_ssize_t field = PyLong_AsSsize_t(PyTuple_GET_ITEM(place, 0));
        if (field < 0 || field >= c->nfields) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "field out of range");
            goto done;
        }
        if (PyTuple_GET_ITEM(place, 5) == Py_True) {
            int present = PySet_Contains(c->facts, PyTuple_GET_ITEM(place, 1));
            if (present < 0) goto done;
            if (!present) continue; /* not found there: no hits */
        }
        PyObject *hits = place_hit_list(c, place, field);
        if (hits == NULL) goto done;
        if (PyTuple_GET_SIZE(hits)) {
            found[count++] = (FoundHits){field, PyTuple_GET_ITEM(place, 3), hits};
        }
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
static int match_one(Context *c, PyObject *rule, PyObject *explained, Scored *out,
                     Py_ssize_t *count) {
    if (!PyTuple_Check(rule) || PyTuple_GET_SIZE(rule) != 6) {
        PyErr_SetString(PyExc_TypeError, "a rule is (id, program, places, boosts, leafset, priority)");
        return -1;
    }
    PyObject *rule_id = PyTuple_GET_ITEM(rule, 0);
    if (c->rule_ids != Py_None) {
        int wanted = PySequence_Contains(c->rule_ids, rule_id);
        if (wanted <= 0) return wanted;
    }
    int matched = holds(PyTuple_GET_ITEM(rule, 1), c->facts, c->proximity);
    if (matched <= 0) return matched;
    PyObject *leafset = PyTuple_GET_ITEM(rule, 4);
    PyObject *known = PyDict_GetItemWithError(explained, leafset); /* equal leaves: equal hits */
    if (known == NULL) {
        if (PyErr_Occurred()) return -1;
        PyObject *made = rule_hits(c, PyTuple_GET_ITEM(rule, 2));
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
    PyObject *match = c->match_type->tp_alloc(c->match_type, 3), *value = PyFloat_FromDouble(score);
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

static int is_tuple_type(PyObject *type) {
    return PyType_Check(type) && PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type);
}

/* The rule set's tables, `(rules, word_keys, weights, field_names, match_type,
 * hit_type, kinds)`, into `c`; 0, or -1 with a TypeError. */
static int read_tables(Context *c, PyObject *tables) {
    if (!PyTuple_Check(tables) || PyTuple_GET_SIZE(tables) != 7 ||
        !PyTuple_Check(PyTuple_GET_ITEM(tables, 6)) ||
        !PyTuple_Check(PyTuple_GET_ITEM(tables, 0)) || !PyTuple_Check(PyTuple_GET_ITEM(tables, 1)) ||
        !PyTuple_Check(PyTuple_GET_ITEM(tables, 2)) || !PyTuple_Check(PyTuple_GET_ITEM(tables, 3)) ||
        !is_tuple_type(PyTuple_GET_ITEM(tables, 4)) || !is_tuple_type(PyTuple_GET_ITEM(tables, 5)) ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(tables, 2)) > MAX_FIELDS ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(tables, 2)) != PyTuple_GET_SIZE(PyTuple_GET_ITEM(tables, 3))) {
        PyErr_SetString(PyExc_TypeError, "tables are (rules, word_keys, weights, field_names, "
                                         "match_type, hit_type, kinds)");
        return -1;
    }
    PyObject *weights = PyTuple_GET_ITEM(tables, 2);
    c->word_keys = PyTuple_GET_ITEM(tables, 1);
    c->field_names = PyTuple_GET_ITEM(tables, 3);
    c->match_type = (PyTypeObject *)PyTuple_GET_ITEM(tables, 4);
    c->hit_type = (PyTypeObject *)PyTuple_GET_ITEM(tables, 5);
    c->kinds = PyTuple_GET_ITEM(tables, 6);
    c->nfields = PyTuple_GET_SIZE(weights);
    for (Py_ssize_t i = 0; i < c->nfields; i++) {
        c->weights[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(weights, i));
    }
    return PyErr_Occurred() ? -1 : 0;
}

PyDoc_STRVAR(match_rules_doc,
             "match_rules(tables, numbers, facts, fields, phrases, hit_lists, hits_of,\n"
             "            proximity, rule_ids) -> list\n\n"
             "The loop of `rules.matcher.Matcher.match` over the candidate rule numbers.\n"
             "`tables` are the rule set's: `rules` (by number: `(id, program, places,\n"
             "boosts, leafset, priority weight)`), `word_keys` (by pid: a word pattern's\n"
             "`(key, size, mode)` or None), each field's weight and name, the Match and\n"
             "Hit types, each pattern's kind (by pid). Each rule whose program holds of\n"
             "`facts` (`proximity(pid,\n"
             "fields)` for a proximity leaf) and whose id is in `rule_ids` (unless None)\n"
             "gives `Match(id, score, hits)`, best score first, then by id. A word's hits\n"
             "and a phrase's (found by the scan: `phrases`, field → pid → occurrences)\n"
             "are placed here in `fields` (number → FieldText); a proximity term's come\n"
             "from `hits_of(label, pid, field)`; each list once (`hit_lists`).");

static PyObject *match_rules(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 9 || !PyAnySet_Check(args[2]) || !PyDict_Check(args[3]) || !PyDict_Check(args[4]) ||
        !PyDict_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError, "match_rules(tables, numbers, facts, fields, phrases, "
                                         "hit_lists, hits_of, proximity, rule_ids)");
        return NULL;
    }
    Context c;
    memset(&c, 0, sizeof c);
    if (read_tables(&c, args[0]) < 0) return NULL;
    c.facts = args[2], c.fields = args[3], c.phrases = args[4], c.hit_lists = args[5];
    c.hits_of = args[6], c.proximity = args[7], c.rule_ids = args[8];
    PyObject *rules = PyTuple_GET_ITEM(args[0], 0);
    PyObject *numbers = PySequence_Fast(args[1], "numbers must be iterable");
    if (numbers == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(numbers), count = 0;
    Scored *scored = PyMem_Malloc((n + 1) * sizeof(Scored));
    PyObject *explained = PyDict_New(), *result = NULL;
    if (scored == NULL || explained == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t number = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(numbers, i));
        if (number < 0 || number >= PyTuple_GET_SIZE(rules)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "rule number out of range");
            goto done;
        }
        if (match_one(&c, PyTuple_GET_ITEM(rules, number), explained, scored, &count) < 0) goto done;
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
    Py_XDECREF(explained);
    Py_DECREF(numbers);
    context_free(&c);
    return result;
}

#endif
