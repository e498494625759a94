"""Digest windows: decide when one is due, then claim it and write the outbox in one go.

A window is claimed in the same transaction that marks its items as sent for that digest
and writes one outbox row per channel, so a crash at any point loses no digest and never
sends an item twice (DESIGN "Guarantees"). The window's unique (digest, end) stops a
second node from claiming it again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifier import DigestConfig
from watcher.digest_build import build_entries, digest_to_payload
from watcher.storage import Database, naive_utc, utcnow
from watcher.tables import Delivery, DigestItem, DigestState, DigestWindow, Item, MatchRow

MAX_MISSED_WINDOWS = 10_000


def channel_key(digest: DigestConfig, index: int) -> str:
    """The outbox's name for a digest's channel: its position and kind. Settings are left
    out on purpose, so an operator who fixes a webhook URL or rotates a secret still gets
    the digests waiting for that channel."""
    return f"{digest.id}/{index}:{digest.to[index].kind}"


def ensure_digest_states(db: Database, digests: list[DigestConfig], now: datetime) -> None:
    """A new digest covers matches made from now on; existing ones keep their place."""
    with db.transaction() as session:
        known = set(session.scalars(select(DigestState.digest_id)))
        for d in digests:
            if d.id not in known:
                session.add(DigestState(digest_id=d.id, anchor_at=now))


def due_window_end(
    session: Session, digest: DigestConfig, now: datetime, rule_ids: set[str] | None = None
) -> datetime | None:
    """The end of the window to send now, or None if the digest is not due. `rule_ids`:
    the rules in the config now (matches of removed rules never make a digest due)."""
    state = session.get(DigestState, digest.id)
    if state is None:
        return None
    if digest.schedule == "instant":
        oldest = session.scalar(
            select(MatchRow.matched_at)
            .where(*_pending_conditions(digest, state, now, rule_ids))
            .order_by(MatchRow.matched_at)
            .limit(1)
        )
        if oldest is not None and oldest + digest.instant_batch <= now:
            return now
        return None
    return _last_fire_time(digest, state.last_window_end or state.anchor_at, now)


def _last_fire_time(digest: DigestConfig, after: datetime, now: datetime) -> datetime | None:
    """The latest scheduled time in (after, now]; missed windows coalesce into one."""
    trigger = digest.trigger()
    cursor = after.replace(tzinfo=UTC) + timedelta(seconds=1)
    limit = now.replace(tzinfo=UTC)
    due = None
    for _ in range(MAX_MISSED_WINDOWS):
        fire = trigger.get_next_fire_time(None, cursor)
        if fire is None or fire > limit:
            break
        due, cursor = fire, fire + timedelta(seconds=1)
    return naive_utc(due) if due else None


def _pending_conditions(
    digest: DigestConfig,
    state: DigestState,
    window_end: datetime,
    rule_ids: set[str] | None,
) -> list:  # type: ignore[type-arg]
    """Matches this digest has yet to send: notifying, in its window, of its rules, and
    not claimed by it before for this (item, rule)."""
    conditions = [
        MatchRow.notify.is_(True),
        MatchRow.matched_at > state.anchor_at,
        MatchRow.matched_at <= window_end,
        ~exists().where(
            DigestItem.digest_id == digest.id,
            DigestItem.item_id == MatchRow.item_id,
            DigestItem.rule_id == MatchRow.rule_id,
        ),
    ]
    if "*" not in digest.rules:
        conditions.append(MatchRow.rule_id.in_(digest.rules))
    if rule_ids is not None:
        conditions.append(MatchRow.rule_id.in_(rule_ids))
    return conditions


def claim_window(
    db: Database,
    digest: DigestConfig,
    rule_ids: set[str],
    now: datetime | None = None,
    *,
    force: bool = False,
) -> int | None:
    """Claim the due window of `digest`, write its outbox rows; return the window id."""
    now = now or utcnow()
    try:
        with db.transaction() as session:
            end = now if force else due_window_end(session, digest, now, rule_ids)
            if end is None:
                return None
            window, _ = claim_in(session, digest, rule_ids, end, now)
            return window.id
    except IntegrityError:
        return None  # another node claimed this window first


def claim_in(
    session: Session, digest: DigestConfig, rule_ids: set[str], end: datetime, now: datetime
) -> tuple[DigestWindow, dict]:
    """Claim the window ending at `end` inside `session`; return it and its digest payload."""
    state = session.get(DigestState, digest.id)
    if state is None:
        state = DigestState(digest_id=digest.id, anchor_at=now)
        session.add(state)
    start = state.last_window_end or state.anchor_at
    pending = session.execute(
        select(MatchRow, Item)
        .join(Item, Item.id == MatchRow.item_id)
        .where(*_pending_conditions(digest, state, end, rule_ids))
    ).all()
    delivered = _delivered_stories(session, digest.id, {i.story_id or i.id for _, i in pending})
    entries, claimed = build_entries(session, pending, delivered, digest.max_items)
    window = DigestWindow(
        digest_id=digest.id,
        delivery_id=uuid.uuid4().hex,
        window_start=start,
        window_end=end,
        entry_count=len(entries),
        created_at=now,
    )
    session.add(window)
    session.flush()
    for item_id, rule_id in claimed:
        session.add(
            DigestItem(digest_id=digest.id, item_id=item_id, rule_id=rule_id, window_id=window.id)
        )
    state.last_window_end = end
    payload = digest_to_payload(digest, window, entries)
    if entries or digest.send_empty:
        for index in range(len(digest.to)):
            session.add(
                Delivery(
                    window_id=window.id,
                    digest_id=digest.id,
                    channel_key=channel_key(digest, index),
                    payload=payload,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    session.flush()
    return window, payload


def _delivered_stories(session: Session, digest_id: str, stories: set[int]) -> set[tuple[int, str]]:
    """(story, rule) pairs this digest has already sent."""
    if not stories:
        return set()
    rows = session.execute(
        select(Item.story_id, DigestItem.rule_id)
        .join(DigestItem, DigestItem.item_id == Item.id)
        .where(DigestItem.digest_id == digest_id, Item.story_id.in_(stories))
    )
    return {(story, rule) for story, rule in rows}
