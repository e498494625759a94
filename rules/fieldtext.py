"""One document field made ready for the automata: normalised once, spaced once.

`spaced` is the normalised text with every character that is not part of a word token
(`rules.tokens`) replaced by a space, and a space at each end, so offsets line up: the
character at offset `s` of `spaced` is the character at `s - 1` of the normalised text.
Where Hangul/kana/Han meets another script with nothing between (`bbc는`), tokens split
with no gap; a space is inserted there (`inserted` records where, to shift offsets back).
In `spaced`, a word token is a run of non-spaces:

- a word is found as the key `" jo "`, a prefix as `" defect"`, a Hangul/kana/Han term
  (which never holds a space) as itself;
- a phrase is found by its letters in `squeezed`, `spaced` without its spaces;
  `unsqueeze` gives back the offset in `spaced`.

No per-token objects or offset tables are built until needed: `unsqueeze` and
`token_index` (phrases and proximity) build the token table on first use.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

from rules.fastnorm import FastNormalized, normalize_spaced
from rules.tokens import _CJK, _WORD, _char_kind

_ASCII_SPACED = bytes(c if chr(c).isalnum() else 0x20 for c in range(256))
_TOKEN_RE = re.compile(r"[^ ]+")
_TRANSITION_RE = re.compile(r"(?<=w)c|(?<=c)w")
_NON_ASCII_RE = re.compile(r"[\x80-\U0010ffff]+")


class _KindTable(dict[int, str]):
    """`str.translate` table: a character → `w` (word), `c` (Hangul/kana/Han) or space."""

    def __missing__(self, code: int) -> str:
        kind = _char_kind(chr(code))
        value = "w" if kind == _WORD else "c" if kind == _CJK else " "
        self[code] = value
        return value


class _SpaceTable(dict[int, str]):
    """`str.translate` table: a character that is not part of a token → a space."""

    def __missing__(self, code: int) -> str:
        value = " " if _KINDS[code] == " " else chr(code)
        self[code] = value
        return value


_KINDS = _KindTable()
_SPACES = _SpaceTable()


def spaced_text(text: str) -> tuple[str, list[int]]:
    """`spaced` for normalised `text`, and the offsets in it of inserted spaces."""
    raw = text.encode("ascii", "replace")  # one `?` per non-ASCII character: offsets kept
    spaced = raw.translate(_ASCII_SPACED).decode("ascii")
    if text.isascii():
        return " " + spaced + " ", []
    pieces: list[str] = []
    cuts: list[int] = []
    pos = 0
    for m in _NON_ASCII_RE.finditer(text):
        start, end = m.span()
        run = m.group()
        pieces += [spaced[pos:start], run.translate(_SPACES)]
        pos = end
        before = "w" if start and text[start - 1].isalnum() else " "
        after = "w" if end < len(text) and text[end].isalnum() else " "
        kinds = before + run.translate(_KINDS) + after
        cuts += [start - 1 + t.start() for t in _TRANSITION_RE.finditer(kinds)]
    pieces.append(spaced[pos:])
    spaced = "".join(pieces)
    if not cuts:
        return " " + spaced + " ", []
    pieces = [spaced[a:b] for a, b in zip([0, *cuts], [*cuts, len(spaced)], strict=True)]
    return " " + " ".join(pieces) + " ", [cut + 1 + i for i, cut in enumerate(cuts)]


class FieldText:
    """A field's original text, its normalisation, and `spaced` (see the module doc)."""

    __slots__ = (
        "_gaps",
        "_pieces",
        "_squeezed",
        "_squeezed_text",
        "_starts",
        "inserted",
        "norm",
        "original",
        "spaced",
        "text",
    )

    def __init__(
        self,
        original: str,
        norm: FastNormalized,
        spaced: str,
        inserted: list[int],
        squeezed: str | None = None,
    ):
        self.original = original
        self.norm = norm
        self.text = norm.text
        self.spaced = spaced
        self.inserted = inserted
        self._starts: list[int] = []  # where each token starts in `spaced`, once needed
        self._squeezed: list[int] = []  # where each piece of `spaced.split(" ")` starts
        self._pieces: list[int] = []  # in `squeezed`, and in `spaced`
        self._gaps: dict[int, bool] = {}
        self._squeezed_text = squeezed

    @property
    def squeezed(self) -> str:
        """`spaced` without its spaces: the tokens' characters, run together."""
        if self._squeezed_text is None:
            self._squeezed_text = self.spaced.replace(" ", "")
        return self._squeezed_text

    def unsqueeze(self, at: int) -> int:
        """The offset in `spaced` of the character at offset `at` of `squeezed`."""
        if not self._squeezed:  # `spaced` split at each space: tokens and empty pieces
            pieces = list(map(len, self.spaced.split(" ")))
            self._squeezed = list(accumulate(pieces, initial=0))
            self._pieces = list(accumulate(map((1).__add__, pieces), initial=0))
        k = bisect_right(self._squeezed, at) - 1  # the token holding it: its last piece
        return self._pieces[k] + at - self._squeezed[k]

    def to_text(self, at: int) -> int:
        """Offset in the normalised text of the token character at offset `at` of `spaced`."""
        if not self.inserted:
            return at - 1
        return at - 1 - bisect_left(self.inserted, at)

    def token_index(self, at: int) -> int:
        """Index of the token holding offset `at` of `spaced`."""
        if not self._starts:
            self._starts = [m.start() for m in _TOKEN_RE.finditer(self.spaced)]
        return bisect_right(self._starts, at) - 1

    def gap_ok(self, end: int, start: int, extra: frozenset[str]) -> bool:
        """Whether a phrase may step from the token ending at offset `end` of `spaced` to
        the one starting at `start`: the text between holds only whitespace, hyphens and
        apostrophes, plus the punctuation `extra` the phrase has between its tokens."""
        basic = self._gaps.get(end)
        gap = ""
        if basic is None or (not basic and extra):
            gap = self.text[self.to_text(end - 1) + 1 : self.to_text(start)]
        if basic is None:
            plain = gap.replace("-", " ").replace("'", " ")
            basic = self._gaps[end] = not plain or plain.isspace()
        if basic or not extra:
            return basic
        return all(c.isspace() or c in "-'" or c in extra for c in gap)


def prepare_field(original: str) -> FieldText | None:
    """Normalise and space `original`; None when it holds no token to match."""
    if not original:
        return None
    norm, given = normalize_spaced(original)
    if given is not None:
        spaced, inserted, squeezed = given
        return FieldText(original, norm, spaced, inserted, squeezed) if squeezed else None
    spaced, inserted = spaced_text(norm.text)
    if spaced.isspace():
        return None
    return FieldText(original, norm, spaced, inserted)
