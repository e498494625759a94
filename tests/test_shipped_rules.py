"""The watch rules shipped in newswatch.yaml find what an analyst would want, and no more.

Every text here is a short item written for this test (not taken from any corpus).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rules import Document, Matcher, compile_rules

CONFIG = Path(__file__).resolve().parents[1] / "newswatch.yaml"
JO = "jo-song-gil"
DEFECTION = "embassy-defection"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return compile_rules([{"id": r["id"], "query": r["query"]} for r in config["rules"]])


def matched(matcher: Matcher, title: str, summary: str = "") -> set[str]:
    return {m.rule_id for m in matcher.match(Document(title=title, summary=summary))}


def test_shipped_config_has_the_two_rules_in_priority_order() -> None:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert [(r["id"], r["priority"]) for r in config["rules"]] == [
        (JO, "high"),
        (DEFECTION, "normal"),
    ]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Cho Song Gil asks for asylum", "The North Korean envoy left Rome in November."),
        ("JO SONG-KIL STILL MISSING", "Pyongyang has not commented on its diplomat."),
        ("Why Seong-gil Jo walked out", "North Korea's man in Italy has been silent since."),
        ("Jo Sŏng­gil’s daughter is back in Pyongyang", "Officials in Rome confirmed it."),
        ("조성길은 어디에", "전 주이탈리아 북한 대사대리의 행방이 알려지지 않고 있다."),
        ("L'incaricato d'affari nordcoreano a Roma è sparito", "Con lui anche la moglie."),
        ("N. Korea's former acting ambassador to Italy is living in Seoul", ""),
    ],
)
def test_jo_defection_items_match_both_rules(matcher: Matcher, title: str, summary: str) -> None:
    assert matched(matcher, title, summary) == {JO, DEFECTION}


def test_a_profile_of_jo_in_office_is_about_jo_but_not_a_defection(matcher: Matcher) -> None:
    title = "Jo Songgil keeps North Korea's small embassy in Rome busy"
    summary = "As chargé d'affaires he also handles the FAO file."
    assert matched(matcher, title, summary) == {JO}


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("A North Korean diplomat posted in Bangkok defects to the South", ""),
        ("N. Korean envoy in Hanoi went missing with his family", ""),
        ("Diplomatico nordcoreano in fuga da Mosca", "Avrebbe chiesto asilo."),
        ("주러시아 북한 외교관, 가족과 함께 한국행", ""),
        ("Jang Sung-gil, Pyongyang's man in Cairo, asked the US for asylum", ""),
    ],
)
def test_other_diplomats_defecting_match_only_the_defection_rule(
    matcher: Matcher, title: str, summary: str
) -> None:
    assert matched(matcher, title, summary) == {DEFECTION}


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Amateur runner Jo Song-gil wins the city half marathon", "He ran 1:08."),
        ("소방관 조성길 씨, 화재 현장서 노인 구조", "주민들이 감사패를 전달했다."),
        ("Pianist Song-gil Jo plays Chopin in Rome", "The recital was sold out."),
        ("Italy expels North Korea's ambassador", "Mun Jong Nam has ten days to leave Rome."),
        ("Tablet maker admits a screen defect", "Owners get a free repair."),
        ("Striker defects to rival club", "The transfer fee was not disclosed."),
        ("Two North Korean soldiers defect across the border", "Both are unharmed."),
        ("Chinese consul seeks asylum in Canada", "He left his post last week."),
        ("The Embassy Tavern reopens on Quay Street", "Expect the same pies."),
        ("Film review: a North Korean ambassador escapes a war zone", "A tense thriller."),
        ("North Korean defectors protest outside the Chinese embassy", "They oppose returns."),
        ("North Korea reopens its embassy in Berlin", "Diplomats are back after years."),
    ],
)
def test_namesakes_and_other_defections_match_nothing(
    matcher: Matcher, title: str, summary: str
) -> None:
    assert matched(matcher, title, summary) == set()
