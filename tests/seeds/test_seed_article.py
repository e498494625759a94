"""`newswatch seed` on the seed article: who and what it names, and who it is about.

The expected entities below come from reading the article (shared/seeds/000_….txt);
the article itself is read at test time and never copied into the repository.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from seeds import Entity, Profile, seed

# Every person, organisation and place the article names, as it writes them.
PEOPLE = [
    "Jo Song Gil",
    "Kim Jong Il",
    "Kim Jong Un",
    "Hwang Jang Yeop",
    "Jang Jin Sung",
    "David Tizzard",
    "Jong Sung Il",
    "Thae Yong-ho",
]
ORGS = [
    "Asia Times",
    "Joongang Ilbo",
    "Yonhap",
    "Organization and Guidance Department",
    "OGD",
    "Korea Workers Party",
    "Central Committee",
    "UN",
    "World Food Program",
]
PLACES = [
    "North Korea",
    "North Korean",
    "Pyongyang",
    "Italy",
    "Italian",
    "Rome",
    "South Korea",
    "South Korean",
    "Seoul",
    "Korea",
    "United States",
    "US",
    "USA",
    "Egypt",
    "Cairo",
    "Thailand",
    "UK",
    "Zambia",
    "European",
]


def _owner(profile: Profile, written: str, kind: str) -> Entity | None:
    for e in profile.of_type(kind):  # type: ignore[arg-type]
        if written == e.name or written in e.aliases or written in e.forms:
            return e
    return None


def test_every_person_organisation_and_place_is_found(seed_profile: Profile) -> None:
    for kind, names in (("person", PEOPLE), ("org", ORGS), ("place", PLACES)):
        missing = [n for n in names if _owner(seed_profile, n, kind) is None]
        assert not missing, f"{kind}: not found {missing}"


def test_at_most_one_spurious_entity_in_ten(seed_profile: Profile) -> None:
    expected = [("person", n) for n in PEOPLE] + [("org", n) for n in ORGS]
    expected += [("place", n) for n in PLACES]
    owners = {id(_owner(seed_profile, n, k)) for k, n in expected}
    spurious = [e.name for e in seed_profile.entities if id(e) not in owners]
    assert len(spurious) * 10 <= len(seed_profile.entities), spurious


def test_the_subject_is_jo_song_gil_with_surname_mentions_counted(seed_profile: Profile) -> None:
    assert seed_profile.subject == "Jo Song Gil"
    jo = seed_profile.entity("Jo Song Gil")
    assert jo is not None
    assert seed_profile.entities[0] is jo
    assert jo.mentions == 7  # the full name once, then "Jo" six times
    assert jo.first_sentence == 0


def test_acronym_mentions_count_for_the_organisation(seed_profile: Profile) -> None:
    ogd = _owner(seed_profile, "OGD", "org")
    assert ogd is not None
    assert ogd.name == "Organization and Guidance Department"
    assert ogd.mentions == 5
    assert "OGD" in ogd.aliases


def test_capital_metonyms_and_demonyms_count_for_the_country(seed_profile: Profile) -> None:
    north = seed_profile.entity("North Korea")
    assert north is not None
    assert {"North Korean", "DPRK", "Pyongyang", "북한"} <= set(north.aliases)
    korea = seed_profile.entity("Korea")
    assert korea is not None
    assert korea.mentions == 1


def test_facts_about_the_subject(seed_profile: Profile) -> None:
    facts = seed_profile.facts
    assert (facts.role, facts.affiliation, facts.post, facts.event) == (
        "diplomat",
        "North Korea",
        "Italy",
        "defection",
    )
    assert set(facts.others) == {"Jong Sung Il", "Thae Yong-ho"}


def test_json_has_the_documented_shape(seed_profile: Profile) -> None:
    data = json.loads(seed_profile.to_json())
    assert set(data) == {"subject", "entities", "rules"}
    assert data["subject"] == "Jo Song Gil"
    for entity in data["entities"]:
        assert set(entity) == {"name", "type", "mentions", "aliases"}
        assert entity["type"] in ("person", "org", "place")
        assert isinstance(entity["mentions"], int)
        assert entity["mentions"] > 0
    assert [set(r) for r in data["rules"]] == [{"id", "title", "query"}] * len(data["rules"])
    assert [r["id"] for r in data["rules"]][:2] == ["jo-song-gil", "embassy-defection"]


def test_seed_runs_within_five_seconds(seed_article: Path) -> None:
    start = time.perf_counter()
    profile = seed(str(seed_article))
    assert profile.rules
    assert time.perf_counter() - start < 5.0
