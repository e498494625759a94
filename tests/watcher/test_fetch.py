"""Fetching against a real server on 127.0.0.1: conditional GET, redirects, caps, faults."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.servers import FEEDS_DIR, SMALL_FEED, FeedServer, gzip_bomb
from watcher.fetch import Fetcher, FetchSettings, parse_retry_after

FEED = "/orbit-newswire.xml"
MiB = 1024 * 1024


async def test_fetch_returns_body_validators_and_content_type(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(feed_server.url(FEED))

    assert result.kind == "ok"
    assert result.status == 200
    assert result.body == (FEEDS_DIR / "orbit-newswire.xml").read_bytes()
    assert result.etag is not None
    assert result.etag.startswith('"')
    assert result.last_modified is not None
    assert result.last_modified.endswith("GMT")
    assert result.headers["content-type"] == "application/rss+xml"
    assert result.final_url == feed_server.url(FEED)
    assert result.permanent_redirect is None
    assert result.error is None


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("lantern-post.xml", "application/atom+xml"),
        ("korea-watch-quarterly.xml", "application/rdf+xml"),
        ("signal-aggregator.json", "application/feed+json; charset=utf-8"),
    ],
)
async def test_server_labels_each_feed_format(
    feed_server: FeedServer, fetcher: Fetcher, name: str, content_type: str
) -> None:
    result = await fetcher.fetch(feed_server.url(name))

    assert result.headers["content-type"] == content_type


async def test_server_log_can_be_awaited(feed_server: FeedServer, fetcher: Fetcher) -> None:
    task = asyncio.create_task(fetcher.fetch(feed_server.url(FEED + "?x=1")))

    seen = await asyncio.to_thread(feed_server.wait_for_requests, 1, FEED)
    await task

    assert [(r.method, r.path, r.target, r.status) for r in seen] == [
        ("GET", FEED, FEED + "?x=1", 200)
    ]
    with pytest.raises(TimeoutError):
        feed_server.wait_for_requests(2, FEED, timeout=0.05)


async def test_second_fetch_is_conditional_and_not_modified(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    first = await fetcher.fetch(feed_server.url(FEED))
    second = await fetcher.fetch(
        feed_server.url(FEED), etag=first.etag, last_modified=first.last_modified
    )

    assert second.kind == "not_modified"
    assert second.status == 304
    assert second.body == b""
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)
    assert feed_server.count(FEED, conditional=False) == 1
    conditional = feed_server.requests[-1]
    assert conditional.headers["if-none-match"] == first.etag
    assert conditional.headers["if-modified-since"] == first.last_modified


async def test_last_modified_alone_also_gives_not_modified(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    first = await fetcher.fetch(feed_server.url(FEED))
    second = await fetcher.fetch(feed_server.url(FEED), last_modified=first.last_modified)

    assert second.kind == "not_modified"
    assert "if-none-match" not in feed_server.requests[-1].headers


async def test_changed_content_is_fetched_again_despite_validators(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.serve_dir(FEEDS_DIR / "wave1")
    first = await fetcher.fetch(feed_server.url(FEED))
    feed_server.serve_dir(FEEDS_DIR / "wave3")
    second = await fetcher.fetch(feed_server.url(FEED), etag=first.etag)

    assert second.kind == "ok"
    assert second.body == (FEEDS_DIR / "wave3" / "orbit-newswire.xml").read_bytes()
    assert second.etag != first.etag


async def test_gone(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set_status(FEED, 410)

    result = await fetcher.fetch(feed_server.url(FEED))

    assert (result.kind, result.status) == ("gone", 410)


async def test_not_found_is_an_error_without_retry_after(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(feed_server.url("/no-such-feed.xml"))

    assert (result.kind, result.status, result.retry_after) == ("error", 404, None)
    assert result.error == "HTTP 404 Not Found"


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_in_seconds(
    feed_server: FeedServer, fetcher: Fetcher, status: int
) -> None:
    feed_server.set_status(FEED, status, headers={"Retry-After": "120"})

    result = await fetcher.fetch(feed_server.url(FEED))

    assert (result.kind, result.status, result.retry_after) == ("error", status, 120.0)
    assert str(status) in (result.error or "")


async def test_retry_after_as_http_date(feed_server: FeedServer, fetcher: Fetcher) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    feed_server.set_status(FEED, 503, headers={"Retry-After": format_datetime(later, usegmt=True)})

    result = await fetcher.fetch(feed_server.url(FEED))

    assert result.kind == "error"
    assert result.retry_after == pytest.approx(7200, abs=5)


def test_parse_retry_after_forms() -> None:
    now = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("0", now) == 0.0
    assert parse_retry_after(" 30 ", now) == 30.0
    assert parse_retry_after("Mon, 01 Jan 2024 12:10:00 GMT", now) == 600.0
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now) == 0.0  # in the past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after("", now) is None


async def test_permanent_redirect_chain_is_recorded(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.set_redirect("/old.xml", "/older.xml", status=301)
    feed_server.set_redirect("/older.xml", FEED, status=308)

    result = await fetcher.fetch(feed_server.url("/old.xml"))

    assert result.kind == "ok"
    assert result.final_url == feed_server.url(FEED)
    assert result.permanent_redirect == feed_server.url(FEED)


@pytest.mark.parametrize("statuses", [(302,), (307,), (301, 302)])
async def test_temporary_redirect_anywhere_in_the_chain_is_not_permanent(
    feed_server: FeedServer, fetcher: Fetcher, statuses: tuple[int, ...]
) -> None:
    hops = [f"/hop{i}.xml" for i in range(len(statuses))] + [FEED]
    for status, source, target in zip(statuses, hops, hops[1:], strict=False):
        feed_server.set_redirect(source, target, status=status)

    result = await fetcher.fetch(feed_server.url(hops[0]))

    assert result.kind == "ok"
    assert result.final_url == feed_server.url(FEED)
    assert result.permanent_redirect is None


async def test_redirect_loop_is_an_error(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set_redirect("/a.xml", "/b.xml")
    feed_server.set_redirect("/b.xml", "/a.xml")

    result = await fetcher.fetch(feed_server.url("/a.xml"))

    assert result.kind == "error"
    assert "redirect" in (result.error or "")
    assert feed_server.count() == fetcher.settings.max_redirects + 1


async def test_trickle_is_cut_at_the_total_deadline(feed_server: FeedServer) -> None:
    feed_server.set_trickle(FEED, bytes_per_second=5)  # each byte well within the read timeout
    async with Fetcher(FetchSettings(timeout=1.5)) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(feed_server.url(FEED))
        elapsed = time.monotonic() - started

    assert result.kind == "error"
    assert "timed out" in (result.error or "")
    assert 1.4 <= elapsed <= 2.5


async def test_gzip_bomb_is_aborted_fast_with_bounded_memory(feed_server: FeedServer) -> None:
    gzip_bomb()  # build the 1 GiB bomb before measuring
    feed_server.set_gzip_bomb("/bomb.xml")
    async with Fetcher(FetchSettings(max_bytes=10 * MiB)) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(feed_server.url("/bomb.xml"))
        elapsed = time.monotonic() - started
        tracemalloc.start()  # memory on a second fetch: tracing slows the first one down
        try:
            again = await fetcher.fetch(feed_server.url("/bomb.xml"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert result.kind == again.kind == "error"
    assert result.error == "decoded body exceeds the 10 MiB cap"
    assert elapsed < 1.0
    assert peak < 64 * MiB


async def test_endless_body_is_capped(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set_endless("/endless.xml")

    result = await fetcher.fetch(feed_server.url("/endless.xml"))

    assert result.kind == "error"
    assert result.error == "response body exceeds the 1 MiB cap"
    assert result.elapsed_ms < 3000


async def test_declared_oversized_body_is_refused(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.set_body("/big.xml", b" " * (2 * MiB))

    result = await fetcher.fetch(feed_server.url("/big.xml"))

    assert result.kind == "error"
    assert "exceeds" in (result.error or "")


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("gzip", lambda b: gzip.compress(b[:100]) + gzip.compress(b[100:])),  # two members
        ("deflate", zlib.compress),  # zlib-wrapped, as RFC 9110 says
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
    ],
)
async def test_compressed_bodies_are_decoded(
    feed_server: FeedServer, fetcher: Fetcher, encoding: str, encode: object
) -> None:
    assert callable(encode)
    feed_server.set_body("/z.xml", encode(SMALL_FEED), headers={"Content-Encoding": encoding})

    result = await fetcher.fetch(feed_server.url("/z.xml"))

    assert result.kind == "ok"
    assert result.body == SMALL_FEED


async def test_unsupported_or_corrupt_encoding_is_an_error(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.set_body("/br.xml", b"\x0b\x02\x80", headers={"Content-Encoding": "br"})
    feed_server.set_body("/bad.xml", b"not gzip at all", headers={"Content-Encoding": "gzip"})

    brotli = await fetcher.fetch(feed_server.url("/br.xml"))
    corrupt = await fetcher.fetch(feed_server.url("/bad.xml"))

    assert brotli.kind == corrupt.kind == "error"
    assert "Content-Encoding" in (brotli.error or "")
    assert "corrupt gzip" in (corrupt.error or "")


async def test_polite_headers_and_no_cookies(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set_body("/c.xml", SMALL_FEED, headers={"Set-Cookie": "track=1; Path=/"})

    await fetcher.fetch(feed_server.url("/c.xml"))
    await fetcher.fetch(feed_server.url("/c.xml"))

    first, second = feed_server.requests
    assert first.headers["user-agent"] == "newswatch-test/1.0"
    assert first.headers["accept-encoding"] == "gzip, deflate"
    assert "cookie" not in second.headers
    assert "referer" not in second.headers


async def test_per_host_limit_caps_concurrent_requests(feed_server: FeedServer) -> None:
    feed_server.set_trickle("/slow.xml", bytes_per_second=40, body=b"<rss></rss>")
    async with Fetcher(FetchSettings(per_host=2)) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(feed_server.url(f"/slow.xml?n={i}")) for i in range(5))
        )

    assert [r.kind for r in results] == ["ok"] * 5
    assert feed_server.max_in_flight == 2


async def test_connection_refused_is_an_error(fetcher: Fetcher) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and is closed now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")

    assert (result.kind, result.status) == ("error", None)
    assert "cannot connect" in (result.error or "")


async def test_connection_reset_is_an_error(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.set_reset(FEED)

    result = await fetcher.fetch(feed_server.url(FEED))

    assert (result.kind, result.status) == ("error", None)
    assert result.error


@pytest.mark.parametrize("url", ["not a url", "ftp://127.0.0.1/feed.xml", "http://[::1/"])
async def test_unusable_urls_are_errors_not_exceptions(fetcher: Fetcher, url: str) -> None:
    result = await fetcher.fetch(url)

    assert result.kind == "error"
    assert "URL" in (result.error or "")
