"""A digest as the notifier renders and sends it; built by the caller, owned here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MatchedTerm:
    """Why an entry was sent: rule `rule` matched `term` as `text` in `field`."""

    rule: str
    field: str
    term: str
    text: str
    snippet: str = ""  # a short excerpt of `field` around the hit (display text)


@dataclass(frozen=True, slots=True)
class AlsoReported:
    source: str
    url: str


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One story in a digest (one cluster: `also` lists the other copies)."""

    id: str
    title: str
    url: str
    source: str
    published: datetime | None
    summary: str  # plain text
    rules: tuple[str, ...]
    score: float
    matched: tuple[MatchedTerm, ...] = ()
    also: tuple[AlsoReported, ...] = ()
    summary_html: str = ""  # untrusted feed HTML; sanitised at render time


@dataclass(frozen=True, slots=True)
class Digest:
    """One digest window, identified by `delivery_id` (stable across retries)."""

    digest_id: str
    delivery_id: str
    window_start: datetime
    window_end: datetime
    entries: tuple[DigestEntry, ...] = field(default_factory=tuple)
    title: str = ""  # human title, defaults to the digest id
    timezone: str = "UTC"  # IANA zone for dates shown in text/HTML (JSON is always UTC)
