"""The matcher's normalisation gives the reference's text and spans, character for character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.fastnorm import normalize_fast
from rules.normalize import normalize

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
    fast, ref = normalize_fast(text), normalize(text)
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
