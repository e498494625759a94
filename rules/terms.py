"""Where one query term occurs in one field: the matching semantics, spelled out.

A term is normalised and tokenised like the text (`rules.normalize`, `rules.tokens`).

- One token, not Hangul/kana/Han: equal to a text token (`jo` never matches `joseph`);
  with `*`, a text token that starts with it (`defect*` matches `defected`).
- One token with Hangul, kana or Han: a substring of the normalised text
  (`조성길` matches `조성길은`).
- Several tokens (a phrase, or a word such as `Song-gil`): consecutive text tokens whose
  letters, read without the gaps between tokens, spell the term's letters without its
  gaps. "A space, a hyphen or nothing between two parts are the same", both ways:
  `"Jo Song Gil"` matches `Jo Songgil` and `"Jo Songgil"` matches `Jo Song Gil`.
  A gap in the text may hold only whitespace, hyphens and apostrophes, plus any
  punctuation the term itself has between its tokens (`U.S.` matches `U.S.`), so a
  phrase never runs across `.` or `,`. The match starts at a token start and ends at a
  token end, except beside Hangul/kana/Han, which may sit inside a longer token. A part
  ending in `*` may continue to the end of the text token it ends in.
- `"a b c"~N`: each part is found as above; the position of an occurrence is the index
  of the token it starts in. The term occurs when a window of positions `[p, p + N]`
  holds an occurrence of every (distinct) part: `~0` only lets parts share a token,
  `~1` means adjacent in either order. Every such window, scanned left to right without
  overlap, is one occurrence spanning from its first to its last part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rules.normalize import normalize
from rules.query.ast import Leaf, Term
from rules.script import has_cjk
from rules.tokens import IndexedText, Token, tokenize


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a term occurs: normalised `[start, end)` and the token index it starts in."""

    start: int
    end: int
    position: int


@dataclass(frozen=True, slots=True)
class WordPattern:
    token: str
    prefix: bool


@dataclass(frozen=True, slots=True)
class SubstringPattern:
    needle: str


@dataclass(frozen=True, slots=True)
class SequencePattern:
    segments: tuple[tuple[str, bool], ...]  # (letters, may extend to the token end)
    anchor_start: bool
    anchor_end: bool
    gap_chars: frozenset[str]


@dataclass(frozen=True, slots=True)
class ProximityPattern:
    parts: tuple[WordPattern | SubstringPattern | SequencePattern, ...]
    slop: int


Pattern = WordPattern | SubstringPattern | SequencePattern | ProximityPattern


def compile_leaf(leaf: Leaf) -> Pattern:
    """The pattern of a query leaf (parsed leaves always have something to match)."""
    if isinstance(leaf, Term):
        return _compile_parts([leaf.label])
    if leaf.slop is None:
        return _compile_parts(leaf.parts)
    parts = tuple(_compile_parts([p]) for p in leaf.parts if _tokens_of(p.removesuffix("*")))
    return ProximityPattern(tuple(dict.fromkeys(parts)), leaf.slop)


def _tokens_of(text: str) -> list[Token]:
    return tokenize(normalize(text).text)


def _compile_parts(parts: Sequence[str]) -> WordPattern | SubstringPattern | SequencePattern:
    tokens: list[str] = []
    prefixes: list[bool] = []
    gap_chars: set[str] = set()
    pending = ""  # what followed the last token of the previous part
    for part in parts:
        body = part.removesuffix("*")
        text = normalize(body).text
        part_tokens = tokenize(text)
        if tokens and part_tokens:  # punctuation between the previous part and this one
            gap_chars.update(pending + text[: part_tokens[0].start])
        for i, token in enumerate(part_tokens):
            if i:  # punctuation inside the part, as in `U.S.` or `AT&T`
                gap_chars.update(text[part_tokens[i - 1].end : token.start])
            tokens.append(token.text)
            prefixes.append(False)
        if part_tokens:
            prefixes[-1] = body != part
            pending = text[part_tokens[-1].end :]
    if not tokens:
        raise ValueError(f"nothing to search for in {' '.join(parts)!r}")
    if len(tokens) == 1:
        if has_cjk(tokens[0]):
            return SubstringPattern(tokens[0])
        return WordPattern(tokens[0], prefixes[0])
    return _sequence(tokens, prefixes, frozenset(c for c in gap_chars if not c.isspace()))


def _sequence(
    tokens: list[str], prefixes: list[bool], gap_chars: frozenset[str], cjk: bool = True
) -> SequencePattern:
    """The pattern of a phrase's tokens; `cjk=False` when no token can hold Hangul, kana
    or Han (they are ASCII), which saves looking."""
    segments: list[tuple[str, bool]] = []
    letters = ""
    for token, prefix in zip(tokens, prefixes, strict=True):
        letters += token
        if prefix:
            segments.append((letters, True))
            letters = ""
    if letters:
        segments.append((letters, False))
    if not cjk:
        return SequencePattern(tuple(segments), True, True, gap_chars)
    return SequencePattern(
        tuple(segments), not has_cjk(tokens[0]), not has_cjk(tokens[-1]), gap_chars
    )


def find(pattern: Pattern, field: IndexedText) -> list[Occurrence]:
    """Every occurrence of `pattern` in `field`, in text order."""
    if isinstance(pattern, WordPattern):
        return [
            Occurrence(t.start, t.end, i)
            for i, t in enumerate(field.tokens)
            if t.text == pattern.token or (pattern.prefix and t.text.startswith(pattern.token))
        ]
    if isinstance(pattern, SubstringPattern):
        found = []
        at = field.text.find(pattern.needle)
        while at >= 0:
            found.append(Occurrence(at, at + len(pattern.needle), field.token_at(at)))
            at = field.text.find(pattern.needle, at + 1)
        return found
    if isinstance(pattern, SequencePattern):
        return _find_sequence(pattern, field)
    return _find_proximity(pattern, field)


def _find_sequence(pattern: SequencePattern, field: IndexedText) -> list[Occurrence]:
    found = []
    for k, token in enumerate(field.tokens):
        for offset in [0] if pattern.anchor_start else range(len(token.text)):
            end = _walk(pattern, field, k, offset, 0)
            if end is not None:
                found.append(Occurrence(token.start + offset, end, k))
    return found


def _walk(pattern: SequencePattern, field: IndexedText, k: int, o: int, seg: int) -> int | None:
    """Match segments `seg…` from offset `o` of token `k`; the normalised end, or None."""
    tokens = field.tokens
    if seg == len(pattern.segments):
        if pattern.anchor_end and o != len(tokens[k].text):
            return None
        return tokens[k].start + o
    letters, extends = pattern.segments[seg]
    for ch in letters:
        if o == len(tokens[k].text):  # step over the gap to the next token
            if k + 1 == len(tokens) or not _gap_ok(pattern, field, k):
                return None
            k, o = k + 1, 0
        if tokens[k].text[o] != ch:
            return None
        o += 1
    if not extends:
        return _walk(pattern, field, k, o, seg + 1)
    for stop in range(len(tokens[k].text), o - 1, -1):  # `*`: longest first
        end = _walk(pattern, field, k, stop, seg + 1)
        if end is not None:
            return end
    return None


def _gap_ok(pattern: SequencePattern, field: IndexedText, k: int) -> bool:
    gap = field.text[field.tokens[k].end : field.tokens[k + 1].start]
    return all(c.isspace() or c in "-'" or c in pattern.gap_chars for c in gap)


def _find_proximity(pattern: ProximityPattern, field: IndexedText) -> list[Occurrence]:
    events = sorted(
        ((occ, i) for i, part in enumerate(pattern.parts) for occ in find(part, field)),
        key=lambda e: (e[0].position, e[0].start),
    )
    found = []
    i = 0
    while i < len(events):
        last = events[i][0].position + pattern.slop
        j = i
        while j < len(events) and events[j][0].position <= last:
            j += 1
        window = events[i:j]
        if len({part for _, part in window}) == len(pattern.parts):
            start = min(occ.start for occ, _ in window)
            end = max(occ.end for occ, _ in window)
            found.append(Occurrence(start, end, events[i][0].position))
            i = j
        else:
            i += 1
    return found
