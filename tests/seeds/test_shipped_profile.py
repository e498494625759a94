"""The shipped seed profile (seeds/jo-song-gil.yaml): the tool's output, reviewed.

Its two rules are the ones newswatch.yaml uses. The texts below are short items written
for this test, phrased as other outlets would phrase such news."""

from __future__ import annotations

import pytest

from rules import Document, Matcher, compile_rules, parse_query
from seeds import Profile, load_profile

JO = "jo-song-gil"
DEFECTION = "embassy-defection"


@pytest.fixture(scope="module")
def shipped() -> Profile:
    return load_profile()


@pytest.fixture(scope="module")
def matcher(shipped: Profile) -> Matcher:
    return compile_rules([{"id": r.id, "query": r.query} for r in shipped.rules])


def test_the_profile_holds_the_two_rules_with_their_provenance(shipped: Profile) -> None:
    assert shipped.subject == "Jo Song Gil"
    assert [(r.id, r.priority) for r in shipped.rules] == [(JO, "high"), (DEFECTION, "normal")]
    for rule in shipped.rules:
        parse_query(rule.query)
        assert "Reviewed by hand" in rule.comment
    assert "7 mentions, first in the opening sentence" in shipped.rules[0].comment


def test_the_entities_are_the_tools_output(shipped: Profile, seed_profile: Profile) -> None:
    assert [e.to_dict() for e in shipped.entities] == [e.to_dict() for e in seed_profile.entities]


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (
            "Former N. Korean envoy Jo Song-gil breaks his silence",
            "The diplomat who fled his post in Rome in 2018 spoke to a Seoul newspaper.",
            {JO, DEFECTION},
        ),
        (
            "JO SONGGIL IS IN SEOUL, LAWMAKER SAYS",
            "North Korea's ex-chargé arrived in 2019.",
            {JO, DEFECTION},
        ),
        (
            "Where is Pyongyang's man in Rome?",
            "North Korea's top envoy in Italy has not been seen since he left his post.",
            {JO, DEFECTION},
        ),
        (
            "Il disertore Jo Song-gil parla per la prima volta",
            "L'ex diplomatico nordcoreano ha lasciato Roma nel 2018.",
            {JO, DEFECTION},
        ),
        (
            "조성길 전 대사대리 근황 공개",
            "2019년 한국에 입국한 조성길 전 주이탈리아 북한 대사대리가 공개 석상에 나왔다.",
            {JO, DEFECTION},
        ),
        (
            "A profile of Cho Sŏng-gil",
            "As chargé d'affaires he runs North Korea's embassy in Rome.",
            {JO},
        ),
        ("Senior North Korean diplomat in Moscow defects with family", "", {DEFECTION}),
        (
            "North Korean embassy staffer goes missing in Vienna",
            "Austrian police say the clerk has not been seen for a week.",
            {DEFECTION},
        ),
        (
            "북한 대사관 직원 망명 신청",
            "동남아 주재 북한 대사관 직원이 가족과 함께 제3국 망명을 신청했다.",
            {DEFECTION},
        ),
        ("Ri Il-kyu, Pyongyang's counsellor in Havana, reaches Seoul", "", {DEFECTION}),
        ("1997: Hwang Jang-yop asks for asylum in Beijing", "", {DEFECTION}),
        ("Jo Song-gil scores twice as Riverside win", "The striker's brace sealed it.", set()),
        ("Cho Song-gil, 82, beloved Busan baker, dies", "He ran the shop for 50 years.", set()),
        (
            "North Korean defector elected to Seoul council",
            "She fled across the river in 2008.",
            set(),
        ),
        ("Russian diplomat seeks asylum in Japan", "", set()),
        ("North Korea recalls its ambassador to Malaysia", "", set()),
        ("South Korean embassy in Rome warns tourists about pickpockets", "", set()),
        ("Italy expels North Korea's ambassador Mun Jong Nam", "He has left Rome.", set()),
        ("Film review: a North Korean envoy vanishes from Rome", "A thriller with a twist.", set()),
        ("Software defect grounds airline fleet", "", set()),
    ],
)
def test_shipped_rules_on_items_phrased_by_other_outlets(
    matcher: Matcher, title: str, summary: str, expected: set[str]
) -> None:
    got = {m.rule_id for m in matcher.match(Document(title=title, summary=summary))}
    assert got == expected
