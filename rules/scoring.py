"""The score of a matching rule, shared by the matcher and the reference matcher.

    score = PRIORITY_WEIGHTS[priority]
            × Σ over distinct matched terms t of  boost(t) × max FIELD_WEIGHTS[field of a hit of t]

A term is a positive leaf as the query wrote it (`Jo Song Gil`, `defect*`); when one term
appears twice in a query, its largest boost counts. With the defaults, a title hit is
worth 2, a hit elsewhere 1, and a high-priority rule 1.5 times as much.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rules.model import FIELDS, Hit
from rules.query import Field, Node, Not, Phrase, Term

FIELD_WEIGHTS: Mapping[str, float] = {"title": 2.0}
"""Weight of a hit by field; fields not listed weigh DEFAULT_FIELD_WEIGHT."""
DEFAULT_FIELD_WEIGHT = 1.0
PRIORITY_WEIGHTS: Mapping[str, float] = {"low": 0.5, "normal": 1.0, "high": 1.5}


def score_hits(hits: Iterable[Hit], boosts: Mapping[str, float], priority: str) -> float:
    """The score formula of the module docstring."""
    best: dict[str, float] = {}
    for hit in hits:
        weight = FIELD_WEIGHTS.get(hit.field, DEFAULT_FIELD_WEIGHT)
        best[hit.term] = max(best.get(hit.term, 0.0), weight)
    total = sum(boosts.get(term, 1.0) * weight for term, weight in best.items())
    return total * PRIORITY_WEIGHTS[priority]


FIELD_INDEX_WEIGHTS = tuple(FIELD_WEIGHTS.get(f, DEFAULT_FIELD_WEIGHT) for f in FIELDS)
"""The weight of each field, in `FIELDS` order."""


def term_boosts(node: Node, negated: bool = False) -> dict[str, float]:
    """Term label → the largest boost among the positive leaves with that label."""
    if isinstance(node, Term | Phrase):
        return {} if negated else {node.label: node.boost}
    if isinstance(node, Not):
        return term_boosts(node.child, True)
    children = (node.child,) if isinstance(node, Field) else node.children
    boosts: dict[str, float] = {}
    for child in children:
        for term, boost in term_boosts(child, negated).items():
            boosts[term] = max(boosts.get(term, 0.0), boost)
    return boosts
