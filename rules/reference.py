"""The reference evaluator: a query tree over a document, written to be obviously right.

It walks the tree directly and finds every term with `rules.terms.find`. Faster engines
must agree with it (same match, same hits); it is kept for that purpose.

- A leaf is true when its term occurs in one of its fields: the field named by the
  innermost `field:` around it, else title, summary and content.
- `AND` needs every child, `OR` one child, `NOT` the absence of its child.
- When the whole query matches, the hits are every occurrence of every leaf that is
  not under a `NOT`, in the fields that leaf searches, with `start`/`end` in the
  original field text and `term` as the query wrote it (`defect*`, `Jo Song Gil`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rules.model import DEFAULT_FIELDS, FIELDS, Document, Hit
from rules.query import And, Field, Leaf, Node, Not, Or, Phrase, Term, parse_query
from rules.terms import Occurrence, Pattern, compile_leaf, find
from rules.tokens import IndexedText, index_text


class PreparedDocument:
    """A document whose fields are normalised and tokenised once, on first use."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._fields: dict[str, IndexedText] = {}

    def field(self, name: str) -> IndexedText:
        if name not in self._fields:
            self._fields[name] = index_text(self.document.field_text(name))
        return self._fields[name]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Whether a query matched a document, and the hits that show why."""

    matched: bool
    hits: tuple[Hit, ...] = ()


class ReferenceQuery:
    """A parsed query with the pattern of each leaf compiled once."""

    def __init__(self, query: str | Node) -> None:
        self.node = parse_query(query) if isinstance(query, str) else query
        self.patterns: dict[Leaf, Pattern] = {
            leaf: compile_leaf(leaf) for leaf, _, _ in _leaves(self.node, DEFAULT_FIELDS, False)
        }

    def evaluate(self, document: Document | PreparedDocument) -> Evaluation:
        """Match the query against `document`; hits are collected only on a match."""
        doc = document if isinstance(document, PreparedDocument) else PreparedDocument(document)
        run = _Run(self.patterns, doc)
        if not run.matches(self.node, DEFAULT_FIELDS):
            return Evaluation(False)
        hits: list[Hit] = []
        for leaf, fields, negated in _leaves(self.node, DEFAULT_FIELDS, False):
            if not negated:
                hits.extend(run.hits(leaf, fields))
        return Evaluation(True, tuple(sorted(set(hits), key=hit_order)))


def hit_order(hit: Hit) -> tuple[int, int, int, str]:
    """Hits sort by field (title first, as in `FIELDS`), then position, then term."""
    return (FIELDS.index(hit.field), hit.start, hit.end, hit.term)


def evaluate(query: str | Node, document: Document) -> Evaluation:
    """Evaluate one query against one document (parses and compiles each call)."""
    return ReferenceQuery(query).evaluate(document)


class _Run:
    """One evaluation: occurrences of each (leaf, field) are found at most once."""

    def __init__(self, patterns: dict[Leaf, Pattern], doc: PreparedDocument) -> None:
        self.patterns = patterns
        self.doc = doc
        self.found: dict[tuple[Leaf, str], list[Occurrence]] = {}

    def occurrences(self, leaf: Leaf, field: str) -> list[Occurrence]:
        key = (leaf, field)
        if key not in self.found:
            text = self.doc.field(field)
            self.found[key] = find(self.patterns[leaf], text) if text.tokens else []
        return self.found[key]

    def matches(self, node: Node, fields: tuple[str, ...]) -> bool:
        if isinstance(node, Term | Phrase):
            return any(self.occurrences(node, f) for f in fields)
        if isinstance(node, Field):
            return self.matches(node.child, (node.name,))
        if isinstance(node, Not):
            return not self.matches(node.child, fields)
        if isinstance(node, And):
            return all(self.matches(child, fields) for child in node.children)
        assert isinstance(node, Or)
        return any(self.matches(child, fields) for child in node.children)

    def hits(self, leaf: Leaf, fields: tuple[str, ...]) -> Iterator[Hit]:
        for field in fields:
            text = self.doc.field(field)
            for occ in self.occurrences(leaf, field):
                start, end = text.original_span(occ.start, occ.end)
                yield Hit(leaf.label, field, start, end, text.original[start:end])


def _leaves(
    node: Node, fields: tuple[str, ...], negated: bool
) -> Iterator[tuple[Leaf, tuple[str, ...], bool]]:
    """Every leaf with the fields it searches and whether it sits under a NOT."""
    if isinstance(node, Term | Phrase):
        yield node, fields, negated
    elif isinstance(node, Field):
        yield from _leaves(node.child, (node.name,), negated)
    elif isinstance(node, Not):
        yield from _leaves(node.child, fields, True)
    else:
        for child in node.children:
            yield from _leaves(child, fields, negated)
