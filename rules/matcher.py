"""The matcher: one pass over each field of a document, then only the rules it woke.

For a document, every field some rule searches is normalised and spaced once
(`rules.fieldtext`), scanned once by the pattern automata (`rules.automaton`), and the
patterns found pick the candidate rules from the anchor index (`rules.index`). Only the
candidates are evaluated; only the matches have their hits placed in the original text
and scored. The result is the reference evaluator's, rule for rule and hit for hit.

With the C extension, the scan's word and phrase lookups run in C (`rules.automaton`),
and so does everything after it (the candidates, the rule programs, a word's or a
phrase's hits, the merge, the scores and the sort) over the same tables
(`rules/_matcher_core.h`); a proximity term's occurrences are gathered here, on its
request. Without it, `Matcher.match` does the same in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import chain
from operator import attrgetter, itemgetter

from rules import fastnorm
from rules.automaton import PROXIMITY, SEQUENCE, Occurrence, PatternTable
from rules.config import RuleConfig
from rules.fieldtext import FieldText, prepare_field
from rules.index import (
    AND,
    FACTS,
    NFIELDS,
    NOT,
    OR,
    HitPlace,
    Program,
    RuleIndex,
    RuleProgram,
)
from rules.model import FIELDS, Document, Hit, Match
from rules.scoring import FIELD_INDEX_WEIGHTS, PRIORITY_WEIGHTS

_Scanned = tuple[FieldText | None, set[int], dict[int, list[Occurrence]]]
_Short = dict[str, _Scanned]
_FIELD_OF = itemgetter(0)
_SHORT = 40  # field texts up to this long are cached: feed names, languages, categories
_SHORT_CACHED = 4096


class Matcher:
    """Matches documents against a fixed set of compiled rules (see `compile_rules`)."""

    def __init__(self, index: RuleIndex) -> None:
        index.table.build()
        self._table = index.table
        self._programs: tuple[RuleProgram, ...] = tuple(index.programs)
        self._presearcher = index.presearcher()
        rules = tuple(
            (
                p.config.id,
                p.tree,
                p.leaves,
                dict(p.boosts),
                p.leafset,
                PRIORITY_WEIGHTS[p.config.priority],
            )
            for p in self._programs
        )
        word_keys = self._table.word_keys
        kinds = tuple(self._table.kinds)
        self._tables = (rules, word_keys, FIELD_INDEX_WEIGHTS, FIELDS, Match, Hit, kinds)
        """What `rules._speedups.match_rules` reads of the rule set."""
        self._fields = tuple(sorted(index.fields))
        self._texts = _texts_getter([FIELDS[fi] for fi in self._fields])
        self._short: _Short = {}  # short field texts (source, lang…) already scanned

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the compiled rules, in the order given."""
        return tuple(p.config.id for p in self._programs)

    @property
    def rules(self) -> tuple[RuleConfig, ...]:
        return tuple(p.config for p in self._programs)

    def match(self, document: Document, rule_ids: Collection[str] | None = None) -> list[Match]:
        """The rules `document` matches (all, or only `rule_ids`), best score first."""
        texts = zip(self._fields, self._texts(document), strict=True)
        scan = _Scan(self._table, texts, self._short)
        core = fastnorm.speedups
        if core is not None:  # the same loop, in C
            search = self._presearcher
            numbers = core.candidates(scan.pids, search.always, search.direct, search.paired)
            return core.match_rules(
                self._tables,
                numbers,
                scan.facts,
                scan.fields,
                scan.phrases,
                scan.hit_lists,
                scan.hits_of,
                scan.proximity_holds,
                rule_ids,
            )
        facts, programs = scan.facts, self._programs
        explained: dict[int, tuple[tuple[Hit, ...], dict[str, float]]] = {}
        matches = []
        for number in self._presearcher.candidates(scan.pids):
            program = programs[number]
            if rule_ids is not None and program.config.id not in rule_ids:
                continue
            tree = program.tree
            if tree[0] == FACTS:  # most rules: a term, or terms ORed
                if facts.isdisjoint(tree[1]):
                    continue
            elif not scan.holds(tree):
                continue
            found = explained.get(program.leafset)  # rules with equal leaves: equal hits
            if found is None:
                found = explained[program.leafset] = scan.hits(program.leaves)
            matches.append(Match(program.config.id, program.score(found[1]), found[0]))
        matches.sort(key=lambda m: (-m.score, m.rule_id))
        return matches


def _texts_getter(names: list[str]) -> Callable[[Document], tuple[str, ...]]:
    """A function giving a document's texts of the fields `names`, in one call."""
    if len(names) == 1:
        (name,) = names
        return lambda document: (getattr(document, name),)
    return attrgetter(*names)


class _Scan:
    """One document's fields, scanned; occurrences and hits are placed on demand."""

    def __init__(
        self, table: PatternTable, texts: Iterable[tuple[int, str]], short: _Short
    ) -> None:
        self.table = table
        self.fields: dict[int, FieldText] = {}
        self.words: dict[int, set[int]] = {}  # field → pids of the word keys found
        self.phrases: dict[int, dict[int, list[Occurrence]]] = {}
        self.facts: set[int] = set()  # pid * NFIELDS + field, for every pattern found
        self.pids: set[int] = set()
        self._occurrences: dict[int, list[Occurrence]] = {}
        self.hit_lists: dict[int, tuple[Hit, ...]] = {}  # by hit-list number
        absorb = fastnorm.speedups.absorb if fastnorm.speedups is not None else None
        for fi, text in texts:
            if not text:
                continue
            if len(text) > _SHORT:
                field = prepare_field(text)
                if field is None:
                    continue
                words, phrases = table.scan(field)
            else:
                scanned = short.get(text)
                if scanned is None:
                    field = prepare_field(text)
                    scanned = (field, *table.scan(field)) if field else (None, set(), {})
                    if len(short) >= _SHORT_CACHED:
                        short.clear()
                    short[text] = scanned
                field, words, phrases = scanned
                if field is None:
                    continue
            self.fields[fi], self.words[fi], self.phrases[fi] = field, words, phrases
            if absorb is not None:
                absorb(words, fi, NFIELDS, self.pids, self.facts)
            else:
                self.pids.update(words)
                self.facts.update(map(fi.__add__, map(NFIELDS.__mul__, words)))
            if phrases:
                self.pids.update(phrases)
                self.facts.update(map(fi.__add__, map(NFIELDS.__mul__, phrases)))

    def holds(self, program: Program) -> bool:
        """Whether a rule program is true of this document."""
        op = program[0]
        if op == FACTS:
            return not self.facts.isdisjoint(program[1])
        if op == AND:  # loops, not all()/any() over generators: this is a hot path
            for child in program[1]:  # noqa: SIM110
                if not self.holds(child):
                    return False
            return True
        if op == OR:
            for child in program[1]:  # noqa: SIM110
                if self.holds(child):
                    return True
            return False
        if op == NOT:
            return not self.holds(program[1])
        return self.proximity_holds(program[1], program[2])

    def proximity_holds(self, pid: int, fields: tuple[int, ...]) -> bool:
        """Whether proximity pattern `pid` has a window in one of `fields`."""
        for fi in fields:  # noqa: SIM110
            if self.occurrences(pid, fi):
                return True
        return False

    def occurrences(self, pid: int, fi: int) -> list[Occurrence]:
        """Every occurrence of pattern `pid` in field `fi`, in text order."""
        key = pid * NFIELDS + fi
        found = self._occurrences.get(key)
        if found is None:
            found = self._occurrences[key] = self._find(pid, fi)
        return found

    def _find(self, pid: int, fi: int) -> list[Occurrence]:
        field = self.fields.get(fi)
        if field is None:
            return []
        kind = self.table.kinds[pid]
        if kind == SEQUENCE:
            return self.phrases[fi].get(pid, [])
        if kind == PROXIMITY:
            parts = [self.occurrences(part, fi) for part in self.table.parts[pid]]
            return self.table.proximity(pid, field, parts) if all(parts) else []
        if pid not in self.words[fi]:
            return []
        return self.table.occurrences(pid, field)

    def hits(self, places: Sequence[HitPlace]) -> tuple[tuple[Hit, ...], dict[str, float]]:
        """The hits of a matching rule's positive leaves (`RuleProgram.leaves`), in the
        reference's order (`rules.reference.hit_order`: field, start, end, term) without
        duplicates; and each term's best field weight, in order of its first hit (as
        `score_hits`)."""
        found: list[tuple[int, str, tuple[Hit, ...]]] = []
        facts, cache = self.facts, self.hit_lists
        for fi, key, number, label, pid, scanned in places:
            if scanned and key not in facts:
                continue  # not found there: no hits
            hits = cache.get(number)
            if hits is None:
                hits = cache[number] = self.hits_of(label, pid, fi)
            if hits:
                found.append((fi, label, hits))
        if len(found) == 1:
            fi, label, hits = found[0]
            return hits, {label: FIELD_INDEX_WEIGHTS[fi]}
        best: dict[str, float] = {}
        if len({fi for fi, _, _ in found}) == len(found):  # each in its own field: no merge
            found.sort(key=_FIELD_OF)
            for fi, label, _ in found:
                best[label] = max(best.get(label, 0.0), FIELD_INDEX_WEIGHTS[fi])
            return tuple(chain.from_iterable([hits for _, _, hits in found])), best
        merged: dict[tuple[int, int, int, str], Hit] = {}
        firsts = []
        for fi, label, hits in found:
            keyed = {(fi, hit.start, hit.end, label): hit for hit in hits}
            firsts.append((next(iter(keyed)), fi, label))
            merged.update(keyed)
        ordered = tuple(map(merged.__getitem__, sorted(merged)))
        for _, fi, label in sorted(firsts):
            best[label] = max(best.get(label, 0.0), FIELD_INDEX_WEIGHTS[fi])
        return ordered, best

    def hits_of(self, label: str, pid: int, fi: int) -> tuple[Hit, ...]:
        """The hits of term `label` (pattern `pid`) in field `fi`, in text order."""
        field = self.fields.get(fi)
        if field is None:
            return ()
        found = self.occurrences(pid, fi)
        if not found:
            return ()
        if fastnorm.speedups is not None:  # the same, in C
            columns = field.norm.columns()
            return fastnorm.speedups.hits(Hit, label, FIELDS[fi], field.original, found, columns)
        pairs = [(start, end) for start, end, _ in found]
        spans = field.norm.spans(pairs)
        if len(spans) > 1:  # a no-op unless two occurrences share an expanded character
            spans = sorted(set(spans))
        original, name = field.original, FIELDS[fi]
        return tuple([Hit(label, name, a, b, original[a:b]) for a, b in spans])
