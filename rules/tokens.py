"""Word tokens of normalised text.

A token is a maximal run of letters, digits and combining marks, split where the text
passes between Hangul/kana/Han and any other script (`bbc는` → `bbc`, `는`). Everything
else separates tokens: spaces, punctuation, hyphens, the underscore and the apostrophe
(`l'ambasciata` → `l`, `ambasciata`, so `ambasciata` matches Italian elisions).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from rules.normalize import Normalized, normalize
from rules.script import is_cjk

_ASCII_TOKEN_RE = re.compile(r"[A-Za-z0-9]+")

_OTHER, _WORD, _CJK = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Token:
    """One word of normalised text: `text == normalised[start:end]`."""

    start: int
    end: int
    text: str

    @property
    def cjk(self) -> bool:
        return is_cjk(self.text[0])


def tokenize(text: str) -> list[Token]:
    """The word tokens of already normalised `text`, in order."""
    if text.isascii():
        return [Token(m.start(), m.end(), m.group()) for m in _ASCII_TOKEN_RE.finditer(text)]
    tokens: list[Token] = []
    start, kind = 0, _OTHER
    for i, ch in enumerate(text):
        ch_kind = _char_kind(ch)
        if ch_kind != kind:
            if kind != _OTHER:
                tokens.append(Token(start, i, text[start:i]))
            start, kind = i, ch_kind
    if kind != _OTHER:
        tokens.append(Token(start, len(text), text[start:]))
    return tokens


def has_tokens(text: str) -> bool:
    """`bool(tokenize(text))`, without building the tokens."""
    if text.isascii():
        return _ASCII_TOKEN_RE.search(text) is not None
    return any(_char_kind(ch) != _OTHER for ch in text)


@lru_cache(maxsize=8192)
def _char_kind(ch: str) -> int:
    if ch < "\x80":
        return _WORD if ch.isalnum() else _OTHER
    if not (ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc")):
        return _OTHER
    return _CJK if is_cjk(ch) else _WORD


@dataclass(frozen=True, slots=True)
class IndexedText:
    """A field's original text, its normalisation and its tokens."""

    original: str
    normalized: Normalized
    tokens: list[Token]
    token_starts: list[int] = field(repr=False)

    @property
    def text(self) -> str:
        """The normalised text."""
        return self.normalized.text

    def token_at(self, offset: int) -> int:
        """Index of the token containing (or preceding) normalised `offset`."""
        return max(bisect_right(self.token_starts, offset) - 1, 0)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original `[start, end)` of the normalised span `[start, end)`."""
        return self.normalized.span(start, end)


def index_text(text: str) -> IndexedText:
    """Normalise and tokenise `text` once, for repeated searching."""
    normalized = normalize(text)
    tokens = tokenize(normalized.text)
    return IndexedText(text, normalized, tokens, [t.start for t in tokens])
