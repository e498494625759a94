"""The markup pass of `rules.normalize`, done faster: same matches, same replacements.

The reference runs `_MARKUP_RE.finditer`: a case-insensitive alternation whose branches
start inside named groups, so the regex engine tries it at every character. `_SPLIT_RE`
is the same alternation, branch for branch, with each branch's first character (`<`,
`&`, `]`) moved in front of its group: the engine then skips straight to those
characters. The whole text is split at the matches in one call; a match's replacement
depends only on its text (the branches begin differently, and `<script>…</script>` and
a lone tag both become a space), so replacements are looked up in a cache, filled by
`_replacement` on the reference's own match object the first time a text is seen.

An entity whose character folds to one ASCII character on its own (`&nbsp;`,
`&rsquo;`, `&mdash;`) is replaced by that folded character when plain ASCII text comes
next (so nothing can join its cluster): the fold pass would have mapped it one to one,
so text and spans are unchanged, and a typical HTML text is all ASCII after this pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate

from rules.chars import simple_char
from rules.normalize import _MARKUP_RE, _decode_entity, _replacement

_SPLIT_RE = re.compile(
    r"(<(?:!--.*?-->)"
    r"|<(?:(?P<rawname>script|style)\b[^>]*>.*?</(?P=rawname)\s*>)"
    r"|<(?:!\[CDATA\[)"
    r"|\](?:\]>)"
    r"|<(?:/?[A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>"
    r"|<(?:![A-Za-z][^<>]*>)"
    r"|&(?:(?:amp;)*(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});))",
    re.DOTALL | re.IGNORECASE,
)
"""`_MARKUP_RE` with each branch's first character outside its group; group 1 is the
whole match, group 2 the raw element's name (for its closing tag)."""

_STRIDE = 3  # split() gives: text, match, raw element name, text, match, …

_REPLACEMENTS: dict[str, tuple[str, str | None]] = {}  # match → replacement, prefolded
_MAX_CACHED = 8192

Edits = list[tuple[int, int, int]]  # (start, end, size of the replacement)
Columns = tuple[list[int], list[int], list[int], list[int]]
"""Edits by column: where each replacement starts in the output, its input start and
end, and its size (`rules.fastnorm._Stage`)."""


def strip_markup(text: str) -> tuple[str, Edits | Callable[[], Columns]]:
    """The text with markup replaced, and the edits made (or a function that gives them
    by column: they are needed only to place hits)."""
    if not _may_hold_markup(text):
        return text, []
    parts = _SPLIT_RE.split(text)
    if len(parts) == 1:
        return text, []
    texts, found = parts[0::_STRIDE], parts[1::_STRIDE]
    known = list(map(_REPLACEMENTS.get, found))
    if None in known:
        known = [k if k is not None else _learn(m) for k, m in zip(known, found, strict=True)]
        if None in known:
            return _strip_slowly(text)
    last = len(found) - 1
    replacements = [
        folded if folded is not None and (after[:1] < "\x80" if after else i == last) else rep
        for i, ((rep, folded), after) in enumerate(zip(known, texts[1:], strict=True))  # type: ignore[misc]
    ]
    pieces: list[str] = [""] * (2 * len(found) + 1)
    pieces[0::2] = texts
    pieces[1::2] = found
    lengths = list(map(len, pieces))
    pieces[1::2] = replacements

    def columns() -> Columns:
        count = len(replacements)
        at = list(accumulate(lengths, initial=0))  # input offsets of the pieces
        sizes = list(map(len, replacements))
        outputs = lengths.copy()
        outputs[1::2] = sizes
        out = list(accumulate(outputs, initial=0))  # output offsets of the pieces
        return out[1::2][:count], at[1::2][:count], at[2::2], sizes

    return "".join(pieces), columns


def _strip_slowly(text: str) -> tuple[str, Edits]:
    """The reference's markup pass, for a match `_learn` cannot place (never seen)."""
    out: list[str] = []
    edits: Edits = []
    pos = 0
    for m in _MARKUP_RE.finditer(text):
        replacement = _replacement(m)
        out += [text[pos : m.start()], replacement]
        edits.append((m.start(), m.end(), len(replacement)))
        pos = m.end()
    return "".join([*out, text[pos:]]), edits


def _learn(matched: str) -> tuple[str, str | None] | None:
    """The replacement of markup text first seen, and its prefolded form (the one ASCII
    character it folds to on its own, if it is one such non-ASCII character)."""
    m = _MARKUP_RE.match(matched)
    if m is None or m.end() != len(matched):  # cannot happen: the same regex
        return None
    replacement = _replacement(m)
    folded = None
    if len(replacement) == 1 and replacement >= "\x80":
        folded = simple_char(replacement)
        if folded is not None and folded >= "\x80":
            folded = None
    if len(_REPLACEMENTS) >= _MAX_CACHED:
        _REPLACEMENTS.clear()
    _REPLACEMENTS[matched] = (replacement, folded)
    return replacement, folded


def has_markup(text: str) -> bool:
    """`rules.normalize._has_markup`: markup other than an entity that decodes to itself."""
    if not _may_hold_markup(text):
        return False
    for m in _SPLIT_RE.finditer(text):
        matched = m.group(1)
        if not matched.startswith("&") or _decode_entity(matched) != matched:
            return True
    return False


def _may_hold_markup(text: str) -> bool:
    """False when `text` holds none of the characters every markup match starts with."""
    return "<" in text or "&" in text or "]" in text
