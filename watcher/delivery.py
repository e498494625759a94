"""Sending the outbox: claim due rows with a lease, deliver, record the outcome.

A row leased by a node that then died is claimed again once the lease expires, with the
same delivery id, so receivers can deduplicate (at-least-once, HARDENING D2). A failing
channel is retried with backoff for about a day, then marked dead; a 410 retires it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy import func, or_, select

from notifier import Channel, SendResult, deliver, next_attempt_delay
from watcher.config import Config
from watcher.digest_build import digest_from_payload
from watcher.digests import channel_key
from watcher.storage import Database, utcnow
from watcher.tables import ChannelState, Delivery

log = structlog.get_logger("newswatch")
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    digest_id: str
    channel_key: str
    payload: dict
    attempts: int


def claim_due_deliveries(
    db: Database,
    owner: str,
    limit: int,
    now: datetime | None = None,
    window_id: int | None = None,
) -> list[ClaimedDelivery]:
    """Lease due pending rows (rows whose earlier lease expired are due again), only those
    of one digest window if `window_id` is given."""
    now = now or utcnow()
    with db.transaction() as session:
        query = (
            select(Delivery)
            .where(
                Delivery.status == "pending",
                Delivery.next_attempt_at <= now,
                or_(Delivery.locked_until.is_(None), Delivery.locked_until < now),
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
        if window_id is not None:
            query = query.where(Delivery.window_id == window_id)
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        claimed = []
        for row in session.scalars(query):
            row.locked_until, row.locked_by = now + LEASE, owner
            claimed.append(
                ClaimedDelivery(row.id, row.digest_id, row.channel_key, row.payload, row.attempts)
            )
        return claimed


def find_channel(config: Config, digest_id: str, key: str) -> Channel | None:
    """The configured channel an outbox row was written for, if it still exists."""
    digest = next((d for d in config.digests if d.id == digest_id), None)
    if digest is None:
        return None
    for index, channel in enumerate(digest.to):
        if channel_key(digest, index) == key:
            return channel
    return None


async def send_delivery(
    db: Database, config: Config, http: httpx.AsyncClient, claimed: ClaimedDelivery
) -> str:
    """Deliver one claimed row and record the outcome; returns the row's new status."""
    channel = find_channel(config, claimed.digest_id, claimed.channel_key)
    if channel is None:
        return _record(db, claimed, "cancelled", "channel no longer in the config")
    if _is_retired(db, channel.key):
        return _record(db, claimed, "gone", f"{channel.key} retired by an earlier 410")
    digest = digest_from_payload(claimed.payload)
    try:
        result = await deliver(channel, digest, smtp=config.smtp, http=http)
    except Exception as exc:  # a bug in a channel must not kill the sender loop
        result = SendResult("retry", f"internal error: {type(exc).__name__}: {exc}", None)
    return _apply(db, claimed, result, channel.key)


def _apply(db: Database, claimed: ClaimedDelivery, result: SendResult, target: str) -> str:
    if result.outcome == "sent":
        status = _record(db, claimed, "sent", None)
        log.info(
            "delivery.sent",
            delivery_id=claimed.payload["delivery_id"],
            channel=claimed.channel_key,
            attempts=claimed.attempts + 1,
        )
        return status
    if result.outcome == "gone":
        with db.transaction() as session:
            if session.get(ChannelState, target) is None:
                session.add(
                    ChannelState(channel_key=target, disabled_at=utcnow(), reason=result.detail)
                )
        log.warning("delivery.channel_gone", channel=target, detail=result.detail)
        return _record(db, claimed, "gone", result.detail)
    delay = (
        None
        if result.outcome == "failed"
        else next_attempt_delay(claimed.attempts + 1, result.retry_after)
    )
    if delay is None:
        log.error(
            "delivery.dead",
            delivery_id=claimed.payload["delivery_id"],
            channel=claimed.channel_key,
            detail=result.detail,
        )
        return _record(db, claimed, "dead", result.detail)
    log.warning(
        "delivery.failed",
        delivery_id=claimed.payload["delivery_id"],
        channel=claimed.channel_key,
        detail=result.detail,
        retry_in_s=round(delay.total_seconds(), 1),
    )
    return _record(db, claimed, "pending", result.detail, retry_in=delay)


def _record(
    db: Database,
    claimed: ClaimedDelivery,
    status: str,
    error: str | None,
    retry_in: timedelta | None = None,
) -> str:
    now = utcnow()
    with db.transaction() as session:
        row = session.get_one(Delivery, claimed.id)
        row.status, row.locked_until, row.locked_by = status, None, None
        if status != "cancelled":
            row.attempts = claimed.attempts + 1
        row.last_error = error
        if status == "sent":
            row.sent_at = now
        if retry_in is not None:
            row.next_attempt_at = now + retry_in
    return status


def _is_retired(db: Database, key: str) -> bool:
    with db.transaction() as session:
        return session.get(ChannelState, key) is not None


def outbox_counts(db: Database) -> dict[str, int]:
    """Rows per status, for /healthz and `newswatch feeds`."""
    with db.transaction() as session:
        rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: count for status, count in rows}
