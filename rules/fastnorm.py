"""Normalisation for the matcher: the text and spans of `rules.normalize`, computed cheaply.

`normalize_fast(text)` returns exactly `normalize(text).text`, and its `span()` returns
exactly what `normalize(text).span()` returns, but nothing is built per character:

- the markup pass copies the text between tags and entities as whole slices
  (`rules.markup`: the reference's own regex and replacements, tried less often);
- the fold pass lower-cases ASCII runs in one call and folds only the clusters that hold a
  non-ASCII character (the reference's own cluster rule and `_fold_cluster`);
- each pass records the list of its edits (a span of its input replaced by so many
  characters) instead of two integer arrays the length of the text, and spans are
  looked up on demand by bisection through the passes, innermost first.

Passes repeat while markup remains, as in the reference. `tests/rules/test_fastnorm.py`
checks text and every character's span against `rules.normalize` on generated input.

When the C extension `rules._speedups` is built (`hatch_build.py`), it does the passes
for a text whose characters all fold on their own (most feed text), and hands anything
else back to these passes, whose markup pass and markup check it still does. Its scan
takes linear time however the markup is malformed (the regex's is quadratic on markup
that never closes).
"""

from __future__ import annotations

import hashlib
import re
import warnings
from bisect import bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from rules.chars import simple_char, simple_run
from rules.markup import _REPLACEMENTS, Columns, Edits, _learn, has_markup, strip_markup
from rules.normalize import MAX_PASSES, _continues_cluster, _fold_cluster
from rules.tokens import _char_kind

_NON_ASCII_RE = re.compile(r"[\x80-\U0010ffff]+")
_NON_ASCII_SPLIT_RE = re.compile(r"([\x80-\U0010ffff]+)")


class _Stage:
    """One pass's map from output characters to input spans, as the list of its edits.

    Edit `j` replaced input `[ins[j], ine[j])` with `sizes[j]` output characters, each of
    which maps to that whole input span; everything between edits was copied one to one.
    `outs[j]` is where edit `j`'s output starts. The edits (or the columns, or a function
    giving them, which the markup pass gives) are indexed on first use: most fields never
    need it.
    """

    __slots__ = ("_edits", "ine", "ins", "outs", "sizes")

    def __init__(self, edits: Edits | Callable[[], Columns] | Columns) -> None:
        self._edits: Edits | Callable[[], Columns] | Columns | None = edits
        self.outs: Sequence[int] = ()
        self.ins: Sequence[int] = ()
        self.ine: Sequence[int] = ()
        self.sizes: Sequence[int] = ()

    def _build(self) -> None:
        edits, self._edits = self._edits, None
        if callable(edits):
            self.outs, self.ins, self.ine, self.sizes = edits()
            return
        if isinstance(edits, tuple):  # already by column
            self.outs, self.ins, self.ine, self.sizes = edits
            return
        outs: list[int] = []
        shift = 0
        for start, end, size in edits or ():
            outs.append(start - shift)
            shift += end - start - size
        self.outs = outs
        if edits:
            self.ins, self.ine, self.sizes = zip(*edits, strict=True)

    def columns(self) -> Columns:
        """The edits by column: output starts, input starts and ends, output sizes."""
        if self._edits is not None:
            self._build()
        return self.outs, self.ins, self.ine, self.sizes  # type: ignore[return-value]

    def spans(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """`(start(s), end(e - 1))` for each `(s, e)` of `pairs`, in one loop."""
        if self._edits is not None:
            self._build()
        outs, ins, ine, sizes = self.outs, self.ins, self.ine, self.sizes
        if not outs:
            return pairs
        found = []
        for s, e in pairs:
            j = bisect_right(outs, s) - 1
            if j < 0:
                a = s
            else:
                offset = s - outs[j] - sizes[j]
                a = ins[j] if offset < 0 else ine[j] + offset
            e -= 1
            j = bisect_right(outs, e) - 1
            if j < 0:
                b = e + 1
            else:
                offset = e - outs[j] - sizes[j]
                b = ine[j] if offset < 0 else ine[j] + offset + 1
            found.append((a, b))
        return found

    def start(self, i: int) -> int:
        """The input start of output character `i`."""
        if self._edits is not None:
            self._build()
        j = bisect_right(self.outs, i) - 1
        if j < 0:
            return i
        offset = i - self.outs[j] - self.sizes[j]
        return self.ins[j] if offset < 0 else self.ine[j] + offset

    def end(self, i: int) -> int:
        """The input end (exclusive) of output character `i`."""
        if self._edits is not None:
            self._build()
        j = bisect_right(self.outs, i) - 1
        if j < 0:
            return i + 1
        offset = i - self.outs[j] - self.sizes[j]
        return self.ine[j] if offset < 0 else self.ine[j] + offset + 1


class FastNormalized:
    """Normalised text whose spans into the original are computed on demand."""

    __slots__ = ("_stages", "text")

    def __init__(self, text: str, stages: tuple[_Stage, ...]) -> None:
        self.text = text
        self._stages = stages  # outermost (applied to the original) first

    def columns(self) -> list[Columns]:
        """Each pass's edits by column (`_Stage.columns`), outermost first."""
        return [stage.columns() for stage in self._stages]

    def spans(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """`span` of each of `pairs`, mapped in one go (the usual case: one stage)."""
        stages = self._stages
        if not stages:
            return pairs
        if len(stages) > 1:
            span = self.span
            return [span(s, e) for s, e in pairs]
        return stages[0].spans(pairs)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span `[start, end)` (non-empty)."""
        stages = self._stages
        if not stages:
            return start, end
        if len(stages) == 1:
            return stages[0].start(start), stages[0].end(end - 1)
        s, e = start, end
        for stage in reversed(stages):
            s = stage.start(s)
            e = stage.end(e - 1)
        return s, e


def _load_speedups() -> ModuleType | None:
    """The C fast path, when it is built from the source beside it (else None)."""
    try:
        from rules import _speedups
    except ImportError:
        return None
    source = Path(__file__).with_name("_speedups.c")
    sources = [source, *sorted(source.parent.glob("_*.h"))]  # as hatch_build.py hashes them
    if source.exists():  # a source checkout, or a wheel (which carries the sources)
        digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
        if digest != _speedups.SOURCE_HASH:
            message = f"{sources[0]} changed since it was compiled: pure Python used (`make`)"
            warnings.warn(message, RuntimeWarning, stacklevel=2)
            return None
    _speedups.configure(_REPLACEMENTS, _learn, simple_char, _char_kind)
    return _speedups


speedups = _load_speedups()
"""The C extension in use, or None: then the pure-Python passes do all the work."""


def normalize_fast(text: str) -> FastNormalized:
    """`rules.normalize(text)`, with the same text and spans; see the module docstring."""
    return normalize_spaced(text)[0]


def normalize_spaced(text: str) -> tuple[FastNormalized, tuple[str, list[int], str] | None]:
    """`normalize_fast(text)`, and when the C extension gave them too (else None),
    `rules.fieldtext.spaced_text` of its text and `spaced` without its spaces."""
    if text.isascii() and "&" not in text and "<" not in text:
        return FastNormalized(text.lower(), ()), None
    if speedups is not None:
        done = speedups.normalize(text)
        if done is not None:
            result, columns, spaced, inserted, squeezed = done
            stages = tuple(map(_Stage, columns))
            return FastNormalized(result, stages), (spaced, inserted, squeezed)
    return _normalize_python(text), None


def _normalize_python(text: str) -> FastNormalized:
    stages: list[_Stage] = []
    result = _one_pass(text, stages)
    for _ in range(MAX_PASSES - 1):
        if not _has_markup(result):
            break
        result = _one_pass(result, stages)
    return FastNormalized(result, tuple(stages))


def _one_pass(text: str, stages: list[_Stage]) -> str:
    stripped, edits = _strip_markup(text)
    if edits:
        stages.append(_Stage(edits))
    return _fold_chars(stripped, stages)


def _strip_markup(text: str) -> tuple[str, Edits | Callable[[], Columns] | Columns]:
    """`rules.markup.strip_markup`, by the C extension when it can: the regex rescans
    to the end of the text from each markup that never closes (quadratic time)."""
    if speedups is not None:
        done = speedups.strip_markup(text)
        if done is not None:
            stripped, columns = done
            return stripped, columns or []
    return strip_markup(text)


def _has_markup(text: str) -> bool:
    """`rules.markup.has_markup`, by the C extension when it can (as `_strip_markup`)."""
    found = speedups.has_markup(text) if speedups is not None else None
    return has_markup(text) if found is None else found


def _fold_chars(text: str, stages: list[_Stage]) -> str:
    """Fold every cluster. ASCII characters, and runs of non-ASCII characters that each
    fold to one character on their own, map one to one and need no edit, so a text whose
    only non-ASCII characters are quotes, dashes, NBSP, letters with precomposed accents
    or Hangul syllables needs no stage at all."""
    if text.isascii():
        return text.lower()
    parts = _NON_ASCII_SPLIT_RE.split(text)  # ASCII, run, ASCII, run, …, ASCII
    runs = [simple_run(run) for run in parts[1::2]]
    if None not in runs:
        parts[0::2] = [part.lower() for part in parts[0::2]]
        parts[1::2] = runs
        return "".join(parts)
    edits: list[tuple[int, int, int]] = []
    out: list[str] = []
    pos = 0
    for m in _NON_ASCII_RE.finditer(text):
        start, end = m.span()
        mapped = simple_run(m.group())
        if mapped is not None:
            out.append(text[pos:start].lower())
            out.append(mapped)
        else:
            start -= start > 0  # the ASCII character before may be the base of a cluster
            out.append(text[pos:start].lower())
            _fold_segment(text, start, end, edits, out)
        pos = end
    out.append(text[pos:].lower())
    stages.append(_Stage(edits))
    return "".join(out)


def _fold_segment(
    text: str, i: int, end: int, edits: list[tuple[int, int, int]], out: list[str]
) -> None:
    """Fold the clusters of `text[i:end]` as the reference does, recording the edits."""
    while i < end:
        j = i + 1
        while j < end and text[j] >= "\u0300" and _continues_cluster(text[j]):
            j += 1
        cluster = text[i:j]
        if j == i + 1 and cluster < "\x80":
            out.append(cluster.lower())  # one to one: no edit
        else:
            folded = _fold_cluster(cluster)
            out.append(folded)
            if j - i != 1 or len(folded) != 1:
                edits.append((i, j, len(folded)))
        i = j
