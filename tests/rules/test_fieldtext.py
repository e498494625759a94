"""The matcher's view of a field: `spaced` holds exactly the reference's tokens, in place."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.fieldtext import prepare_field, spaced_text
from rules.normalize import normalize
from rules.tokens import has_tokens, tokenize
from tests.rules.generate import texts

PIECES = ["bbc는", "조성길(Jo)", "ジョ・ソンギル氏", "x\u0301y", "a_b", "10:30", "ｶﾀｶﾅabc", "١٢٣"]
unicode_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)))
normalised = st.one_of(texts(), unicode_text, st.sampled_from(PIECES)).map(
    lambda t: normalize(t).text
)


def assert_aligned(text: str) -> None:
    spaced, inserted = spaced_text(text)
    tokens = tokenize(text)
    assert spaced.split() == [t.text for t in tokens]
    assert spaced[0] == spaced[-1] == " "
    field = prepare_field(text)
    if not tokens:
        assert field is None
        return
    assert field is not None
    starts = [m.start() for m in re.finditer(r"[^ ]+", spaced)]
    assert [field.to_text(s) for s in starts] == [t.start for t in tokens]
    assert len(spaced) == len(text) + 2 + len(inserted)
    squeezed = field.squeezed  # what the phrase automaton reads, and the way back
    assert squeezed == "".join(t.text for t in tokens)
    assert [spaced[field.unsqueeze(i)] for i in range(len(squeezed))] == list(squeezed)
    letters = [i for i, ch in enumerate(spaced) if ch != " "]
    assert [field.unsqueeze(i) for i in range(len(squeezed))] == letters
    offsets = list(range(len(squeezed)))[::-1]  # in any order, as the automaton gives them
    assert [field.unsqueeze(i) for i in offsets] == letters[::-1]


@settings(max_examples=300, deadline=None)
@given(normalised)
def test_spaced_text_holds_the_tokens_at_their_offsets(text: str) -> None:
    assert_aligned(text)


@pytest.mark.parametrize("text", [normalize(p).text for p in PIECES] + ["", " ", "-"])
def test_examples(text: str) -> None:
    assert_aligned(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts(), unicode_text))
def test_has_tokens_is_whether_there_are_tokens(text: str) -> None:
    assert has_tokens(text) == bool(tokenize(text))
