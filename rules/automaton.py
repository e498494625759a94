"""Every distinct term pattern of a rule set, found by one scan of each field's text.

Patterns come from `rules.terms.compile_leaf`, so a term means here what it means to the
reference evaluator. Each distinct pattern gets a number (its `pid`). Three kinds of
key are found:

- word keys, in a field's `spaced` text (`rules.fieldtext`): a word `jo` as `" jo "`, a
  prefix `defect*` as `" defect"`, a Hangul/kana/Han term as itself. A key found is an
  occurrence; nothing to check. The scan gives only which keys occur; where they end is
  looked up (`ends`) only for the hits of a rule that matched. In `spaced` a token is a
  run of non-spaces, so the C extension looks words and prefixes up token by token
  (`WordKeys`); without it, and for Hangul/kana/Han terms always, an Aho-Corasick
  automaton (ahocorasick_rs) finds them.
- phrase keys: a phrase (or a word such as `Song-gil`) by the letters of its first
  segment (`"josonggil"`, or `"north"` for `"north* korea"`), read without the spaces.
  A key found is a candidate start, checked by `_walk` in `spaced`: anchors at token
  boundaries, every gap stepped over allowed, later segments, and a `*` extended
  longest first, as `rules.terms._walk` does. The C extension's `PhraseIndex` walks
  the letters from each token start and checks in C; without it, an automaton finds
  the keys in `squeezed` (`spaced` without its spaces).

A proximity term (`"a b"~N`) is not scanned: its parts are, and its windows are built
from their occurrences exactly as `rules.terms._find_proximity` builds them.

An occurrence is `(start, end, at)`: offsets in the normalised text, and the offset in
`spaced` where it starts (its token index is looked up only for proximity).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from ahocorasick_rs import AhoCorasick, MatchKind

from rules import fastnorm
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

_KEY = itemgetter(0)  # of an automaton's `(key index, start, end)`


class PatternTable:
    """Numbered patterns and the automata that find them; built once per rule set."""

    def __init__(self) -> None:
        self.patterns: list[Pattern] = []
        self.kinds: list[int] = []
        self.parts: dict[int, tuple[int, ...]] = {}  # proximity pid → part pids
        self._pids: dict[Pattern, int] = {}
        self._keys: dict[int, str] = {}  # pid → its key in `spaced` (" jo ", " defect", 조성길)
        self._words = WordKeys({}, {})
        self._substrings: AhoCorasick | None = None  # Hangul/kana/Han terms
        self._substring_pids: list[int] = []  # key index → pid
        self._ascii_substring = False  # whether an ASCII text can hold a substring key
        self._phrase_keys: dict[str, tuple[int, ...]] = {}  # first letters → phrase pids
        self._phrase_index: Any = None  # `rules._speedups.PhraseIndex`, when built
        self._phrases: tuple[AhoCorasick, list[tuple[int, ...]]] | None = None  # lazily
        self.word_keys: tuple[tuple[str, int, int] | None, ...] = ()
        """By pid, after `build`: how the C extension finds a word pattern (its key in
        `spaced`, the length of its token or term, and a mode: 0 a word, 1 a prefix, 2 a
        Hangul/kana/Han term); None for a phrase or proximity pattern."""

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
        """Build the indexes and automata; call once, after the last `add`."""
        words: dict[str, int] = {}
        prefixes: dict[str, int] = {}
        substrings: dict[str, int] = {}
        phrases: dict[str, list[int]] = {}
        for pid, pattern in enumerate(self.patterns):
            if isinstance(pattern, WordPattern):
                (prefixes if pattern.prefix else words)[pattern.token] = pid
                key = " " + pattern.token + ("" if pattern.prefix else " ")
            elif isinstance(pattern, SubstringPattern):
                key = pattern.needle
                substrings[key] = pid
            else:
                if isinstance(pattern, SequencePattern):
                    phrases.setdefault(pattern.segments[0][0], []).append(pid)
                continue
            self._keys[pid] = key
        self._words = WordKeys(words, prefixes)
        self._substrings = _automaton(substrings)
        self._substring_pids = list(substrings.values())
        self._ascii_substring = any(needle.isascii() for needle in substrings)
        self._phrase_keys = {key: tuple(pids) for key, pids in phrases.items()}
        self._phrases = None
        self._phrase_index = self._native_phrases()
        self.word_keys = tuple(map(self._word_key, range(len(self.patterns))))

    def scan(self, field: FieldText) -> tuple[set[int], dict[int, list[Occurrence]]]:
        """The pids of the word keys found in `spaced` (where: `ends`), and the checked
        phrase occurrences."""
        spaced = field.spaced
        words = self._words.find(spaced)
        if self._substrings is not None and (self._ascii_substring or not spaced.isascii()):
            found = self._substrings.find_matches_as_indexes(spaced, overlapping=True)
            words.update(map(self._substring_pids.__getitem__, map(_KEY, found)))
        if not self._phrase_keys:
            return words, {}
        if self._phrase_index is not None and fastnorm.speedups is not None:
            phrases: dict[int, list[Occurrence]]
            phrases = self._phrase_index.scan(spaced, field.text, field.inserted)
            return words, phrases
        return words, self._scan_phrases(field)

    def _scan_phrases(self, field: FieldText) -> dict[int, list[Occurrence]]:
        """The phrases' occurrences in `field`: keys found by an automaton over `squeezed`,
        each checked in `spaced` (what `rules._speedups.PhraseIndex` does in C)."""
        if self._phrases is None:
            keys = self._phrase_keys
            automaton = _automaton(keys)
            assert automaton is not None
            self._phrases = automaton, list(keys.values())
        automaton, pids_of = self._phrases
        phrases: dict[int, list[Occurrence]] = {}
        found = automaton.find_matches_as_indexes(field.squeezed, overlapping=True)
        firsts = [field.unsqueeze(start) for _, start, _ in found]
        tried: _Tried = {}
        for (key, _, _), first in zip(found, firsts, strict=True):
            for pid in pids_of[key]:
                occurrence = self._sequence_at(pid, field, first, tried)
                if occurrence is not None:
                    phrases.setdefault(pid, []).append(occurrence)
        return phrases

    def _native_phrases(self) -> Any:
        """The C extension's `PhraseIndex` of the phrases, or None without it."""
        native = fastnorm.speedups
        if native is None or not self._phrase_keys:
            return None
        specs: list[tuple[int, tuple[tuple[str, bool], ...], bool, bool, str]] = []
        anchored: dict[str, list[int]] = {}
        unanchored: dict[str, list[int]] = {}
        for key, pids in self._phrase_keys.items():
            for pid in pids:
                pattern = self.patterns[pid]
                assert isinstance(pattern, SequencePattern)
                gap = "".join(sorted(pattern.gap_chars))
                table = anchored if pattern.anchor_start else unanchored
                table.setdefault(key, []).append(len(specs))
                specs.append((pid, pattern.segments, pattern.anchor_start, pattern.anchor_end, gap))
        return native.PhraseIndex(
            tuple(specs),
            {key: tuple(numbers) for key, numbers in anchored.items()},
            {key: tuple(numbers) for key, numbers in unanchored.items()},
        )

    def ends(self, pid: int, field: FieldText) -> list[int]:
        """Where the word key of `pid` ends in `spaced`, as the automaton reports them
        (the offset of its last character), overlaps included, in order."""
        key = self._keys[pid]
        find, back = field.spaced.find, len(key) - 1
        found = []
        at = find(key)
        while at >= 0:
            found.append(at + back)
            at = find(key, at + 1)
        return found

    def occurrences(self, pid: int, field: FieldText) -> list[Occurrence]:
        """Every occurrence of the word key of `pid` in `field` (`place` at `ends`)."""
        if fastnorm.speedups is None:
            return self.place(pid, field, self.ends(pid, field))
        word = self.word_keys[pid]
        assert word is not None
        found: list[Occurrence] = fastnorm.speedups.word_occurrences(
            field.spaced, *word, field.inserted
        )
        return found

    def _word_key(self, pid: int) -> tuple[str, int, int] | None:
        pattern = self.patterns[pid]
        if isinstance(pattern, WordPattern):
            return self._keys[pid], len(pattern.token), 1 if pattern.prefix else 0
        if isinstance(pattern, SubstringPattern):
            return self._keys[pid], len(pattern.needle), 2
        return None

    def place(self, pid: int, field: FieldText, ends: list[int]) -> list[Occurrence]:
        """The occurrences of a word key of `pid` that ends at offsets `ends` of `spaced`:
        a word or prefix covers its whole token, a Hangul/kana/Han term itself."""
        pattern = self.patterns[pid]
        if isinstance(pattern, WordPattern):
            size = len(pattern.token)
            if not pattern.prefix and not field.inserted:  # the commonest, in one step
                return [(end - size - 1, end - 1, end - size) for end in ends]
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

    def _sequence_at(
        self, pid: int, field: FieldText, first: int, tried: _Tried
    ) -> Occurrence | None:
        """The occurrence of phrase `pid` whose first letter is at `first` in `spaced`
        (`tried`: the stops after a `*` tried so far in this field, see `_walk`)."""
        pattern = self.patterns[pid]
        assert isinstance(pattern, SequencePattern)
        if pattern.anchor_start and field.spaced[first - 1] != " ":
            return None
        stop = _walk(pattern, field, first, 0, tried)
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


class WordKeys:
    """Word keys (token → pid) and prefix keys (start of a token → pid).

    `rules._speedups.WordIndex` looks each token up in C. Without the extension, an
    automaton over `spaced` finds the keys as `" jo "` and `" defect"` (in Python a
    per-token loop of dict lookups costs twice as much)."""

    def __init__(self, words: dict[str, int], prefixes: dict[str, int]) -> None:
        self.words = dict(words)
        self.prefixes = dict(prefixes)
        native = fastnorm.speedups
        self._native = native.WordIndex(words, prefixes) if native is not None else None
        self._automaton: tuple[AhoCorasick | None, list[int]] | None = None  # lazily

    def find(self, spaced: str) -> set[int]:
        """The pids of the keys a token of `spaced` is (a word) or starts with (a prefix)."""
        if self._native is not None and fastnorm.speedups is not None:
            found: set[int] = self._native.find(spaced)
            return found
        if self._automaton is None:
            keys = {f" {token} ": pid for token, pid in self.words.items()}
            keys.update({f" {token}": pid for token, pid in self.prefixes.items()})
            self._automaton = _automaton(keys), list(keys.values())
        automaton, pids = self._automaton
        if automaton is None:
            return set()
        matches = automaton.find_matches_as_indexes(f" {spaced} ", overlapping=True)
        return set(map(pids.__getitem__, map(_KEY, matches)))


def _kind(pattern: Pattern) -> int:
    if isinstance(pattern, WordPattern):
        return WORD
    if isinstance(pattern, SubstringPattern):
        return SUBSTRING
    return SEQUENCE if isinstance(pattern, SequencePattern) else PROXIMITY


def _automaton(keys: Iterable[str]) -> AhoCorasick | None:
    """An automaton that finds every occurrence of every key, overlaps included; a key's
    index in `keys` is what it reports."""
    keys = list(keys)
    return AhoCorasick(keys, matchkind=MatchKind.Standard) if keys else None


_Tried = dict[tuple[int, int, int], list[int]]
"""(id of the phrase's pattern, segment, token end) → [lowest stop tried, largest stop
that worked or -1, its end]: the stops after a `*` already tried in one field."""


def _walk(
    pattern: SequencePattern, field: FieldText, at: int, seg: int, tried: _Tried
) -> int | None:
    """Match segments `seg…` from offset `at` of `spaced`; the end offset, or None.

    A letter read where a token has ended steps over the gap to the next token. A segment
    ending in `*` may run on to the end of its token, longest first, as in the reference.
    Each stop of a token is tried once per phrase and segment (`tried`): otherwise
    `"a* a* b"` over a long token of `a`s tries every pair of stops.
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
        return _walk(pattern, field, at, seg + 1, tried)
    token_end = spaced.find(" ", at)
    known = tried.setdefault((id(pattern), seg + 1, token_end), [token_end + 1, -1, -1])
    if known[1] >= 0:  # the largest stop that works in this token, and where it ends
        return known[2] if known[1] >= at else None
    for stop in range(known[0] - 1, at - 1, -1):  # longest first, untried stops only
        end = _walk(pattern, field, stop, seg + 1, tried)
        known[0] = stop
        if end is not None:
            known[1:] = [stop, end]
            return end
    return None


def _windows(field: FieldText, parts: list[list[Occurrence]], slop: int) -> list[Occurrence]:
    """`rules.terms._find_proximity` over occurrences already found (in C when the
    extension is built)."""
    if fastnorm.speedups is not None:
        windows: list[Occurrence] = fastnorm.speedups.windows(field.spaced, parts, slop)
        return windows
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
