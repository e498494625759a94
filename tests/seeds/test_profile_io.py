"""Profiles written as YAML read back the same; rules scored against labelled items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seeds import Profile, load_profile
from seeds.evaluate import main, score_rules
from tests.seeds.conftest import DATA


def test_profile_yaml_reads_back(seed_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(seed_profile.to_yaml(), encoding="utf-8")
    loaded = load_profile(path)
    assert loaded.to_dict() == seed_profile.to_dict()
    assert [r.priority for r in loaded.rules] == [r.priority for r in seed_profile.rules]
    assert loaded.rules[0].comment.startswith("The subject: 7 mentions")


def test_rules_are_scored_per_label() -> None:
    items = [json.loads(line) for line in (DATA / "items.jsonl").read_text().splitlines()]
    rules = [r.to_dict() for r in load_profile().rules]
    scores = {s.rule_id: s for s in score_rules(rules, items)}
    jo, defection = scores["jo-song-gil"], scores["embassy-defection"]
    assert (jo.precision, jo.recall) == (1.0, 1.0)
    assert (defection.precision, defection.recall) == (1.0, pytest.approx(2 / 3))
    assert defection.false_negatives == ("North Korean envoys are rarely allowed to travel",)


def test_evaluate_command_fails_under_the_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--items", str(DATA / "items.jsonl"), "-v"])
    out = capsys.readouterr().out
    assert status == 1
    assert "embassy-defection    precision 1.000  recall 0.667" in out
    assert "FN  North Korean envoys are rarely allowed to travel" in out
