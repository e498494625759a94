"""The types `rules` hands to its callers: documents in, matches out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

FIELDS = ("title", "summary", "content", "source", "url", "author", "category", "lang")
"""Fields a query may name. A term without a field searches DEFAULT_FIELDS."""

DEFAULT_FIELDS = ("title", "summary", "content")


@dataclass(frozen=True, slots=True)
class Document:
    """One news item as the matcher sees it: plain text per field (HTML is tolerated)."""

    title: str = ""
    summary: str = ""
    content: str = ""
    source: str = ""
    url: str = ""
    author: str = ""
    category: str = ""
    lang: str = ""

    def field_text(self, name: str) -> str:
        return getattr(self, name)


class Hit(NamedTuple):
    """One matched term: `start`/`end` index the original text of `field`. A named tuple,
    not a dataclass: the matcher builds one per occurrence, and a tuple is built in a
    third of the time."""

    term: str
    field: str
    start: int
    end: int
    text: str


class Match(NamedTuple):
    """A rule that matched a document, with its score and the hits that explain it. A
    named tuple, like `Hit`: with many rules an item matches many, and a frozen dataclass
    takes four times as long to build."""

    rule_id: str
    score: float
    hits: tuple[Hit, ...] = ()
