"""The matcher: one pass over each field of a document, then only the rules it woke.

For a document, every field some rule searches is normalised and spaced once
(`rules.fieldtext`), scanned once by the pattern automata (`rules.automaton`), and the
patterns found pick the candidate rules from the anchor index (`rules.index`). Only the
candidates are evaluated; only the matches have their hits placed in the original text
and scored. The result is the reference evaluator's, rule for rule and hit for hit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

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
from rules.scoring import FIELD_INDEX_WEIGHTS

_Span = tuple[int, int, str]  # original start, end, text
_Keyed = list[tuple[tuple[int, int, int, str], Hit]]  # hits keyed by their sort order
_Scanned = tuple[FieldText | None, dict[int, list[int]], dict[int, list[Occurrence]]]
_Short = dict[str, _Scanned]
_SHORT = 40  # field texts up to this long are cached: feed names, languages, categories
_SHORT_CACHED = 4096


class Matcher:
    """Matches documents against a fixed set of compiled rules (see `compile_rules`)."""

    def __init__(self, index: RuleIndex) -> None:
        index.table.build()
        self._table = index.table
        self._programs: tuple[RuleProgram, ...] = tuple(index.programs)
        self._presearcher = index.presearcher()
        self._fields = tuple(sorted(index.fields))
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
        scan = _Scan(self._table, document, self._fields, self._short)
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


class _Scan:
    """One document's fields, scanned; occurrences and hits are placed on demand."""

    def __init__(
        self, table: PatternTable, document: Document, fields: Sequence[int], short: _Short
    ) -> None:
        self.table = table
        self.fields: dict[int, FieldText] = {}
        self.words: dict[int, dict[int, list[int]]] = {}
        self.phrases: dict[int, dict[int, list[Occurrence]]] = {}
        self.facts: set[int] = set()  # pid * NFIELDS + field, for every pattern found
        self.pids: set[int] = set()
        self._occurrences: dict[int, list[Occurrence]] = {}
        self._spans: dict[int, list[_Span]] = {}
        self._hits: dict[int, tuple[tuple[Hit, ...], _Keyed]] = {}
        for fi in fields:
            text = document.field_text(FIELDS[fi])
            scanned = short.get(text) if len(text) <= _SHORT else None
            if scanned is None:
                field = prepare_field(text)
                scanned = (field, *table.scan(field)) if field is not None else (None, {}, {})
                if len(text) <= _SHORT:
                    if len(short) >= _SHORT_CACHED:
                        short.clear()
                    short[text] = scanned
            field, words, phrases = scanned
            if field is None:
                continue
            self.fields[fi], self.words[fi], self.phrases[fi] = field, words, phrases
            self.pids.update(words)
            self.facts.update([pid * NFIELDS + fi for pid in words])
            if phrases:
                self.pids.update(phrases)
                self.facts.update([pid * NFIELDS + fi for pid in phrases])

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
        pid = program[1]
        for fi in program[2]:  # noqa: SIM110
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
        ends = self.words[fi].get(pid)
        return self.table.place(pid, field, ends) if ends else []

    def hits(self, places: Sequence[HitPlace]) -> tuple[tuple[Hit, ...], dict[str, float]]:
        """The hits of a matching rule's positive leaves (`RuleProgram.leaves`), in the
        reference's order (`rules.reference.hit_order`: field, start, end, term) without
        duplicates; and each term's best field weight, in order of its first hit (as
        `score_hits`)."""
        found: list[tuple[int, str, tuple[Hit, ...], _Keyed]] = []
        facts, cache = self.facts, self._hits
        for fi, key, number, label, pid, scanned in places:
            if scanned and key not in facts:
                continue  # not found there: no hits
            entry = cache.get(number)
            if entry is None:
                name = FIELDS[fi]
                spans = self._place(pid, fi)
                keyed = [((fi, a, b, label), Hit(label, name, a, b, text)) for a, b, text in spans]
                entry = cache[number] = (tuple([hit for _, hit in keyed]), keyed)
            if entry[0]:
                found.append((fi, label, *entry))
        if len(found) == 1:
            fi, label, hits, _ = found[0]
            return hits, {label: FIELD_INDEX_WEIGHTS[fi]}
        merged: dict[tuple[int, int, int, str], Hit] = {}
        for *_, keyed in found:
            merged.update(keyed)
        ordered = tuple(map(merged.__getitem__, sorted(merged)))
        best: dict[str, float] = {}
        for _, fi, label in sorted([(keyed[0][0], fi, label) for fi, label, _, keyed in found]):
            best[label] = max(best.get(label, 0.0), FIELD_INDEX_WEIGHTS[fi])
        return ordered, best

    def _place(self, pid: int, fi: int) -> list[_Span]:
        """The original spans (and texts) of a pattern's occurrences in a field, sorted."""
        spans = self._spans.get(pid * NFIELDS + fi)
        if spans is None:
            spans = self._spans[pid * NFIELDS + fi] = self._spans_of(pid, fi)
        return spans

    def _spans_of(self, pid: int, fi: int) -> list[_Span]:
        occurrences = self.occurrences(pid, fi)
        if not occurrences:
            return []
        field = self.fields[fi]
        original = field.original
        spans = field.norm.spans([(start, end) for start, end, _ in occurrences])
        if len(spans) > 1:  # a no-op unless two occurrences share an expanded character
            spans = sorted(set(spans))
        return [(a, b, original[a:b]) for a, b in spans]
