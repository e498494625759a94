"""Errors raised by `rules`.

    RulesError                  root: catch this to catch anything `rules` raises on purpose
    ├── QuerySyntaxError        a query that does not parse (also a ValueError, so pydantic
    │                           validators turn it into a validation error)
    └── DuplicateRuleError      two rules given to `compile_rules` share an id

A document that matches no rule is not an error: `Matcher.match` returns an empty list.
"""

from __future__ import annotations


class RulesError(Exception):
    """Root of the errors raised by the `rules` package."""


class QuerySyntaxError(RulesError, ValueError):
    """A query that does not parse; `column` is 1-based, counted in characters."""

    def __init__(self, query: str, column: int, message: str) -> None:
        super().__init__(query, column, message)
        self.query = query
        self.column = column
        self.message = message

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


class DuplicateRuleError(RulesError, ValueError):
    """Two rules share one id; ids must be unique within one matcher."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(rule_id)
        self.rule_id = rule_id

    def __str__(self) -> str:
        return f"rule id {self.rule_id!r} appears more than once"
