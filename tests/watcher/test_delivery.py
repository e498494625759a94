"""Sending the outbox to a real webhook receiver: retries, 410, leases, removed channels.

DESIGN "Guarantees": at-least-once with a stable delivery id; a failing channel is
retried with backoff, then marked dead and reported in /healthz; other channels go on.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from notifier import DigestConfig, deliver, next_attempt_delay
from notifier.outbox import MAX_ATTEMPTS
from rules import RuleConfig
from tests.receivers import WebhookReceiver
from tests.watcher.conftest_db import T0, add_feeds, add_item, add_match
from watcher.config import Config
from watcher.delivery import (
    LEASE,
    ClaimedDelivery,
    claim_due_deliveries,
    find_channel,
    send_delivery,
)
from watcher.digest_build import digest_from_payload
from watcher.digests import claim_window, ensure_digest_states
from watcher.status import health
from watcher.storage import Database, utcnow
from watcher.tables import ChannelState, Delivery, Feed

SECRET = "whsec_bmV3c3dhdGNoLWRlbGl2ZXJ5LXRlc3Qtc2VjcmV0"
DAY, SECOND = timedelta(days=1), timedelta(seconds=1)
RULES = [RuleConfig(id="envoy", query="envoy")]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False, follow_redirects=False) as client:
        yield client


def make_config(*channels: dict[str, Any]) -> Config:
    return Config(rules=RULES, digests=[DigestConfig(id="morning", to=list(channels))])


def webhook(receiver: WebhookReceiver) -> dict[str, Any]:
    return {"webhook": {"url": receiver.url, "secret": SECRET}}


def new_window(db: Database, config: Config, day: int = 1) -> int:
    """Day `day`'s window of the digest: one matched item, claimed with one outbox row per
    channel, due at T0 + `day` days. The first call also creates the feed and digest state."""
    with db.transaction() as session:
        fid = session.scalars(select(Feed.id)).first()
    if fid is None:
        (fid,) = add_feeds(db, "https://a.example/rss.xml")
        ensure_digest_states(db, config.digests, T0)
    at = T0 + (day - 1) * DAY + timedelta(hours=1)
    add_match(db, add_item(db, fid, f"Envoy {day}", now=at), "envoy", at)
    window = claim_window(db, config.digests[0], {"envoy"}, T0 + day * DAY)
    assert window is not None
    return window


def rows(db: Database) -> list[Delivery]:
    with db.transaction() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def claim(db: Database, now: datetime | None = None) -> list[ClaimedDelivery]:
    return claim_due_deliveries(db, "node-1", 10, now)


def delay_bounds(attempts: int) -> tuple[timedelta, timedelta]:
    low, high = (next_attempt_delay(attempts, rand=lambda r=r: r) for r in (0.0, 1.0))
    assert low is not None
    assert high is not None
    return low, high


# -- retries ----------------------------------------------------------------------------


async def test_a_failing_webhook_is_retried_on_schedule_with_one_delivery_id(
    database: Database, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    config = make_config(webhook(receiver))
    new_window(database, config)
    receiver.respond_with(500, 500, 200)
    outcomes = []
    due_at: datetime | None = None
    for attempt in (1, 2, 3):
        (claimed,) = claim(database, due_at)
        before = utcnow()
        outcomes.append(await send_delivery(database, config, http, claimed))
        after = utcnow()
        (row,) = rows(database)
        assert row.attempts == attempt
        if attempt < 3:
            low, high = delay_bounds(attempt)
            assert before + low <= row.next_attempt_at <= after + high
            assert "500" in (row.last_error or "")
            assert claim(database, row.next_attempt_at - SECOND) == []  # not due before
            due_at = row.next_attempt_at
    assert outcomes == ["pending", "pending", "sent"]
    (row,) = rows(database)
    assert (row.status, row.last_error, row.locked_until) == ("sent", None, None)
    assert row.sent_at is not None
    requests = receiver.wait_for(3)
    assert [r.status for r in requests] == [500, 500, 200]
    assert {r.headers["webhook-id"] for r in requests} == {row.payload["delivery_id"]}
    assert all(r.verified for r in requests)
    assert claim(database, row.next_attempt_at + DAY) == []  # sent rows are done


async def test_a_delivery_is_dead_when_retries_run_out_and_healthz_says_so(
    database: Database, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    config = make_config(webhook(receiver))
    new_window(database, config)
    with database.transaction() as session:
        session.execute(update(Delivery).values(attempts=MAX_ATTEMPTS - 1))
    receiver.respond_with(500)
    (claimed,) = claim(database)
    assert await send_delivery(database, config, http, claimed) == "dead"
    report = health(database, {})
    assert report["ok"] is False
    assert report["outbox"]["dead"] == 1
    assert any("dead" in problem for problem in report["problems"])


async def test_other_channels_go_on_while_one_fails(
    database: Database, receiver: WebhookReceiver, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    config = make_config(webhook(receiver), {"file": {"dir": str(tmp_path / "digests")}})
    new_window(database, config)
    receiver.respond_with(503)
    results = [await send_delivery(database, config, http, c) for c in claim(database)]
    assert results == ["pending", "sent"]
    assert len(list((tmp_path / "digests").glob("*.json"))) == 1


# -- 410 and removed channels -----------------------------------------------------------


async def test_gone_retires_the_channel_and_later_rows_are_not_attempted(
    database: Database, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    config = make_config(webhook(receiver))
    new_window(database, config, day=1)
    receiver.respond_with(410)
    (first,) = claim(database)
    assert await send_delivery(database, config, http, first) == "gone"
    new_window(database, config, day=2)
    (second,) = claim(database)
    assert await send_delivery(database, config, http, second) == "gone"
    assert len(receiver.requests) == 1  # the second row never reached the receiver
    assert [r.status for r in rows(database)] == ["gone", "gone"]
    with database.transaction() as session:
        retired = session.scalars(select(ChannelState.channel_key)).all()
    # retired by target, so fixing the URL in the config gives the channel a fresh start
    assert retired == [f"webhook:{receiver.url}"]
    assert health(database, {})["channels_retired"] == [f"webhook:{receiver.url}"]


async def test_a_channel_removed_from_the_config_is_cancelled(
    database: Database, receiver: WebhookReceiver, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    config = make_config(webhook(receiver))
    new_window(database, config)
    edited = make_config({"file": {"dir": str(tmp_path)}})
    (claimed,) = claim(database)
    assert await send_delivery(database, edited, http, claimed) == "cancelled"
    (row,) = rows(database)
    assert (row.status, row.attempts) == ("cancelled", 0)
    assert receiver.requests == []


async def test_a_webhook_whose_url_the_operator_fixes_still_gets_the_pending_digest(
    database: Database, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    """After a 3xx the delivery says "update the URL"; doing so must not drop the digest."""
    with WebhookReceiver(secret=SECRET) as old:
        config = make_config({"webhook": {"url": old.url, "secret": SECRET}})
        new_window(database, config)
        old.respond_with((301, {"Location": receiver.url}))
        (claimed,) = claim(database)
        assert await send_delivery(database, config, http, claimed) == "pending"
    fixed = make_config(webhook(receiver))
    (retry,) = claim(database, rows(database)[0].next_attempt_at)
    assert await send_delivery(database, fixed, http, retry) == "sent"
    assert len(receiver.wait_for(1)) == 1


# -- leases -----------------------------------------------------------------------------


async def test_a_send_interrupted_by_a_crash_is_claimed_again_with_the_same_id(
    database: Database, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    config = make_config(webhook(receiver))
    new_window(database, config)
    now = T0 + 2 * DAY
    (leased,) = claim(database, now)
    channel = find_channel(config, leased.digest_id, leased.channel_key)
    assert channel is not None
    digest = digest_from_payload(leased.payload)
    await deliver(channel, digest, smtp=None, http=http)  # sent, then the node died
    assert claim(database, now + LEASE - SECOND) == []  # still leased
    (again,) = claim(database, now + LEASE + SECOND)
    assert again.id == leased.id
    assert await send_delivery(database, config, http, again) == "sent"
    ids = [r.headers["webhook-id"] for r in receiver.wait_for(2)]
    assert ids == [digest.delivery_id, digest.delivery_id]


def test_concurrent_senders_lease_disjoint_rows(database: Database) -> None:
    config = make_config(*({"file": {"dir": f"/unused/{n}"}} for n in range(12)))
    new_window(database, config)
    nodes = [Database(database.url) for _ in range(3)]
    start = threading.Barrier(len(nodes))

    def lease(node: Database) -> list[int]:
        start.wait()
        return [c.id for _ in range(2) for c in claim_due_deliveries(node, "n", 2, T0 + DAY)]

    try:
        with ThreadPoolExecutor(len(nodes)) as pool:
            leased = [i for got in pool.map(lease, nodes) for i in got]
    finally:
        for node in nodes:
            node.dispose()
    assert len(leased) == len(set(leased)) == 12


# -- health -----------------------------------------------------------------------------


def test_health_counts_feeds_and_the_outbox(database: Database, tmp_path: Path) -> None:
    config = make_config(*({"file": {"dir": str(tmp_path / str(n))}} for n in range(3)))
    new_window(database, config)
    urls = [f"https://{n}.example/rss.xml" for n in ("ok", "cached", "failing", "gone", "new")]
    add_feeds(database, *urls)  # the window's feed leaves the config: no longer counted
    states = {
        "ok": {"last_status": "ok", "last_polled_at": T0},
        "cached": {"last_status": "not_modified", "last_polled_at": T0 + SECOND},
        "failing": {"last_status": "error", "error_count": 3, "last_error": "HTTP 500"},
        "gone": {"last_status": "gone", "error_count": 1, "disabled": True},
    }
    with database.transaction() as session:
        for name, values in states.items():
            url = f"https://{name}.example/rss.xml"
            session.execute(update(Feed).where(Feed.url == url).values(**values))
    with database.transaction() as session:
        first = session.scalars(select(Delivery).order_by(Delivery.id)).first()
        assert first is not None
        first.status = "sent"
    report = health(database, {"node": "test"})
    assert report["feeds"] == {
        "total": 5,
        "ok": 2,
        "failing": 1,
        "disabled": 1,
        "never_polled": 3,
    }
    assert report["outbox"] == {"pending": 2, "sent": 1, "dead": 0}
    assert report["last_poll"] == (T0 + SECOND).isoformat() + "Z"
    assert report["ok"] is False, "a feed disabled by 410 needs the operator"
    assert report["problems"] == [
        "https://failing.example/rss.xml: HTTP 500",
        "https://gone.example/rss.xml: disabled (None)",
    ]
    assert report["node"] == "test"
