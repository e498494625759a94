"""The README's examples are tested, so the docs cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from notifier import DigestConfig, SmtpConfig
from rules import parse_query
from watcher.cli import main
from watcher.config import parse_config

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", README, re.S)


def test_the_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block
    assert README.index(first_block.group(0)) < README.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make run", "make test"]


def test_the_full_config_example_is_valid() -> None:
    full = [b for b in YAML_BLOCKS if b.startswith("database:")]
    assert len(full) == 1
    config = parse_config(full[0], Path("README.md"), {}).config
    assert config.rules[0].id == "jo-song-gil"
    assert config.digests[0].to[1].webhook.secret == "change-me"


def test_the_channel_and_smtp_examples_are_valid() -> None:
    [channels] = [b for b in YAML_BLOCKS if b.startswith("to:")]
    DigestConfig.model_validate({"id": "d", **yaml.safe_load(channels)})
    [smtp] = [b for b in YAML_BLOCKS if b.startswith("smtp:")]
    assert SmtpConfig.model_validate(yaml.safe_load(smtp)["smtp"]).starttls


@pytest.mark.parametrize("query", re.findall(r"^\| `([^`|]+)`", README.split("## Rules")[1], re.M))
def test_every_query_form_in_the_table_parses(query: str) -> None:
    if query.endswith(":…"):
        query = query.replace("…", "word")
    query = query.replace("…", "a b")
    if query.startswith(("-", "NOT ")):
        query = "x " + query  # a query that only excludes is rejected by design
    parse_query(query)


def test_every_command_in_the_table_exists() -> None:
    table = README.split("## Command line")[1].split("##")[0]
    for command in re.findall(r"^\| `newswatch ([a-z-]+(?: [a-z]+)?)", table, re.M):
        group = main
        for word in command.split():
            if word in getattr(group, "commands", {}):
                group = group.commands[word]
        assert group is not main, command


def test_the_test_rule_example_prints_what_the_readme_shows() -> None:
    from watcher.ruletest import run_rule_test

    block = README.split("Try a query before you put it in the config:")[1].split("```")[1]
    command, *expected = block.strip().splitlines()[:3]
    query = command.split("test-rule ")[1].split(" --text ")[0].strip("'")
    text = command.split(' --text "')[1].rstrip('"')
    assert run_rule_test(query, text=text)[0].splitlines() == expected
