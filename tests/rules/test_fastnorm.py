"""The matcher's normalisation gives the reference's text and spans, character for character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import fastnorm
from rules.fastnorm import FastNormalized, normalize_fast
from rules.fieldtext import spaced_text
from rules.markup import has_markup, strip_markup
from rules.model import Hit
from rules.normalize import Normalized, normalize
from tests.linear import assert_linear_time
from tests.memory import assert_keeps_no_memory
from tests.rules.speedups import pure_python

MARKUP = [
    "<b>",
    "</p>",
    "<br/>",
    "<p class='x'>",
    "<!-- c -->",
    "<script>x</script>",
    "<![CDATA[",
    "]]>",
    "]]&gt;",
    "&amp;",
    "&nbsp;",
    "&#8217;",
    "&#x2011;",
    "&amp;#8209;",
    "&amp;amp;lt;",
    "&lt;i&gt;",
    "＆amp;",
    "&unknown;",
    "&",
    "<",
    "&nbsp;\u0301",  # an entity whose character joins the next one's cluster
    "&rsquo;",
    "&#769;",
    "<scripts>",
    "<SCRIPT>x</SCRIPT>",
    "<br/>",
    "</p >",
    "&AMP;lt;",
    "&amp;",
    "&#xyz;",
    "&\u017f\u017f;",
    "]]",
    ">",
]
PIECES = [
    "Jŏ",
    "e\u0301",
    "조성길",
    "\u1100\u1161",
    "\u00ad",
    "‑",
    "Straße",
    "ﬁ",
    "İ",
    "«",
    " ",
    "x",
]
texty = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
mixed = st.lists(st.one_of(texty, st.sampled_from(MARKUP), st.sampled_from(PIECES))).map("".join)


def assert_same(text: str) -> None:
    """The fast normalisation, and each of its two ways (C and Python), give the
    reference's text and spans."""
    ref = normalize(text)
    assert_same_as(normalize_fast(text), ref)
    assert_same_as(python_only(text), ref)
    plain = text.isascii() and "&" not in text and "<" not in text  # never given to C
    if fastnorm.speedups is not None:
        assert_same_markup_pass(text)
    if fastnorm.speedups is not None and not plain:
        done = fastnorm.speedups.normalize(text)
        if done is not None:
            assert done[0] == ref.text
            spaced, inserted = spaced_text(ref.text)
            assert done[-3:] == (spaced, inserted, spaced.replace(" ", ""))


def assert_same_markup_pass(text: str) -> None:
    """The C markup pass and markup check agree with `rules.markup`'s (regex) ones."""
    assert fastnorm.speedups is not None
    found = fastnorm.speedups.has_markup(text)
    assert found is None or found == has_markup(text)
    done = fastnorm.speedups.strip_markup(text)
    if done is not None:
        stripped, edits = strip_markup(text)
        assert done[0] == stripped
        assert done[1] == (edits() if callable(edits) else None)


def python_only(text: str) -> FastNormalized:
    """`normalize_fast` without the C extension."""
    with pure_python():
        return normalize_fast(text)


def assert_same_as(fast: FastNormalized, ref: Normalized) -> None:
    assert fast.text == ref.text
    for i in range(len(ref.text)):
        assert fast.span(i, i + 1) == (ref.starts[i], ref.ends[i]), i
    if ref.text:
        assert fast.span(0, len(ref.text)) == ref.span(0, len(ref.text))
    pairs = [(i, j) for i in range(len(ref.text)) for j in {i + 1, len(ref.text)}]
    assert fast.spans(pairs) == [ref.span(i, j) for i, j in pairs]  # many spans at once


@settings(max_examples=300, deadline=None)
@given(mixed)
def test_same_text_and_spans_as_the_reference(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ascii",
        "a]]>b",  # the reference's ASCII fast path keeps it; a non-ASCII text would not
        "é]]>b",
        "<p>Defector&nbsp;<i>Jŏ Sŏng&#8209;gil</i> &amp; family</p>",
        "&lt;b&gt;bold&lt;/b&gt; &amp;amp;lt;",
        "e<b></b>\u0301 and e&#769;",  # a cluster across removed markup and an entity
        "조성길은 Jo\u00a0Song\u202fGil",
    ],
)
def test_examples(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "<p>Plain <b>ASCII</b> &amp; entities&rsquo; only</p>",
        "<p>Jŏ Sŏng-gil, 조성길, disertò</p>",
        "<!-- x --><script>a</script><![CDATA[b]]><!DOCTYPE html>&#x41;&#65;&amp;amp;",
        "&lt;b&gt;bold&lt;/b&gt; &amp;amp;lt;i&amp;amp;gt;",  # markup left for more passes
    ],
)
def test_the_c_extension_does_the_common_case(text: str) -> None:
    """CI builds the extension (`hatch_build.py`); a build that silently fell back to
    Python would pass every other test and be several times slower."""
    assert fastnorm.speedups is not None, "rules/_speedups.c is not built: run `make`"
    done = fastnorm.speedups.normalize(text)
    assert done is not None
    assert done[0] == normalize(text).text


@pytest.mark.parametrize(
    "text",
    [
        "e\u0301 <b>x</b>",  # a combining mark: folds with the letter before it
        "Straße <b>x</b>",  # folds to two characters
        "<\u017fcript>x</\u017fcript>",  # `ſ` is an ASCII letter to the regex
        "soft\u00adhyphen <i>x</i>",  # folds to nothing
    ],
)
def test_the_c_extension_hands_back_what_it_does_not_do(text: str) -> None:
    assert fastnorm.speedups is not None, "rules/_speedups.c is not built: run `make`"
    assert fastnorm.speedups.normalize(text) is None
    assert_same(text)


@pytest.mark.parametrize(
    "fragment", ["<!-- x ", "<script>x ", "<style a>", "&lt;!-- x ", "&lt;script&gt;x "]
)
def test_markup_that_never_closes_costs_linear_time(fragment: str) -> None:
    """A field of unclosed comments or scripts (or their escaped forms, which a second
    pass decodes): the reference regex rescans to the end from each one (quadratic, 30 s
    for 300 KB); the C pass remembers where a search for the end found none."""
    assert fastnorm.speedups is not None, "rules/_speedups.c is not built: run `make`"

    small, large = fragment * 10_000, fragment * 40_000
    assert fastnorm.speedups.normalize(large) is not None
    assert_linear_time(normalize_fast, small, large)


def test_the_c_extension_keeps_no_memory_between_calls() -> None:
    """The service normalises every field of every item: a reference or buffer kept per
    call would grow it without bound. Traced memory must not grow once caches are warm."""
    assert fastnorm.speedups is not None, "rules/_speedups.c is not built: run `make`"
    native = fastnorm.speedups
    pieces = [*MARKUP, *PIECES, "<!-- x", "&lt;script&gt;", "bbc는", "\U0001d400"]
    texts = ["".join(pieces[(i * 7 + k) % len(pieces)] for k in range(i % 30)) for i in range(600)]

    def call_all() -> None:
        for text in texts:
            native.normalize(text)
            native.strip_markup(text)
            native.has_markup(text)
            found = [(0, len(text), 0), (0, len(text), 0)]
            native.hits(Hit, "term", "title", text, found, [([0], [0], [1], [2])])
            native.word_occurrences(f" {text} ", " x", 1, 1, [3])

    assert_keeps_no_memory(call_all, f"{len(texts)} calls of each function")


def test_hits_are_placed_in_the_original_text_by_the_c_extension() -> None:
    """`hits` maps normalised spans back through every pass, drops duplicates, keeps
    text order, and gives `Hit`s (the named tuple), as the Python code does."""
    assert fastnorm.speedups is not None, "rules/_speedups.c is not built: run `make`"
    original = "<b>Jo</b> &amp;lt;i&amp;gt;Song&amp;lt;/i&amp;gt; gil"
    norm = normalize_fast(original)
    assert norm.text == "jo song gil"
    found = [(3, 7, 0), (0, 2, 0), (3, 7, 0), (8, 11, 0)]  # unsorted, one twice
    hits = fastnorm.speedups.hits(Hit, "t", "summary", original, found, norm.columns())
    spans = norm.spans([(0, 2), (3, 7), (8, 11)])
    assert hits == tuple(Hit("t", "summary", a, b, original[a:b]) for a, b in spans)
    assert all(type(hit) is Hit for hit in hits)
    assert [hit.text for hit in hits] == ["Jo", "Song", "gil"]
