"""Query text → lexemes, each with its 1-based column.

Lexemes: words (`defect*`, `Song-gil`, `term^2`), phrases (`"a b"`, `"a b"~10^1.5`),
`(` and `)`, the operators `AND`, `OR`, `NOT` (uppercase only) and a leading `-`, and
field prefixes (`title:`). Typographic double quotes (`“…”`) delimit phrases too.
"""

from __future__ import annotations

import math
import re
from enum import Enum
from typing import NamedTuple

from rules.errors import QuerySyntaxError
from rules.model import FIELDS

QUOTES = '"“”'
_WORD_END = frozenset("()" + QUOTES)
_FIELD_RE = re.compile(r"([A-Za-z][A-Za-z0-9_]*):")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_TILDE_RE = re.compile(r"~[0-9]*$")
_DIGITS_RE = re.compile(r"[0-9]+")
_QUOTE_RE = re.compile("[" + QUOTES + "]")
_WORD_BODY_RE = re.compile(r"[^\s()" + QUOTES + r"^]*")
r"""A word's text: up to a delimiter (whitespace, a parenthesis, a quote) or a `^`. Both
`\s` and `str.isspace` are Python's Unicode whitespace."""


class Kind(Enum):
    WORD = "word"
    PHRASE = "phrase"
    LPAREN = "("
    RPAREN = ")"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    MINUS = "-"
    FIELD = "field"
    END = "end of query"


_OPERATOR_KINDS = {"AND": Kind.AND, "OR": Kind.OR, "NOT": Kind.NOT}
OPERATOR_WORDS = frozenset(_OPERATOR_KINDS)
"""The words that are operators, not terms (upper case only)."""


class Lexeme(NamedTuple):
    """One lexeme and its 1-based column (a named tuple: built in a third of the time of
    a frozen dataclass, and a query set of thousands of rules builds many)."""

    kind: Kind
    col: int
    text: str = ""
    slop: int | None = None
    boost: float = 1.0


class _Lexer:
    def __init__(self, query: str) -> None:
        self.query = query
        self.pos = 0
        self.out: list[Lexeme] = []

    def error(self, pos: int, message: str) -> QuerySyntaxError:
        return QuerySyntaxError(self.query, pos + 1, message)

    def at_delimiter(self, pos: int) -> bool:
        return pos >= len(self.query) or self.query[pos] in _WORD_END or self.query[pos].isspace()

    def run(self) -> list[Lexeme]:
        q = self.query
        while self.pos < len(q):
            ch = q[self.pos]
            if ch.isspace():
                self.pos += 1
            elif ch in "()":
                self.out.append(Lexeme(Kind.LPAREN if ch == "(" else Kind.RPAREN, self.pos + 1))
                self.pos += 1
            elif ch in QUOTES:
                self.phrase()
            elif ch == "-":
                if self.at_delimiter(self.pos + 1) and not self.opens_operand(self.pos + 1):
                    raise self.error(self.pos, "dangling operator '-': nothing follows it")
                self.out.append(Lexeme(Kind.MINUS, self.pos + 1))
                self.pos += 1
            else:
                self.word()
        self.out.append(Lexeme(Kind.END, len(q) + 1))
        return self.out

    def opens_operand(self, pos: int) -> bool:
        return pos < len(self.query) and self.query[pos] in QUOTES + "("

    def phrase(self) -> None:
        q, start = self.query, self.pos
        closing = _QUOTE_RE.search(q, start + 1)
        end = closing.start() if closing is not None else -1
        if end < 0:
            raise self.error(start, "unbalanced quote: this phrase is never closed")
        self.pos = end + 1
        slop = self.slop()
        boost = self.boost()
        if not self.at_delimiter(self.pos) or (self.pos < len(q) and q[self.pos] in QUOTES):
            raise self.error(self.pos, "expected a space or ')' after the phrase")
        self.out.append(Lexeme(Kind.PHRASE, start + 1, q[start + 1 : end], slop, boost))

    def slop(self) -> int | None:
        if not self.query.startswith("~", self.pos):
            return None
        m = _DIGITS_RE.match(self.query, self.pos + 1)
        if m is None:
            raise self.error(self.pos, "bad proximity: '~' needs a whole number, as in \"a b\"~10")
        self.pos = m.end()
        return int(m.group())

    def boost(self) -> float:
        if not self.query.startswith("^", self.pos):
            return 1.0
        m = _NUMBER_RE.match(self.query, self.pos + 1)
        value = float(m.group()) if m else 0.0
        if m is None or not self.at_delimiter(m.end()) or not (value > 0 and math.isfinite(value)):
            raise self.error(self.pos, "bad boost: use a positive number, as in term^2 or ^1.5")
        self.pos = m.end()
        return value

    def word(self) -> None:
        q, start = self.query, self.pos
        after_field = bool(self.out) and self.out[-1].kind is Kind.FIELD
        field = None if after_field else _FIELD_RE.match(q, start)  # url:https://… is a value
        if field is not None and self.field(field):
            return
        match = _WORD_BODY_RE.match(q, start)
        assert match is not None  # the pattern matches the empty string
        text, end = match.group(), match.end()
        self.pos = end
        if not text:
            raise self.error(start, "bad boost: '^' must follow a word or a phrase directly")
        tilde = _TILDE_RE.search(text)
        if tilde is not None:
            raise self.error(
                start + tilde.start(), 'proximity (~N) applies to a phrase: write "a b"~N'
            )
        if text in _OPERATOR_KINDS:
            if q.startswith("^", end):
                raise self.error(end, f"bad boost: the operator {text} cannot be boosted")
            self.out.append(Lexeme(_OPERATOR_KINDS[text], start + 1, text))
            return
        self.out.append(Lexeme(Kind.WORD, start + 1, text, boost=self.boost()))

    def field(self, m: re.Match[str]) -> bool:
        """Lex `name:` as a field prefix; False when it is just a word ending in ':'."""
        name = m.group(1).lower()
        followed = not self.at_delimiter(m.end()) or self.opens_operand(m.end())
        if name not in FIELDS:
            if followed:
                known = ", ".join(f + ":" for f in FIELDS)
                raise self.error(
                    m.start(),
                    f"unknown field '{m.group(1)}:' (fields: {known}); "
                    "quote the word to search for it as written",
                )
            return False
        if not followed:
            raise self.error(
                m.start(), f"'{name}:' must be followed directly by a word, phrase or group"
            )
        self.out.append(Lexeme(Kind.FIELD, m.start() + 1, name))
        self.pos = m.end()
        return True


def lex(query: str) -> list[Lexeme]:
    """Split `query` into lexemes, ending with one `Kind.END`; raises QuerySyntaxError."""
    return _Lexer(query).run()
