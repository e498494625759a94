"""Errors raised by the watcher package.

    WatcherError
     ├── ConfigError         the config file is unreadable or invalid (lists every problem)
     ├── ServiceError        the service cannot start (e.g. the status port is taken)
     └── FeedParseError      a fetched body yielded no usable feed

Expected outcomes of a poll (not modified, gone, HTTP errors, timeouts) are
values (`watcher.fetch.FetchResult`), not exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WatcherError(Exception):
    """Root of every error the watcher package raises."""


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One problem in a config file: its line (if known), key path and message."""

    line: int | None
    key: str
    message: str

    def format(self, path: str | Path) -> str:
        where = f"{path}:{self.line}" if self.line is not None else f"{path}"
        return f"{where} {self.key}: {self.message}" if self.key else f"{where} {self.message}"


class ConfigError(WatcherError):
    """A config file that cannot be used; `str()` gives one line per problem."""

    def __init__(self, path: str | Path, problems: list[ConfigProblem]) -> None:
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__("\n".join(p.format(self.path) for p in self.problems))


class ServiceError(WatcherError):
    """The service cannot start or keep running (the message says why)."""


class FeedParseError(WatcherError):
    """A body that is not a usable RSS, Atom or JSON feed."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message
