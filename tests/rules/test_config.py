"""RuleConfig: the schema of one rule in the config file."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rules import RuleConfig


def test_defaults() -> None:
    rule = RuleConfig(id="jo-song-gil", query='"Jo Song Gil"')
    assert (rule.title, rule.feeds, rule.priority) == ("jo-song-gil", [], "normal")


def test_full_rule_from_the_design() -> None:
    rule = RuleConfig.model_validate(
        {
            "id": "jo-song-gil",
            "title": "Jo Song Gil",
            "query": '"Jo Song Gil" OR "Cho Song Gil" OR 조성길',
            "feeds": ["tag:korea", "Example World"],
            "priority": "high",
        }
    )
    assert rule.title == "Jo Song Gil"
    assert rule.feeds == ["tag:korea", "Example World"]
    assert rule.priority == "high"


@pytest.mark.parametrize("rule_id", ["Jo", "jo song", "jo_song", "", "조성길"])
def test_ids_are_lowercase_slugs(rule_id: str) -> None:
    with pytest.raises(ValidationError):
        RuleConfig(id=rule_id, query="jo")


def test_unknown_keys_are_errors() -> None:
    with pytest.raises(ValidationError, match="extra"):
        RuleConfig.model_validate({"id": "jo", "query": "jo", "querry": "x"})


def test_bad_priority_is_an_error() -> None:
    with pytest.raises(ValidationError):
        RuleConfig.model_validate({"id": "jo", "query": "jo", "priority": "urgent"})


@pytest.mark.parametrize(
    ("query", "column"),
    [('"Jo Song Gil', 1), ("jo AND", 4), ("foo:bar", 1), ("-jo", 1), ("jo^x", 3)],
)
def test_a_bad_query_is_a_validation_error_with_its_column(query: str, column: int) -> None:
    with pytest.raises(ValidationError) as info:
        RuleConfig(id="jo", query=query)
    (error,) = info.value.errors()
    assert error["loc"] == ("query",)
    assert f"column {column}:" in error["msg"]


def test_empty_feed_scope_is_an_error() -> None:
    with pytest.raises(ValidationError):
        RuleConfig(id="jo", query="jo", feeds=["tag:"])


def test_rules_are_immutable() -> None:
    rule = RuleConfig(id="jo", query="jo")
    with pytest.raises(ValidationError):
        rule.query = "cho"  # type: ignore[misc]
