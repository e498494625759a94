"""`backtest`: the current rules over stored items, compared with what was matched."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.servers import FEEDS_DIR, FeedServer
from watcher.backtest import backtest
from watcher.config import Config
from watcher.oneshot import poll_once


def make_config(tmp_path: Path, server: FeedServer, rules: list[dict]) -> Config:  # type: ignore[type-arg]
    return Config.model_validate(
        {
            "database": f"sqlite:///{tmp_path / 'nw.db'}",
            "poll": {"backfill": "all"},
            "feeds": [{"url": server.url("/bluebay-times.xml"), "name": "Bluebay"}],
            "rules": rules,
        }
    )


def test_backtest_shows_gained_and_lost_matches(tmp_path: Path) -> None:
    with FeedServer(FEEDS_DIR) as server:
        before = make_config(tmp_path, server, [{"id": "jo", "query": '"Jo Song Gil"'}])
        reports = asyncio.run(poll_once(before))
    sent = {m["title"] for r in reports for m in r.matches}
    assert sent

    narrower = '"Jo Song Gil" AND Seoul'
    after = make_config(
        tmp_path,
        server,
        [{"id": "jo", "query": narrower}, {"id": "embassy", "query": "embassy"}],
    )
    report = backtest(after, since=None)

    lost = {title for _, title in report.lost.get("jo", [])}
    gained = {title for _, title in report.gained.get("embassy", [])}
    assert report.items >= len(sent)
    assert lost, "narrowing the rule drops some items that were sent"
    assert lost < sent
    assert report.unchanged.get("jo", 0) == len(sent) - len(lost)
    assert gained, "a new rule would have sent items"
    assert any(line.startswith("rule jo: ") for line in report.lines())
