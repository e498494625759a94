"""The shipped data under seeds/data: gazetteer, known organisations and people, Korean
family names, lexicon, words.

Every loader is cached: the files are read once per process.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

_DATA = resources.files("seeds") / "data"


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    """A country, region or city: its English forms and its Italian and Korean forms."""

    name: str
    kind: str  # country | region | city
    capital: str  # countries only
    country: str  # cities and regions within a country
    demonyms: tuple[str, ...]
    others: tuple[str, ...]
    italian: tuple[str, ...]
    korean: tuple[str, ...]

    @property
    def english_forms(self) -> tuple[str, ...]:
        """Every English form that names it in running text, the name first."""
        capital = (self.capital,) if self.capital and self.capital != self.name else ()
        return (self.name, *self.others, *self.demonyms, *capital)


@dataclass(frozen=True, slots=True)
class OrgEntry:
    name: str
    others: tuple[str, ...]
    italian: tuple[str, ...]
    korean: tuple[str, ...]


def _rows(filename: str) -> list[list[str]]:
    text = (_DATA / filename).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("|")])
    return rows


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(",") if part.strip())


@cache
def places() -> tuple[PlaceEntry, ...]:
    """Countries (with capitals and demonyms), then regions and major cities."""
    out = []
    for name, capital, demonyms, others, italian, korean in _rows("countries.tsv"):
        out.append(
            PlaceEntry(
                name,
                "country",
                capital,
                "",
                _split(demonyms),
                _split(others),
                _split(italian),
                _split(korean),
            )
        )
    for name, country, kind, demonyms, others, italian, korean in _rows("places.tsv"):
        out.append(
            PlaceEntry(
                name,
                kind,
                "",
                country,
                _split(demonyms),
                _split(others),
                _split(italian),
                _split(korean),
            )
        )
    return tuple(out)


@cache
def orgs() -> tuple[OrgEntry, ...]:
    """Well-known organisations with their acronyms and translations."""
    return tuple(
        OrgEntry(name, _split(others), _split(italian), _split(korean))
        for name, others, italian, korean in _rows("orgs.tsv")
    )


@cache
def known_people() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """(romanised name, Hangul forms, other names) for people a table must settle."""
    return tuple(
        (name, _split(hangul), _split(aka)) for name, hangul, aka in _rows("known_people.tsv")
    )


@cache
def family_names() -> dict[str, tuple[str, ...]]:
    """Korean family names (Hangul) → the spellings the press uses, most common first."""
    return {hangul: tuple(spellings.split()) for hangul, spellings in _rows("family_names.tsv")}


@cache
def lexicon() -> dict[str, Any]:
    """Roles, events and the fiction exclusion list (seeds/data/lexicon.yaml)."""
    text = (_DATA / "lexicon.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = YAML(typ="safe").load(text)
    return data


def _word_lines(text: str) -> set[str]:
    words: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(w for w in line.split() if w)
    return words


@cache
def ordinary_words() -> frozenset[str]:
    """Lower-case ordinary English and Italian words (no names, no places)."""
    english = gzip.decompress((_DATA / "words_en.txt.gz").read_bytes()).decode("utf-8")
    italian = (_DATA / "words_it.txt").read_text(encoding="utf-8")
    return frozenset(english.split()) | frozenset(_word_lines(italian))


@cache
def given_names() -> frozenset[str]:
    """Lower-case common given names."""
    return frozenset(_word_lines((_DATA / "given_names.txt").read_text(encoding="utf-8")))


def is_ordinary_word(text: str) -> bool:
    """True when `text` (any case) is one ordinary English or Italian word."""
    return text.lower() in ordinary_words()
