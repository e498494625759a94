"""Config sections the watcher owns: database, status, poll and feeds."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from notifier.config import Duration

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}


def _parse_size(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size (use 10MB)")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        found = _SIZE.match(value)
        if found:
            unit = (found.group(2) or "b").lower()
            return int(float(found.group(1)) * _SIZE_UNITS[unit])
    raise ValueError(f"{value!r} is not a size (use 10MB)")


ByteSize = Annotated[int, BeforeValidator(_parse_size), Field(gt=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatusConfig(Strict):
    """Where `/healthz` and `/metrics` listen; port 0 picks any free port."""

    listen: str = "127.0.0.1:8080"

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or int(port) > 65535:
            raise ValueError(f"{value!r} is not host:port (use 127.0.0.1:8080)")
        return value

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])


Backfill = Duration | Literal["all", "none"]


class PollConfig(Strict):
    """Polling defaults for the whole node."""

    interval: Duration = timedelta(minutes=10)
    min_interval: Duration = timedelta(minutes=1)
    max_interval: Duration = timedelta(hours=6)
    concurrency: int = Field(50, ge=1)
    per_host: int = Field(4, ge=1)
    timeout: Duration = timedelta(seconds=30)
    max_bytes: ByteSize = 10 * 1000**2
    backfill: Backfill = timedelta(days=7)
    user_agent: str = "newswatch/{version} (+https://github.com/newswatch/newswatch)"

    @field_validator("min_interval")
    @classmethod
    def _at_least_a_second(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=1):
            raise ValueError("must be at least 1s")
        return value


class FeedConfig(Strict):
    """One feed to poll."""

    url: str = Field(max_length=2048)
    name: str | None = None
    interval: Duration | None = None
    tags: list[str] = []

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value
