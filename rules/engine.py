"""Compile rules once, then match documents against all of them.

`compile_rules` returns the one-pass `Matcher` (`rules.matcher`): the cost of matching a
document grows with its length and with the terms that occur in it, not with the number
of rules. `compile_reference_rules` returns a `ReferenceMatcher` with the same API that
evaluates every rule with the reference evaluator (`rules.reference`), one by one; the
tests and benchmarks hold the two against each other. Both score with `rules.scoring`.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rules.config import RuleConfig
from rules.errors import DuplicateRuleError
from rules.index import RuleIndex
from rules.matcher import Matcher
from rules.model import Document, Match
from rules.query import Node, parse_query
from rules.reference import PreparedDocument, ReferenceQuery
from rules.scoring import (
    DEFAULT_FIELD_WEIGHT,
    FIELD_WEIGHTS,
    PRIORITY_WEIGHTS,
    score_hits,
    term_boosts,
)

__all__ = [
    "DEFAULT_FIELD_WEIGHT",
    "FIELD_WEIGHTS",
    "PRIORITY_WEIGHTS",
    "Matcher",
    "ReferenceMatcher",
    "compile_reference_rules",
    "compile_rules",
    "score_hits",
]

RuleInput = RuleConfig | Mapping[str, Any]


def compile_rules(rules: Iterable[RuleInput]) -> Matcher:
    """Validate and compile rules (models or plain dicts) into a Matcher.

    Raises QuerySyntaxError for a query that does not parse, pydantic's ValidationError
    for other invalid fields, DuplicateRuleError when two rules share an id. Pure Python
    and self-contained: a caller may run it in a worker thread on config reload.
    """
    with _no_cyclic_gc():
        index = RuleIndex()
        for config, node in _validated(rules):
            index.add(config, node)
        return Matcher(index)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector: compiling builds hundreds of thousands of tuples and
    dicts that all stay alive, and each collection it triggers walks every one of them
    (a third of the compile time at 10,000 rules). Reference counting still frees what
    dies; the collector resumes after, unless it was paused before.

    After a compile, one collection of the young generations moves the rule set to the
    old one. Left to themselves, the first two collections while matching would each
    walk all of it: a pause of a third of a second at 100,000 rules in the poll loop."""
    paused = not gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not paused:
            gc.enable()
            gc.collect(1)


@dataclass(frozen=True, slots=True)
class _ReferenceRule:
    config: RuleConfig
    query: ReferenceQuery
    boosts: Mapping[str, float]


class ReferenceMatcher:
    """`Matcher`'s API, evaluating each rule in turn with the reference evaluator."""

    def __init__(self, rules: Iterable[_ReferenceRule]) -> None:
        self._rules = tuple(rules)

    @property
    def rule_ids(self) -> tuple[str, ...]:
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


def compile_reference_rules(rules: Iterable[RuleInput]) -> ReferenceMatcher:
    """Like `compile_rules`, for the slow, obviously right reference matcher."""
    return ReferenceMatcher(
        _ReferenceRule(config, ReferenceQuery(node), term_boosts(node))
        for config, node in _validated(rules)
    )


def _validated(rules: Iterable[RuleInput]) -> Iterable[tuple[RuleConfig, Node]]:
    seen: set[str] = set()
    for rule in rules:
        config = rule if isinstance(rule, RuleConfig) else _validate(rule)
        if config.id in seen:
            raise DuplicateRuleError(config.id)
        seen.add(config.id)
        yield config, parse_query(config.query)


def _validate(rule: Mapping[str, Any]) -> RuleConfig:
    query = rule.get("query")
    if isinstance(query, str):
        parse_query(query)  # a bad query raises QuerySyntaxError itself, with its column
    return RuleConfig.model_validate(dict(rule))
