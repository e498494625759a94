"""Aliases: every spelling the press uses, and never an ordinary word."""

from __future__ import annotations

import pytest

from seeds import Profile
from seeds.aliases import is_ordinary, org_aliases, parts, place_aliases
from seeds.candidates import gazetteer
from seeds.hangul import mr_name, spellings
from seeds.korean import hangul_forms, parse_name, split_syllables
from seeds.resources import PlaceEntry


def test_jo_song_gil_in_every_romanisation_order_and_style(seed_profile: Profile) -> None:
    jo = seed_profile.entity("Jo Song Gil")
    assert jo is not None
    wanted = {
        "Jo Song-gil",
        "Cho Song-gil",
        "Jo Songgil",
        "Song-gil Jo",
        "조성길",
        "Jo Seong-gil",
        "Cho Sung-gil",
        "Jo Song-kil",
        "Cho Sŏng-gil",
    }
    assert wanted <= set(jo.aliases)
    assert jo.hangul == ("조성길",)


def test_other_korean_names_get_their_variants(seed_profile: Profile) -> None:
    thae = seed_profile.entity("Thae Yong-ho")
    assert thae is not None
    assert {"Tae Yong-ho", "Thae Young-ho", "Yong-ho Thae", "태영호"} <= set(thae.aliases)
    hwang = seed_profile.entity("Hwang Jang Yeop")
    assert hwang is not None
    assert {"Hwang Jang-yop", "Hwang Jang-yup", "황장엽"} <= set(hwang.aliases)


def test_person_aliases_always_have_two_parts(
    seed_profile: Profile, resignation: Profile, transfer: Profile
) -> None:
    for profile in (seed_profile, resignation, transfer):
        for person in profile.of_type("person"):
            short = [a for a in person.aliases if len(parts(a)) < 2]
            assert not short, (person.name, short)
            assert "Song" not in person.aliases
            assert "Jo" not in person.aliases


def test_no_alias_is_an_ordinary_english_or_italian_word(
    seed_profile: Profile, resignation: Profile, transfer: Profile
) -> None:
    for profile in (seed_profile, resignation, transfer):
        for entity in profile.entities:
            ordinary = [a for a in entity.aliases if is_ordinary(a)]
            assert not ordinary, (entity.name, ordinary)


@pytest.mark.parametrize("word", ["song", "us", "un", "who", "China", "Polish", "nice", "ho"])
def test_the_word_list_knows_ordinary_words(word: str) -> None:
    assert is_ordinary(word)


@pytest.mark.parametrize("word", ["Jo", "Gil", "Pyongyang", "Seoul", "Jo Song-gil", "OGD"])
def test_the_word_list_does_not_hold_names(word: str) -> None:
    assert not is_ordinary(word)


def test_acronyms_that_are_words_are_kept_only_dotted() -> None:
    us = gazetteer()["united states"]
    assert isinstance(us, PlaceEntry)
    aliases = place_aliases(us)
    assert "US" not in aliases
    assert "U.S." in aliases
    assert "USA" in aliases
    un = org_aliases("United Nations", ["UN"], None)
    assert un == ["U.N."]


def test_organisation_acronyms_both_ways_and_spellings() -> None:
    aliases = org_aliases("Organization and Guidance Department", ["OGD"], None)
    assert aliases == ["OGD", "Organisation and Guidance Department"]


@pytest.mark.parametrize(
    ("hangul", "expected"),
    [
        ("조", {"jo", "cho"}),
        ("성", {"seong", "song", "sung"}),
        ("길", {"gil", "kil"}),
        ("태", {"tae", "thae"}),
        ("영", {"yeong", "yong", "young"}),
        ("정", {"jeong", "jong", "chong", "jung", "chung"}),
    ],
)
def test_syllable_spellings(hangul: str, expected: set[str]) -> None:
    assert set(spellings(hangul)) == expected


def test_every_syllable_has_plain_spellings_that_read_back_as_korean() -> None:
    """All 11,172 syllables, not a sample: a sample missed `쮕` (`tchweng`, seven
    letters, longer than the segmenter then tried)."""
    for hangul in map(chr, range(0xAC00, 0xD7A4)):
        forms = spellings(hangul)
        assert forms, hangul
        assert all(f.isascii() and f.isalpha() and f.islower() for f in forms), hangul
        assert all(split_syllables(f) for f in forms), (hangul, forms)
        assert mr_name("조" + hangul).startswith("Cho "), hangul


def test_romanised_names_are_read_in_both_orders() -> None:
    first = parse_name(["Jo", "Song", "Gil"])
    last = parse_name(["Song-gil", "Jo"])
    assert first is not None
    assert last is not None
    assert first.key == last.key == "josonggil"
    assert not last.family_first
    assert parse_name(["David", "Tizzard"]) is None
    assert split_syllables("Songgil") == ["song", "gil"]


def test_hangul_from_unambiguous_syllables_or_the_known_people_table() -> None:
    kim = parse_name(["Kim", "Gil", "Su"])  # every syllable has one reading
    assert kim is not None
    assert hangul_forms(kim) == ("김길수",)
    jo = parse_name(["Cho", "Seong-gil"])  # song/seong is 성 or 송: the table decides
    assert jo is not None
    assert hangul_forms(jo) == ("조성길",)
    unknown = parse_name(["Park", "Song", "Min"])  # 송 or 성, no entry: no guess
    assert unknown is not None
    assert hangul_forms(unknown) == ()
    assert mr_name("조성길") == "Cho Sŏng-gil"
