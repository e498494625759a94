"""The schema of one rule in the `rules:` section of the config."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from rules.errors import QuerySyntaxError
from rules.query import parse_query

Priority = Literal["low", "normal", "high"]


class RuleConfig(BaseModel):
    """One watch rule: an id, a query, an optional feed scope and a priority.

    `feeds` lists feed names or `tag:<tag>`; an empty list means every feed. The scope
    is applied by the caller (the matcher does not know which feed an item came from).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(default="", validate_default=True)
    query: str
    feeds: list[str] = Field(default_factory=list)  # a fresh list, not a deep copy of one
    priority: Priority = "normal"

    @field_validator("title")
    @classmethod
    def _title_defaults_to_id(cls, value: str, info: ValidationInfo) -> str:
        return value or str(info.data.get("id", ""))

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        try:
            parse_query(value)
        except QuerySyntaxError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("feeds")
    @classmethod
    def _feeds_named(cls, value: list[str]) -> list[str]:
        for scope in value:
            if not scope.strip() or scope.strip() == "tag:":
                raise ValueError(f"empty feed scope {scope!r}: give a feed name or tag:<tag>")
        return value
