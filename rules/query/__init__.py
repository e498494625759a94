"""The query language: lexer, parser, tree and printer."""

from rules.query.ast import And, Field, Leaf, Node, Not, Or, Phrase, Term
from rules.query.parser import parse_query
from rules.query.printer import to_query

__all__ = ["And", "Field", "Leaf", "Node", "Not", "Or", "Phrase", "Term", "parse_query", "to_query"]
