"""Tables for the CLI: feed health."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from watcher.config import Config
from watcher.storage import Database
from watcher.tables import Feed, Item


def feed_table(config: Config) -> str:
    """One line per configured feed: status, errors, items, last and next poll."""
    db = Database(config.database)
    db.upgrade()
    with db.transaction() as session:
        rows = {f.url: f for f in session.scalars(select(Feed))}
        counts = dict(
            session.execute(select(Item.feed_id, func.count()).group_by(Item.feed_id)).all()
        )
    db.dispose()
    lines = [f"{'STATUS':<13} {'ERR':>3} {'ITEMS':>5} {'LAST POLL':<16} {'NEXT POLL':<16} FEED"]
    for cfg in config.feeds:
        row = rows.get(cfg.url)
        if row is None:
            lines.append(f"{'new':<13} {0:>3} {0:>5} {'-':<16} {'-':<16} {cfg.name or cfg.url}")
            continue
        status = "disabled" if row.disabled else (row.last_status or "never polled")
        lines.append(
            f"{status:<13} {row.error_count:>3} {counts.get(row.id, 0):>5} "
            f"{_when(row.last_polled_at):<16} {_when(row.next_check_at):<16} "
            f"{cfg.name or row.title or cfg.url}"
        )
        if row.last_error:
            lines.append(f"{'':<13} {'':>3} {'':>5} {'':<16} {'':<16}   └ {row.last_error[:160]}")
    return "\n".join(lines)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"
