"""`newswatch backtest`: rerun the current rules over stored items and compare.

Shows what the current rules would have sent that was not sent (gained), and what was
sent that they would no longer send (lost): the way to check a rule edit against the
news already seen before it goes live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from watcher.config import Config
from watcher.matching import RuleSet, document_for
from watcher.storage import Database, utcnow
from watcher.tables import Feed, Item, MatchRow

BATCH = 500


@dataclass
class BacktestReport:
    """Per rule: items matched now but not then (gained) and then but not now (lost)."""

    items: int = 0
    gained: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    lost: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"{self.items} stored items rechecked"]
        for rule_id in sorted(set(self.gained) | set(self.lost) | set(self.unchanged)):
            gained, lost = self.gained.get(rule_id, []), self.lost.get(rule_id, [])
            out.append(
                f"rule {rule_id}: {self.unchanged.get(rule_id, 0)} unchanged, "
                f"+{len(gained)} would now be sent, -{len(lost)} would no longer be sent"
            )
            out += [f"  + [{item_id}] {title}" for item_id, title in gained]
            out += [f"  - [{item_id}] {title}" for item_id, title in lost]
        return out


def backtest(
    config: Config,
    since: timedelta | None,
    progress: Callable[[int], None] | None = None,
) -> BacktestReport:
    """Match every item first seen within `since` (all if None) with the current rules."""
    db = Database(config.database)
    db.upgrade()
    ruleset = RuleSet.compile(config.rules)
    feeds_by_url = {f.url: f for f in config.feeds}
    report = BacktestReport()
    with db.transaction() as session:
        feeds = {f.id: f for f in session.scalars(select(Feed))}
        query = select(Item).order_by(Item.id)
        if since is not None:
            query = query.where(Item.first_seen_at >= utcnow() - since)
        for items in _batches(session.scalars(query.execution_options(yield_per=BATCH))):
            before = _stored_matches(session, [i.id for i in items])
            for item in items:
                feed = feeds[item.feed_id]
                cfg = feeds_by_url.get(feed.url)
                source = (cfg.name if cfg else None) or feed.display_name
                now = {
                    m.rule_id
                    for m in ruleset.matcher.match(document_for(item, source))
                    if ruleset.applies(m.rule_id, cfg)
                }
                _compare(report, item, before.get(item.id, set()), now, set(ruleset.scopes))
            report.items += len(items)
            if progress:
                progress(len(items))
    db.dispose()
    return report


def _compare(
    report: BacktestReport, item: Item, then: set[str], now: set[str], rule_ids: set[str]
) -> None:
    for rule_id in now - then:
        report.gained.setdefault(rule_id, []).append((item.id, item.title))
    for rule_id in (then - now) & rule_ids:
        report.lost.setdefault(rule_id, []).append((item.id, item.title))
    for rule_id in then & now:
        report.unchanged[rule_id] = report.unchanged.get(rule_id, 0) + 1


def _stored_matches(session, item_ids: list[int]) -> dict[int, set[str]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(MatchRow.item_id, MatchRow.rule_id).where(MatchRow.item_id.in_(item_ids))
    )
    found: dict[int, set[str]] = {}
    for item_id, rule_id in rows:
        found.setdefault(item_id, set()).add(rule_id)
    return found


def _batches(items: Iterable[Item]) -> Iterable[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
