"""Laws of phrase matching, checked on generated texts."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Document
from rules.reference import evaluate

LETTERS = "abcdefghijklmnopqrstuvwxyzß"
MARKS = "\u0300\u0301\u0302\u0303\u0306\u0308\u030c\u0327"
SEPARATORS = [" ", "-", "", "  ", " - ", "\n", "\u00a0", "\u202f", "\u2010", "\u2011", "\u2013"]
SEPARATORS += ["\u00ad", "\u200b", "&nbsp;", "&#8209;", "&#x2011;", "<b></b>", "<br>"]

words = st.text(alphabet=LETTERS, min_size=1, max_size=8)


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """`word` with random case and diacritics, sometimes precomposed."""
    out = []
    for ch in word:
        ch = ch.upper() if draw(st.booleans()) else ch
        if draw(st.integers(0, 3)) == 0:
            ch += draw(st.sampled_from(MARKS))
        out.append(ch)
    text = "".join(out)
    return unicodedata.normalize("NFC", text) if draw(st.booleans()) else text


@st.composite
def phrase_and_text(draw: st.DrawFn) -> tuple[list[str], str]:
    ws = draw(st.lists(words, min_size=1, max_size=5))
    pieces = [draw(spelled(ws[0]))]
    for w in ws[1:]:
        pieces.append(draw(st.sampled_from(SEPARATORS)))
        pieces.append(draw(spelled(w)))
    return ws, "".join(pieces)


@settings(max_examples=150, deadline=None)
@given(phrase_and_text(), st.booleans())
def test_a_phrase_matches_its_words_however_they_are_written(
    case: tuple[list[str], str], in_title: bool
) -> None:
    ws, assembled = case
    text = f"1 {assembled} 2."
    doc = Document(title=text) if in_title else Document(content=text)
    result = evaluate('"' + " ".join(ws) + '"', doc)
    assert result.matched
    assert assembled in [hit.text for hit in result.hits]
    for hit in result.hits:
        assert text[hit.start : hit.end] == hit.text


@settings(max_examples=150, deadline=None)
@given(phrase_and_text())
def test_the_query_may_carry_the_diacritics_instead(case: tuple[list[str], str]) -> None:
    ws, assembled = case
    plain = unicodedata.normalize("NFD", assembled)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    query = '"' + " ".join(unicodedata.normalize("NFKC", w.upper()) for w in ws) + '"'
    assert evaluate(query, Document(summary=plain)).matched


@settings(max_examples=100, deadline=None)
@given(st.lists(words, min_size=2, max_size=4), st.sampled_from([". ", ", ", "; ", ": ", "/"]))
def test_sentence_punctuation_breaks_a_phrase(ws: list[str], stop: str) -> None:
    text = "1 " + ws[0] + stop + " ".join(ws[1:]) + " 2"
    assert not evaluate('"' + " ".join(ws) + '"', Document(summary=text)).matched


@settings(max_examples=100, deadline=None)
@given(words, words, words)
def test_a_word_never_matches_inside_a_longer_word(word: str, before: str, after: str) -> None:
    assert not evaluate(word, Document(summary=f"{before}{word}{after} {before}{word}")).matched
    assert evaluate(word, Document(summary=f"{before}{word}{after} {word}")).matched
