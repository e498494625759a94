"""Live config reload: a broken edit keeps the old config running; a good one applies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.service import ServiceProcess, alerts_config, wait_until, write_config
from tests.e2e.test_service import FEED_FILES, RULES
from tests.receivers import WebhookReceiver
from tests.servers import FEEDS_DIR, FeedServer

pytestmark = pytest.mark.e2e


def config(tmp_path: Path, feeds: FeedServer, hook: WebhookReceiver, rules: list) -> dict:  # type: ignore[type-arg]
    urls = [feeds.url(f"/{name}") for name in FEED_FILES]
    return alerts_config(tmp_path, urls, rules, [{"webhook": {"url": hook.url}}])


def rules_delivered(hook: WebhookReceiver) -> set[str]:
    return {
        rule
        for request in hook.requests
        for item in json.loads(request.body)["items"]
        for rule in item["rules"]
    }


def test_broken_edit_keeps_old_config_and_good_edit_applies(tmp_path: Path) -> None:
    jo_only, defection = RULES[0], RULES[1]
    with FeedServer(FEEDS_DIR / "wave2") as feeds, WebhookReceiver() as hook:
        path = write_config(tmp_path / "nw.yaml", config(tmp_path, feeds, hook, [jo_only]))
        with ServiceProcess(path) as service:
            wait_until(lambda: rules_delivered(hook) == {"jo"}, 30, "first matches")

            broken = path.read_text(encoding="utf-8").replace("query:", "query: (", 1)
            path.write_text(broken, encoding="utf-8")
            [event] = service.wait_for_event("config.invalid")
            assert any("rules[0].query: column" in line for line in event["errors"])
            health = service.health()
            assert health["ok"] is False
            assert "last good config" in " ".join(health["problems"])
            polled = feeds.count()
            wait_until(lambda: feeds.count() > polled + len(FEED_FILES), 10, "polling goes on")

            write_config(path, config(tmp_path, feeds, hook, [jo_only, defection]))
            service.wait_for_event("config.reloaded")
            assert service.health()["config_error"] is None
            feeds.serve_dir(FEEDS_DIR / "wave3")
            wait_until(lambda: "defection" in rules_delivered(hook), 30, "the new rule's matches")
