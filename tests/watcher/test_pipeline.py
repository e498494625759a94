"""One poll end to end against a real feed server: fetch → parse → store → match → record.

The feeds are small RSS files written by each test and served by `tests.servers.FeedServer`
on 127.0.0.1; the fetcher is the real `watcher.fetch.Fetcher`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from rules import RuleConfig
from tests.servers import FeedServer
from tests.watcher.conftest_db import count, feed_id, feed_row, items
from watcher.config import Config
from watcher.feeds import claim_due_feeds, sync_feeds
from watcher.fetch import Fetcher, FetchSettings
from watcher.matching import RuleSet
from watcher.pipeline import PollContext, PollReport, poll_feed
from watcher.settings import FeedConfig, PollConfig
from watcher.status import health
from watcher.storage import Database, utcnow
from watcher.tables import Item, MatchRow

RULES = [RuleConfig(id="envoy", query="envoy"), RuleConfig(id="talks", query="talks")]
Entry = tuple[str, str, str, datetime | None]  # guid ("" for none), title, link, published


def rss(entries: list[Entry], *, title: str = "Test Wire", lang: str = "en") -> bytes:
    """A small RSS 2.0 document; empty guid/link/date fields are left out."""
    parts = []
    for guid, item_title, link, published in entries:
        parts.append("<item>")
        parts.append(f"<title>{escape(item_title)}</title>")
        if guid:
            parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
        if link:
            parts.append(f"<link>{escape(link)}</link>")
        if published:
            parts.append(f"<pubDate>{format_datetime(published)}</pubDate>")
        parts.append("</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://wire.example/</link>"
        f"<language>{escape(lang)}</language>{''.join(parts)}</channel></rss>\n"
    ).encode()


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    return root


@pytest.fixture
def server(site: Path) -> Iterator[FeedServer]:
    with FeedServer(site) as running:
        yield running


@pytest.fixture
async def http_fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchSettings(timeout=5.0, user_agent="newswatch-test/1.0")) as fetcher:
        yield fetcher


def context(db: Database, fetcher: Fetcher, urls: list[str], **poll: object) -> PollContext:
    """Configure these feeds in `db` and return what a poll tick needs."""
    config = Config(
        feeds=[FeedConfig(url=url) for url in urls], rules=RULES, poll=PollConfig(**poll)
    )
    sync_feeds(db, config.feeds, utcnow())
    return PollContext(db, fetcher, config, RuleSet.compile(config.rules))


async def tick(ctx: PollContext) -> dict[str, PollReport]:
    """One poll tick over every feed that is not leased or disabled (due or not)."""
    claimed = claim_due_feeds(ctx.db, "node-1", 50, utcnow(), every=True)
    reports = await asyncio.gather(*(poll_feed(ctx, feed) for feed in claimed))
    return {report.feed_url: report for report in reports}


def notify_flags(db: Database) -> dict[str, bool]:
    with db.transaction() as session:
        rows = session.execute(select(Item.title, MatchRow.notify).join(MatchRow))
        return {title: notify for title, notify in rows}


# -- conditional GET --------------------------------------------------------------------


async def test_conditional_get_survives_a_restart(
    database: Database, server: FeedServer, site: Path, http_fetcher: Fetcher
) -> None:
    (site / "wire.xml").write_bytes(rss([("1", "Envoy arrives", "https://wire.example/1", None)]))
    url = server.url("/wire.xml")
    ctx = context(database, http_fetcher, [url])

    first = (await tick(ctx))[url]
    etag = feed_row(database, feed_id(database, url)).etag
    second = (await tick(ctx))[url]

    assert (first.status, first.new_items, len(first.matches)) == ("ok", 1, 1)
    assert etag
    assert (second.status, second.new_items, second.matches) == ("not_modified", 0, [])
    last = server.requests[-1]
    assert (last.headers.get("if-none-match"), last.status) == (etag, 304)

    restarted = Database(database.url)  # a new process: nothing but the database survives
    try:
        ctx2 = PollContext(restarted, http_fetcher, ctx.config, ctx.ruleset)
        third = (await tick(ctx2))[url]
        row = feed_row(restarted, feed_id(restarted, url))
    finally:
        restarted.dispose()
    assert third.status == "not_modified"
    assert server.count("/wire.xml", conditional=False) == 1
    assert (row.etag, row.last_status, row.error_count) == (etag, "not_modified", 0)
    assert count(database, Item) == 1


async def test_a_feed_without_guids_or_validators_polled_three_times_is_one_alert(
    database: Database, server: FeedServer, http_fetcher: Fetcher
) -> None:
    body = rss([("", "Envoy speaks", "https://wire.example/speech", None)])
    server.set_body("/plain.xml", body)  # no ETag or Last-Modified: a full 200 every time
    url = server.url("/plain.xml")
    ctx = context(database, http_fetcher, [url])
    reports = [(await tick(ctx))[url] for _ in range(3)]
    assert [(r.status, r.new_items, len(r.matches)) for r in reports] == [
        ("ok", 1, 1),
        ("ok", 0, 0),
        ("ok", 0, 0),
    ]
    assert (count(database, Item), count(database, MatchRow)) == (1, 1)


async def test_a_changed_title_is_reported_once_and_rematched(
    database: Database, server: FeedServer, site: Path, http_fetcher: Fetcher
) -> None:
    feed = site / "wire.xml"
    url = server.url("/wire.xml")
    ctx = context(database, http_fetcher, [url])
    feed.write_bytes(rss([("g", "Envoy arrives", "https://wire.example/1", None)]))
    await tick(ctx)
    feed.write_bytes(rss([("g", "Envoy arrives for talks", "https://wire.example/1", None)]))
    changed = (await tick(ctx))[url]
    feed.write_bytes(rss([("g", "Envoy arrives for talks", "https://wire.example/1", None)]))
    again = (await tick(ctx))[url]
    assert (changed.new_items, changed.changed_items) == (0, 1)
    assert [m["rule"] for m in changed.matches] == ["talks"]
    assert again.status == "not_modified"
    assert [i.title for i in items(database)] == ["Envoy arrives for talks"]


# -- backfill ---------------------------------------------------------------------------


async def test_first_poll_backfills_old_items_silently_then_everything_notifies(
    database: Database, server: FeedServer, site: Path, http_fetcher: Fetcher
) -> None:
    feed = site / "wire.xml"
    url = server.url("/wire.xml")
    ctx = context(database, http_fetcher, [url], backfill="7d")
    old = ("1", "Envoy archive", "https://wire.example/1", ago(days=30))
    feed.write_bytes(rss([old, ("2", "Envoy today", "https://wire.example/2", ago(hours=2))]))
    first = (await tick(ctx))[url]
    feed.write_bytes(rss([old, ("3", "Envoy older still", "https://wire.example/3", ago(days=90))]))
    await tick(ctx)
    assert sorted((m["title"], m["notify"]) for m in first.matches) == [
        ("Envoy archive", False),
        ("Envoy today", True),
    ]
    assert notify_flags(database)["Envoy older still"] is True


# -- failures ---------------------------------------------------------------------------


async def test_a_broken_feed_is_recorded_and_the_others_still_store_items(
    database: Database, server: FeedServer, site: Path, http_fetcher: Fetcher
) -> None:
    (site / "good.xml").write_bytes(rss([("1", "Envoy lands", "https://wire.example/1", None)]))
    server.set_broken("/broken.xml")
    server.set_status("/down.xml", 500)
    good, broken, down = (server.url(p) for p in ("/good.xml", "/broken.xml", "/down.xml"))
    ctx = context(database, http_fetcher, [good, broken, down])
    before = utcnow()

    reports = await tick(ctx)
    await tick(ctx)

    assert (reports[good].status, reports[good].new_items) == ("ok", 1)
    assert [reports[broken].status, reports[down].status] == ["error", "error"]
    for url in (broken, down):
        row = feed_row(database, feed_id(database, url))
        assert row.error_count == 2
        assert row.last_status == "error"
        assert row.last_error
        assert row.next_check_at > before + timedelta(minutes=9)  # backed off, not hammered
        assert row.lease_owner is None
    assert "500" in feed_row(database, feed_id(database, down)).last_error
    assert [i.title for i in items(database)] == ["Envoy lands"]
    report = health(database, {})
    assert (report["feeds"]["failing"], report["feeds"]["ok"]) == (2, 1)


async def test_success_resets_the_error_count(
    database: Database, server: FeedServer, site: Path, http_fetcher: Fetcher
) -> None:
    (site / "wire.xml").write_bytes(rss([("1", "Envoy", "https://wire.example/1", None)]))
    server.set_status("/wire.xml", 503)
    url = server.url("/wire.xml")
    ctx = context(database, http_fetcher, [url])
    await tick(ctx)
    server.clear("/wire.xml")
    await tick(ctx)
    row = feed_row(database, feed_id(database, url))
    assert (row.error_count, row.last_error, row.last_status) == (0, None, "ok")
    assert row.last_success_at is not None


async def test_retry_after_pushes_the_next_poll_out(
    database: Database, server: FeedServer, http_fetcher: Fetcher
) -> None:
    server.set_status("/busy.xml", 503, headers={"Retry-After": "7200"})
    url = server.url("/busy.xml")
    ctx = context(database, http_fetcher, [url])
    before = utcnow()
    await tick(ctx)
    row = feed_row(database, feed_id(database, url))
    assert row.next_check_at >= before + timedelta(hours=2)
    assert claim_due_feeds(database, "node-2", 10, before + timedelta(hours=1)) == []


async def test_gone_disables_the_feed(
    database: Database, server: FeedServer, http_fetcher: Fetcher
) -> None:
    server.set_status("/gone.xml", 410)
    url = server.url("/gone.xml")
    ctx = context(database, http_fetcher, [url])
    report = (await tick(ctx))[url]
    assert report.status == "gone"
    assert feed_row(database, feed_id(database, url)).disabled
    assert await tick(ctx) == {}  # never polled again, even when asked to poll everything
    assert server.count("/gone.xml") == 1
    assert health(database, {})["feeds"]["disabled"] == 1


# -- redirects --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "target_ok", "moved"), [(301, True, True), (302, True, False), (301, False, False)]
)
async def test_the_stored_url_moves_only_after_a_permanent_redirect_to_a_valid_feed(
    database: Database,
    server: FeedServer,
    site: Path,
    http_fetcher: Fetcher,
    status: int,
    target_ok: bool,
    moved: bool,
) -> None:
    (site / "new.xml").write_bytes(rss([("1", "Envoy", "https://wire.example/1", None)]))
    if not target_ok:
        server.set_broken("/new.xml")
    server.set_redirect("/old.xml", "/new.xml", status=status)
    url = server.url("/old.xml")
    ctx = context(database, http_fetcher, [url])
    await tick(ctx)
    assert feed_row(database, feed_id(database, url)).fetch_url == (
        server.url("/new.xml") if moved else None
    )
    server.reset_log()
    await tick(ctx)
    assert server.requests[0].path == ("/new.xml" if moved else "/old.xml")


LONG_LINK = "https://wire.example/story?" + "&".join(f"p{n}={n}" for n in range(400))
ENVOY = ("1", "Envoy", "https://wire.example/1", None)
OVERSIZED = {  # what an untrusted server may send: longer than the column it is stored in
    "item link": (rss([("1", "Envoy", LONG_LINK, None)]), {}),
    "item title": (rss([("1", "Envoy " + "x" * 5000, "https://wire.example/1", None)]), {}),
    "feed title": (rss([ENVOY], title="Wire " + "t" * 1000), {}),
    "language": (rss([ENVOY], lang="en-" + "x" * 60), {}),
    "etag": (rss([ENVOY]), {"ETag": '"' + "e" * 700 + '"'}),
    "last-modified": (rss([ENVOY]), {"Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT" + "x" * 200}),
}


@pytest.mark.parametrize("field", list(OVERSIZED))
async def test_an_untrusted_feed_with_an_oversized_field_is_still_stored(
    database: Database, server: FeedServer, http_fetcher: Fetcher, field: str
) -> None:
    """A value longer than its column must not stop a feed for good (PostgreSQL checks)."""
    body, headers = OVERSIZED[field]
    server.set_body("/big.xml", body, headers=headers)
    url = server.url("/big.xml")
    ctx = context(database, http_fetcher, [url])
    report = (await tick(ctx))[url]
    assert (report.status, report.error) == ("ok", None)
    assert (report.new_items, count(database, MatchRow)) == (1, 1)
