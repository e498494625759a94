"""Feed rows: syncing with the config, leasing due feeds to one node at a time, backoff."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import update

from tests.watcher.conftest_db import T0, add_feeds, feed_id, feed_row
from watcher.feeds import (
    LEASE,
    MAX_BACKOFF,
    claim_due_feeds,
    feed_interval,
    next_check_after_error,
    next_check_after_success,
    sync_feeds,
)
from watcher.settings import FeedConfig, PollConfig
from watcher.storage import Database
from watcher.tables import Feed

A, B, C = (f"https://{n}.example/rss.xml" for n in "abc")
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


def claimed_urls(db: Database, owner: str, now=T0, limit: int = 10, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(c.url for c in claim_due_feeds(db, owner, limit, now, **kw))


def set_feed(db: Database, url: str, **values: object) -> None:
    with db.transaction() as session:
        session.execute(update(Feed).where(Feed.url == url).values(**values))


# -- sync -------------------------------------------------------------------------------


def test_sync_adds_feeds_due_at_once(database: Database) -> None:
    sync_feeds(database, [FeedConfig(url=A, name="Alpha"), FeedConfig(url=B)], T0)
    claimed = {c.url: c for c in claim_due_feeds(database, "node-1", 10, T0)}
    assert sorted(claimed) == [A, B]
    assert claimed[A].name == "Alpha"
    assert claimed[B].name == B  # no name and no title yet: the URL
    assert claimed[A].first_poll
    assert claimed[A].etag is None


def test_sync_retires_removed_feeds_and_reactivates_returning_ones(database: Database) -> None:
    add_feeds(database, A, B)
    set_feed(database, A, etag='"v1"', last_success_at=T0, next_check_at=T0 + DAY)
    sync_feeds(database, [FeedConfig(url=B)], T0 + SECOND)
    assert not feed_row(database, feed_id(database, A)).active
    assert claimed_urls(database, "n", T0 + 2 * DAY) == [B]  # retired A is never polled

    sync_feeds(database, [FeedConfig(url=A), FeedConfig(url=B)], T0 + 3 * DAY)
    row = feed_row(database, feed_id(database, A))
    assert (row.active, row.next_check_at, row.etag) == (True, T0 + 3 * DAY, '"v1"')
    claimed = {c.url: c for c in claim_due_feeds(database, "n", 10, T0 + 3 * DAY)}
    assert not claimed[A].first_poll  # it was polled before it was retired: no backfill


def test_sync_renames_a_feed_and_keeps_one_row_per_url(database: Database) -> None:
    add_feeds(database, A)
    sync_feeds(database, [FeedConfig(url=A, name="Renamed")], T0)
    sync_feeds(database, [FeedConfig(url=A, name="Renamed")], T0)
    (claimed,) = claim_due_feeds(database, "n", 10, T0)
    assert claimed.name == "Renamed"


# -- claims -----------------------------------------------------------------------------


def test_a_claimed_feed_is_not_handed_to_a_second_owner_until_the_lease_expires(
    database: Database,
) -> None:
    add_feeds(database, A)
    assert claimed_urls(database, "node-1") == [A]
    assert claimed_urls(database, "node-2") == []
    assert claimed_urls(database, "node-2", T0 + LEASE - SECOND) == []
    assert claimed_urls(database, "node-2", T0 + LEASE + SECOND) == [A]  # node-1 died
    assert feed_row(database, feed_id(database, A)).lease_owner == "node-2"


def test_claims_take_due_feeds_oldest_first_up_to_the_limit(database: Database) -> None:
    add_feeds(database, A, B, C)
    set_feed(database, A, next_check_at=T0 - SECOND)
    set_feed(database, B, next_check_at=T0 - 2 * SECOND)
    set_feed(database, C, next_check_at=T0 + SECOND)  # not due yet
    assert [c.url for c in claim_due_feeds(database, "n", 1, T0)] == [B]
    assert [c.url for c in claim_due_feeds(database, "n", 5, T0)] == [A]
    assert claim_due_feeds(database, "n", 0, T0 + DAY) == []


def test_every_claims_feeds_that_are_not_due_but_never_disabled_ones(database: Database) -> None:
    add_feeds(database, A, B, C)
    set_feed(database, A, next_check_at=T0 + DAY)
    set_feed(database, B, disabled=True)
    skip = {feed_id(database, C)}
    assert claimed_urls(database, "n", every=True, skip=skip) == [A]


def test_concurrent_claimers_get_disjoint_feeds(database: Database) -> None:
    nodes = 4
    urls = [f"https://f{n}.example/rss.xml" for n in range(24)]
    add_feeds(database, *urls)
    engines = [Database(database.url) for _ in range(nodes)]
    start = threading.Barrier(nodes)

    def claim(index: int) -> list[int]:
        start.wait()
        got: list[int] = []
        for _ in range(3):
            got += [c.id for c in claim_due_feeds(engines[index], f"node-{index}", 2, T0)]
        return got

    try:
        with ThreadPoolExecutor(nodes) as pool:
            results = list(pool.map(claim, range(nodes)))
    finally:
        for engine in engines:
            engine.dispose()
    flat = [fid for got in results for fid in got]
    assert len(flat) == len(set(flat)), f"a feed was leased twice: {results}"
    rest = [c.id for c in claim_due_feeds(database, "late", 100, T0)]
    assert sorted(flat + rest) == sorted(feed_id(database, url) for url in urls)


# -- scheduling -------------------------------------------------------------------------

POLL = PollConfig(interval=timedelta(minutes=10))


def test_error_backoff_grows_and_is_capped_at_24_hours() -> None:
    delays = [next_check_after_error(POLL, None, T0, n) - T0 for n in range(1, 30)]
    for n, delay in enumerate(delays, start=1):
        nominal = min(timedelta(minutes=10) * 2 ** (n - 1), MAX_BACKOFF)
        assert nominal * 0.9 <= delay <= min(nominal * 1.1, MAX_BACKOFF), n
    assert delays[0] < delays[3] < delays[6] < delays[8]
    assert max(delays) <= timedelta(hours=24)
    assert delays[-1] >= timedelta(hours=24) * 0.9  # still polled daily, never given up


def test_retry_after_is_respected_and_capped() -> None:
    after_error = next_check_after_error(POLL, None, T0, 1, retry_after=7200)
    assert after_error - T0 >= timedelta(hours=2)
    huge = next_check_after_error(POLL, None, T0, 1, retry_after=10 * 86400)
    assert huge - T0 == MAX_BACKOFF
    after_ok = next_check_after_success(POLL, None, T0, retry_after=3600)
    assert after_ok - T0 == timedelta(hours=1)
    assert next_check_after_success(POLL, None, T0, retry_after=5) - T0 == timedelta(minutes=10)


def test_feed_intervals_are_clamped_to_the_node_limits() -> None:
    poll = PollConfig(interval=timedelta(minutes=10), min_interval=timedelta(minutes=1))
    fast = FeedConfig(url=A, interval=timedelta(seconds=5))
    slow = FeedConfig(url=A, interval=timedelta(days=3))
    assert feed_interval(poll, fast) == timedelta(minutes=1)
    assert feed_interval(poll, slow) == timedelta(hours=6)
    assert feed_interval(poll, None) == timedelta(minutes=10)
