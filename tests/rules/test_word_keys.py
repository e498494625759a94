"""Word and prefix keys are found token by token, the same in C and in Python."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Document, compile_rules, fastnorm
from rules.automaton import WordKeys
from rules.fieldtext import spaced_text
from tests.memory import assert_keeps_no_memory
from tests.rules.speedups import pure_python

WORDS = {"jo": 1, "song": 2, "gil": 3, "조성길": 4, "città": 5, "x": 6}
PREFIXES = {"defect": 10, "jo": 11, "ambasciat": 12, "x": 13, "조": 14}


def both(keys: WordKeys, spaced: str) -> set[int]:
    """What `keys` finds in `spaced`, checked to be the same with and without C."""
    native = keys.find(spaced)
    with pure_python():
        python = keys.find(spaced)
    assert native == python, spaced
    return python


@pytest.mark.parametrize(
    ("spaced", "found"),
    [
        (" jo song gil ", {1, 2, 3, 11}),  # jo is a word and a prefix of itself
        (" joseph ", {11}),  # a word key is a whole token; a prefix key its start
        (" defector defect defected ", {10}),
        ("  defe  ", set()),  # shorter than the prefix
        (" xx x ", {6, 13}),
        (" 조성길 ", {4, 14}),
        (" 조성길은 ", {14}),  # a Hangul word key is still a whole token here
        (" ambasciatore città ", {5, 12}),
        ("jo", {1, 11}),  # no spaces around: the text's ends bound a token too
        ("", set()),
        ("   ", set()),
        (" " + "defect" * 1000 + " ", {10}),  # longer than any key
    ],
)
def test_a_key_is_found_where_a_token_is_it_or_starts_with_it(spaced: str, found: set[int]) -> None:
    assert both(WordKeys(WORDS, PREFIXES), spaced) == found


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text("abé조 ", min_size=1, max_size=4).map(str.strip).filter(bool),
        st.integers(0, 50),
        max_size=12,
    ),
    st.dictionaries(st.text("abé조", min_size=1, max_size=3), st.integers(51, 99), max_size=8),
    st.text("abé조 ", max_size=40),
)
def test_c_and_python_agree_with_a_plain_reading(
    words: dict[str, int], prefixes: dict[str, int], text: str
) -> None:
    words = {k: v for k, v in words.items() if " " not in k}
    tokens = text.split()
    expected = {words[t] for t in tokens if t in words}
    expected |= {pid for key, pid in prefixes.items() for t in tokens if t.startswith(key)}
    assert both(WordKeys(words, prefixes), text) == expected


def test_a_key_with_a_space_is_refused() -> None:
    if fastnorm.speedups is None:
        pytest.fail("the C extension is not built")
    with pytest.raises(ValueError, match="space"):
        fastnorm.speedups.WordIndex({"a b": 1}, {})
    with pytest.raises(ValueError, match="non-empty"):
        fastnorm.speedups.WordIndex({}, {"": 1})


def test_the_index_keeps_its_own_copy_of_the_keys() -> None:
    words = {"jo": 10_001}
    keys = WordKeys(words, {})
    words.clear()  # the caller's dict changing (and its ints freed) changes nothing
    assert both(keys, " jo ") == {10_001}


def test_hangul_terms_are_still_found_inside_longer_tokens() -> None:
    matcher = compile_rules([{"id": "jo", "query": "조성길 OR defect*"}])
    for text in ("조성길은 망명했다", "The diplomat defected", "bbc조성길"):
        assert [m.rule_id for m in matcher.match(Document(title=text))] == ["jo"], text
    assert matcher.match(Document(title="an ascii title with no such words")) == []


def test_spaced_tokens_are_runs_of_non_spaces() -> None:
    """What `WordKeys` relies on: `spaced` separates tokens by spaces only."""
    spaced, _ = spaced_text("jo\tsong\u00a0gil\u2028x—y,z")
    assert [t for t in spaced.split(" ") if t] == ["jo", "song", "gil", "x", "y", "z"]


def test_building_and_dropping_indexes_keeps_no_memory() -> None:
    words = {f"word{i}": 1_000 + i for i in range(300)}
    prefixes = {f"pre{i}": 5_000 + i for i in range(100)}
    text = " ".join(list(words)[::7] + [p + "fix" for p in prefixes][::5])

    def build_and_find() -> None:
        for _ in range(20):
            WordKeys(words, prefixes).find(text)

    assert_keeps_no_memory(build_and_find, "building 20 word indexes")
