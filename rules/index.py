"""Rules compiled for the matcher, and the index that says which rules a document wakes.

Each rule's query tree becomes a small program over "pattern `pid` occurs in field `f`"
facts (`RuleProgram.tree`), with the reference evaluator's meaning: a leaf is true when
its term occurs in one of its fields, `AND`/`OR`/`NOT` as usual. ORed leaves merge into
one set of facts (`"Jo Song Gil" OR 조성길` is one set lookup).

The index is a presearcher in the manner of Luwak / Lucene Monitor. A rule needs
*groups* of patterns, one pattern of each group to occur somewhere in the document: a
leaf needs its own pattern (a proximity term each of its parts); `AND` needs all its
children's groups; `OR` one group, the union of each child's cheapest; `NOT` nothing.
The rule is filed under its cheapest group (its *anchors*: the rarest-looking terms,
long words and phrases before short words and prefixes) and, when it has more, its
second cheapest (`Presearcher`); its other groups are checked (set lookups) before its
program runs. The parser rejects queries that could match by exclusion alone, so every
rule has anchors; a rule whose anchors occur nowhere in a document is never evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rules.automaton import PROXIMITY, PatternTable
from rules.config import RuleConfig
from rules.model import DEFAULT_FIELDS, FIELDS
from rules.query import And, Field, Node, Not, Or, Phrase, Term
from rules.query import Leaf as QueryLeaf
from rules.scoring import PRIORITY_WEIGHTS, term_boosts
from rules.terms import (
    Pattern,
    ProximityPattern,
    SequencePattern,
    SubstringPattern,
    WordPattern,
    _sequence,
    compile_leaf,
)

NFIELDS = len(FIELDS)
FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}

FACTS, PROX, AND, OR, NOT = range(5)
"""Program opcodes: `(FACTS, keys)` is true when one of the keys `pid * NFIELDS + field`
(a sorted tuple) was found; `(PROX, pid, fields)` asks for a proximity term's windows;
the others hold child programs."""

Program = tuple[Any, ...]
Place = tuple[int, int, int]  # field, fact key (pid * NFIELDS + field), hit-list number
Leaf = tuple[str, int, bool, tuple[Place, ...]]  # positive: label, pid, scanned?, places
HitPlace = tuple[int, int, int, str, int, bool]  # field, fact key, number, label, pid, scanned
Group = tuple[frozenset[int], float]  # pids one of which must occur, estimated cost


@dataclass(frozen=True, slots=True)
class RuleProgram:
    """One compiled rule."""

    config: RuleConfig
    tree: Program
    leaves: tuple[HitPlace, ...]  # where the hits of its positive leaves may be
    boosts: Mapping[str, float]
    groups: tuple[frozenset[int], ...]  # one pid of each must occur; cheapest first
    leafset: int  # programs with equal `leaves` have the same number (and hits)

    def score(self, best: Mapping[str, float]) -> float:
        """`rules.scoring.score_hits`, given each matched term's best field weight."""
        boosts = self.boosts
        if len(best) == 1:  # as `sum` of one product: 0 + x is x
            ((term, weight),) = best.items()
            return boosts.get(term, 1.0) * weight * PRIORITY_WEIGHTS[self.config.priority]
        total = sum([boosts.get(term, 1.0) * weight for term, weight in best.items()])
        return total * PRIORITY_WEIGHTS[self.config.priority]


class RuleIndex:
    """Builds rule programs over one shared pattern table, and files them by anchor."""

    def __init__(self) -> None:
        self.table = PatternTable()
        self.programs: list[RuleProgram] = []
        self.fields: set[int] = set()
        self._patterns: dict[tuple[Any, ...], int] = {}
        self._places: dict[tuple[str, int], int] = {}  # (label, fact key) → hit-list number
        self._leafsets: dict[tuple[HitPlace, ...], tuple[tuple[HitPlace, ...], int]] = {}

    def add(self, config: RuleConfig, node: Node) -> None:
        """Compile `node` (the parsed `config.query`) and file it under its anchors."""
        leaves: list[Leaf] = []
        tree, groups = self._compile(node, DEFAULT_FIELDS, False, leaves)
        ordered = tuple(dict.fromkeys(g for g, _ in sorted(groups, key=lambda g: g[1])))
        flat = flat_places(tuple(dict.fromkeys(leaves)))
        known = self._leafsets.get(flat)
        if known is None:
            known = self._leafsets[flat] = (flat, len(self._leafsets))
        self.programs.append(
            RuleProgram(config, tree, known[0], term_boosts(node), ordered, known[1])
        )

    def presearcher(self) -> Presearcher:
        """The anchor index of the rules added so far (see `Presearcher`)."""
        always: list[int] = []
        direct: dict[int, list[int]] = {}
        paired: dict[int, dict[int, list[tuple[int, tuple[tuple[int, ...], ...]]]]] = {}
        for number, program in enumerate(self.programs):
            if not program.groups:  # cannot happen for a parsed query: always evaluate it
                always.append(number)
                continue
            anchors, *rest = program.groups
            others = tuple(tuple(sorted(group)) for group in rest[1:])
            for pid in anchors:
                if not rest:
                    direct.setdefault(pid, []).append(number)
                    continue
                by_second = paired.setdefault(pid, {})
                for second in rest[0]:
                    by_second.setdefault(second, []).append((number, others))
        return Presearcher(
            tuple(always),
            {pid: tuple(numbers) for pid, numbers in direct.items()},
            {pid: {k: tuple(v) for k, v in seconds.items()} for pid, seconds in paired.items()},
            frozenset(direct),
            frozenset(paired),
        )

    def _compile(
        self, node: Node, fields: tuple[str, ...], negated: bool, leaves: list[Any]
    ) -> tuple[Program, list[Group]]:
        """The program of `node`, and the groups of patterns it needs (each group: one
        of its patterns must occur; no groups: it can hold by exclusion alone)."""
        if isinstance(node, Term | Phrase):
            return self._leaf(node, fields, negated, leaves)
        if isinstance(node, Field):
            return self._compile(node.child, (node.name,), negated, leaves)
        if isinstance(node, Not):
            child, _ = self._compile(node.child, fields, True, leaves)
            return (NOT, child), []
        compiled = [self._compile(child, fields, negated, leaves) for child in node.children]
        programs = [program for program, _ in compiled]
        if isinstance(node, And):
            return (AND, tuple(programs)), [g for _, groups in compiled for g in groups]
        assert isinstance(node, Or)
        if not all(groups for _, groups in compiled):
            return _merge_or(programs), []
        cheapest = [min(groups, key=lambda g: g[1]) for _, groups in compiled]
        union = frozenset().union(*(g for g, _ in cheapest))
        return _merge_or(programs), [(union, sum(cost for _, cost in cheapest))]

    def _leaf(
        self, leaf: QueryLeaf, fields: tuple[str, ...], negated: bool, leaves: list[Any]
    ) -> tuple[Program, list[Group]]:
        pid = self._pid(leaf)
        indexes = _field_indexes(fields)
        keyed = [(fi, pid * NFIELDS + fi) for fi in indexes]
        self.fields.update(indexes)
        table = self.table
        if not negated:
            label, place = leaf.label, self._place
            places = tuple([(fi, key, place(label, key)) for fi, key in keyed])
            leaves.append((label, pid, table.kinds[pid] != PROXIMITY, places))
        if table.kinds[pid] == PROXIMITY:  # every part must occur
            parts = [(frozenset({p}), _cost(table.patterns[p])) for p in table.parts[pid]]
            return (PROX, pid, indexes), parts
        keys = tuple(pid * NFIELDS + i for i in indexes)
        return (FACTS, keys), [(frozenset({pid}), _cost(table.patterns[pid]))]

    def _place(self, label: str, key: int) -> int:
        """A number for the hits of term `label` at fact `key` (shared by all rules)."""
        return self._places.setdefault((label, key), len(self._places))

    def _pid(self, leaf: QueryLeaf) -> int:
        """The pid of a leaf's pattern (boosts and columns do not change the pattern)."""
        key = (leaf.text, leaf.prefix) if isinstance(leaf, Term) else (leaf.parts, leaf.slop)
        pid = self._patterns.get(key)
        if pid is None:
            pattern = plain_pattern(leaf) or compile_leaf(leaf)
            pid = self._patterns[key] = self.table.add(pattern)
        return pid


@lru_cache(maxsize=256)
def _field_indexes(fields: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(FIELD_INDEX[f] for f in fields)


def flat_places(leaves: tuple[Leaf, ...]) -> tuple[HitPlace, ...]:
    """A rule's positive leaves as one tuple of the places their hits may be."""
    return tuple(
        (fi, key, number, label, pid, scanned)
        for label, pid, scanned, places in leaves
        for fi, key, number in places
    )


def plain_pattern(leaf: QueryLeaf) -> Pattern | None:
    """`compile_leaf(leaf)` for the commonest leaves, whose words are ASCII letters and
    digits only (they normalise to themselves in lower case, one token each), without
    normalising and tokenising; None for any other leaf."""
    bodies = [leaf.text] if isinstance(leaf, Term) else [p.removesuffix("*") for p in leaf.parts]
    if not all(body.isascii() and body.isalnum() for body in bodies):
        return None
    if isinstance(leaf, Term):
        return WordPattern(leaf.text.lower(), leaf.prefix)
    prefixes = [body != part for body, part in zip(bodies, leaf.parts, strict=True)]
    if leaf.slop is not None or len(bodies) == 1:
        words = [WordPattern(b.lower(), p) for b, p in zip(bodies, prefixes, strict=True)]
        if leaf.slop is None:
            return words[0]
        return ProximityPattern(tuple(dict.fromkeys(words)), leaf.slop)
    return _sequence([b.lower() for b in bodies], prefixes, frozenset(), cjk=False)


@dataclass(frozen=True, slots=True)
class Presearcher:
    """Which rules a document's patterns wake.

    A rule with one group is filed in `direct` under each pid of it. A rule with more is
    filed in `paired` under each pid of its cheapest group, then each pid of its second
    group, with its other groups (tuples of pids) to check; so a rule is looked at only
    when patterns of two of its groups occurred. `rules._speedups.candidates` reads the
    same tables.
    """

    always: tuple[int, ...]
    direct: dict[int, tuple[int, ...]]
    paired: dict[int, dict[int, tuple[tuple[int, tuple[tuple[int, ...], ...]], ...]]]
    direct_pids: frozenset[int]
    paired_pids: frozenset[int]

    def candidates(self, pids: set[int]) -> set[int]:
        """The rules whose every group has a pid in `pids`, among others to evaluate."""
        found = set(self.always)
        direct, paired = self.direct, self.paired
        for pid in pids & self.direct_pids:
            found.update(direct[pid])
        for pid in pids & self.paired_pids:
            seconds = paired[pid]
            for second in seconds.keys() & pids:
                for number, rest in seconds[second]:
                    for group in rest:
                        if pids.isdisjoint(group):
                            break
                    else:
                        found.add(number)
        return found


def _merge_or(programs: list[Program]) -> Program:
    facts = tuple(sorted(set().union(*(p[1] for p in programs if p[0] == FACTS))))
    others = tuple(p for p in programs if p[0] != FACTS)
    if not others:
        return (FACTS, facts)
    return (OR, ((FACTS, facts), *others) if facts else others)


def _cost(pattern: Pattern) -> float:
    """How often a pattern is likely to occur: short words and prefixes often, phrases
    rarely. Only the order matters (it picks an AND's anchors)."""
    if isinstance(pattern, WordPattern):
        return (3.0 if pattern.prefix else 1.0) / (1 + len(pattern.token)) ** 2
    if isinstance(pattern, SubstringPattern):
        return 1.0 / (1 + 2 * len(pattern.needle)) ** 2
    assert isinstance(pattern, SequencePattern)
    letters = sum(len(letters) for letters, _ in pattern.segments)
    return 0.3 / (1 + letters) ** 2
