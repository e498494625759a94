"""Fixtures for the fetch and parse tests: a live feed server and a fetcher."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.servers import FEEDS_DIR, FeedServer
from watcher.fetch import Fetcher, FetchSettings

WILD_DIR = Path(__file__).parents[1] / "data" / "feeds-wild"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A FeedServer on 127.0.0.1 serving the dev corpus feeds (tests/data/feeds)."""
    with FeedServer(FEEDS_DIR) as server:
        yield server


@pytest.fixture
def fetch_settings() -> FetchSettings:
    """Small limits so caps and deadlines trip quickly; tests may override this fixture."""
    return FetchSettings(timeout=5.0, max_bytes=1024 * 1024, user_agent="newswatch-test/1.0")


@pytest.fixture
async def fetcher(fetch_settings: FetchSettings) -> AsyncIterator[Fetcher]:
    async with Fetcher(fetch_settings) as fetcher:
        yield fetcher
