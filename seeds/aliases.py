"""Every spelling under which news of an entity appears, kept tight.

- People: the name as written; for Korean names every press spelling of the family name
  and of each given-name syllable (Jo/Cho, Song/Seong/Sung, Gil/Kil), spaced, hyphenated
  (Jo Song-gil), joined (Jo Songgil) and family-name-last (Song-gil Jo), the
  McCune–Reischauer form with breves and the Hangul form. A person's alias always has
  two parts or more: `Song` or `Jo` alone would match every song and every Jo.
- Organisations: acronyms defined in the article, both ways; the known-organisations table;
  British and American spellings (Organization / Organisation).
- Places: other names, demonyms, the capital as metonym (Pyongyang for North Korea),
  Italian and Korean forms.

No alias is ever an ordinary English or Italian word (`US` would match "us", `UN` the
Italian "un"); such acronyms are kept only in their dotted form (U.S., U.N.).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from seeds.hangul import mr_name
from seeds.korean import KoreanName, hangul_forms, known_entry, korean_variants
from seeds.resources import OrgEntry, PlaceEntry, is_ordinary_word

_SPELLING_PAIRS = (
    ("Organization", "Organisation"),
    ("Program", "Programme"),
    ("Center", "Centre"),
    ("Defense", "Defence"),
    ("Labor", "Labour"),
)


def parts(alias: str) -> list[str]:
    """The words of an alias (spaces and hyphens split), Hangul counted per syllable."""
    words = [w for w in re.split(r"[\s\-‐‑]+", alias) if w]
    if len(words) == 1 and all(0xAC00 <= ord(c) <= 0xD7A3 for c in words[0]):
        return list(words[0])
    return words


def is_ordinary(alias: str) -> bool:
    """True when the alias, read as one word, is an ordinary English or Italian word."""
    return is_ordinary_word(re.sub(r"[\s\-‐‑]+", "", alias))


def tidy(name: str, aliases: Iterable[str], person: bool = False) -> list[str]:
    """Aliases without duplicates, without the name itself and without ordinary words."""
    seen = {name}
    out = []
    for alias in aliases:
        alias = alias.strip()
        if not alias or alias in seen or is_ordinary(alias):
            continue
        if person and len(parts(alias)) < 2:
            continue
        seen.add(alias)
        out.append(alias)
    return out


def korean_person_aliases(name: KoreanName) -> list[str]:
    """Spellings of a Korean name: romanisations × orders × styles, MR and Hangul."""
    out: list[str] = []
    for family, given in korean_variants(name):
        out.extend(_styles(family, given))
    hangul = hangul_forms(name)
    out.extend(mr_name(h) for h in hangul[:1])
    out.extend(hangul)
    known = known_entry(name)
    for other in known[1] if known else ():
        words = other.split()
        out.extend(_styles(words[0], tuple(w.lower() for w in words[1:])))
    return out


def _styles(family: str, given: tuple[str, ...]) -> list[str]:
    spaced = " ".join(g.capitalize() for g in given)
    if len(given) == 1:
        return [f"{family} {spaced}", f"{spaced} {family}"]
    hyphenated = given[0].capitalize() + "-" + "-".join(given[1:])
    joined = "".join(given).capitalize()
    return [
        f"{family} {spaced}",
        f"{family} {hyphenated}",
        f"{family} {joined}",
        f"{hyphenated} {family}",
    ]


def person_aliases(name: str, korean: KoreanName | None) -> list[str]:
    """Aliases of a person named `name` (as first written in the article)."""
    if korean is not None:
        return tidy(name, korean_person_aliases(korean), person=True)
    words = name.split()
    forms = []
    if len(words) > 2 and all(len(w) > 2 for w in (words[0], words[-1])):
        forms.append(f"{words[0]} {words[-1]}")  # without middle names
    return tidy(name, forms, person=True)


def org_aliases(name: str, acronyms: Iterable[str], known: OrgEntry | None) -> list[str]:
    """Aliases of an organisation: acronyms and short names, table entries, spellings."""
    forms: list[str] = list(acronyms)
    if known is not None:
        forms.extend([known.name, *known.others, *known.italian, *known.korean])
    for a, b in _SPELLING_PAIRS:
        for form in [*forms, name]:
            for x, y in ((a, b), (b, a)):
                if re.search(rf"\b{x}\b", form):
                    forms.append(re.sub(rf"\b{x}\b", y, form))
    forms.extend(_dotted(f) for f in [*list(forms), name] if is_ordinary(f))
    return tidy(name, forms)


def place_aliases(entry: PlaceEntry) -> list[str]:
    """Aliases of a place from the gazetteer, in English, Italian and Korean."""
    forms = [*entry.english_forms, *entry.italian, *entry.korean]
    forms.extend(_dotted(f) for f in entry.english_forms if is_ordinary(f))
    return tidy(entry.name, forms)


def _dotted(acronym: str) -> str:
    """`US` → `U.S.`: the dotted form of a short all-capitals acronym, else ''."""
    if acronym.isupper() and acronym.isalpha() and 2 <= len(acronym) <= 4:
        return ".".join(acronym) + "."
    return ""
