"""Feed rows: keeping them in step with the config, claiming due ones, scheduling the next poll.

Poll state lives in the database (`next_check_at`, leases), so any node can claim a due
feed and a restart loses nothing (miniflux's model). Claims use `FOR UPDATE SKIP LOCKED`
where the database has it; on SQLite the `BEGIN IMMEDIATE` transaction makes them atomic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from watcher.settings import FeedConfig, PollConfig
from watcher.storage import Database
from watcher.tables import Feed

MAX_BACKOFF = timedelta(hours=24)
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class ClaimedFeed:
    """What a poll needs to know about a feed it has claimed."""

    id: int
    url: str
    fetch_url: str
    name: str
    etag: str | None
    last_modified: str | None
    first_poll: bool
    error_count: int


def sync_feeds(db: Database, feeds: list[FeedConfig], now: datetime) -> None:
    """Add configured feeds (due at once), re-activate returning ones, retire removed ones."""
    wanted = {f.url: f for f in feeds}
    with db.transaction() as session:
        rows = {row.url: row for row in session.scalars(select(Feed))}
        for url, cfg in wanted.items():
            row = rows.get(url)
            if row is None:
                session.add(Feed(url=url, name=cfg.name, next_check_at=now, created_at=now))
            else:
                row.name = cfg.name
                if not row.active:
                    row.active, row.next_check_at = True, now
        for url, row in rows.items():
            if url not in wanted and row.active:
                row.active = False


def claim_due_feeds(
    db: Database,
    owner: str,
    limit: int,
    now: datetime,
    skip: set[int] | None = None,
    *,
    every: bool = False,
) -> list[ClaimedFeed]:
    """Lease up to `limit` due feeds (`every`: due or not) to `owner`; a crashed owner's
    lease simply expires."""
    if limit <= 0:
        return []
    with db.transaction() as session:
        query = (
            select(Feed)
            .where(
                Feed.active.is_(True),
                Feed.disabled.is_(False),
                Feed.next_check_at <= (datetime.max if every else now),
                or_(Feed.lease_until.is_(None), Feed.lease_until < now),
            )
            .order_by(Feed.next_check_at)
            .limit(limit)
        )
        if skip:
            query = query.where(Feed.id.not_in(skip))
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        claimed = []
        for row in session.scalars(query):
            row.lease_owner, row.lease_until = owner, now + LEASE
            claimed.append(
                ClaimedFeed(
                    id=row.id,
                    url=row.url,
                    fetch_url=row.fetch_url or row.url,
                    name=row.display_name,
                    etag=row.etag,
                    last_modified=row.last_modified,
                    first_poll=row.last_success_at is None,
                    error_count=row.error_count,
                )
            )
        return claimed


def feed_interval(poll: PollConfig, feed: FeedConfig | None) -> timedelta:
    """The feed's interval, clamped to the node's min/max."""
    interval = feed.interval if feed and feed.interval else poll.interval
    return max(poll.min_interval, min(interval, max(poll.max_interval, poll.min_interval)))


def next_check_after_success(
    poll: PollConfig, feed: FeedConfig | None, now: datetime, retry_after: float | None = None
) -> datetime:
    interval = feed_interval(poll, feed)
    if retry_after:
        interval = max(interval, min(timedelta(seconds=retry_after), MAX_BACKOFF))
    return now + interval


def next_check_after_error(
    poll: PollConfig,
    feed: FeedConfig | None,
    now: datetime,
    error_count: int,
    retry_after: float | None = None,
) -> datetime:
    """Exponential backoff with jitter from the feed's interval, capped at 24 h; never gives up."""
    base = feed_interval(poll, feed)
    delay = min(base * (2 ** min(error_count - 1, 16)), MAX_BACKOFF)
    delay *= random.uniform(0.9, 1.1)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + min(delay, MAX_BACKOFF)
