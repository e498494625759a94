"""Storing parsed entries: identity, change detection and story folding.

An item is identified by its feed and a key: the guid, else the link, else a hash of
title and date (DESIGN "Items, changes, duplicates"). A stored item whose title or text
changed is updated and reported as changed; an unchanged one is not reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from watcher.links import canonical_link
from watcher.parse import ParsedEntry
from watcher.storage import naive_utc
from watcher.tables import Item

MAX_KEY_LENGTH = 500
MAX_LINK_LENGTH = 2000  # canonical links are indexed; longer ones are stored as a hash
MAX_LANG_LENGTH = 32


@dataclass(frozen=True)
class StoredItem:
    """An item the last poll added (`is_new`) or changed."""

    item: Item
    is_new: bool


def item_key(entry: ParsedEntry) -> str:
    """The identity of an entry within its feed."""
    if entry.guid:
        key = "guid:" + entry.guid.strip()
    elif entry.link:
        key = "link:" + entry.link.strip()
    else:
        stamp = entry.published.isoformat() if entry.published else ""
        digest = hashlib.sha256(f"{entry.title}\x00{stamp}".encode()).hexdigest()
        return "hash:" + digest
    if len(key) > MAX_KEY_LENGTH:
        return "hash:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def content_hash(entry: ParsedEntry) -> str:
    text = "\x00".join((entry.title, entry.summary, entry.content))
    return hashlib.sha256(text.encode()).hexdigest()


def store_entries(
    session: Session, feed_id: int, entries: list[ParsedEntry], now: datetime
) -> list[StoredItem]:
    """Insert new entries and update changed ones; return both kinds, in feed order."""
    by_key: dict[str, ParsedEntry] = {}
    for entry in entries:
        by_key.setdefault(item_key(entry), entry)  # a feed repeating a guid counts once
    existing = {
        item.key: item
        for item in session.scalars(
            select(Item).where(Item.feed_id == feed_id, Item.key.in_(list(by_key)))
        )
    }
    _lock_links(session, [e for k, e in by_key.items() if k not in existing])
    stored: list[StoredItem] = []
    for key, entry in by_key.items():
        digest = content_hash(entry)
        item = existing.get(key)
        if item is None:
            item = Item(feed_id=feed_id, key=key, first_seen_at=now)
            _copy(entry, item, digest, now)
            session.add(item)
            session.flush()
            item.story_id = _story_of(session, item)
            stored.append(StoredItem(item, is_new=True))
        elif item.content_hash != digest:
            _copy(entry, item, digest, now)
            stored.append(StoredItem(item, is_new=False))
    return stored


def _copy(entry: ParsedEntry, item: Item, digest: str, now: datetime) -> None:
    item.guid = entry.guid
    item.link = entry.link
    item.canonical_link = _indexable(canonical_link(entry.link))
    item.title = entry.title
    item.summary = entry.summary
    item.summary_html = entry.summary_html
    item.content = entry.content
    item.author = entry.author
    item.categories = list(entry.categories)
    item.lang = (entry.lang or "")[:MAX_LANG_LENGTH]
    item.published_at = naive_utc(entry.published) if entry.published else None
    item.updated_at = now
    item.content_hash = digest


def _lock_links(session: Session, new_entries: list[ParsedEntry]) -> None:
    """On PostgreSQL, serialise concurrent polls storing the same canonical link, so two
    feeds polled at once still fold one story (each sees the other's committed copy).
    SQLite needs nothing: its write transactions are serial already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    links = sorted({_indexable(canonical_link(e.link)) for e in new_entries} - {None})
    for link in links:  # in sorted order, so two polls never wait on each other in a cycle
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:link))"), {"link": link})


def _indexable(link: str | None) -> str | None:
    if link is None or len(link) <= MAX_LINK_LENGTH:
        return link
    return "sha256:" + hashlib.sha256(link.encode()).hexdigest()


def _story_of(session: Session, item: Item) -> int:
    """The first stored item with the same canonical link, or the item itself."""
    if item.canonical_link:
        first = session.scalar(
            select(Item.id)
            .where(Item.canonical_link == item.canonical_link, Item.id != item.id)
            .order_by(Item.id)
            .limit(1)
        )
        if first is not None:
            return first
    return item.id
