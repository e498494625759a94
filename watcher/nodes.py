"""Which newswatch processes are alive, so that a dead one's work is taken over at once.

Every process that claims work (the service, `newswatch once`, `digest send`) registers a
node and beats while it runs. A node is dead when its heartbeat is older than
`NODE_TIMEOUT`, or, on this very host and process namespace, when its process is gone:
a crash followed by a restart on one machine recovers without waiting. Reaping a dead
node frees the feed leases and outbox rows it held; lease expiry stays as the backstop.
Leases held by an owner with no node row (an older version, a reaped node) are freed too.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import structlog
from sqlalchemy import ColumnElement, Exists, and_, delete, exists, select, update

from watcher.storage import Database, utcnow
from watcher.tables import Delivery, Feed, Node

log = structlog.get_logger("newswatch")
HEARTBEAT_SECONDS = 5.0
NODE_TIMEOUT = timedelta(seconds=30)


def new_node_id(kind: str = "run") -> str:
    """A name unique to this process (host, pid, and a nonce for pid reuse)."""
    return f"{socket.gethostname()}:{os.getpid()}:{kind}:{secrets.token_hex(3)}"


@cache
def local_scope() -> str:
    """Host name, kernel boot and pid namespace: processes with the same scope can see
    each other's pids, so a missing pid there means a dead process."""
    parts = [socket.gethostname()]
    with suppress(OSError):
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
    with suppress(OSError):
        parts.append(os.readlink("/proc/self/ns/pid"))
    return "|".join(parts)[:255]


def beat(db: Database, node_id: str, now: datetime | None = None) -> None:
    """Register `node_id` or renew its heartbeat (re-registering if it was reaped)."""
    now = now or utcnow()
    with db.transaction() as session:
        node = session.get(Node, node_id)
        if node is None:
            session.add(
                Node(
                    node_id=node_id,
                    scope=local_scope(),
                    pid=os.getpid(),
                    started_at=now,
                    heartbeat_at=now,
                )
            )
        else:
            node.heartbeat_at = now


def registered_nodes(db: Database) -> list[dict[str, str]]:
    """The registered nodes and their last heartbeat, for /healthz."""
    with db.transaction() as session:
        nodes = session.scalars(select(Node).order_by(Node.started_at)).all()
        return [
            {
                "node": n.node_id,
                "started": n.started_at.isoformat() + "Z",
                "heartbeat": n.heartbeat_at.isoformat() + "Z",
            }
            for n in nodes
        ]


def reap_dead_nodes(db: Database, me: str, now: datetime | None = None) -> list[str]:
    """Free everything held by dead nodes (and by owners no node claims); returns the
    dead node ids."""
    now = now or utcnow()
    with db.transaction() as session:
        nodes = session.scalars(select(Node).where(Node.node_id != me)).all()
        dead = [n.node_id for n in nodes if _is_dead(n, now)]
        if dead:
            session.execute(delete(Node).where(Node.node_id.in_(dead)))
        # Owners are checked in the statement itself, not against the list read above: a
        # node registers (and commits) before it claims anything, so a lease visible to
        # the statement has its owner's row visible too, however recent both are.
        freed_feeds = session.execute(
            update(Feed)
            .where(
                Feed.lease_owner.is_not(None),
                Feed.lease_owner != me,
                ~_registered(Feed.lease_owner),
            )
            .values(lease_owner=None, lease_until=None)
        ).rowcount
        freed_rows = session.execute(
            update(Delivery)
            .where(
                Delivery.status == "pending",
                Delivery.locked_by.is_not(None),
                Delivery.locked_by != me,
                ~_registered(Delivery.locked_by),
            )
            .values(locked_by=None, locked_until=None)
        ).rowcount
    if dead or freed_feeds or freed_rows:
        log.warning("node.reaped", dead=dead, feeds_freed=freed_feeds, deliveries_freed=freed_rows)
    return dead


def leave(db: Database, node_id: str) -> None:
    """Clean exit: give back this node's leases and remove it, so others go on at once."""
    with db.transaction() as session:
        session.execute(
            update(Feed)
            .where(Feed.lease_owner == node_id)
            .values(lease_owner=None, lease_until=None)
        )
        session.execute(
            update(Delivery)
            .where(and_(Delivery.locked_by == node_id, Delivery.status == "pending"))
            .values(locked_by=None, locked_until=None)
        )
        session.execute(delete(Node).where(Node.node_id == node_id))


@asynccontextmanager
async def alive(db: Database, node_id: str) -> AsyncIterator[None]:
    """Be a registered node for the duration: beat and reap in the background, leave on
    exit. A failing beat is logged and retried; it never ends the block."""
    await asyncio.to_thread(_beat_and_reap, db, node_id)
    task = asyncio.create_task(_keep_beating(db, node_id))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await asyncio.to_thread(leave, db, node_id)


async def _keep_beating(db: Database, node_id: str) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await asyncio.to_thread(_beat_and_reap, db, node_id)
        except Exception:
            log.exception("node.heartbeat_failed", node=node_id)


def _beat_and_reap(db: Database, node_id: str) -> None:
    now = utcnow()
    beat(db, node_id, now)
    reap_dead_nodes(db, node_id, now)


def _registered(owner: ColumnElement[str | None]) -> Exists:
    return exists().where(Node.node_id == owner)


def _is_dead(node: Node, now: datetime) -> bool:
    if node.heartbeat_at < now - NODE_TIMEOUT:
        return True
    if os.name != "posix" or node.scope != local_scope():
        return False
    if node.pid == os.getpid():
        return True  # our pid, another node id: a previous life of this process slot
    return not _pid_exists(node.pid)


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user
        return True
    return True
