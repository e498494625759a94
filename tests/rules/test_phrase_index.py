"""Phrases are found by the C `PhraseIndex` exactly where the automaton and `_walk` find
them in Python, and where the reference evaluator says they occur."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Document, compile_rules, fastnorm
from rules.automaton import PatternTable
from rules.fieldtext import prepare_field
from rules.terms import compile_leaf
from tests.linear import assert_linear_time
from tests.memory import assert_keeps_no_memory
from tests.rules.generate import phrases, texts
from tests.rules.speedups import pure_python

QUERIES = [
    '"Jo Song Gil"',
    '"jo song-gil"',
    '"north* korea*"',
    '"U.S. envoy"',
    '"조성길 대사"',
    '"대사 대리"',
    '"bbc 조성길"',
    '"ambasciatore nordcoreano"',
    '"de* de*"',
    '"a b c d e"',
]


def table_of(queries: list[str]) -> PatternTable:
    matcher = compile_rules([{"id": f"q{i}", "query": q} for i, q in enumerate(queries)])
    return matcher._table


def both(table: PatternTable, text: str) -> dict[int, list[tuple[int, int, int]]]:
    """The phrases of `table` found in `text`, checked to be the same in C and Python."""
    field = prepare_field(text)
    assert field is not None
    native = table.scan(field)[1]
    with pure_python():
        python = table.scan(field)[1]
    assert native == python, text
    return native


@pytest.mark.parametrize(
    "text",
    [
        "Jo Song Gil, Jo Song-gil, JoSongGil and jo-song gil defected.",
        "Jo. Song Gil; Jo Song, Gil",  # punctuation a phrase may not step over
        "Northern Koreans and north korea and NorthKorea",
        "the U.S. envoy, the US envoy, the U.S.-envoy",
        "조성길 대사는 조성길대사 대사 대리 대사대리",
        "BBC조성길 기자; bbc 조성길",  # a space inserted between scripts
        "Ambasciatore nordcoreano; l'ambasciatore nord-coreano",
        "dede dedede de de",
        "a b c d e a-b-c-d-e abcde a b c d",
        "",
        "   \u00a0 ",
    ],
)
def test_c_finds_what_python_finds(text: str) -> None:
    table = table_of(QUERIES)
    if not text.strip():
        assert prepare_field(text) is None
        return
    both(table, text)


def test_the_examples_are_found_at_all() -> None:
    """Not a vacuous comparison: the phrases above do occur."""
    table = table_of(QUERIES)
    found = both(table, "Jo Song-gil met the U.S. envoy; 조성길 대사는 BBC조성길")
    assert len(found) == 5  # both spellings of Jo Song-gil, envoy, 대사, bbc 조성길
    assert all(occurrences for occurrences in found.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(phrases(), min_size=1, max_size=6), texts())
def test_c_and_python_agree_on_generated_phrases(leaves: list, text: str) -> None:
    table = PatternTable()
    for leaf in leaves:
        table.add(compile_leaf(leaf))
    table.build()
    field = prepare_field(text)
    if field is not None:
        both(table, field.original)


def test_the_matcher_finds_phrases_as_the_reference_does() -> None:
    matcher = compile_rules([{"id": "jo", "query": '"Jo Song-gil" OR "조성길 대사"'}])
    titles = ["Jo Song Gil defects", "조성길대사는", "Jo, Song Gil", "Jo Songgilbert"]
    assert [bool(matcher.match(Document(title=t))) for t in titles] == [True, True, False, False]


def test_a_malformed_index_is_refused() -> None:
    if fastnorm.speedups is None:
        pytest.fail("the C extension is not built")
    index = fastnorm.speedups.PhraseIndex
    spec = (7, (("josonggil", False),), True, True, "")
    with pytest.raises(ValueError, match="phrase numbers"):
        index((spec,), {"jo": (1,)}, {})
    with pytest.raises(TypeError, match="segments"):
        index(((7, (), True, True, ""),), {}, {})
    with pytest.raises(ValueError, match="space"):
        index((spec,), {"jo song": (0,)}, {})
    assert index((spec,), {"jos": (0,)}, {}).scan(" jo song gil ", "jo song gil", []) == {
        7: [(0, 11, 1)]
    }


def test_scanning_keeps_no_memory() -> None:
    table = table_of(QUERIES)
    fields = [
        prepare_field(t) for t in ("Jo Song-gil and the U.S. envoy", "조성길 대사는 BBC조성길")
    ]

    def scan_all() -> None:
        for _ in range(50):
            for field in fields:
                assert field is not None
                table.scan(field)
        for _ in range(20):
            table_of(QUERIES[:3])

    assert_keeps_no_memory(scan_all, "scanning for phrases 100 times, building 20 tables")


@pytest.mark.parametrize("native", [True, False], ids=["C", "pure Python"])
@pytest.mark.parametrize(
    "unit",
    [
        "a ",  # every token starts a phrase key's walk
        "a",  # one token as long as the text
        "조",  # a Hangul run: an unanchored phrase may start at every character
        "a-",  # gaps to step over at every token
        "kimjong",  # a `*` part may stop at every `jong` of one long token
    ],
)
def test_hostile_fields_are_scanned_in_linear_time(unit: str, native: bool) -> None:
    """A feed cannot make the scan quadratic: many near-misses of long keys, and phrases
    with `*` parts whose stops a long token multiplies (`"a* a* b"` over `aaaa…` used to
    try every pair of stops: 0.2 s for 8,000 letters, 20 s for 80,000)."""
    queries = ['"a a a a a a a a b"', '"조조조조조조 대사"', "a*", '"a* b"', '"aaaaaaaaaab"']
    queries += ['"a* a* b"', '"조* 조* 대사"', '"kim* jong* un"', '"a* a* a* b"']
    matcher = compile_rules([{"id": f"q{i}", "query": q} for i, q in enumerate(queries)])

    def match(text: str) -> object:
        if native:
            return matcher.match(Document(title=text))
        with pure_python():
            return matcher.match(Document(title=text))

    assert_linear_time(match, unit * 5_000, unit * 20_000)
