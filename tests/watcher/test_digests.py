"""Digest windows: when one is due, and claiming it together with its outbox rows.

DESIGN "Guarantees": a window is written to the outbox in the same transaction that
claims its items; each item goes out once per digest; a window is never claimed twice.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from notifier import DigestConfig
from tests.watcher.conftest_db import (
    T0,
    add_feeds,
    add_item,
    add_match,
    count,
    digest,
    entry,
    feed_id,
    make_ruleset,
    poll_entries,
)
from watcher.digests import claim_in, claim_window, due_window_end, ensure_digest_states
from watcher.feeds import sync_feeds
from watcher.items import store_entries
from watcher.settings import FeedConfig
from watcher.storage import Database
from watcher.tables import Delivery, DigestItem, DigestWindow, MatchRow

A, B = "https://a.example/rss.xml", "https://b.example/rss.xml"
RULE_IDS = {"envoy", "talks", "other"}
ROME_7AM = {"schedule": "0 7 * * *", "timezone": "Europe/Rome"}
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
TWO_CHANNELS = [
    {"webhook": {"url": "http://127.0.0.1:9/hook"}},
    {"file": {"dir": "/nonexistent/digests"}},
]


def due(db: Database, d: DigestConfig, now: datetime) -> datetime | None:
    with db.transaction() as session:
        return due_window_end(session, d, now)


def prepare(db: Database, d: DigestConfig, anchor: datetime) -> int:
    """One feed, the digest's state anchored at `anchor`; returns the feed id."""
    (fid,) = add_feeds(db, A)
    ensure_digest_states(db, [d], anchor)
    return fid


def matched_item(
    db: Database,
    fid: int,
    title: str,
    at: datetime,
    rule: str = "envoy",
    *,
    link: str = "",
    score: float = 1.0,
    notify: bool = True,
) -> int:
    """An item first seen at `at` and its match; returns the item id."""
    item_id = add_item(db, fid, title, link=link, now=at)
    add_match(db, item_id, rule, at, score=score, notify=notify)
    return item_id


def outbox(db: Database) -> list[Delivery]:
    with db.transaction() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def titles(payload: dict[str, Any]) -> list[str]:
    return [e["title"] for e in payload["entries"]]


def windows(db: Database) -> list[DigestWindow]:
    with db.transaction() as session:
        return list(session.scalars(select(DigestWindow).order_by(DigestWindow.id)))


# -- when a window is due ---------------------------------------------------------------


def test_a_daily_rome_digest_is_due_at_seven_rome_time_winter_and_summer(
    database: Database,
) -> None:
    d = digest(**ROME_7AM)
    ensure_digest_states(database, [d], datetime(2025, 1, 10, 5, 0))
    assert due(database, d, datetime(2025, 1, 10, 5, 59, 59)) is None
    assert due(database, d, datetime(2025, 1, 10, 6, 0)) == datetime(2025, 1, 10, 6, 0)
    summer = digest("summer", **ROME_7AM)
    ensure_digest_states(database, [summer], datetime(2025, 7, 10, 4, 0))
    assert due(database, summer, datetime(2025, 7, 10, 5, 0)) == datetime(2025, 7, 10, 5, 0)


def test_missed_windows_coalesce_into_one(database: Database) -> None:
    d = digest(**ROME_7AM)
    fid = prepare(database, d, datetime(2025, 1, 10, 5, 0))
    for n in range(3):
        matched_item(database, fid, f"Envoy day {n}", datetime(2025, 1, 10, 8) + n * DAY)
    now = datetime(2025, 1, 13, 6, 30)  # the service was down for three mornings
    assert claim_window(database, d, RULE_IDS, now) is not None
    assert claim_window(database, d, RULE_IDS, now) is None
    (window,) = windows(database)
    assert (window.window_start, window.window_end) == (
        datetime(2025, 1, 10, 5, 0),
        datetime(2025, 1, 13, 6, 0),
    )
    assert len(outbox(database)[0].payload["entries"]) == 3


def test_windows_follow_the_clock_across_a_dst_change(database: Database) -> None:
    d = digest(**ROME_7AM)
    prepare(database, d, datetime(2025, 3, 28, 12, 0))
    claim_window(database, d, RULE_IDS, datetime(2025, 3, 29, 6, 0))  # 07:00 CET
    assert due(database, d, datetime(2025, 3, 30, 4, 59)) is None
    assert due(database, d, datetime(2025, 3, 30, 5, 0)) == datetime(2025, 3, 30, 5, 0)  # CEST


def test_an_instant_digest_waits_instant_batch_after_the_first_pending_match(
    database: Database,
) -> None:
    d = digest(schedule="instant", instant_batch="60s")
    fid = prepare(database, d, T0 - HOUR)
    assert due(database, d, T0 + HOUR) is None  # nothing pending: nothing to send
    matched_item(database, fid, "Envoy one", T0)
    matched_item(database, fid, "Envoy two", T0 + timedelta(seconds=30))
    assert due(database, d, T0 + timedelta(seconds=59)) is None
    end = T0 + timedelta(seconds=60)
    assert claim_window(database, d, RULE_IDS, end) is not None
    (delivery,) = outbox(database)
    assert sorted(titles(delivery.payload)) == ["Envoy one", "Envoy two"]  # one message
    assert due(database, d, end + HOUR) is None


def test_an_instant_digest_does_not_fire_for_a_removed_rule(database: Database) -> None:
    """A match pending for a rule the operator then removed must not make an instant
    digest claim a window (here: an empty digest) on every tick."""
    d = digest(schedule="instant", send_empty=True)
    fid = prepare(database, d, T0 - HOUR)
    matched_item(database, fid, "Envoy", T0, rule="removed-rule")
    for second in range(60, 63):
        claim_window(database, d, RULE_IDS, T0 + timedelta(seconds=second))
    assert (len(windows(database)), outbox(database)) == (0, [])


# -- claiming ---------------------------------------------------------------------------


def test_a_claim_writes_one_outbox_row_per_channel_with_the_item_claims(
    database: Database,
) -> None:
    d = digest(to=TWO_CHANNELS)
    fid = prepare(database, d, T0 - HOUR)
    item_id = matched_item(database, fid, "Envoy", T0)
    window_id = claim_window(database, d, RULE_IDS, T0 + DAY)
    rows = outbox(database)
    assert [r.window_id for r in rows] == [window_id, window_id]
    assert len({r.channel_key for r in rows}) == 2
    assert {r.status for r in rows} == {"pending"}
    assert rows[0].payload == rows[1].payload
    assert titles(rows[0].payload) == ["Envoy"]
    assert rows[0].payload["delivery_id"] == windows(database)[0].delivery_id
    with database.transaction() as session:
        claims = session.execute(select(DigestItem.item_id, DigestItem.window_id)).all()
    assert [tuple(c) for c in claims] == [(item_id, window_id)]


def test_a_claim_that_fails_midway_leaves_nothing_behind(database: Database) -> None:
    d = digest()
    fid = prepare(database, d, T0 - HOUR)
    matched_item(database, fid, "Envoy", T0)

    def crash_on_outbox(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO DELIVERIES"):
            raise RuntimeError("crash while writing the outbox")

    event.listen(database.engine, "before_cursor_execute", crash_on_outbox)
    try:
        with pytest.raises(RuntimeError):
            claim_window(database, d, RULE_IDS, T0 + DAY)
    finally:
        event.remove(database.engine, "before_cursor_execute", crash_on_outbox)
    assert [count(database, t) for t in (DigestWindow, DigestItem, Delivery)] == [0, 0, 0]
    claim_window(database, d, RULE_IDS, T0 + DAY)
    assert titles(outbox(database)[0].payload) == ["Envoy"]  # the item was not lost


def test_each_item_is_claimed_once_per_digest(database: Database) -> None:
    d = digest()
    fid = prepare(database, d, T0 - HOUR)
    item_id = add_item(database, fid, "Envoy at talks", now=T0)
    add_match(database, item_id, "envoy", T0)
    add_match(database, item_id, "talks", T0)
    claim_window(database, d, RULE_IDS, T0 + DAY)
    claim_window(database, d, RULE_IDS, T0 + 2 * DAY)
    (delivery,) = outbox(database)
    (only,) = delivery.payload["entries"]
    assert only["rules"] == ["envoy", "talks"]
    assert [w.entry_count for w in windows(database)] == [1, 0]


def test_two_digests_each_get_the_item(database: Database) -> None:
    morning, alerts = digest("morning"), digest("alerts", rules=["envoy"])
    fid = prepare(database, morning, T0 - HOUR)
    ensure_digest_states(database, [alerts], T0 - HOUR)
    matched_item(database, fid, "Envoy", T0)
    claim_window(database, morning, RULE_IDS, T0 + DAY)
    claim_window(database, alerts, RULE_IDS, T0 + DAY)
    assert [(r.digest_id, titles(r.payload)) for r in outbox(database)] == [
        ("morning", ["Envoy"]),
        ("alerts", ["Envoy"]),
    ]


def test_a_digest_sends_only_its_rules_and_only_notifying_matches(database: Database) -> None:
    d = digest(rules=["envoy"])
    fid = prepare(database, d, T0 - HOUR)
    matched_item(database, fid, "Envoy", T0)
    matched_item(database, fid, "Talks", T0, rule="talks")
    matched_item(database, fid, "Envoy backfill", T0, notify=False)
    matched_item(database, fid, "Envoy before the digest existed", T0 - 2 * HOUR)
    claim_window(database, d, RULE_IDS, T0 + DAY)
    assert titles(outbox(database)[0].payload) == ["Envoy"]


@pytest.mark.parametrize("send_empty", [True, False])
def test_send_empty(database: Database, send_empty: bool) -> None:
    d = digest(send_empty=send_empty)
    prepare(database, d, T0 - HOUR)
    assert claim_window(database, d, RULE_IDS, T0 + DAY) is not None
    payloads = [r.payload for r in outbox(database)]
    assert payloads == ([payloads[0]] if send_empty else [])
    if send_empty:
        assert payloads[0]["entries"] == []


def test_max_items_sends_the_best_and_carries_the_rest_over(database: Database) -> None:
    d = digest(max_items=2)
    fid = prepare(database, d, T0 - HOUR)
    for title, score in [("Envoy low", 1.0), ("Envoy top", 3.0), ("Envoy mid", 2.0)]:
        matched_item(database, fid, title, T0, score=score)
    claim_window(database, d, RULE_IDS, T0 + DAY)
    claim_window(database, d, RULE_IDS, T0 + 2 * DAY)
    assert [titles(r.payload) for r in outbox(database)] == [
        ["Envoy top", "Envoy mid"],
        ["Envoy low"],
    ]


def test_copies_of_one_story_are_one_entry_with_also(database: Database) -> None:
    d = digest()
    sync_feeds(database, [FeedConfig(url=A, name="Alpha"), FeedConfig(url=B, name="Beta")], T0)
    ensure_digest_states(database, [d], T0 - HOUR)
    fa, fb = feed_id(database, A), feed_id(database, B)
    matched_item(database, fa, "Envoy", T0, link="https://wire.example/s/1", score=2.0)
    matched_item(database, fb, "Envoy (copy)", T0, link="http://wire.example/s/1/", score=1.0)
    claim_window(database, d, RULE_IDS, T0 + DAY)
    (only,) = outbox(database)[0].payload["entries"]
    assert (only["title"], only["source"]) == ("Envoy", "Alpha")
    assert only["also"] == [{"source": "Beta", "url": "http://wire.example/s/1/"}]
    # a copy seen after the story went out is claimed silently, not sent again
    fc_item = matched_item(database, fb, "Envoy (late)", T0 + DAY, link="https://wire.example/s/1")
    claim_window(database, d, RULE_IDS, T0 + 2 * DAY)
    assert len(outbox(database)) == 1
    with database.transaction() as session:
        assert session.get(DigestItem, ("morning", fc_item, "envoy")) is not None


def test_a_changed_item_matching_a_new_rule_of_the_same_digest_is_sent_again(
    database: Database,
) -> None:
    """DESIGN: a changed item "is sent again only if it now matches a rule it did not
    match before" — here both rules belong to the one digest."""
    d = digest()
    fid = prepare(database, d, T0 - HOUR)
    ruleset = make_ruleset(envoy="envoy", talks="talks")
    poll_entries(database, fid, [entry("Envoy arrives", guid="g")], ruleset, now=T0)
    claim_window(database, d, RULE_IDS, T0 + DAY)
    later = T0 + DAY + HOUR
    poll_entries(database, fid, [entry("Envoy arrives for talks", guid="g")], ruleset, now=later)
    claim_window(database, d, RULE_IDS, T0 + 2 * DAY)
    assert [titles(r.payload) for r in outbox(database)] == [
        ["Envoy arrives"],
        ["Envoy arrives for talks"],
    ]


# -- one claim per window, whatever the number of nodes ----------------------------------


def test_the_schema_refuses_a_second_claim_of_one_window(database: Database) -> None:
    d = digest()
    prepare(database, d, T0 - HOUR)
    claim_window(database, d, RULE_IDS, T0 + DAY)
    end = windows(database)[0].window_end
    with pytest.raises(IntegrityError), database.transaction() as session:
        claim_in(session, d, RULE_IDS, end, T0 + DAY)
    second_node = Database(database.url)
    try:
        assert claim_window(second_node, d, RULE_IDS, T0 + DAY) is None
    finally:
        second_node.dispose()
    assert len(windows(database)) == 1


def _wait_for_lock_wait(
    admin: psycopg.Connection, db: Database, unless: Future[Any] | None = None
) -> None:
    """Block until a backend of `db` waits on a lock (or `unless` is done)."""
    name = make_url(db.url).database
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
    deadline = time.monotonic() + 10
    while admin.execute(query, (name,)).fetchone() == (0,):
        if unless is not None and unless.done():
            return
        assert time.monotonic() < deadline, "the other node never reached the database"
        time.sleep(0.005)


@pytest.mark.postgres
def test_two_nodes_claiming_one_window_at_once_send_it_once(
    pg_database: Database, pg_admin: psycopg.Connection
) -> None:
    d = digest(to=TWO_CHANNELS)
    fid = prepare(pg_database, d, T0 - HOUR)
    matched_item(pg_database, fid, "Envoy", T0)
    now = T0 + DAY
    node2 = Database(pg_database.url)
    pool = ThreadPoolExecutor(1)
    try:
        with pg_database.transaction() as session:  # node 1 claims, not committed yet
            end = due_window_end(session, d, now)
            assert end is not None
            claim_in(session, d, RULE_IDS, end, now)
            second = pool.submit(claim_window, node2, d, RULE_IDS, now)
            _wait_for_lock_wait(pg_admin, pg_database)
        assert second.result(timeout=10) is None
    finally:
        pool.shutdown()
        node2.dispose()
    assert (len(windows(pg_database)), len(outbox(pg_database))) == (1, 2)


@pytest.mark.postgres
def test_copies_stored_by_concurrent_polls_are_one_entry(
    pg_database: Database, pg_admin: psycopg.Connection
) -> None:
    """Two feeds carrying one wire story, polled at the same moment by two threads."""
    d = digest()
    fa, fb = add_feeds(pg_database, A, B)
    ensure_digest_states(pg_database, [d], T0 - HOUR)
    link = "https://wire.example/s/1"
    pool = ThreadPoolExecutor(1)
    try:
        with pg_database.transaction() as session:  # feed A's poll, not committed yet
            (stored,) = store_entries(session, fa, [entry("Envoy", guid="a", link=link)], T0)
            session.add(MatchRow(item_id=stored.item.id, rule_id="envoy", matched_at=T0, hits=[]))
            other = pool.submit(matched_item, pg_database, fb, "Envoy (copy)", T0, link=link)
            _wait_for_lock_wait(pg_admin, pg_database, unless=other)
        other.result(timeout=10)
    finally:
        pool.shutdown()
    claim_window(pg_database, d, RULE_IDS, T0 + DAY)
    entries = outbox(pg_database)[0].payload["entries"]
    assert [(e["title"], [a["url"] for a in e["also"]]) for e in entries] == [("Envoy", [link])]
