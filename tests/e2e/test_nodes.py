"""Two nodes on one PostgreSQL database: they share the work without sending anything
twice, and when one is killed the other takes over its feeds and outbox rows at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.service import (
    ServiceProcess,
    alerts_config,
    wait_until,
    webhook_ids_by_url,
    write_config,
)
from tests.e2e.test_service import FEED_FILES, RULES, SECRET, expected_urls
from tests.receivers import WebhookReceiver
from tests.servers import FEEDS_DIR, FeedServer

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_two_nodes_share_the_work_and_survive_one_being_killed(
    tmp_path: Path, pg_database_url: str
) -> None:
    with FeedServer(FEEDS_DIR / "wave1") as feeds, WebhookReceiver(secret=SECRET) as hook:
        urls = [feeds.url(f"/{name}") for name in FEED_FILES]
        channels = [{"webhook": {"url": hook.url, "secret": SECRET}}]
        config = alerts_config(tmp_path, urls, RULES, channels)
        config["database"] = pg_database_url
        path = write_config(tmp_path / "nw.yaml", config)
        delivered = lambda: set(webhook_ids_by_url(hook))  # noqa: E731

        with ServiceProcess(path) as survivor, ServiceProcess(path) as doomed:
            wait_until(lambda: len(survivor.health()["nodes"]) == 2, 15, "both nodes registered")
            wait_until(lambda: expected_urls(1) <= delivered(), 30, "wave 1")
            wait_until(
                lambda: survivor.events("feed.polled") and doomed.events("feed.polled"),
                15,
                "both nodes polling",
            )

            feeds.serve_dir(FEEDS_DIR / "wave2")
            seen = len(doomed.events("feed.polled"))
            wait_until(lambda: len(doomed.events("feed.polled")) > seen, 10, "wave 2 polling")
            doomed.kill()  # in the middle of its polling round, usually holding leases
            wait_until(lambda: len(survivor.health()["nodes"]) == 1, 15, "the dead node reaped")
            wait_until(lambda: expected_urls(2) <= delivered(), 30, "wave 2 after the kill")

            feeds.serve_dir(FEEDS_DIR / "wave3")
            with ServiceProcess(path):  # a replacement joins
                wait_until(lambda: expected_urls(3) <= delivered(), 30, "wave 3")
                wait_until(lambda: survivor.health()["outbox"]["pending"] == 0, 20, "empty outbox")

    found = webhook_ids_by_url(hook)
    assert set(found) == expected_urls(3), "nothing lost, nothing extra"
    assert not {url: ids for url, ids in found.items() if len(ids) > 1}, (
        "no story went out in two different deliveries"
    )
