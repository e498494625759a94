"""Compile rules once, then match documents against all of them.

For now every rule is evaluated with the reference evaluator (`rules.reference`); a
faster engine can replace it behind `Matcher` and be tested against it.

Score of a matching rule (documented, simple, stable):

    score = PRIORITY_WEIGHTS[priority]
            × Σ over distinct matched terms t of  boost(t) × max FIELD_WEIGHTS[field of a hit of t]

A term is a positive leaf as the query wrote it (`Jo Song Gil`, `defect*`); when one term
appears twice in a query, its largest boost counts. With the defaults, a title hit is
worth 2, a hit elsewhere 1, and a high-priority rule 1.5 times as much.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rules.config import RuleConfig
from rules.errors import DuplicateRuleError
from rules.model import Document, Hit, Match
from rules.query import Field, Node, Not, Phrase, Term, parse_query
from rules.reference import PreparedDocument, ReferenceQuery

FIELD_WEIGHTS: Mapping[str, float] = {"title": 2.0}
"""Weight of a hit by field; fields not listed weigh DEFAULT_FIELD_WEIGHT."""
DEFAULT_FIELD_WEIGHT = 1.0
PRIORITY_WEIGHTS: Mapping[str, float] = {"low": 0.5, "normal": 1.0, "high": 1.5}


@dataclass(frozen=True, slots=True)
class CompiledRule:
    config: RuleConfig
    query: ReferenceQuery
    boosts: Mapping[str, float]  # term label → largest boost among its positive leaves


class Matcher:
    """Matches documents against a fixed set of compiled rules."""

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        self._rules = tuple(rules)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the compiled rules, in the order given."""
        return tuple(r.config.id for r in self._rules)

    @property
    def rules(self) -> tuple[RuleConfig, ...]:
        return tuple(r.config for r in self._rules)

    def match(self, document: Document, rule_ids: Collection[str] | None = None) -> list[Match]:
        """The rules `document` matches (all, or only `rule_ids`), best score first."""
        prepared = PreparedDocument(document)
        matches = []
        for rule in self._rules:
            if rule_ids is not None and rule.config.id not in rule_ids:
                continue
            result = rule.query.evaluate(prepared)
            if result.matched:
                score = score_hits(result.hits, rule.boosts, rule.config.priority)
                matches.append(Match(rule.config.id, score, result.hits))
        return sorted(matches, key=lambda m: (-m.score, m.rule_id))


def compile_rules(rules: Iterable[RuleConfig | Mapping[str, Any]]) -> Matcher:
    """Validate and compile rules (models or plain dicts) into a Matcher.

    Raises QuerySyntaxError for a query that does not parse, pydantic's ValidationError
    for other invalid fields, DuplicateRuleError when two rules share an id.
    """
    compiled: dict[str, CompiledRule] = {}
    for rule in rules:
        config = rule if isinstance(rule, RuleConfig) else _validate(rule)
        if config.id in compiled:
            raise DuplicateRuleError(config.id)
        node = parse_query(config.query)
        compiled[config.id] = CompiledRule(config, ReferenceQuery(node), _boosts(node))
    return Matcher(compiled.values())


def _validate(rule: Mapping[str, Any]) -> RuleConfig:
    query = rule.get("query")
    if isinstance(query, str):
        parse_query(query)  # a bad query raises QuerySyntaxError itself, with its column
    return RuleConfig.model_validate(dict(rule))


def score_hits(hits: Iterable[Hit], boosts: Mapping[str, float], priority: str) -> float:
    """The score formula of the module docstring."""
    best: dict[str, float] = {}
    for hit in hits:
        weight = FIELD_WEIGHTS.get(hit.field, DEFAULT_FIELD_WEIGHT)
        best[hit.term] = max(best.get(hit.term, 0.0), weight)
    total = sum(boosts.get(term, 1.0) * weight for term, weight in best.items())
    return total * PRIORITY_WEIGHTS[priority]


def _boosts(node: Node, negated: bool = False) -> dict[str, float]:
    if isinstance(node, Term | Phrase):
        return {} if negated else {node.label: node.boost}
    if isinstance(node, Not):
        return _boosts(node.child, True)
    children = (node.child,) if isinstance(node, Field) else node.children
    boosts: dict[str, float] = {}
    for child in children:
        for term, boost in _boosts(child, negated).items():
            boosts[term] = max(boosts.get(term, 0.0), boost)
    return boosts
