"""The seed profile: who and what an article is about, and the rules proposed from it.

`Profile.to_json()` prints the shape other tools read (keep it):

    {"subject": NAME, "entities": [{"name": …, "type": "person" | "org" | "place",
      "mentions": N, "aliases": […]}], "rules": [{"id": …, "title": …, "query": …}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from seeds.korean import KoreanName
from seeds.resources import OrgEntry, PlaceEntry

EntityType = Literal["person", "org", "place"]


@dataclass(slots=True)
class Entity:
    """A person, organisation or place named in the article."""

    name: str
    type: EntityType
    mentions: int = 0
    aliases: list[str] = field(default_factory=list)
    first_sentence: int = 0  # index of the sentence of the first mention (0 = opening)
    forms: set[str] = field(default_factory=set)  # spellings counted in the article
    spans: list[tuple[int, int]] = field(default_factory=list)  # mentions in the document
    korean: KoreanName | None = None
    hangul: tuple[str, ...] = ()
    place: PlaceEntry | None = None
    org: OrgEntry | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "mentions": self.mentions,
            "aliases": list(self.aliases),
        }


@dataclass(slots=True)
class Rule:
    """A proposed watch rule; `comment` says where it came from."""

    id: str
    title: str
    query: str
    priority: str = "normal"
    comment: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "query": self.query}


@dataclass(slots=True)
class Facts:
    """What the article says about its subject, read from the text around the mentions."""

    role: str | None = None  # a lexicon role: diplomat, executive, footballer, politician
    role_words: list[str] = field(default_factory=list)  # as written: ambassador, charge…
    affiliation: str | None = None  # entity name: the country or body the subject serves
    post: str | None = None  # entity name: where the subject is posted
    event: str | None = None  # a lexicon event: defection, resignation, transfer …
    event_words: dict[str, int] = field(default_factory=dict)  # trigger → count
    destinations: list[str] = field(default_factory=list)  # places the event leads to
    others: list[str] = field(default_factory=list)  # other people in the same situation


@dataclass(slots=True)
class Profile:
    """Entities, subject, facts and proposed rules of one article."""

    subject: str | None
    entities: list[Entity]
    facts: Facts = field(default_factory=Facts)
    rules: list[Rule] = field(default_factory=list)
    source: str = ""
    title: str = ""
    sentences: int = 0

    def entity(self, name: str | None) -> Entity | None:
        """The entity called `name` (or with `name` among its aliases)."""
        if name is None:
            return None
        for e in self.entities:
            if e.name == name:
                return e
        return next((e for e in self.entities if name in e.aliases), None)

    def of_type(self, kind: EntityType) -> list[Entity]:
        return [e for e in self.entities if e.type == kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "entities": [e.to_dict() for e in self.entities],
            "rules": [r.to_dict() for r in self.rules],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The profile as JSON in the documented shape (subject, entities, rules)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_yaml(self) -> str:
        """The profile as commented YAML: subject, entities, facts and rules."""
        from seeds.render import render_profile_yaml

        return render_profile_yaml(self)
