"""Lexemes → query tree, by recursive descent. Precedence: NOT > AND > OR.

    query    := or_expr END
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary (["AND"] unary)*          (AND is implied between terms)
    unary    := ("NOT" | "-") unary | primary
    primary  := FIELD primary | WORD | PHRASE | "(" or_expr ")"

Nested ANDs and ORs are flattened (`(a b) c` is `a b c`), so a printed query parses back
to an equal tree. A query must need at least one term to be present: `-a` alone, or
`a OR -b`, could match by exclusion only and is rejected.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rules.errors import QuerySyntaxError
from rules.fastnorm import normalize_fast
from rules.query.ast import And, Field, Node, Not, Or, Phrase, Term
from rules.query.lexer import OPERATOR_WORDS, Kind, Lexeme, lex
from rules.tokens import has_tokens

MAX_DEPTH = 50
"""Groups, fields and negations nested deeper than this are rejected."""
PARSE_CACHE_SIZE = 256
_PART_RE = re.compile(r"\S+")
_SIMPLE_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_SIMPLE_PHRASE_RE = re.compile(r'" *[A-Za-z0-9]+(?: +[A-Za-z0-9]+)* *"')

_OPERAND_START = frozenset({Kind.WORD, Kind.PHRASE, Kind.FIELD, Kind.LPAREN, Kind.NOT, Kind.MINUS})
_OPERATORS = frozenset({Kind.AND, Kind.OR, Kind.NOT, Kind.MINUS})


def parse_query(query: str) -> Node:
    """Parse `query` into a tree; raises QuerySyntaxError with the column of the problem.

    The last few hundred trees are kept (trees are immutable): validating a rule and
    compiling it parse the same query several times in a row.
    """
    return _parse(query)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(query: str) -> Node:
    simple = _simple(query)
    if simple is not None:
        return simple
    if not query.strip():
        raise QuerySyntaxError(query, 1, "empty query")
    return _Parser(query, lex(query)).parse()


def _simple(query: str) -> Node | None:
    """The tree of the commonest queries, a name or a phrase of plain ASCII words and
    digits (`Beltasa`, `"Jo Song Gil"`), without the lexer and parser (a third of the
    compile time of a large rule set); None for any other query."""
    if _SIMPLE_WORD_RE.fullmatch(query):
        return None if query in OPERATOR_WORDS else Term(query, col=1)
    if _SIMPLE_PHRASE_RE.fullmatch(query):
        return Phrase(tuple(query[1:-1].split()), col=1)
    return None


def searchable(text: str) -> bool:
    """True when `text` holds at least one letter or digit to match."""
    return has_tokens(normalize_fast(text).text)


class _Parser:
    def __init__(self, query: str, lexemes: list[Lexeme]) -> None:
        self.query = query
        self.lexemes = lexemes
        self.i = 0
        self.prev: Lexeme | None = None

    def error(self, col: int, message: str) -> QuerySyntaxError:
        return QuerySyntaxError(self.query, col, message)

    def peek(self) -> Lexeme:
        return self.lexemes[self.i]

    def advance(self) -> Lexeme:
        self.prev = self.lexemes[self.i]
        self.i += 1
        return self.prev

    def parse(self) -> Node:
        node = self.or_expr(0)
        end = self.peek()
        if end.kind is Kind.RPAREN:
            raise self.error(end.col, "unbalanced parenthesis: no '(' opens this ')'")
        culprit = _exclusion_only(node)
        if culprit is not None:
            raise self.error(
                culprit,
                "this can match by exclusion alone: give a term to search for, "
                "as in 'a -b' rather than '-b'",
            )
        return node

    def or_expr(self, depth: int) -> Node:
        children = [self.and_expr(depth)]
        while self.peek().kind is Kind.OR:
            self.advance()
            children.append(self.and_expr(depth))
        return _combine(Or, children)

    def and_expr(self, depth: int) -> Node:
        children = [self.unary(depth)]
        while True:
            kind = self.peek().kind
            if kind is Kind.AND:
                self.advance()
            elif kind not in _OPERAND_START:
                break
            children.append(self.unary(depth))
        return _combine(And, children)

    def unary(self, depth: int) -> Node:
        tok = self.peek()
        if tok.kind in (Kind.NOT, Kind.MINUS):
            self.advance()
            return Not(self.unary(depth + 1), col=tok.col)
        return self.primary(depth)

    def primary(self, depth: int) -> Node:
        tok = self.peek()
        if depth > MAX_DEPTH:
            raise self.error(tok.col, f"query nested too deeply (more than {MAX_DEPTH} levels)")
        if tok.kind is Kind.WORD:
            return _term(self, self.advance())
        if tok.kind is Kind.PHRASE:
            return _phrase(self, self.advance())
        if tok.kind is Kind.FIELD:
            self.advance()
            if self.peek().kind not in (Kind.WORD, Kind.PHRASE, Kind.LPAREN, Kind.FIELD):
                raise self.error(
                    tok.col, f"'{tok.text}:' must be followed directly by a word, phrase or group"
                )
            return Field(tok.text, self.primary(depth + 1), col=tok.col)
        if tok.kind is Kind.LPAREN:
            self.advance()
            if self.peek().kind is Kind.RPAREN:
                raise self.error(tok.col, "empty group: '()' holds nothing")
            node = self.or_expr(depth + 1)
            if self.peek().kind is not Kind.RPAREN:
                raise self.error(tok.col, "unbalanced parenthesis: this '(' is never closed")
            self.advance()
            return node
        raise self.missing_operand(tok)

    def missing_operand(self, tok: Lexeme) -> QuerySyntaxError:
        prev = self.prev
        if prev is not None and prev.kind in _OPERATORS:
            return self.error(prev.col, f"dangling operator {prev.kind.value}: nothing follows it")
        if tok.kind in (Kind.AND, Kind.OR):
            return self.error(tok.col, f"dangling operator {tok.kind.value}: nothing precedes it")
        if tok.kind is Kind.RPAREN:
            return self.error(tok.col, "unbalanced parenthesis: no '(' opens this ')'")
        if prev is not None and prev.kind is Kind.LPAREN:
            return self.error(prev.col, "unbalanced parenthesis: this '(' is never closed")
        return self.error(tok.col, f"expected a word, phrase or group, found {tok.kind.value}")


def _term(parser: _Parser, tok: Lexeme) -> Term:
    text = tok.text
    prefix = text.endswith("*")
    if prefix:
        text = text[:-1]
    star = text.find("*")
    if star >= 0:
        raise parser.error(tok.col + star, "'*' is allowed only at the end of a word (defect*)")
    if not searchable(text):
        raise parser.error(tok.col, f"'{tok.text}' has no letters or digits to search for")
    return Term(text, prefix, tok.boost, col=tok.col)


def _phrase(parser: _Parser, tok: Lexeme) -> Phrase:
    parts: list[str] = []
    for m in _PART_RE.finditer(tok.text):
        part = m.group()
        body = part.removesuffix("*")
        star = body.find("*")
        if star >= 0 or (body != part and not searchable(body)):
            col = tok.col + 1 + m.start() + (star if star >= 0 else len(body))
            raise parser.error(col, "'*' is allowed only at the end of a word (defect*)")
        parts.append(part)
    if not searchable(" ".join(p.removesuffix("*") for p in parts)):
        raise parser.error(tok.col, "empty phrase: no letters or digits to search for")
    return Phrase(tuple(parts), tok.slop, tok.boost, col=tok.col)


def _combine(cls: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, cls) else (child,))
    return cls(tuple(flat), col=children[0].col)


def _exclusion_only(node: Node) -> int | None:
    """Column of a part that lets `node` match with no term present, or None."""
    if isinstance(node, Term | Phrase):
        return None
    if isinstance(node, Not):
        return node.col
    if isinstance(node, Field):
        return _exclusion_only(node.child)
    culprits = [_exclusion_only(child) for child in node.children]
    if isinstance(node, And):
        return None if None in culprits else culprits[0]
    return next((c for c in culprits if c is not None), None)
