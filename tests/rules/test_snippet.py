"""Snippets: short excerpts of a field around its hits, with the hit words marked."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Document, compile_rules, snippet

STORY = (
    "<p>SEOUL &mdash; The envoy's deputy <b>Jo</b>&nbsp;Song&#8209;gil, who left the "
    "embassy in Rome in November, has been living in the South since July, lawmakers "
    "said on Tuesday, quoting the intelligence service. He arrived with his wife.</p>"
)


def marked(segments: list[tuple[str, bool]]) -> list[str]:
    return [text for text, mark in segments if mark]


def joined(segments: list[tuple[str, bool]]) -> str:
    return "".join(text for text, _ in segments)


def field_spans(query: str, doc: Document, field: str) -> list[tuple[int, int]]:
    (match,) = compile_rules([{"id": "r", "query": query}]).match(doc)
    return [(h.start, h.end) for h in match.hits if h.field == field]


def test_a_hit_is_marked_in_display_text_cut_at_words() -> None:
    spans = field_spans('"Jo Song Gil"', Document(summary=STORY), "summary")
    assert snippet(STORY, spans, width=80) == [
        ("…— The envoy's deputy ", False),
        ("Jo Song\u2011gil", True),  # tags gone, entities decoded, the hyphen kept
        (", who left the embassy in Rome in November,…", False),
    ]


def test_the_window_goes_where_most_hits_are() -> None:
    spans = field_spans(
        "envoy* OR wife OR arrived OR lawmakers", Document(summary=STORY), "summary"
    )
    segments = snippet(STORY, spans, width=60)
    assert marked(segments) == ["arrived", "wife"]


def test_a_short_text_is_shown_whole() -> None:
    text = "Jo Song-gil defected"
    assert snippet(text, [(0, 11)]) == [("Jo Song-gil", True), (" defected", False)]


def test_without_spans_the_start_of_the_text_is_shown() -> None:
    segments = snippet(STORY, [], width=40)
    assert segments == [("SEOUL — The envoy's deputy Jo Song\u2011gil,…", False)]


def test_hangul_hit_inside_a_word_and_empty_text() -> None:
    assert snippet("조성길은 어디에", [(0, 3)]) == [("조성길", True), ("은 어디에", False)]
    assert snippet("", []) == []
    assert snippet("<p></p>", [(0, 3)]) == []


def test_overlapping_spans_merge() -> None:
    assert snippet("North Korea", [(0, 5), (0, 11), (6, 11)]) == [("North Korea", True)]


words = st.sampled_from(["jo", "song", "gil", "the", "embassy", "&amp;", "<b>x</b>", "조성길"])
texts = st.lists(words, max_size=60).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 40))), st.integers(1, 120))
def test_laws(text: str, raw: list[tuple[int, int]], width: int) -> None:
    spans = [(a, a + n) for a, n in raw]
    segments = snippet(text, spans, width)
    body = joined(segments).removeprefix("…").removesuffix("…")
    longest_mark = max((len(t) for t, mark in segments if mark), default=0)
    assert len(body) <= max(width, longest_mark)
    assert all(seg for seg, _ in segments)
    for a, b in itertools.pairwise(segments):
        assert a[1] != b[1]  # marked and unmarked segments alternate
