"""The status server: `/healthz` (JSON) and `/metrics` (Prometheus text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from watcher.delivery import outbox_counts
from watcher.nodes import registered_nodes
from watcher.storage import Database
from watcher.tables import ChannelState, Feed


def health(db: Database, extra: dict[str, Any]) -> dict[str, Any]:
    """The health document: feeds, last poll, outbox backlog, config state."""
    with db.transaction() as session:
        feeds = session.scalars(select(Feed).where(Feed.active.is_(True))).all()
        last_poll = session.scalar(select(func.max(Feed.last_polled_at)))
        retired = session.scalars(select(ChannelState.channel_key)).all()
    outbox = outbox_counts(db)
    failing = [f for f in feeds if f.error_count and not f.disabled]
    problems = [f"{f.url}: {f.last_error}" for f in failing]
    problems += [f"{f.url}: disabled ({f.last_error})" for f in feeds if f.disabled]
    if outbox.get("dead"):
        problems.append(f"{outbox['dead']} deliveries are dead (retries exhausted)")
    if extra.get("config_error"):
        problems.append("config reload failed; the last good config is running")
    body = {
        "ok": not extra.get("config_error")
        and not outbox.get("dead")
        and not any(f.disabled for f in feeds),
        "problems": problems,
        "feeds": {
            "total": len(feeds),
            "ok": sum(1 for f in feeds if f.last_status in ("ok", "not_modified")),
            "failing": len(failing),
            "disabled": sum(1 for f in feeds if f.disabled),
            "never_polled": sum(1 for f in feeds if f.last_polled_at is None),
        },
        "last_poll": last_poll.isoformat() + "Z" if last_poll else None,
        "outbox": {
            "pending": outbox.get("pending", 0),
            "sent": outbox.get("sent", 0),
            "dead": outbox.get("dead", 0),
        },
        "channels_retired": list(retired),
        "nodes": registered_nodes(db),
    }
    body.update(extra)
    return body


def make_app(db: Database, extra: Callable[[], dict[str, Any]]) -> Starlette:
    """The ASGI app; `extra` adds the live service's fields (node, config state)."""

    async def healthz(_: Request) -> JSONResponse:
        from anyio import to_thread

        body = await to_thread.run_sync(health, db, extra())
        return JSONResponse(body)  # 200 while the service runs; `ok` tells its state

    async def metrics(_: Request) -> Response:
        from anyio import to_thread

        body = await to_thread.run_sync(health, db, extra())
        registry = CollectorRegistry()
        feeds = Gauge("newswatch_feeds", "Feeds by state", ["state"], registry=registry)
        for state in ("total", "ok", "failing", "disabled"):
            feeds.labels(state).set(body["feeds"][state])
        outbox = Gauge("newswatch_outbox", "Outbox rows by status", ["status"], registry=registry)
        for status, count in body["outbox"].items():
            outbox.labels(status).set(count)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/healthz", healthz), Route("/metrics", metrics)])
