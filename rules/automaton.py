"""Every distinct term pattern of a rule set, found by one scan of each field's text.

Patterns come from `rules.terms.compile_leaf`, so a term means here what it means to the
reference evaluator. Each distinct pattern gets a number (its `pid`). Two pyahocorasick
automata hold the keys; both run over a field's `spaced` text (`rules.fieldtext`):

- word keys: a word `jo` as `" jo "`, a prefix `defect*` as `" defect"`, a
  Hangul/kana/Han term as itself. A key found is an occurrence; nothing to check.
- phrase keys, matched with the spaces skipped: a phrase (or a word such as `Song-gil`)
  by the letters of its first segment (`"josonggil"`, or `"north"` for
  `"north* korea"`). A key found is a candidate start, checked by `_walk`: anchors at
  token boundaries, every gap stepped over allowed, later segments, and a `*` extended
  longest first, as `rules.terms._walk` does.

A proximity term (`"a b"~N`) is not scanned: its parts are, and its windows are built
from their occurrences exactly as `rules.terms._find_proximity` builds them.

An occurrence is `(start, end, at)`: offsets in the normalised text, and the offset in
`spaced` where it starts (its token index is looked up only for proximity).
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from rules.fieldtext import FieldText
from rules.terms import (
    Pattern,
    ProximityPattern,
    SequencePattern,
    SubstringPattern,
    WordPattern,
)

Occurrence = tuple[int, int, int]

WORD, SUBSTRING, SEQUENCE, PROXIMITY = 0, 1, 2, 3


class PatternTable:
    """Numbered patterns and the automata that find them; built once per rule set."""

    def __init__(self) -> None:
        self.patterns: list[Pattern] = []
        self.kinds: list[int] = []
        self.parts: dict[int, tuple[int, ...]] = {}  # proximity pid → part pids
        self._pids: dict[Pattern, int] = {}
        self._words: ahocorasick.Automaton | None = None
        self._phrases: ahocorasick.Automaton | None = None

    def add(self, pattern: Pattern) -> int:
        """The pid of `pattern`, numbering it when it is new."""
        pid = self._pids.get(pattern)
        if pid is not None:
            return pid
        if isinstance(pattern, ProximityPattern):
            parts = tuple(self.add(part) for part in pattern.parts)
        pid = self._pids[pattern] = len(self.patterns)
        self.patterns.append(pattern)
        self.kinds.append(_kind(pattern))
        if isinstance(pattern, ProximityPattern):
            self.parts[pid] = parts
        return pid

    def build(self) -> None:
        """Build the automata; call once, after the last `add`."""
        words: dict[str, int] = {}
        phrases: dict[str, list[int]] = {}
        for pid, pattern in enumerate(self.patterns):
            if isinstance(pattern, WordPattern):
                words[" " + pattern.token + ("" if pattern.prefix else " ")] = pid
            elif isinstance(pattern, SubstringPattern):
                words[pattern.needle] = pid
            elif isinstance(pattern, SequencePattern):
                phrases.setdefault(pattern.segments[0][0], []).append(pid)
        self._words = _automaton(words.items())
        self._phrases = _automaton((key, tuple(pids)) for key, pids in phrases.items())

    def scan(self, field: FieldText) -> tuple[dict[int, list[int]], dict[int, list[Occurrence]]]:
        """Where word keys end in `spaced`, by pid, and the checked phrase occurrences."""
        spaced = field.spaced
        words: dict[int, list[int]] = {}
        if self._words is not None:
            get = words.get
            for end, pid in self._words.iter(spaced):
                ends = get(pid)
                if ends is None:
                    words[pid] = [end]
                else:
                    ends.append(end)
        phrases: dict[int, list[Occurrence]] = {}
        if self._phrases is not None:
            for end, pids in self._phrases.iter(spaced, ignore_white_space=True):
                for pid in pids:
                    occurrence = self._sequence_at(pid, field, end)
                    if occurrence is not None:
                        phrases.setdefault(pid, []).append(occurrence)
        return words, phrases

    def place(self, pid: int, field: FieldText, ends: list[int]) -> list[Occurrence]:
        """The occurrences of a word key of `pid` that ends at offsets `ends` of `spaced`:
        a word or prefix covers its whole token, a Hangul/kana/Han term itself."""
        pattern = self.patterns[pid]
        if isinstance(pattern, WordPattern):
            size = len(pattern.token)
            if pattern.prefix:
                find = field.spaced.find
                spans = [(end - size + 1, find(" ", end)) for end in ends]
            else:
                spans = [(end - size, end) for end in ends]
        else:
            assert isinstance(pattern, SubstringPattern)
            size = len(pattern.needle)
            spans = [(end - size + 1, end + 1) for end in ends]
        if not field.inserted:  # offsets in `spaced` are one more than in the text
            return [(at - 1, stop - 1, at) for at, stop in spans]
        to_text = field.to_text
        return [(to_text(at), to_text(at) + stop - at, at) for at, stop in spans]

    def _sequence_at(self, pid: int, field: FieldText, end: int) -> Occurrence | None:
        pattern = self.patterns[pid]
        assert isinstance(pattern, SequencePattern)
        spaced = field.spaced
        first, letters = end, len(pattern.segments[0][0]) - 1
        while letters:  # back to the first letter, over the spaces the automaton skipped
            first -= 1
            if spaced[first] != " ":
                letters -= 1
        if pattern.anchor_start and spaced[first - 1] != " ":
            return None
        stop = _walk(pattern, field, first, 0)
        if stop is None:
            return None
        start = field.to_text(first)
        return start, field.to_text(stop - 1) + 1, first

    def proximity(
        self, pid: int, field: FieldText, parts: list[list[Occurrence]]
    ) -> list[Occurrence]:
        """The windows of proximity pattern `pid`, given each part's occurrences."""
        pattern = self.patterns[pid]
        assert isinstance(pattern, ProximityPattern)
        return _windows(field, parts, pattern.slop)


def _kind(pattern: Pattern) -> int:
    if isinstance(pattern, WordPattern):
        return WORD
    if isinstance(pattern, SubstringPattern):
        return SUBSTRING
    return SEQUENCE if isinstance(pattern, SequencePattern) else PROXIMITY


def _automaton(items: Iterable[tuple[str, object]]) -> ahocorasick.Automaton | None:
    automaton = ahocorasick.Automaton()
    for key, value in items:
        automaton.add_word(key, value)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


def _walk(pattern: SequencePattern, field: FieldText, at: int, seg: int) -> int | None:
    """Match segments `seg…` from offset `at` of `spaced`; the end offset, or None.

    A letter read where a token has ended steps over the gap to the next token. A segment
    ending in `*` may run on to the end of its token, longest first, as in the reference.
    """
    spaced = field.spaced
    if seg == len(pattern.segments):
        if pattern.anchor_end and spaced[at] != " ":
            return None
        return at
    letters, extends = pattern.segments[seg]
    for ch in letters:
        if spaced[at] == " ":
            start = at + 1
            while start < len(spaced) and spaced[start] == " ":
                start += 1
            if start == len(spaced) or not field.gap_ok(at, start, pattern.gap_chars):
                return None
            at = start
        if spaced[at] != ch:
            return None
        at += 1
    if not extends:
        return _walk(pattern, field, at, seg + 1)
    for stop in range(spaced.find(" ", at), at - 1, -1):
        end = _walk(pattern, field, stop, seg + 1)
        if end is not None:
            return end
    return None


def _windows(field: FieldText, parts: list[list[Occurrence]], slop: int) -> list[Occurrence]:
    """`rules.terms._find_proximity` over occurrences already found."""
    events = sorted(
        (field.token_index(occ[2]), occ[0], occ, i)
        for i, found in enumerate(parts)
        for occ in found
    )
    found: list[Occurrence] = []
    i = 0
    while i < len(events):
        last = events[i][0] + slop
        j = i
        while j < len(events) and events[j][0] <= last:
            j += 1
        window = events[i:j]
        if len({e[3] for e in window}) == len(parts):
            start = min(e[2][0] for e in window)
            end = max(e[2][1] for e in window)
            found.append((start, end, events[i][2][2]))
            i = j
        else:
            i += 1
    return found
