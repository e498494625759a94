"""Run `newswatch run` as a real subprocess and talk to it as an operator would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.receivers import WebhookReceiver

START_TIMEOUT = 30.0


def write_config(path: Path, config: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class ServiceProcess:
    """`newswatch --config PATH run` in a subprocess; stdout JSON log lines are collected."""

    def __init__(self, config_path: Path, env: dict[str, str] | None = None) -> None:
        self.config_path = config_path
        self.env = {**os.environ, **(env or {})}
        self.lines: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._started = threading.Event()
        self.status_url: str | None = None
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> ServiceProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "watcher.cli", "--config", str(self.config_path), "run"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            cwd=self.config_path.parent,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._started.wait(START_TIMEOUT):
            self.kill()
            raise AssertionError("service did not start:\n" + "\n".join(self.raw[-40:]))
        return self

    def _read(self) -> None:
        assert self.proc
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.raw.append(line.rstrip("\n"))
            try:
                event = json.loads(line)
            except ValueError:
                continue
            self.lines.append(event)
            if event.get("event") == "service.started":
                self.status_url = event["status_url"]
                self._started.set()
        self.proc.stdout.close()

    def health(self) -> dict[str, Any]:
        assert self.status_url
        return httpx.get(self.status_url + "/healthz", timeout=5).json()

    def events(self, name: str) -> list[dict[str, Any]]:
        return [e for e in list(self.lines) if e.get("event") == name]

    def wait_for_event(self, name: str, count: int = 1, within: float = 20.0) -> list[dict]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = self.events(name)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count}x {name} within {within}s:\n" + "\n".join(self.raw[-30:]))

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait; returns the exit code."""
        assert self.proc
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        """SIGKILL: no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
            self._reader.join(5)

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                self.stop()
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(predicate: Callable[[], bool], within: float, what: str) -> None:
    """Poll `predicate` until it holds; fail naming `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {within}s waiting for {what}")


def alerts_config(
    tmp_path: Path,
    feed_urls: list[str],
    rules: list[dict[str, Any]],
    channels: list[dict[str, Any]],
    **extra: Any,
) -> dict[str, Any]:
    """A fast-polling service (1 s) with one instant digest `alerts` (1 s batches)."""
    return {
        "database": f"sqlite:///{tmp_path / 'nw.db'}",
        "status": {"listen": "127.0.0.1:0"},
        "poll": {"interval": "1s", "min_interval": "1s", "backfill": "all", "timeout": "5s"},
        "feeds": [{"url": url} for url in feed_urls],
        "rules": rules,
        "digests": [
            {
                "id": "alerts",
                "schedule": "instant",
                "instant_batch": "1s",
                "max_items": 100,
                "to": channels,
            }
        ],
        **extra,
    }


def webhook_ids_by_url(hook: WebhookReceiver) -> dict[str, set[str]]:
    """For every item URL a `WebhookReceiver` got (syndicated copies in `also` too), the
    webhook-ids of the deliveries that carried it: two ids for one URL means the story
    went out twice; the same id twice is a resend receivers deduplicate."""
    found: dict[str, set[str]] = defaultdict(set)
    for request in hook.requests:
        for item in json.loads(request.body)["items"]:
            for url in [item["url"], *(a["url"] for a in item["also"])]:
                found[url].add(request.headers["webhook-id"])
    return found
