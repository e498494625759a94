/* `WordIndex`: the word and prefix keys of a rule set, found token by token.
 *
 * Included by `_speedups.c`. In `spaced` (`rules.fieldtext`) a word token is a run of
 * non-spaces, so a word key `" jo "` occurs exactly where a token equals `jo`, and a
 * prefix key `" defect"` where a token starts with `defect`. Instead of an automaton
 * walking every character through thousands of states (a cache miss per character at
 * 10,000 rules), each token's letters are hashed once, left to right. At a length some
 * prefix key has (and at the token's end, for the words) the hash is tested against a
 * bit filter small enough to stay in the L1 cache, and only if its bit is set looked up
 * in an open-addressing table. `rules.automaton.WordKeys` is the same search in Python.
 */

typedef struct {
    uint64_t hash; /* 0: an empty slot */
    Py_ssize_t offset, length; /* of the key's letters in `KeyTable.letters` */
    PyObject *pid;
} KeySlot;

/* One set of keys (the words, or the prefixes). */
typedef struct {
    KeySlot *slots;
    int shift;       /* a slot index is the top bits of the mixed hash */
    uint64_t *filter;
    uint64_t filter_mask; /* bit count - 1 */
    Py_UCS4 *letters;
    unsigned char *lengths; /* by length, up to `longest`: 1 where some key has it */
    Py_ssize_t longest;
    uint64_t *starts;     /* optional: a bit filter of the keys' proper prefixes */
    uint64_t starts_mask; /* its bit count - 1 */
} KeyTable;

typedef struct {
    PyObject_HEAD
    KeyTable words, prefixes;
    PyObject *pids; /* (words, prefixes): copies of the dicts given, holding the pids */
} WordIndex;

static inline uint64_t key_hash_step(uint64_t hash, Py_UCS4 c) {
    return (hash ^ c) * 0x100000001b3ULL; /* FNV-1a over code points */
}

#define KEY_HASH_SEED 0xcbf29ce484222325ULL

static inline int bit_test(const uint64_t *filter, uint64_t mask, uint64_t hash) {
    uint64_t bit = (hash >> 40) & mask; /* FNV's top bits mix every letter */
    return (filter[bit >> 6] >> (bit & 63)) & 1;
}

static inline void bit_set(uint64_t *filter, uint64_t mask, uint64_t hash) {
    uint64_t bit = (hash >> 40) & mask;
    filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
}

/* A bit count for a filter of `count` entries: ~16 bits each, from 2^12 to 2^23. */
static uint64_t filter_bits(Py_ssize_t count) {
    uint64_t bits = 1 << 12;
    while (bits < (uint64_t)count * 16 && bits < (1 << 23)) bits *= 2;
    return bits;
}

static inline int key_maybe(const KeyTable *table, uint64_t hash) {
    return bit_test(table->filter, table->filter_mask, hash);
}

/* The slot of the key spelled by `length` characters of `data` from `at`, or the empty
 * slot where it would go. */
static KeySlot *key_slot(const KeyTable *table, uint64_t hash, int kind, const void *data,
                         Py_ssize_t at, Py_ssize_t length) {
    size_t mask = ((size_t)1 << (64 - table->shift)) - 1;
    for (size_t i = (hash * 0x9E3779B97F4A7C15ULL) >> table->shift;; i = (i + 1) & mask) {
        KeySlot *slot = &table->slots[i];
        if (slot->hash == 0) return slot;
        if (slot->hash != hash || slot->length != length) continue;
        const Py_UCS4 *letters = table->letters + slot->offset;
        Py_ssize_t k = 0;
        while (k < length && letters[k] == PyUnicode_READ(kind, data, at + k)) k++;
        if (k == length) return slot;
    }
}

static void key_table_free(KeyTable *table) {
    PyMem_Free(table->slots);
    PyMem_Free(table->filter);
    PyMem_Free(table->letters);
    PyMem_Free(table->lengths);
    PyMem_Free(table->starts);
}

/* Fill `table` from `keys` (dict: str without spaces → pid, borrowed by the slots), and
 * when `starts` is set, the filter of their proper prefixes; 0, or -1 with an error. */
static int key_table_fill(KeyTable *table, PyObject *keys, int starts) {
    Py_ssize_t count = PyDict_GET_SIZE(keys), letters = 0, pos = 0;
    PyObject *key, *pid;
    while (PyDict_Next(keys, &pos, &key, &pid)) {
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) == 0) {
            PyErr_SetString(PyExc_ValueError, "WordIndex: a key is not a non-empty str");
            return -1;
        }
        letters += PyUnicode_GET_LENGTH(key);
        table->longest = Py_MAX(table->longest, PyUnicode_GET_LENGTH(key));
    }
    int bits = 3;
    while (((Py_ssize_t)1 << bits) < count * 2) bits++; /* at most half full */
    uint64_t nbits = filter_bits(count), nstarts = filter_bits(starts ? letters : 0);
    table->shift = 64 - bits;
    table->filter_mask = nbits - 1;
    table->starts_mask = nstarts - 1;
    table->slots = PyMem_Calloc((size_t)1 << bits, sizeof(KeySlot));
    table->filter = PyMem_Calloc(nbits / 64, sizeof(uint64_t));
    table->letters = PyMem_Malloc((letters + 1) * sizeof(Py_UCS4));
    table->lengths = PyMem_Calloc(table->longest + 1, 1);
    table->starts = starts ? PyMem_Calloc(nstarts / 64, sizeof(uint64_t)) : NULL;
    if (!table->slots || !table->filter || !table->letters || !table->lengths ||
        (starts && !table->starts)) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t used = 0;
    for (pos = 0; PyDict_Next(keys, &pos, &key, &pid);) {
        Py_ssize_t length = PyUnicode_GET_LENGTH(key);
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        uint64_t hash = KEY_HASH_SEED;
        for (Py_ssize_t k = 0; k < length; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, k);
            if (c == ' ') {
                PyErr_SetString(PyExc_ValueError, "WordIndex: a key holds a space");
                return -1;
            }
            if (k && table->starts) bit_set(table->starts, table->starts_mask, hash | (hash == 0));
            hash = key_hash_step(hash, c);
            table->letters[used + k] = c;
        }
        hash |= hash == 0; /* 0 marks an empty slot */
        KeySlot *slot = key_slot(table, hash, kind, data, 0, length);
        if (slot->hash == 0) { /* dict keys are distinct: always */
            *slot = (KeySlot){hash, used, length, pid}; /* borrowed: `pids` holds it */
            used += length;
        }
        bit_set(table->filter, table->filter_mask, hash);
        table->lengths[length] = 1;
    }
    return 0;
}

/* The pid of the key that `length` characters of `data` from `at` spell, hashed to
 * `hash`, or NULL (borrowed). */
static inline PyObject *key_find(const KeyTable *table, uint64_t hash, int kind, const void *data,
                                 Py_ssize_t at, Py_ssize_t length) {
    if (length > table->longest || !table->lengths[length]) return NULL;
    hash |= hash == 0;
    if (!key_maybe(table, hash)) return NULL;
    return key_slot(table, hash, kind, data, at, length)->pid;
}

static void word_index_dealloc(WordIndex *index) {
    key_table_free(&index->words);
    key_table_free(&index->prefixes);
    Py_XDECREF(index->pids);
    Py_TYPE(index)->tp_free((PyObject *)index);
}

/* WordIndex(words, prefixes): two dicts, token → pid. */
static PyObject *word_index_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *words, *prefixes;
    static char *names[] = {"words", "prefixes", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!:WordIndex", names, &PyDict_Type, &words,
                                     &PyDict_Type, &prefixes)) {
        return NULL;
    }
    WordIndex *index = (WordIndex *)type->tp_alloc(type, 0);
    if (index == NULL) return NULL;
    words = PyDict_Copy(words); /* private copies: they keep the pids the slots borrow */
    prefixes = words == NULL ? NULL : PyDict_Copy(prefixes);
    if (prefixes != NULL) index->pids = PyTuple_Pack(2, words, prefixes);
    Py_XDECREF(words);
    Py_XDECREF(prefixes);
    if (index->pids == NULL) goto error;
    words = PyTuple_GET_ITEM(index->pids, 0);
    prefixes = PyTuple_GET_ITEM(index->pids, 1);
    if (key_table_fill(&index->words, words, 0) < 0 ||
        key_table_fill(&index->prefixes, prefixes, 0) < 0) {
        goto error;
    }
    return (PyObject *)index;
error:
    Py_DECREF(index);
    return NULL;
}

PyDoc_STRVAR(word_index_find_doc,
             "find(spaced) -> set\n\n"
             "The pids of the keys found in `spaced`: a word key where a token equals it,\n"
             "a prefix key where a token starts with it.");

static PyObject *word_index_find(WordIndex *index, PyObject *spaced) {
    if (!PyUnicode_Check(spaced)) {
        PyErr_SetString(PyExc_TypeError, "find(spaced): spaced must be str");
        return NULL;
    }
    PyObject *found = PySet_New(NULL);
    if (found == NULL) return NULL;
    int kind = PyUnicode_KIND(spaced);
    const void *data = PyUnicode_DATA(spaced);
    Py_ssize_t size = PyUnicode_GET_LENGTH(spaced), at = 0;
    const KeyTable *words = &index->words, *prefixes = &index->prefixes;
    while (at < size) {
        if (PyUnicode_READ(kind, data, at) == ' ') {
            at++;
            continue;
        }
        Py_ssize_t start = at;
        uint64_t hash = KEY_HASH_SEED;
        for (; at < size; at++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, at);
            if (c == ' ') break;
            hash = key_hash_step(hash, c);
            PyObject *pid = key_find(prefixes, hash, kind, data, start, at - start + 1);
            if (pid != NULL && PySet_Add(found, pid) < 0) goto error;
        }
        PyObject *pid = key_find(words, hash, kind, data, start, at - start);
        if (pid != NULL && PySet_Add(found, pid) < 0) goto error;
    }
    return found;
error:
    Py_DECREF(found);
    return NULL;
}

static PyMethodDef word_index_methods[] = {
    {"find", (PyCFunction)word_index_find, METH_O, word_index_find_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WordIndexType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "rules._speedups.WordIndex",
    .tp_basicsize = sizeof(WordIndex),
    .tp_dealloc = (destructor)word_index_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("WordIndex(words, prefixes)\n\nThe word keys (token → pid) and prefix "
                        "keys of a rule set; `find` gives those in a `spaced` text."),
    .tp_methods = word_index_methods,
    .tp_new = word_index_new,
};
