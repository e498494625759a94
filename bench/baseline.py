"""The baseline the matcher is measured against: one compiled regex per rule, in a loop.

This is how a watch service is often first written: every rule becomes a regex of its
terms (`\\bjo[\\s'-]*song[\\s'-]*gil\\b|조성길`), and every item is searched with every
regex. It is given the same normalised text as the matcher, and it only asks whether a
positive term of the rule occurs (no NOT, fields or proximity, no hits): less work per
rule than the matcher does, so the ratio flatters the baseline, not the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from rules import Document, parse_query
from rules.fastnorm import normalize_fast
from rules.query import Field, Node, Not, Phrase, Term

GAP = r"[\s'-]*"


def compile_regexes(rules: Iterable[Mapping[str, str]]) -> list[re.Pattern[str]]:
    """One regex per rule: its positive terms, ORed."""
    return [re.compile("|".join(_terms(parse_query(rule["query"])))) for rule in rules]


def _terms(node: Node) -> list[str]:
    if isinstance(node, Term):
        return [_word(node.text.lower(), node.prefix)]
    if isinstance(node, Phrase):
        words = [part.removesuffix("*").lower() for part in node.parts]
        return [r"\b" + GAP.join(re.escape(w) for w in words) + r"\w*"]
    if isinstance(node, Not):
        return []
    if isinstance(node, Field):
        return _terms(node.child)
    return [term for child in node.children for term in _terms(child)]


def _word(text: str, prefix: bool) -> str:
    return r"\b" + re.escape(text) + (r"\w*" if prefix else r"\b")


def match_all(regexes: Sequence[re.Pattern[str]], document: Document) -> int:
    """Normalise the item once, then try every rule's regex; the number that match."""
    text = "\n".join(
        normalize_fast(document.field_text(name)).text for name in ("title", "summary", "content")
    )
    return sum(1 for regex in regexes if regex.search(text))
