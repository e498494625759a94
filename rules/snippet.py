"""Short excerpts around a match, with the matched words marked, for digests and test-rule.

    snippet(text, [(hit.start, hit.end) for hit in hits_in_this_field])
    → [("…the defector ", False), ("Jo Song-gil", True), (" left Rome in…", False)]

`text` is a field's original text and the spans index it, as `Hit.start`/`Hit.end` do.
The excerpt is display text: tags, comments and scripts are removed and entities decoded
as the matcher's normalisation does (`rules.normalize`), and runs of whitespace, soft
hyphens and zero-width characters collapse, but case and accents are kept. A renderer
escapes each segment and wraps the marked ones (`<mark>…</mark>`, `**…**`).

The excerpt holds at most `width` characters (plus an ellipsis at a cut end; a single
marked span longer than `width` is shown whole). It is placed around the window of
`width` characters that holds the most spans (the earliest such window), with a little
context before the first, and is cut at word boundaries with "…" where text was left out.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence

from rules.normalize import _MARKUP_RE, _replacement

ELLIPSIS = "…"
DEFAULT_WIDTH = 200


def snippet(
    text: str, spans: Sequence[tuple[int, int]], width: int = DEFAULT_WIDTH
) -> list[tuple[str, bool]]:
    """Excerpt of `text` around `spans` as `(text, marked)` segments; see the module doc."""
    display, origin = _display(text)
    if not display:
        return []
    marks = _display_spans(spans, origin)
    start, end = _window(display, marks, max(width, 1))
    return _segments(display, [m for m in marks if start <= m[0] and m[1] <= end], start, end)


def _display(text: str) -> tuple[str, list[int]]:
    """Display text, and for each of its characters the original offset it came from."""
    chars: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _MARKUP_RE.finditer(text):
        _append_plain(text, pos, m.start(), chars, origin)
        for ch in _replacement(m):
            _append_char(ch, m.start(), chars, origin)
        pos = m.end()
    _append_plain(text, pos, len(text), chars, origin)
    while chars and chars[-1] == " ":
        chars.pop(), origin.pop()
    return "".join(chars), origin


def _append_plain(text: str, start: int, end: int, chars: list[str], origin: list[int]) -> None:
    for i in range(start, end):
        _append_char(text[i], i, chars, origin)


def _append_char(ch: str, at: int, chars: list[str], origin: list[int]) -> None:
    if ch.isspace() or ch < " ":
        if chars and chars[-1] != " ":
            chars.append(" ")
            origin.append(at)
    elif unicodedata.category(ch) != "Cf":  # soft hyphen, zero-width characters
        chars.append(ch)
        origin.append(at)


def _display_spans(spans: Sequence[tuple[int, int]], origin: list[int]) -> list[tuple[int, int]]:
    """The spans in display offsets, sorted, overlapping ones merged, empty ones dropped."""
    mapped = sorted((bisect_left(origin, a), bisect_left(origin, b)) for a, b in spans if a < b)
    merged: list[tuple[int, int]] = []
    for a, b in mapped:
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _window(display: str, marks: list[tuple[int, int]], width: int) -> tuple[int, int]:
    if not marks:
        return 0, _cut_end(display, min(len(display), width), 0)
    first, last = _best_cluster(marks, width)
    room = max(width - (last - first), 0)
    start = max(first - room // 3, 0)
    end = min(start + width, len(display))
    start = max(min(start, end - width), 0)
    end = max(end, last)
    for a, b in marks:  # never cut through a marked span
        if a < start < b:
            start = b
        if a < end < b:
            end = a
    return _cut_start(display, start, first), _cut_end(display, end, last)


def _best_cluster(marks: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """Start of the first and end of the last span of the earliest window holding most."""
    best = (0, 0)  # (count, first index)
    for i, (a, _) in enumerate(marks):
        j = i
        while j + 1 < len(marks) and marks[j + 1][1] - a <= width:
            j += 1
        if j - i + 1 > best[0]:
            best = (j - i + 1, i)
    count, i = best
    return marks[i][0], marks[i + count - 1][1]


def _cut_start(display: str, start: int, limit: int) -> int:
    """Move `start` forward to a word start (not past `limit`), skipping spaces."""
    if 0 < start < limit and not display[start - 1].isspace():
        space = display.find(" ", start, limit)
        start = space + 1 if space >= 0 else start
    while start < limit and display[start] == " ":
        start += 1
    return start


def _cut_end(display: str, end: int, limit: int) -> int:
    """Move `end` back to a word end (not before `limit`), dropping spaces."""
    if limit < end < len(display) and not display[end].isspace():
        space = display.rfind(" ", limit, end)
        end = space if space >= 0 else end
    while end > limit and display[end - 1] == " ":
        end -= 1
    return end


def _segments(
    display: str, marks: list[tuple[int, int]], start: int, end: int
) -> list[tuple[str, bool]]:
    segments: list[tuple[str, bool]] = []
    pos = start
    for a, b in marks:
        if pos < a:
            segments.append((display[pos:a], False))
        segments.append((display[a:b], True))
        pos = b
    if pos < end:
        segments.append((display[pos:end], False))
    if start > 0:
        segments = _prepend(segments, ELLIPSIS)
    if end < len(display):
        text, marked = segments[-1] if segments else ("", False)
        if marked or not segments:
            segments.append((ELLIPSIS, False))
        else:
            segments[-1] = (text + ELLIPSIS, False)
    return segments


def _prepend(segments: list[tuple[str, bool]], prefix: str) -> list[tuple[str, bool]]:
    if segments and not segments[0][1]:
        return [(prefix + segments[0][0], False), *segments[1:]]
    return [(prefix, False), *segments]
