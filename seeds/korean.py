"""Korean personal names: romanised syllables ↔ Hangul, and how the press spells each.

A Hangul syllable is spelled in Revised Romanization (RR: 성 seong), McCune–Reischauer
(MR: sŏng, written song without the breve, as North Korea does) and common press forms
(sung). Spellings are computed from the syllable's letters (jamo), so every syllable is
covered; only common name syllables (`NAME_SYLLABLES`) are used to map a romanised
syllable back to Hangul, and family names come from a table (Lee, Park, Choi are not rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from seeds.resources import known_people

_RR_INITIAL = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MR_INITIAL = [
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "-",
    "ch",
    "tch",
    "ch'",
    "k'",
    "t'",
    "p'",
    "h",
]
_MR_VOICED = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "tch",
    "ch'",
    "k'",
    "t'",
    "p'",
    "h",
]
_NK_INITIAL = [
    "k",
    "kk",
    "n",
    "t",
    "tt",
    "r",
    "m",
    "p",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "kh",
    "th",
    "ph",
    "h",
]
_RR_VOWEL = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_MR_VOWEL = [
    "a",
    "ae",
    "ya",
    "yae",
    "ŏ",
    "e",
    "yŏ",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wŏ",
    "we",
    "wi",
    "yu",
    "ŭ",
    "ŭi",
    "i",
]
_PRESS_VOWEL = [
    "a",
    "ae",
    "ya",
    "yae",
    "u",
    "e",
    "yu",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "oo",
    "wo",
    "we",
    "wi",
    "yoo",
    "eu",
    "ee",
    "i",
]
_FINAL = [
    "-",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
_SIMPLE_FINALS = frozenset({0, 1, 4, 8, 16, 17, 21})  # none, ㄱ ㄴ ㄹ ㅁ ㅂ ㅇ

NAME_SYLLABLES = (
    "가각간갑강개건걸검겸경계고곤공관광교구국군권규균근금기길나남녀노다단달담대덕도돈동두득"
    "란래량려련렬령례로록룡루류륜률리린림마만말매명모목무문미민박반방배백범법벽변병보복본봉"
    "부분비빈사산삼상새색생서석선설섬성세소속손송수숙순술숭슬승시식신실심아악안애야약양어억"
    "언엄여역연열염엽영예오옥온완왕요용우욱운웅원월위유육윤율은을음의이익인일임자작잠장재전"
    "절점정제조종주준중지직진질집찬창채천철청초춘충치칠탁태택파판팔평표필하학한함해행향허헌"
    "혁현협형혜호홍화환활황회효후훈휘희"
)
"""Syllables common in Korean given names; a romanised syllable maps back only to these."""

FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    h: tuple(spellings.split())
    for h, spellings in {
        "김": "Kim",
        "이": "Lee Yi Rhee Ri",
        "리": "Ri Lee Yi Rhee",
        "박": "Park Pak Bak",
        "최": "Choi Choe",
        "정": "Jung Jeong Chung Jong Chong",
        "강": "Kang Gang",
        "조": "Jo Cho",
        "윤": "Yoon Yun",
        "장": "Jang Chang",
        "임": "Lim Im Rim",
        "림": "Rim Lim",
        "한": "Han",
        "오": "Oh O",
        "서": "Seo Suh",
        "신": "Shin Sin",
        "권": "Kwon Gwon",
        "황": "Hwang",
        "안": "Ahn An",
        "송": "Song",
        "류": "Ryu Yoo Yu",
        "유": "Yoo Yu Ryu",
        "전": "Jeon Chun Jun Chon",
        "홍": "Hong",
        "고": "Ko Go",
        "문": "Moon Mun",
        "양": "Yang",
        "량": "Ryang Yang",
        "손": "Sohn Son",
        "배": "Bae Pae",
        "백": "Baek Paik Paek",
        "허": "Heo Huh",
        "남": "Nam",
        "심": "Shim Sim",
        "노": "Noh Roh",
        "로": "Ro Roh",
        "하": "Ha",
        "곽": "Kwak",
        "성": "Sung Seong Song",
        "차": "Cha",
        "주": "Joo Ju Chu",
        "우": "Woo",
        "구": "Koo Ku",
        "민": "Min",
        "진": "Jin Chin",
        "지": "Ji Chi",
        "엄": "Um Eom",
        "채": "Chae",
        "원": "Won",
        "천": "Cheon Chun Chon",
        "방": "Bang Pang",
        "공": "Kong Gong",
        "현": "Hyun Hyon Hyeon",
        "함": "Ham",
        "변": "Byun Pyon Byeon",
        "염": "Yeom Yum",
        "렴": "Ryom",
        "여": "Yeo Yo",
        "추": "Chu",
        "도": "Do",
        "석": "Seok Sok",
        "선": "Sun Seon",
        "설": "Seol Sol",
        "길": "Gil Kil",
        "연": "Yeon Yon",
        "표": "Pyo",
        "명": "Myung Myong",
        "기": "Ki Gi",
        "왕": "Wang",
        "금": "Keum Kum",
        "육": "Yook Yuk",
        "탁": "Tak",
        "태": "Tae Thae",
        "계": "Kye Gye",
        "봉": "Bong Pong",
        "편": "Pyun Pyon",
        "승": "Seung Sung",
        "용": "Yong",
        "경": "Kyung Kyong",
        "은": "Eun Un",
    }.items()
}
"""Family names and the spellings the press uses for each (from the name tables, not rules)."""

_INITIAL = r"(?:tch|kk|tt|pp|ss|jj|ch|kh|th|ph|sh|rh|g|k|n|d|t|r|l|m|b|p|s|j|h|w|y)?"
_VOWEL = r"(?:wae|yae|yeo|you|yoo|woo|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|oo|ee|ou|a|e|o|u|i)"
_SYLLABLE = re.compile(rf"{_INITIAL}{_VOWEL}(?:ng|k|n|t|l|m|p)?")


def _jamo(syllable: str) -> tuple[int, int, int]:
    code = ord(syllable) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def is_hangul(text: str) -> bool:
    return bool(text) and all(0xAC00 <= ord(c) <= 0xD7A3 for c in text)


@cache
def spellings(syllable: str) -> tuple[str, ...]:
    """Lower-case spellings of one Hangul syllable, RR first, without diacritics."""
    ini, vow, fin = _jamo(syllable)
    final = "" if _FINAL[fin] == "-" else _FINAL[fin]
    out: list[str] = []
    initials = [_RR_INITIAL[ini], _MR_INITIAL[ini], _MR_VOICED[ini], _NK_INITIAL[ini]]
    out.append(_join(initials[0], _RR_VOWEL[vow], final))  # RR
    for initial in initials[1:]:  # MR (word-initial, voiced) and North Korean, no breves
        out.append(_join(initial, _MR_VOWEL[vow], final))
    for initial in initials[:2]:
        out.append(_join(initial, _press_vowel(ini, vow, fin), final))
    if _RR_INITIAL[ini] == "s" and _RR_VOWEL[vow] in ("i", "wi"):
        out.append(_join("sh", _RR_VOWEL[vow], final))  # 신 Shin
    return tuple(dict.fromkeys(_plain(s) for s in out))


def _press_vowel(ini: int, vow: int, fin: int) -> str:
    if vow == 6 and ini == 11 and fin == 21:  # 영 Young
        return "you"
    if vow in (13, 17) and fin not in (0, 1):  # ㅜ ㅠ: oo only when open (수 Soo, 숙 Sook)
        return _RR_VOWEL[vow]
    if vow == 13 and ini == 11:  # 우 Woo
        return "woo"
    if vow in (4, 6) and fin == 0:  # ㅓ ㅕ become u, yu only before a consonant (성 Sung)
        return _RR_VOWEL[vow]
    return _PRESS_VOWEL[vow]


def _join(initial: str, vowel: str, final: str) -> str:
    return ("" if initial == "-" else initial) + vowel + final


def _plain(text: str) -> str:
    return text.replace("ŏ", "o").replace("ŭ", "u").replace("'", "")


def mr_syllable(syllable: str, voiced: bool) -> str:
    """The McCune–Reischauer spelling of one syllable, breves and apostrophes kept."""
    ini, vow, fin = _jamo(syllable)
    initial = (_MR_VOICED if voiced else _MR_INITIAL)[ini]
    final = "" if _FINAL[fin] == "-" else _FINAL[fin]
    return _join(initial, _MR_VOWEL[vow], final)


def mr_name(hangul: str) -> str:
    """`조성길` → `Cho Sŏng-gil`: family name, then the hyphenated given name."""
    family, given = hangul[0], hangul[1:]
    parts = [mr_syllable(family, voiced=False)]
    syllables = []
    for i, s in enumerate(given):
        prev_fin = _jamo(given[i - 1])[2] if i else 1
        syllables.append(mr_syllable(s, voiced=prev_fin in (0, 4, 8, 16, 21)))
    parts.append("-".join(syllables))
    return " ".join(p.capitalize() for p in parts)


@cache
def _reverse() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for syllable in dict.fromkeys(NAME_SYLLABLES + "".join(FAMILY_NAMES)):
        for spelling in spellings(syllable):
            table.setdefault(spelling, []).append(syllable)
    return {k: tuple(v) for k, v in table.items()}


def hangul_candidates(romanised: str) -> tuple[str, ...]:
    """Name syllables that `romanised` (one syllable, any case) may stand for."""
    return _reverse().get(_plain(romanised.lower()), ())


def family_candidates(romanised: str) -> tuple[str, ...]:
    """Family names (Hangul) that `romanised` is a press spelling of."""
    key = romanised.lower()
    return tuple(h for h, forms in FAMILY_NAMES.items() if key in (f.lower() for f in forms))


def split_syllables(word: str) -> list[str] | None:
    """`Songgil` → [song, gil]; `Yong-ho` → [yong, ho]; None if it is not romanised Korean."""
    out: list[str] = []
    for piece in re.split(r"[-‐‑]", _plain(word.lower())):
        parts = _segment(piece)
        if parts is None:
            return None
        out.extend(parts)
    return out or None


@cache
def _segment(piece: str) -> list[str] | None:
    """Fewest valid syllables that spell `piece`, preferring known name syllables."""
    if not piece:
        return []
    best: list[str] | None = None
    for end in range(min(len(piece), 6), 0, -1):
        head = piece[:end]
        if not _SYLLABLE.fullmatch(head):
            continue
        rest = _segment(piece[end:])
        if rest is None:
            continue
        candidate = [head, *rest]
        if best is None or _rank(candidate) < _rank(best):
            best = candidate
    return best


def _rank(parts: list[str]) -> tuple[int, int]:
    return len(parts), sum(1 for p in parts if not hangul_candidates(p))


@dataclass(frozen=True, slots=True)
class KoreanName:
    """A romanised Korean name: family name and given-name syllables, as written."""

    family: str  # as written: Jo
    given: tuple[str, ...]  # lower-case syllables: (song, gil)
    family_first: bool

    @property
    def key(self) -> str:
        return (self.family + "".join(self.given)).lower()


def parse_name(tokens: list[str]) -> KoreanName | None:
    """Read capitalised words as a Korean name (family name first or last), else None."""
    if not 2 <= len(tokens) <= 3:
        return None
    first, last = tokens[0], tokens[-1]
    if family_candidates(first) and "-" not in first:
        given = split_syllables(" ".join(tokens[1:]).replace(" ", "-"))
        if given and 1 <= len(given) <= 2:
            return KoreanName(first, tuple(given), family_first=True)
    if family_candidates(last) and len(tokens) == 2:
        given = split_syllables(first)
        if given and len(given) == 2 and all(hangul_candidates(g) for g in given):
            return KoreanName(last, tuple(given), family_first=False)
    return None


MAX_VARIANTS = 32
"""At most this many spellings of one name (family name × given-name syllables)."""


def korean_variants(name: KoreanName) -> list[tuple[str, tuple[str, ...]]]:
    """(family, given syllables) for every press spelling, the name as written first."""
    families = [name.family]
    hangul = _settled_hangul(name)
    family_hangul = (hangul[0],) if hangul else family_candidates(name.family)
    for h in family_hangul:
        families.extend(FAMILY_NAMES.get(h, ()) or spellings(h))
    if hangul:  # the syllables are known: only their spellings
        per_syllable = [
            list(dict.fromkeys([s.lower(), *spellings(h)]))
            for s, h in zip(name.given, hangul[1:], strict=True)
        ]
    else:
        per_syllable = [syllable_variants(s) for s in name.given]
    out: list[tuple[str, tuple[str, ...]]] = []
    for family in dict.fromkeys(f.capitalize() for f in families):
        for given in _product(per_syllable):
            out.append((family, given))
    return out[:MAX_VARIANTS]


def _settled_hangul(name: KoreanName) -> str | None:
    """The one Hangul spelling of `name`, when the tables settle it."""
    for h in hangul_forms(name):
        if len(h) != 1 + len(name.given):
            continue
        family_ok = name.family.lower() in (
            f.lower() for f in FAMILY_NAMES.get(h[0], spellings(h[0]))
        )
        if family_ok and all(s in spellings(x) for s, x in zip(name.given, h[1:], strict=True)):
            return h
    return None


def syllable_variants(syllable: str) -> list[str]:
    """Spellings of one given-name syllable: as written, then those of its Hangul readings."""
    out = [syllable.lower()]
    for hangul in hangul_candidates(syllable):
        out.extend(spellings(hangul))
    return list(dict.fromkeys(out))


def _union_variants(name: KoreanName) -> list[tuple[str, tuple[str, ...]]]:
    families = [name.family]
    for hangul in family_candidates(name.family):
        families.extend(FAMILY_NAMES[hangul])
    per_syllable = [syllable_variants(s) for s in name.given]
    return [(f.capitalize(), g) for f in dict.fromkeys(families) for g in _product(per_syllable)]


def _product(lists: list[list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for options in lists:
        combos = [(*c, o) for c in combos for o in options]
    return combos


@cache
def _known() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    table: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for romanised, hangul, aka in known_people():
        names = (romanised, *aka)
        for form in names:
            table[form.replace(" ", "").lower()] = (hangul, tuple(n for n in names if n != form))
    return table


def known_entry(name: KoreanName) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(Hangul forms, other names) from the known-people table, matching any spelling."""
    table = _known()
    for family, given in _union_variants(name):
        hit = table.get((family + "".join(given)).lower())
        if hit:
            return hit
    return None


def hangul_forms(name: KoreanName) -> tuple[str, ...]:
    """The Hangul spelling(s): the known-people table, else syllables that are unambiguous."""
    known = known_entry(name)
    if known:
        return known[0]
    family = family_candidates(name.family)
    given = [hangul_candidates(s) for s in name.given]
    if len(family) == 1 and all(len(g) == 1 for g in given):
        return (family[0] + "".join(g[0] for g in given),)
    return ()
