"""End to end: real feed server, SMTP server and webhook receiver; `newswatch run` as a
subprocess; the dev corpus served wave by wave. Every item the test's rules match must
arrive exactly once, correctly signed, and nothing else."""

from __future__ import annotations

import base64
import json
import socket
import time
from pathlib import Path

import pytest

from rules import Document, compile_rules
from tests.e2e.service import ServiceProcess, alerts_config, wait_until, write_config
from tests.receivers import SmtpSink, WebhookReceiver
from tests.servers import FEEDS_DIR, FeedServer

pytestmark = pytest.mark.e2e

ITEMS = Path(__file__).parents[1] / "data" / "corpus" / "items.jsonl"
FEED_FILES = sorted(p.name for p in FEEDS_DIR.iterdir() if p.is_file())
SECRET = "whsec_" + base64.b64encode(b"newswatch-e2e-secret-0123456789").decode()
RULES = [
    {"id": "jo", "query": '"Jo Song Gil" OR "Cho Song Gil" OR "Jo Seong Gil" OR 조성길'},
    {
        "id": "defection",
        "query": "(defect* OR asylum OR 망명 OR diserto*) AND "
        "(diplomat* OR embassy OR ambasciat* OR 외교관 OR 대사관)",
    },
]


def expected_urls(max_wave: int) -> set[str]:
    """What the reference evaluator says these rules match, up to a wave."""
    matcher = compile_rules(RULES)
    urls = set()
    for line in ITEMS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["wave"] <= max_wave and matcher.match(
            Document(title=item["title"], summary=item["summary"])
        ):
            urls.add(item["url"])
    return urls


def delivered_urls(receiver: WebhookReceiver) -> list[str]:
    """Every item URL in every webhook body, with syndicated copies (`also`) counted."""
    urls = []
    for request in receiver.requests:
        for item in json.loads(request.body)["items"]:
            urls.append(item["url"])
            urls.extend(a["url"] for a in item["also"])
    return urls


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_config(
    tmp_path: Path,
    feeds: FeedServer,
    hook: WebhookReceiver,
    smtp: SmtpSink,
    extra_feeds: tuple[str, ...] = (),
) -> Path:
    """Every dev feed (plus extras: paths on the feed server, or full URLs) to three
    channels at once: a signed webhook, email and files."""
    urls = [u if u.startswith("http") else feeds.url(f"/{u}") for u in [*FEED_FILES, *extra_feeds]]
    channels = [
        {"webhook": {"url": hook.url, "secret": SECRET}},
        {"email": {"to": ["analyst@example.org"]}},
        {"file": {"dir": str(tmp_path / "digests")}},
    ]
    smtp_section = {
        "host": smtp.host,
        "port": smtp.port,
        "starttls": False,
        "from": "newswatch <nw@example.org>",
    }
    return write_config(
        tmp_path / "newswatch.yaml",
        alerts_config(tmp_path, urls, RULES, channels, smtp=smtp_section),
    )


@pytest.fixture
def servers(tmp_path: Path):  # type: ignore[no-untyped-def]
    with (
        FeedServer(FEEDS_DIR / "wave1") as feeds,
        WebhookReceiver(secret=SECRET) as hook,
        SmtpSink() as smtp,
    ):
        yield feeds, hook, smtp


def test_every_matching_item_arrives_once_signed_wave_by_wave(tmp_path: Path, servers) -> None:  # type: ignore[no-untyped-def]
    feeds, hook, smtp = servers
    feeds.set_broken("/broken.xml")
    feeds.set_status("/missing.xml", 404)
    unreachable = f"http://127.0.0.1:{closed_port()}/feed.xml"  # connection refused
    config = service_config(tmp_path, feeds, hook, smtp, ["broken.xml", "missing.xml", unreachable])
    latencies = []
    with ServiceProcess(config) as service:
        for wave in (1, 2, 3):
            if wave > 1:
                feeds.serve_dir(FEEDS_DIR / f"wave{wave}")
            changed_at = time.monotonic()
            want = expected_urls(wave)
            wait_until(
                lambda want=want: want <= set(delivered_urls(hook)), 30, f"wave {wave} items"
            )
            latencies.append(time.monotonic() - changed_at)
        # One more full poll round and batch window: nothing else may arrive.
        seen = feeds.count()
        wait_until(lambda: feeds.count() >= seen + len(FEED_FILES) + 2, 10, "another poll round")
        wait_until(lambda: service.health()["outbox"]["pending"] == 0, 10, "an empty outbox")
        health = service.health()
        assert service.stop() == 0, "SIGTERM stops the service cleanly"
        assert service.events("service.stopped")

    urls = delivered_urls(hook)
    assert sorted(urls) == sorted(expected_urls(3)), "each matching item exactly once"
    assert all(r.verified for r in hook.requests), "every webhook signature verifies"
    ids = [r.headers["webhook-id"] for r in hook.requests]
    assert len(ids) == len(set(ids))
    assert len(smtp.messages) == len(hook.requests), "the email channel got every digest too"
    assert len(list((tmp_path / "digests").glob("*.json"))) == len(hook.requests)
    assert health["feeds"]["failing"] == 3, "broken, missing and unreachable feeds are reported"
    print(f"\nfeed change → webhook latency per wave (s): {[round(x, 2) for x in latencies]}")


def test_restart_after_kill_sends_nothing_twice(tmp_path: Path, servers) -> None:  # type: ignore[no-untyped-def]
    feeds, hook, smtp = servers
    config = service_config(tmp_path, feeds, hook, smtp)
    with ServiceProcess(config) as service:
        wait_until(lambda: expected_urls(1) <= set(delivered_urls(hook)), 30, "wave 1")
        wait_until(lambda: service.health()["outbox"]["pending"] == 0, 10, "an empty outbox")
        service.kill()
    first_run = len(hook.requests)
    with ServiceProcess(config) as service:
        # The restarted node polls everything again (the feeds did not change) ...
        seen = feeds.count()
        wait_until(lambda: feeds.count() >= seen + 2 * len(FEED_FILES), 15, "two poll rounds")
        assert len(hook.requests) == first_run, "nothing is sent again after a restart"
        # ... and still sends what is new.
        feeds.serve_dir(FEEDS_DIR / "wave2")
        wait_until(lambda: expected_urls(2) <= set(delivered_urls(hook)), 30, "wave 2")
    assert sorted(delivered_urls(hook)) == sorted(expected_urls(2))
