"""Config loading: every error names file, line and key path; ${VAR} substitution."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from watcher.config import load_config, parse_config
from watcher.errors import ConfigError

GOOD = """\
database: sqlite:///data/nw.db
poll:
  interval: 5m
feeds:
  - url: https://example.org/rss.xml
    name: Example World
    tags: [korea]
rules:
  - id: jo-song-gil
    query: '"Jo Song Gil" OR 조성길'
    feeds: [tag:korea, "Example World"]
digests:
  - id: morning
    rules: [jo-song-gil]
    schedule: "0 8 * * *"
    timezone: Europe/Rome
    to:
      - webhook: {url: "https://hooks.example.org/nw", secret: "${NW_SECRET}"}
      - file: {dir: ./digests}
"""


def problems(text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("newswatch.yaml"), {"NW_SECRET": "s"} if env is None else env)
    return str(caught.value).splitlines()


def test_a_good_config_loads_with_env_substituted() -> None:
    loaded = parse_config(GOOD, Path("newswatch.yaml"), {"NW_SECRET": "hunter2"})
    config = loaded.config
    assert config.poll.interval == timedelta(minutes=5)
    assert config.feeds[0].tags == ["korea"]
    assert config.digests[0].to[0].webhook.secret == "hunter2"


def test_a_default_applies_when_the_variable_is_unset() -> None:
    text = GOOD.replace("${NW_SECRET}", "${NW_SECRET:-fallback}")
    config = parse_config(text, Path("x.yaml"), {}).config
    assert config.digests[0].to[0].webhook.secret == "fallback"


def test_an_unset_variable_without_default_names_key_and_line() -> None:
    assert problems(GOOD, env={}) == [
        "newswatch.yaml:18 digests[0].to[0].webhook.secret: ${NW_SECRET} is not set"
    ]


def test_a_bad_duration_names_line_key_and_the_fix() -> None:
    text = GOOD.replace("interval: 5m", "interval: 5 minutes")
    assert problems(text) == [
        "newswatch.yaml:3 poll.interval: '5 minutes' is not a duration (use 5m)"
    ]


def test_an_unknown_key_is_an_error_at_its_line() -> None:
    text = GOOD.replace("    tags: [korea]\n", "    tags: [korea]\n    colour: blue\n")
    assert problems(text) == ["newswatch.yaml:8 feeds[0].colour: unknown key"]


def test_a_bad_query_reports_its_column() -> None:
    text = GOOD.replace("""query: '"Jo Song Gil" OR 조성길'""", """query: 'Jo AND (Song OR'""")
    [line] = problems(text)
    assert line.startswith("newswatch.yaml:10 rules[0].query: column ")


def test_several_problems_are_reported_together() -> None:
    text = GOOD.replace("interval: 5m", "interval: soon").replace("id: morning", "id: Morning!")
    lines = problems(text)
    assert len(lines) == 2
    assert any("poll.interval" in line for line in lines)
    assert any("digests[0].id" in line for line in lines)


def test_a_digest_naming_an_unknown_rule_is_rejected() -> None:
    text = GOOD.replace("rules: [jo-song-gil]", "rules: [jo-song-gil, nobody]")
    [line] = problems(text)
    assert "unknown rules: nobody" in line


def test_email_without_smtp_is_rejected() -> None:
    text = GOOD.replace("- file: {dir: ./digests}", "- email: {to: [a@example.org]}")
    [line] = problems(text)
    assert "no smtp section" in line


def test_rule_scope_must_name_a_feed_or_tag() -> None:
    text = GOOD.replace("[tag:korea, ", "[tag:italy, ")
    [line] = problems(text)
    assert "unknown feeds: tag:italy" in line


def test_invalid_yaml_points_at_the_line() -> None:
    [line] = problems(GOOD.replace("    name: Example World", "    name: [unclosed"))
    assert line.startswith("newswatch.yaml:")
    assert "invalid YAML" in line


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.yaml")


def test_the_shipped_config_is_valid() -> None:
    shipped = Path(__file__).parents[2] / "newswatch.yaml"
    config = load_config(shipped, env={}).config
    assert {r.id for r in config.rules} >= {"jo-song-gil", "embassy-defection"}
    assert 10 <= len(config.feeds) <= 20
    assert [c.kind for c in config.digests[0].to] == ["file"]
