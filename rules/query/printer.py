"""Query tree → query text. `parse_query(to_query(node)) == node` for any parsed tree."""

from __future__ import annotations

from decimal import Decimal

from rules.query.ast import And, Field, Node, Not, Or, Phrase, Term


def to_query(node: Node) -> str:
    """Print `node` as query text (ASCII quotes, `-` for NOT, implicit AND)."""
    if isinstance(node, Term):
        return node.label + _boost(node.boost)
    if isinstance(node, Phrase):
        slop = "" if node.slop is None else f"~{node.slop}"
        return f'"{node.label}"{slop}{_boost(node.boost)}'
    if isinstance(node, Not):
        return "-" + _grouped(node.child, And, Or)
    if isinstance(node, Field):
        return f"{node.name}:" + _grouped(node.child, And, Or, Not, Field)
    if isinstance(node, And):
        return " ".join(_grouped(child, Or) for child in node.children)
    return " OR ".join(to_query(child) for child in node.children)


def _grouped(node: Node, *needs_parens: type) -> str:
    text = to_query(node)
    return f"({text})" if isinstance(node, needs_parens) else text


def _boost(boost: float) -> str:
    if boost == 1.0:
        return ""
    if boost.is_integer():
        return f"^{int(boost)}"
    return "^" + format(Decimal(repr(boost)), "f")
