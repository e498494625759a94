"""One-off runs for the CLI: poll every feed once, preview or send a digest now."""

from __future__ import annotations

import asyncio

import httpx

from notifier import Digest, DigestConfig
from watcher.config import Config
from watcher.delivery import claim_due_deliveries, send_delivery
from watcher.digest_build import digest_from_payload
from watcher.digests import claim_in, claim_window, ensure_digest_states
from watcher.feeds import claim_due_feeds, sync_feeds
from watcher.fetch import Fetcher
from watcher.matching import RuleSet
from watcher.nodes import alive, new_node_id
from watcher.pipeline import PollContext, PollReport, fetch_settings, poll_feed
from watcher.storage import Database, utcnow


def _open(config: Config) -> Database:
    db = Database(config.database)
    db.upgrade()
    now = utcnow()
    sync_feeds(db, config.feeds, now)
    ensure_digest_states(db, config.digests, now)
    return db


async def poll_once(
    config: Config, *, deliver: bool = False, progress: bool = False
) -> list[PollReport]:
    """Poll every active feed now (due or not); with `deliver`, send what is pending."""
    db = await asyncio.to_thread(_open, config)
    ruleset = await asyncio.to_thread(RuleSet.compile, config.rules)
    owner = new_node_id("once")
    async with alive(db, owner):
        claimed = await asyncio.to_thread(
            claim_due_feeds, db, owner, len(config.feeds) or 1, utcnow(), None, every=True
        )
        async with Fetcher(fetch_settings(config.poll)) as fetcher:
            ctx = PollContext(db, fetcher, config, ruleset)
            reports = await _gather_with_progress([poll_feed(ctx, f) for f in claimed], progress)
        if deliver:
            for digest in config.digests:
                await asyncio.to_thread(claim_window, db, digest, set(ruleset.scopes), force=True)
            await _send_pending(db, config, owner)
    db.dispose()
    return reports


async def _gather_with_progress(jobs: list, progress: bool) -> list[PollReport]:  # type: ignore[type-arg]
    if not progress:
        return list(await asyncio.gather(*jobs))
    import click

    results = []
    with click.progressbar(length=len(jobs), label="polling feeds", file=None) as bar:
        for next_done in asyncio.as_completed(jobs):
            results.append(await next_done)
            bar.update(1)
    return results


def preview_digest(config: Config, digest: DigestConfig) -> Digest:
    """The digest that would go out now; nothing is claimed or sent."""
    db = _open(config)
    rule_ids = {r.id for r in config.rules}
    now = utcnow()
    with db.dry_run() as session:
        _, payload = claim_in(session, digest, rule_ids, now, now)
    db.dispose()
    return digest_from_payload(payload)


async def send_digest_now(config: Config, digest: DigestConfig) -> dict[str, str]:
    """Claim a window for `digest` ending now and deliver it; returns channel → status."""
    db = await asyncio.to_thread(_open, config)
    rule_ids = {r.id for r in config.rules}
    window_id = await asyncio.to_thread(claim_window, db, digest, rule_ids, force=True)
    statuses: dict[str, str] = {}
    if window_id is not None:
        owner = new_node_id("send")
        async with alive(db, owner):
            statuses = await _send_pending(db, config, owner, window_id)
    db.dispose()
    return statuses


async def _send_pending(
    db: Database, config: Config, owner: str, window_id: int | None = None
) -> dict[str, str]:
    statuses: dict[str, str] = {}
    claimed = await asyncio.to_thread(claim_due_deliveries, db, owner, 1000, None, window_id)
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as http:
        for row in claimed:
            statuses[row.channel_key] = await send_delivery(db, config, http, row)
    return statuses
