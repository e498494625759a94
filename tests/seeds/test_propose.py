"""Proposed rules: they parse, they find what the article is about, and they land in a
config without disturbing it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from rules import Document, compile_rules, parse_query
from seeds import Profile, Rule, merge_rules, render_rules_yaml, write_rules
from seeds.render import render_rule, wrap_query
from tests.seeds.conftest import REPO


def matched(profile: Profile, title: str, summary: str = "") -> set[str]:
    matcher = compile_rules([{"id": r.id, "query": r.query} for r in profile.rules])
    return {m.rule_id for m in matcher.match(Document(title=title, summary=summary))}


def test_every_generated_query_parses(
    seed_profile: Profile, resignation: Profile, transfer: Profile
) -> None:
    for profile in (seed_profile, resignation, transfer):
        assert profile.rules
        for rule in profile.rules:
            parse_query(rule.query)
            assert rule.comment


def test_seed_rules_and_their_provenance(seed_profile: Profile) -> None:
    jo, topic = seed_profile.rules[:2]
    assert (jo.id, jo.title, jo.priority) == ("jo-song-gil", "Jo Song Gil (조성길)", "high")
    assert "7 mentions, first in the opening sentence" in jo.comment
    assert (topic.id, topic.title) == ("embassy-defection", "North Korean diplomat defections")
    assert "defection" in topic.comment
    assert "Thae Yong-ho" in topic.comment


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (
            "Cho Song-gil asks Italy for asylum",
            "The North Korean envoy left his post.",
            {"jo-song-gil", "embassy-defection"},
        ),
        (
            "Where did Song-Gil Jo go?",
            "Pyongyang's man in Rome has vanished with his wife.",
            {"jo-song-gil", "embassy-defection"},
        ),
        (
            "조성길 전 대사대리, 한국 입국",
            "북한 외교관 출신으로 가족과 함께 망명했다.",
            {"jo-song-gil", "embassy-defection"},
        ),
        (
            "Jo Seong-gil runs a small embassy",
            "The North Korean chargé d'affaires in Rome.",
            {"jo-song-gil"},
        ),
        ("A North Korean diplomat in Bangkok has defected", "", {"embassy-defection"}),
        ("Thae Young-ho says more envoys will defect", "", {"embassy-defection"}),
        ("Marathon: Jo Song-gil sets a course record", "He ran 2:19 in the rain.", set()),
        ("North Korean soldier defects across the border", "He crossed at night.", set()),
        ("Phone maker admits a camera defect", "Repairs are free.", set()),
        ("A novel about a North Korean envoy who defects in Rome", "", set()),
    ],
)
def test_seed_rules_on_short_variants(
    seed_profile: Profile, title: str, summary: str, expected: set[str]
) -> None:
    assert matched(seed_profile, title, summary) & {"jo-song-gil", "embassy-defection"} == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Anna Ruiz quits as Veltra chief executive", {"anna-ruiz", "executive-resignation"}),
        ("Veltra CEO steps down after recall", {"executive-resignation"}),
        ("Anna Ruiz wins the city chess open", set()),
    ],
)
def test_resignation_rules(resignation: Profile, title: str, expected: set[str]) -> None:
    assert matched(resignation, title) == expected


def test_transfer_rules(transfer: Profile) -> None:
    assert "tomas-ferreira" in matched(transfer, "Tomas Ferreira signs for Riverside Rovers")
    assert not matched(transfer, "Tomás Ferreira opens a bakery in Porto")


def test_rendered_rules_load_back_with_the_same_queries(
    seed_profile: Profile, tmp_path: Path
) -> None:
    text = render_rules_yaml(seed_profile)
    assert "# jo-song-gil: The subject: 7 mentions" in text
    loaded = YAML(typ="safe").load(text)["rules"]
    assert [(r["id"], r["title"], r["query"], r["priority"]) for r in loaded] == [
        (r.id, r.title, r.query, r.priority) for r in seed_profile.rules
    ]
    out = write_rules(seed_profile, tmp_path / "rules.yaml")
    assert out.read_text(encoding="utf-8") == text


phrases = st.from_regex(r'"[a-z]{1,8}( [a-z]{1,8}){0,3}"(~[0-9])?', fullmatch=True)
words = st.from_regex(r"[a-z]{1,12}\*?(\^[23])?", fullmatch=True)
terms = st.lists(st.one_of(phrases, words), min_size=1, max_size=40)


@given(terms, st.integers(20, 100))
def test_wrapping_a_query_loses_nothing(parts: list[str], width: int) -> None:
    query = " OR ".join(parts)
    lines = wrap_query(query, width)
    assert " ".join(lines) == query
    rule = Rule("r", "R", query)
    loaded = YAML(typ="safe").load("rules:\n" + render_rule(rule))["rules"][0]
    assert loaded["query"] == query


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "newswatch.yaml"
    shutil.copy(REPO / "newswatch.yaml", path)
    return path


def _outside_rules(text: str) -> tuple[str, str]:
    head, rest = text.split("\nrules:\n", 1)
    tail = rest[rest.index("\n# Digests") :]
    return head, tail


def test_merge_replaces_rules_in_place_and_keeps_everything_else(
    seed_profile: Profile, config: Path
) -> None:
    before = config.read_text(encoding="utf-8")
    assert merge_rules(seed_profile, config) == [r.id for r in seed_profile.rules]
    after = config.read_text(encoding="utf-8")
    assert _outside_rules(after) == _outside_rules(before)  # every other line and comment
    data = YAML(typ="safe").load(after)
    assert [r["id"] for r in data["rules"]][:2] == ["jo-song-gil", "embassy-defection"]
    assert data["rules"][0]["query"] == seed_profile.rules[0].query
    assert "# jo-song-gil: The subject: 7 mentions" in after
    assert "# embassy-defection: The event: defection" in after
    merge_rules(seed_profile, config)
    assert config.read_text(encoding="utf-8") == after  # merging twice changes nothing


def test_merge_appends_after_other_rules_and_keeps_their_comments(
    resignation: Profile, tmp_path: Path
) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(
        "# my alerts\n"
        "database: sqlite:///x.db  # local\n"
        "rules:\n"
        "  # mine: keep this comment\n"
        "  - id: mine\n"
        "    query: cats\n"
        "# digests follow\n"
        "digests: []\n",
        encoding="utf-8",
    )
    merge_rules(resignation, path)
    text = path.read_text(encoding="utf-8")
    for line in (
        "# my alerts",
        "database: sqlite:///x.db  # local",
        "  # mine: keep this comment",
        "# digests follow",
    ):
        assert line in text
    assert text.index("# digests follow") > text.index("id: executive-resignation")
    assert text.index("# anna-ruiz: The subject") < text.index("id: anna-ruiz")
    data = YAML(typ="safe").load(text)
    assert [r["id"] for r in data["rules"]] == ["mine", "anna-ruiz", "executive-resignation"]
    assert data["digests"] == []


def test_merge_into_a_config_without_rules(transfer: Profile, tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text("database: sqlite:///x.db\n", encoding="utf-8")
    merge_rules(transfer, path)
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert [r["id"] for r in data["rules"]] == [r.id for r in transfer.rules]
