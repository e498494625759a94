"""Node liveness: a dead node's feed leases and outbox rows are taken over at once, a
living node's never."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

from sqlalchemy import update

from tests.watcher.conftest_db import (
    T0,
    add_feeds,
    add_item,
    add_match,
    digest,
    feed_id,
    feed_row,
)
from watcher.delivery import claim_due_deliveries
from watcher.digests import claim_window, ensure_digest_states
from watcher.feeds import claim_due_feeds
from watcher.nodes import NODE_TIMEOUT, beat, leave, local_scope, reap_dead_nodes
from watcher.status import health
from watcher.storage import Database
from watcher.tables import Delivery, Node

A, B = "https://a.example/rss.xml", "https://b.example/rss.xml"
SECOND = timedelta(seconds=1)


def dead_pid() -> int:
    """The pid of a process that has already exited."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def set_node(db: Database, node_id: str, **values: object) -> None:
    with db.transaction() as session:
        session.execute(update(Node).where(Node.node_id == node_id).values(**values))


def claimed(db: Database, owner: str, now: datetime = T0) -> list[str]:
    return [c.url for c in claim_due_feeds(db, owner, 10, now)]


def outbox_row(db: Database) -> int:
    """One pending outbox row (a claimed window with one matched item)."""
    morning = digest()
    ensure_digest_states(db, [morning], T0 - timedelta(days=1))
    add_match(db, add_item(db, feed_id(db, A), "Envoy leaves"), "envoy", T0 - SECOND)
    window = claim_window(db, morning, {"envoy"}, T0, force=True)
    assert window is not None
    return window


def test_a_node_that_left_cleanly_frees_its_feeds_and_outbox_rows(database: Database) -> None:
    add_feeds(database, A, B)
    outbox_row(database)
    beat(database, "one", T0)
    assert claimed(database, "one") == [A, B]
    assert len(claim_due_deliveries(database, "one", 10, T0)) == 1
    leave(database, "one")
    beat(database, "two", T0)
    assert claimed(database, "two") == [A, B]
    assert len(claim_due_deliveries(database, "two", 10, T0)) == 1


def test_a_stale_heartbeat_frees_the_leases_long_before_they_expire(database: Database) -> None:
    add_feeds(database, A)
    outbox_row(database)
    beat(database, "one", T0)
    claimed(database, "one")
    claim_due_deliveries(database, "one", 10, T0)
    set_node(database, "one", scope="another machine")  # its pid means nothing here
    beat(database, "two", T0 + NODE_TIMEOUT)
    assert reap_dead_nodes(database, "two", T0 + NODE_TIMEOUT) == []  # not yet stale
    assert claimed(database, "two", T0 + NODE_TIMEOUT) == []

    later = T0 + NODE_TIMEOUT + SECOND
    assert reap_dead_nodes(database, "two", later) == ["one"]
    assert claimed(database, "two", later) == [A]
    assert len(claim_due_deliveries(database, "two", 10, later)) == 1


def test_a_dead_process_on_this_host_is_reaped_at_once(database: Database) -> None:
    add_feeds(database, A)
    beat(database, "crashed", T0)
    set_node(database, "crashed", pid=dead_pid())
    claimed(database, "crashed")
    beat(database, "restarted", T0 + SECOND)
    assert reap_dead_nodes(database, "restarted", T0 + SECOND) == ["crashed"]
    assert claimed(database, "restarted", T0 + SECOND) == [A]
    assert feed_row(database, feed_id(database, A)).lease_owner == "restarted"


def test_a_living_node_keeps_its_leases(database: Database) -> None:
    add_feeds(database, A)
    outbox_row(database)
    beat(database, "busy", T0)
    set_node(database, "busy", pid=os.getppid())  # alive, and not this process
    claimed(database, "busy")
    claim_due_deliveries(database, "busy", 10, T0)
    beat(database, "other", T0 + SECOND)
    assert reap_dead_nodes(database, "other", T0 + SECOND) == []
    assert claimed(database, "other", T0 + SECOND) == []
    assert claim_due_deliveries(database, "other", 10, T0 + SECOND) == []


def test_leases_of_an_owner_no_node_claims_are_freed(database: Database) -> None:
    """An older version's lease, or a node already reaped, holds nothing."""
    add_feeds(database, A)
    claimed(database, "ghost")  # never registered
    beat(database, "me", T0)
    reap_dead_nodes(database, "me", T0)
    assert claimed(database, "me") == [A]


def test_a_reaped_node_that_was_only_slow_registers_again(database: Database) -> None:
    beat(database, "slow", T0)
    set_node(database, "slow", scope="another machine")
    beat(database, "me", T0 + 2 * NODE_TIMEOUT)
    assert reap_dead_nodes(database, "me", T0 + 2 * NODE_TIMEOUT) == ["slow"]
    beat(database, "slow", T0 + 2 * NODE_TIMEOUT)
    with database.transaction() as session:
        node = session.get_one(Node, "slow")
        assert node.scope == local_scope()


def test_sent_rows_are_never_touched_by_reaping(database: Database) -> None:
    add_feeds(database, A)
    outbox_row(database)
    with database.transaction() as session:
        session.execute(update(Delivery).values(status="sent", locked_by="gone"))
    beat(database, "me", T0)
    reap_dead_nodes(database, "me", T0)
    with database.transaction() as session:
        row = session.query(Delivery).one()
        assert (row.status, row.locked_by) == ("sent", "gone")


def test_health_lists_the_registered_nodes(database: Database) -> None:
    beat(database, "alpha", T0)
    beat(database, "beta", T0 + SECOND)
    body = health(database, {})
    assert [n["node"] for n in body["nodes"]] == ["alpha", "beta"]
    assert body["nodes"][1]["heartbeat"] == "2025-01-10T12:00:01Z"
