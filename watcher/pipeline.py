"""One feed poll, top to bottom: fetch (conditional) → parse → store → match → record.

Everything that can go wrong with a remote feed ends as a value recorded on the feed
row; nothing escapes to the scheduler (HARDENING P3).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import structlog

from watcher.config import Config
from watcher.errors import FeedParseError
from watcher.feeds import ClaimedFeed, next_check_after_error, next_check_after_success
from watcher.fetch import Fetcher, FetchResult, FetchSettings
from watcher.items import store_entries
from watcher.matching import RuleSet, record_matches
from watcher.parse import ParsedFeed, parse_feed
from watcher.settings import FeedConfig, PollConfig
from watcher.storage import Database, utcnow
from watcher.tables import Feed

log = structlog.get_logger("newswatch")
MAX_TITLE = 1000
MAX_URL = 2048
MAX_VALIDATOR = 1000


def fetch_settings(poll: PollConfig) -> FetchSettings:
    """The fetcher's settings from the poll section of the config."""
    from watcher import __version__

    return FetchSettings(
        timeout=poll.timeout.total_seconds(),
        max_bytes=poll.max_bytes,
        user_agent=poll.user_agent.replace("{version}", __version__),
        concurrency=poll.concurrency,
        per_host=poll.per_host,
    )


@dataclass
class PollReport:
    """What one poll did; `matches` lists new matches as plain dicts (for `once --json`)."""

    feed_url: str
    status: str
    new_items: int = 0
    changed_items: int = 0
    matches: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class PollContext:
    """A consistent snapshot of what a poll needs (the config may be swapped meanwhile)."""

    db: Database
    fetcher: Fetcher
    config: Config
    ruleset: RuleSet

    def feed_config(self, url: str) -> FeedConfig | None:
        return next((f for f in self.config.feeds if f.url == url), None)


async def poll_feed(ctx: PollContext, claimed: ClaimedFeed) -> PollReport:
    """Poll one claimed feed and record the outcome on its row; never raises."""
    started = time.monotonic()
    try:
        report = await _poll(ctx, claimed)
    except Exception as exc:  # a bug or a database fault: record it and keep polling others
        log.exception("feed.poll_crashed", feed_url=claimed.url)
        first_line = (str(exc).splitlines() or [""])[0][:300]  # not the SQL and its parameters
        message = f"internal error: {type(exc).__name__}: {first_line}"
        report = PollReport(claimed.url, "error", error=message)
        await asyncio.to_thread(_record_failure, ctx, claimed, message, None, "error")
    log.info(
        "feed.polled",
        feed_url=claimed.url,
        status=report.status,
        new_items=report.new_items,
        changed_items=report.changed_items,
        matches=len(report.matches),
        error=report.error,
        ms=round((time.monotonic() - started) * 1000),
    )
    return report


async def _poll(ctx: PollContext, claimed: ClaimedFeed) -> PollReport:
    result = await ctx.fetcher.fetch(
        claimed.fetch_url, etag=claimed.etag, last_modified=claimed.last_modified
    )
    if result.kind == "not_modified":
        await asyncio.to_thread(_record_unchanged, ctx, claimed, result)
        return PollReport(claimed.url, "not_modified")
    if result.kind in ("gone", "error"):
        message = result.error or f"HTTP {result.status}"
        await asyncio.to_thread(
            _record_failure, ctx, claimed, message, result.retry_after, result.kind
        )
        return PollReport(claimed.url, result.kind, error=message)
    try:
        parsed = await asyncio.to_thread(
            parse_feed, result.body, url=result.final_url, headers=result.headers
        )
    except FeedParseError as exc:
        await asyncio.to_thread(_record_failure, ctx, claimed, exc.message, None, "error")
        return PollReport(claimed.url, "error", error=exc.message)
    return await asyncio.to_thread(_record_success, ctx, claimed, result, parsed)


def _record_success(
    ctx: PollContext, claimed: ClaimedFeed, result: FetchResult, parsed: ParsedFeed
) -> PollReport:
    now = utcnow()
    feed_cfg = ctx.feed_config(claimed.url)
    with ctx.db.transaction() as session:
        feed = session.get_one(Feed, claimed.id)
        source = (feed_cfg.name if feed_cfg else None) or parsed.title or claimed.url
        stored = store_entries(session, feed.id, parsed.entries, now)
        rows = record_matches(
            session,
            stored,
            ctx.ruleset,
            feed_cfg,
            source,
            first_poll=claimed.first_poll,
            backfill=ctx.config.poll.backfill,
            now=now,
        )
        feed.title = (parsed.title or feed.title or "")[:MAX_TITLE] or None
        feed.etag = _validator(result.etag)
        feed.last_modified = _validator(result.last_modified)
        if result.permanent_redirect and len(result.permanent_redirect) <= MAX_URL:
            feed.fetch_url = result.permanent_redirect
        feed.last_status = "ok"
        feed.last_error = "; ".join(parsed.warnings)[:2000] or None
        _finish(feed, now, next_check_after_success(ctx.config.poll, feed_cfg, now))
        feed.last_success_at, feed.error_count = now, 0
        items = {s.item.id: s.item for s in stored}
        matches = [
            {
                "rule": row.rule_id,
                "score": row.score,
                "notify": row.notify,
                "feed": source,
                "title": items[row.item_id].title,
                "url": items[row.item_id].link,
                "published": _iso(items[row.item_id].published_at),
                "matched": row.hits,
            }
            for row in rows
        ]
    new = sum(1 for s in stored if s.is_new)
    return PollReport(claimed.url, "ok", new, len(stored) - new, matches)


def _record_unchanged(ctx: PollContext, claimed: ClaimedFeed, result: FetchResult) -> None:
    now = utcnow()
    feed_cfg = ctx.feed_config(claimed.url)
    with ctx.db.transaction() as session:
        feed = session.get_one(Feed, claimed.id)
        feed.last_status, feed.error_count = "not_modified", 0
        feed.last_success_at = now
        _finish(feed, now, next_check_after_success(ctx.config.poll, feed_cfg, now))


def _record_failure(
    ctx: PollContext,
    claimed: ClaimedFeed,
    message: str,
    retry_after: float | None,
    status: str,
) -> None:
    now = utcnow()
    feed_cfg = ctx.feed_config(claimed.url)
    with ctx.db.transaction() as session:
        feed = session.get_one(Feed, claimed.id)
        feed.error_count += 1
        feed.last_status, feed.last_error = status, message[:2000]
        feed.disabled = status == "gone"
        when = next_check_after_error(ctx.config.poll, feed_cfg, now, feed.error_count, retry_after)
        _finish(feed, now, when)


def _finish(feed: Feed, now, next_check_at) -> None:  # type: ignore[no-untyped-def]
    feed.last_polled_at, feed.next_check_at = now, next_check_at
    feed.lease_owner = feed.lease_until = None


def _validator(value: str | None) -> str | None:
    """An ETag / Last-Modified to send back, unless absurdly long (then: a full GET)."""
    return value if value and len(value) <= MAX_VALIDATOR else None


def _iso(value) -> str | None:  # type: ignore[no-untyped-def]
    return value.isoformat() + "Z" if value else None
