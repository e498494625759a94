"""The long-running service: APScheduler ticks that poll, digest, deliver and reload.

The scheduler keeps no state of its own: each tick reads what is due from the database,
so a restart (or a second node) picks up exactly where things stood. Every job is set
deliberately: coalesce, one instance, no misfire grace limit (HARDENING S1), and every
tick catches its own errors so nothing escapes into APScheduler.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import structlog
import uvicorn
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from watcher.config import LoadedConfig, load_config
from watcher.delivery import claim_due_deliveries, send_delivery
from watcher.digests import claim_window, ensure_digest_states
from watcher.errors import ConfigError, ServiceError
from watcher.feeds import claim_due_feeds, sync_feeds
from watcher.fetch import Fetcher
from watcher.matching import RuleSet
from watcher.nodes import alive, new_node_id
from watcher.pipeline import PollContext, fetch_settings, poll_feed
from watcher.status import make_app
from watcher.storage import Database, utcnow

log = structlog.get_logger("newswatch")
TICK_SECONDS = 1.0
RELOAD_SECONDS = 2.0
DELIVERY_BATCH = 20
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


class Service:
    """One node of newswatch; `run()` returns when `stop()` is called."""

    def __init__(self, loaded: LoadedConfig) -> None:
        self.loaded = loaded
        self.node_id = new_node_id()
        self.db = Database(loaded.config.database)
        self.ruleset = RuleSet.compile(loaded.config.rules)
        self.fetcher = Fetcher(fetch_settings(loaded.config.poll))
        self.http = httpx.AsyncClient(follow_redirects=False, trust_env=False)
        self.config_error: str | None = None
        self.in_flight: dict[int, asyncio.Task[Any]] = {}
        self._stopping = asyncio.Event()
        self.status_url: str | None = None

    @property
    def config(self):  # type: ignore[no-untyped-def]
        return self.loaded.config

    async def run(self) -> None:
        """Migrate, start the ticks and the status server, and run until stopped."""
        await asyncio.to_thread(self._prepare)
        async with alive(self.db, self.node_id):
            await self._serve()
        await self.fetcher.aclose()
        await self.http.aclose()
        log.info("service.stopped", node=self.node_id)

    async def _serve(self) -> None:
        scheduler = AsyncIOScheduler(job_defaults=JOB_DEFAULTS, timezone="UTC")
        scheduler.add_listener(self._on_lost_run, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        scheduler.add_job(self.poll_tick, "interval", seconds=TICK_SECONDS, id="poll")
        scheduler.add_job(self.digest_tick, "interval", seconds=TICK_SECONDS, id="digest")
        scheduler.add_job(self.delivery_tick, "interval", seconds=TICK_SECONDS, id="deliver")
        scheduler.add_job(self.reload_tick, "interval", seconds=RELOAD_SECONDS, id="reload")
        server = _StatusServer(
            uvicorn.Config(
                make_app(self.db, self._health_extra),
                host=self.config.status.host,
                port=self.config.status.port,
                log_level="warning",
                lifespan="off",
            )
        )
        listener = _bind(self.config.status.host, self.config.status.port)
        server_task = asyncio.create_task(server.serve(sockets=[listener]))
        scheduler.start()
        await server.started_event.wait()
        self.status_url = server.url
        log.info(
            "service.started",
            node=self.node_id,
            status_url=self.status_url,
            feeds=len(self.config.feeds),
            rules=len(self.config.rules),
        )
        await self._stopping.wait()
        scheduler.shutdown(wait=False)
        await self._drain()
        server.should_exit = True
        await server_task

    def stop(self) -> None:
        self._stopping.set()

    def _prepare(self) -> None:
        self.db.upgrade()
        now = utcnow()
        sync_feeds(self.db, self.config.feeds, now)
        ensure_digest_states(self.db, self.config.digests, now)

    async def _drain(self) -> None:
        for task in self.in_flight.values():
            task.cancel()
        await asyncio.gather(*self.in_flight.values(), return_exceptions=True)

    async def poll_tick(self) -> None:
        """Claim due feeds up to the free concurrency and poll each in its own task."""
        try:
            free = self.config.poll.concurrency - len(self.in_flight)
            claimed = await asyncio.to_thread(
                claim_due_feeds, self.db, self.node_id, free, utcnow(), set(self.in_flight)
            )
            ctx = PollContext(self.db, self.fetcher, self.config, self.ruleset)
            for feed in claimed:
                task = asyncio.create_task(poll_feed(ctx, feed))
                self.in_flight[feed.id] = task
                task.add_done_callback(lambda _t, fid=feed.id: self.in_flight.pop(fid, None))
        except Exception:
            log.exception("tick.failed", tick="poll")

    async def digest_tick(self) -> None:
        """Claim every due digest window (the claim writes the outbox)."""
        rule_ids = set(self.ruleset.scopes)
        for digest in self.config.digests:
            try:
                window = await asyncio.to_thread(claim_window, self.db, digest, rule_ids)
                if window is not None:
                    log.info("digest.claimed", digest_id=digest.id, window_id=window)
            except Exception:
                log.exception("tick.failed", tick="digest", digest_id=digest.id)

    async def delivery_tick(self) -> None:
        """Send due outbox rows."""
        try:
            claimed = await asyncio.to_thread(
                claim_due_deliveries, self.db, self.node_id, DELIVERY_BATCH
            )
            await asyncio.gather(
                *(send_delivery(self.db, self.config, self.http, c) for c in claimed)
            )
        except Exception:
            log.exception("tick.failed", tick="deliver")

    async def reload_tick(self) -> None:
        """Reload the config file when it changes; a broken edit keeps the old config."""
        try:
            mtime = await asyncio.to_thread(lambda: self.loaded.path.stat().st_mtime_ns)
        except OSError:
            return
        if mtime == self.loaded.mtime_ns:
            return
        try:
            loaded = await asyncio.to_thread(load_config, self.loaded.path)
            ruleset = await asyncio.to_thread(RuleSet.compile, loaded.config.rules)
        except ConfigError as exc:
            self.loaded.mtime_ns = mtime  # report once per edit
            self.config_error = str(exc)
            log.error("config.invalid", errors=str(exc).splitlines())
            return
        await asyncio.to_thread(self._apply, loaded)
        self.loaded, self.ruleset, self.config_error = loaded, ruleset, None
        log.info("config.reloaded", feeds=len(loaded.config.feeds), rules=len(loaded.config.rules))

    def _apply(self, loaded: LoadedConfig) -> None:
        now = utcnow()
        sync_feeds(self.db, loaded.config.feeds, now)
        ensure_digest_states(self.db, loaded.config.digests, now)
        for section in ("database", "status", "poll"):
            if getattr(loaded.config, section) != getattr(self.config, section):
                log.warning("config.needs_restart", section=section)

    def _health_extra(self) -> dict[str, Any]:
        return {
            "node": self.node_id,
            "config": str(self.loaded.path),
            "config_error": self.config_error,
            "in_flight": len(self.in_flight),
        }

    def _on_lost_run(self, event: JobExecutionEvent) -> None:
        log.warning("scheduler.run_lost", job=event.job_id, code=event.code)


def _bind(host: str, port: int) -> socket.socket:
    """Bind the status port ourselves, so a port in use is a clear error at start."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServiceError(f"status.listen {host}:{port}: {exc.strerror}") from exc
    sock.listen(128)
    return sock


class _StatusServer(uvicorn.Server):
    """uvicorn without its own signal handling (the service owns SIGTERM/SIGINT)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.started_event = asyncio.Event()
        self.url: str | None = None

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        pass

    def capture_signals(self):  # type: ignore[no-untyped-def]  # uvicorn >= 0.29
        import contextlib

        return contextlib.nullcontext()

    async def startup(self, sockets=None) -> None:  # type: ignore[no-untyped-def]
        await super().startup(sockets)
        host, port = self.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        self.started_event.set()
