"""The database schema: feeds and their fetch state, items, matches, digests and the outbox.

All timestamps are naive UTC. Every piece of state a restart needs lives here; the
scheduler itself keeps nothing (HARDENING S1).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Feed(Base):
    """A configured feed and where its polling stands."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    fetch_url: Mapped[str | None] = mapped_column(Text)  # after a permanent redirect
    name: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)  # the feed's own title
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_status: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # still in the config
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    @property
    def display_name(self) -> str:
        """The configured name, else the feed's own title, else its URL."""
        return self.name or self.title or self.url


class Item(Base):
    """One feed entry, stored once per (feed, key); `story_id` folds copies of one story."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("feed_id", "key", name="uq_items_feed_key"),
        Index("ix_items_canonical_link", "canonical_link"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(512))
    guid: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    canonical_link: Mapped[str | None] = mapped_column(String(2048))
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_html: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    content_hash: Mapped[str] = mapped_column(String(64))


class MatchRow(Base):
    """A rule that matched an item; `notify` is false for items stored silently (backfill)."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("item_id", "rule_id", name="uq_matches_item_rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(128), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    hits: Mapped[list[dict]] = mapped_column(JSON, default=list)
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    matched_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class DigestState(Base):
    """Where a digest's windows stand: it covers matches made after `anchor_at`."""

    __tablename__ = "digest_state"

    digest_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    anchor_at: Mapped[datetime] = mapped_column(DateTime)
    last_window_end: Mapped[datetime | None] = mapped_column(DateTime)


class DigestWindow(Base):
    """One claimed digest window; unique per (digest, end) so nodes never send it twice."""

    __tablename__ = "digest_windows"
    __table_args__ = (UniqueConstraint("digest_id", "window_end", name="uq_windows_digest_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest_id: Mapped[str] = mapped_column(String(128))
    delivery_id: Mapped[str] = mapped_column(String(64), unique=True)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    window_end: Mapped[datetime] = mapped_column(DateTime)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DigestItem(Base):
    """An item's match claimed by a digest window: each (item, rule) goes out once per
    digest, so a changed item that now matches another rule is sent again."""

    __tablename__ = "digest_items"

    digest_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    rule_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("digest_windows.id", ondelete="CASCADE"))


class Delivery(Base):
    """The outbox: one row per (window, channel), written with the window claim."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("window_id", "channel_key", name="uq_deliveries_window_channel"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("digest_windows.id", ondelete="CASCADE"))
    digest_id: Mapped[str] = mapped_column(String(128))
    channel_key: Mapped[str] = mapped_column(String(256))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    locked_by: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class ChannelState(Base):
    """A channel target the receiver retired (HTTP 410), keyed by the notifier's
    `channel.key` (e.g. `webhook:URL`): later deliveries to it are not attempted."""

    __tablename__ = "channel_state"

    channel_key: Mapped[str] = mapped_column(String(256), primary_key=True)
    disabled_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")


class Node(Base):
    """A running service process. Its heartbeat tells other nodes whether the leases it
    holds (feeds, outbox rows) are still being worked on."""

    __tablename__ = "nodes"

    node_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    scope: Mapped[str] = mapped_column(String(255))  # host, boot and pid namespace
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, index=True)
