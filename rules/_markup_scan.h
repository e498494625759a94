/* The markup scanner of `rules/_speedups.c`: where a match of `rules.markup._SPLIT_RE`
 * (the reference's `_MARKUP_RE`, branch for branch) starts and ends, without a regex.
 * The regex runs case-insensitively, so a word (`script`, `amp;`) matches in any case;
 * the four non-ASCII letters that `[A-Za-z]` also matches are left to the regex by the
 * callers (`holds_odd_letter`). `\s` and `\b` are Python's (`Py_UNICODE_ISSPACE`,
 * `Py_UNICODE_ISALNUM`). Included once, by `_speedups.c`.
 */
#ifndef NEWSWATCH_MARKUP_SCAN_H
#define NEWSWATCH_MARKUP_SCAN_H

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
    /* Where a search for the end of a comment, `<script>` or `<style>` began that found
     * none: a later search would find none either, so markup that never closes costs
     * linear time, not quadratic. */
    Py_ssize_t unclosed[3];
} Text;

enum { COMMENT = 0, SCRIPT = 1, STYLE = 2 };

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

static int is_ascii_letter(Py_UCS4 c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static int is_hex(Py_UCS4 c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
static int is_ascii_alnum(Py_UCS4 c) { return is_digit(c) || is_ascii_letter(c); }
static Py_UCS4 lower(Py_UCS4 c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* The non-ASCII letters that `[A-Za-z]` matches under re.IGNORECASE. */
static int is_odd_letter(Py_UCS4 c) { return c == 0x130 || c == 0x131 || c == 0x17F || c == 0x212A; }

/* Whether `text` holds one of them anywhere: then the regex must decide. */
static int holds_odd_letter(PyObject *text) {
    if (PyUnicode_MAX_CHAR_VALUE(text) <= 127) return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(text); i < n; i++) {
        if (is_odd_letter(PyUnicode_READ(kind, data, i))) return 1;
    }
    return 0;
}

/* Whether `word` (lower-case ASCII) is at `i`, in any case. */
static int has_word(const Text *t, Py_ssize_t i, const char *word) {
    for (; *word; word++, i++) {
        if (i >= t->n || lower(AT(t, i)) != (Py_UCS4)*word) return 0;
    }
    return 1;
}

static Py_ssize_t find_literal(const Text *t, Py_ssize_t from, const char *lit) {
    size_t len = strlen(lit);
    for (Py_ssize_t i = from; i + (Py_ssize_t)len <= t->n; i++) {
        size_t k = 0;
        while (k < len && AT(t, i + k) == (Py_UCS4)lit[k]) k++;
        if (k == len) return i;
    }
    return -1;
}

/* `<(script|style)\b[^>]*>.*?</(?P=rawname)\s*>` at `i` (a `<`): its end, or -1. */
static Py_ssize_t match_raw(Text *t, Py_ssize_t i) {
    const char *name = has_word(t, i + 1, "script") ? "script"
                       : has_word(t, i + 1, "style") ? "style"
                                                     : NULL;
    if (name == NULL) return -1;
    Py_ssize_t *unclosed = &t->unclosed[name[1] == 'c' ? SCRIPT : STYLE];
    Py_ssize_t size = (Py_ssize_t)strlen(name), j = i + 1 + size;
    if (j < t->n) {
        Py_UCS4 c = AT(t, j);
        if (Py_UNICODE_ISALNUM(c) || c == '_') return -1; /* no \b */
    }
    while (j < t->n && AT(t, j) != '>') j++;
    if (j >= t->n || j + 1 >= *unclosed) return -1;
    for (Py_ssize_t k = j + 1; k + 2 + size <= t->n; k++) {
        if (AT(t, k) != '<' || k + 1 >= t->n || AT(t, k + 1) != '/') continue;
        if (!has_word(t, k + 2, name)) continue;
        Py_ssize_t e = k + 2 + size;
        while (e < t->n && Py_UNICODE_ISSPACE(AT(t, e))) e++;
        if (e < t->n && AT(t, e) == '>') return e + 1;
    }
    *unclosed = j + 1;
    return -1;
}

/* `<(?:/?[A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>` at `i`. */
static Py_ssize_t match_tag(const Text *t, Py_ssize_t i) {
    Py_ssize_t j = i + 1;
    if (j < t->n && AT(t, j) == '/') j++;
    if (j >= t->n || !is_ascii_letter(AT(t, j))) return -1;
    j++;
    while (j < t->n && (is_ascii_alnum(AT(t, j)) || AT(t, j) == '-')) j++;
    if (j >= t->n) return -1;
    Py_UCS4 c = AT(t, j);
    if (c == '>') return j + 1;
    if (c != '/' && !Py_UNICODE_ISSPACE(c)) return -1;
    j++;
    while (j < t->n && AT(t, j) != '<' && AT(t, j) != '>') j++;
    return j < t->n && AT(t, j) == '>' ? j + 1 : -1;
}

/* `<![A-Za-z][^<>]*>` at `i`. */
static Py_ssize_t match_decl(const Text *t, Py_ssize_t i) {
    if (i + 2 >= t->n || AT(t, i + 1) != '!' || !is_ascii_letter(AT(t, i + 2))) return -1;
    Py_ssize_t j = i + 3;
    while (j < t->n && AT(t, j) != '<' && AT(t, j) != '>') j++;
    return j < t->n && AT(t, j) == '>' ? j + 1 : -1;
}

/* `(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});` at `p`. */
static Py_ssize_t match_entity_body(const Text *t, Py_ssize_t p) {
    if (p >= t->n) return -1;
    Py_ssize_t j, count;
    if (AT(t, p) == '#') {
        for (j = p + 1, count = 0; j < t->n && is_digit(AT(t, j)) && count < 8; j++) count++;
        if (count >= 1 && count <= 7 && j < t->n && AT(t, j) == ';') return j + 1;
        if (p + 1 < t->n && (AT(t, p + 1) | 0x20) == 'x') {
            for (j = p + 2, count = 0; j < t->n && is_hex(AT(t, j)) && count < 7; j++) count++;
            if (count >= 1 && count <= 6 && j < t->n && AT(t, j) == ';') return j + 1;
        }
        return -1;
    }
    if (!is_ascii_letter(AT(t, p))) return -1;
    for (j = p + 1, count = 0; j < t->n && is_ascii_alnum(AT(t, j)) && count < 32; j++) count++;
    if (count >= 1 && count <= 31 && j < t->n && AT(t, j) == ';') return j + 1;
    return -1;
}

/* `&(?:amp;)*(?:…);` at `i`: as many `amp;` as can be, fewer when the rest fails. */
static Py_ssize_t match_entity(const Text *t, Py_ssize_t i) {
    Py_ssize_t p = i + 1, reps = 0;
    while (has_word(t, p + 4 * reps, "amp;")) reps++;
    for (; reps >= 0; reps--) {
        Py_ssize_t end = match_entity_body(t, p + 4 * reps);
        if (end >= 0) return end;
    }
    return -1;
}

/* The end of the `_SPLIT_RE` match at `i`, branch by branch in the regex's order; -1. */
static Py_ssize_t match_markup(Text *t, Py_ssize_t i) {
    Py_UCS4 c = AT(t, i);
    if (c == '&') return match_entity(t, i);
    if (c == ']') return i + 2 < t->n && AT(t, i + 1) == ']' && AT(t, i + 2) == '>' ? i + 3 : -1;
    if (c != '<') return -1;
    if (has_word(t, i, "<!--") && i + 4 < t->unclosed[COMMENT]) {
        Py_ssize_t end = find_literal(t, i + 4, "-->");
        if (end >= 0) return end + 3;
        t->unclosed[COMMENT] = i + 4;
    }
    Py_ssize_t end = match_raw(t, i);
    if (end >= 0) return end;
    if (i + 2 < t->n && AT(t, i + 1) == '!' && AT(t, i + 2) == '[' && has_word(t, i + 3, "cdata[")) {
        return i + 9;
    }
    end = match_tag(t, i);
    return end >= 0 ? end : match_decl(t, i);
}

/* The first `<`, `&` or `]` at or after `i`, or `t->n`. */
static Py_ssize_t next_special(const Text *t, Py_ssize_t i) {
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = t->data;
        for (; i < t->n; i++) {
            if (d[i] == '<' || d[i] == '&' || d[i] == ']') return i;
        }
        return t->n;
    }
    for (; i < t->n; i++) {
        Py_UCS4 c = AT(t, i);
        if (c == '<' || c == '&' || c == ']') return i;
    }
    return t->n;
}

#endif
