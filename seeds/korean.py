"""Korean personal names: romanised syllables ↔ Hangul, and every press spelling of a name.

Spellings of each syllable come from seeds.hangul. Only common name syllables
(`NAME_SYLLABLES`) are used to map a romanised syllable back to Hangul, and family names
come from a table (seeds/data/family_names.tsv: Lee, Park, Choi are not rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from seeds.hangul import plain, spellings
from seeds.resources import family_names, known_people

NAME_SYLLABLES = (
    "가각간갑강개건걸검겸경계고곤공관광교구국군권규균근금기길나남녀노다단달담대덕도돈동두득"
    "란래량려련렬령례로록룡루류륜률리린림마만말매명모목무문미민박반방배백범법벽변병보복본봉"
    "부분비빈사산삼상새색생서석선설섬성세소속손송수숙순술숭슬승시식신실심아악안애야약양어억"
    "언엄여역연열염엽영예오옥온완왕요용우욱운웅원월위유육윤율은을음의이익인일임자작잠장재전"
    "절점정제조종주준중지직진질집찬창채천철청초춘충치칠탁태택파판팔평표필하학한함해행향허헌"
    "혁현협형혜호홍화환활황회효후훈휘희"
)
"""Syllables common in Korean given names; a romanised syllable maps back only to these."""


_INITIAL = r"(?:tch|kk|tt|pp|ss|jj|ch|kh|th|ph|sh|rh|g|k|n|d|t|r|l|m|b|p|s|j|h|w|y)?"
_VOWEL = r"(?:wae|yae|yeo|you|yoo|woo|ae|ya|eo|ye|wa|oe|yo|wo|we|wi|yu|eu|ui|oo|ee|ou|a|e|o|u|i)"
_SYLLABLE = re.compile(rf"{_INITIAL}{_VOWEL}(?:ng|k|n|t|l|m|p)?")
_LONGEST = 8  # letters in the longest syllable `_SYLLABLE` reads: `tch` + `wae` + `ng`


@cache
def _reverse() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for syllable in dict.fromkeys(NAME_SYLLABLES + "".join(family_names())):
        for spelling in spellings(syllable):
            table.setdefault(spelling, []).append(syllable)
    return {k: tuple(v) for k, v in table.items()}


def hangul_candidates(romanised: str) -> tuple[str, ...]:
    """Name syllables that `romanised` (one syllable, any case) may stand for."""
    return _reverse().get(plain(romanised.lower()), ())


def family_candidates(romanised: str) -> tuple[str, ...]:
    """Family names (Hangul) that `romanised` is a press spelling of."""
    key = romanised.lower()
    return tuple(h for h, forms in family_names().items() if key in (f.lower() for f in forms))


def split_syllables(word: str) -> list[str] | None:
    """`Songgil` → [song, gil]; `Yong-ho` → [yong, ho]; None if it is not romanised Korean."""
    out: list[str] = []
    for piece in re.split(r"[-‐‑]", plain(word.lower())):
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
    for end in range(min(len(piece), _LONGEST), 0, -1):
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
        families.extend(family_names().get(h, ()) or spellings(h))
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
            f.lower() for f in family_names().get(h[0], spellings(h[0]))
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
        families.extend(family_names()[hangul])
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
