"""Helpers for the storage tests: build feeds, items and matches in a real database.

The `database` fixture itself (SQLite and PostgreSQL) lives in `tests/conftest.py`.
Every helper takes `now` explicitly, so tests set timestamps instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from notifier import DigestConfig
from rules import RuleConfig
from watcher.feeds import sync_feeds
from watcher.items import StoredItem, store_entries
from watcher.matching import RuleSet, record_matches
from watcher.parse import ParsedEntry
from watcher.settings import Backfill, FeedConfig
from watcher.storage import Database
from watcher.tables import Feed, Item, MatchRow

T0 = datetime(2025, 1, 10, 12, 0, 0)  # naive UTC, like every stored timestamp
WEEK = timedelta(days=7)


def entry(title: str = "", **fields: Any) -> ParsedEntry:
    """A parsed entry with only the fields a test cares about."""
    return ParsedEntry(title=title, **fields)


def add_feeds(db: Database, *urls: str, now: datetime = T0) -> list[int]:
    """Configure these feeds (and only these); return their row ids in the same order."""
    sync_feeds(db, [FeedConfig(url=url) for url in urls], now)
    return [feed_id(db, url) for url in urls]


def feed_id(db: Database, url: str) -> int:
    with db.transaction() as session:
        return session.scalars(select(Feed.id).where(Feed.url == url)).one()


def feed_row(db: Database, fid: int) -> Feed:
    with db.transaction() as session:
        return session.get_one(Feed, fid)


def store(
    db: Database, fid: int, entries: Sequence[ParsedEntry], now: datetime = T0
) -> list[StoredItem]:
    """One poll's worth of entries, stored in its own transaction."""
    with db.transaction() as session:
        return store_entries(session, fid, list(entries), now)


def poll_entries(
    db: Database,
    fid: int,
    entries: Sequence[ParsedEntry],
    ruleset: RuleSet,
    *,
    now: datetime = T0,
    first_poll: bool = False,
    backfill: Backfill = WEEK,
    feed: FeedConfig | None = None,
) -> list[tuple[str, str, bool]]:
    """Store and match like a poll does; return (item title, rule id, notify) per new match."""
    with db.transaction() as session:
        stored = store_entries(session, fid, list(entries), now)
        rows = record_matches(
            session,
            stored,
            ruleset,
            feed,
            "test feed",
            first_poll=first_poll,
            backfill=backfill,
            now=now,
        )
        titles = {s.item.id: s.item.title for s in stored}
        return [(titles[r.item_id], r.rule_id, r.notify) for r in rows]


def make_ruleset(**queries: str) -> RuleSet:
    """A rule set from `rule_id=query` pairs (underscores in ids become hyphens)."""
    return RuleSet.compile(
        [RuleConfig(id=k.replace("_", "-"), query=q) for k, q in queries.items()]
    )


def add_item(
    db: Database, fid: int, title: str, *, link: str = "", now: datetime = T0, **fields: Any
) -> int:
    """Store one entry (guid = link or title) and return its item id."""
    guid = fields.pop("guid", link or title)
    (stored,) = store(db, fid, [entry(title, link=link, guid=guid, **fields)], now)
    return stored.item.id


def add_match(
    db: Database,
    item_id: int,
    rule_id: str,
    matched_at: datetime,
    *,
    score: float = 1.0,
    notify: bool = True,
) -> None:
    """A match row as `record_matches` writes it, with a chosen score and time."""
    hit = {"term": rule_id, "field": "title", "start": 0, "end": 1, "text": rule_id}
    with db.transaction() as session:
        session.add(
            MatchRow(
                item_id=item_id,
                rule_id=rule_id,
                score=score,
                hits=[hit],
                notify=notify,
                matched_at=matched_at,
            )
        )


def count(db: Database, table: type) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def items(db: Database) -> list[Item]:
    with db.transaction() as session:
        return list(session.scalars(select(Item).order_by(Item.id)))


def digest(digest_id: str = "morning", **fields: Any) -> DigestConfig:
    """A digest config; by default daily, every rule, one webhook channel."""
    fields.setdefault("to", [{"webhook": {"url": "http://127.0.0.1:9/hook"}}])
    return DigestConfig(id=digest_id, **fields)
