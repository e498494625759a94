"""Several processes writing one SQLite database (a CLI run beside the service, say):
every read-modify-write transaction succeeds, none fails with "database is locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from watcher.feeds import sync_feeds
from watcher.settings import FeedConfig
from watcher.storage import Database, utcnow
from watcher.tables import Feed

WRITER = """
import sys
from watcher.storage import Database
from watcher.tables import Feed
db = Database(sys.argv[1])
for _ in range(int(sys.argv[2])):
    with db.transaction() as session:
        feed = session.get(Feed, 1)
        feed.error_count = feed.error_count + 1   # read, then write: the risky pattern
"""


def test_four_writer_processes_never_hit_a_locked_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    db = Database(url)
    db.upgrade()
    sync_feeds(db, [FeedConfig(url="https://example.org/rss.xml")], utcnow())
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, "150"], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    errors = [w.communicate(timeout=120)[1].decode() for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0, 0], errors
    with db.transaction() as session:
        assert session.scalar(select(Feed.error_count)) == 600, "no update was lost"
