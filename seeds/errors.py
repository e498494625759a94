"""Errors of the seeds package.

SeedError                 root: anything `newswatch seed` cannot do
├── ArticleError          the article cannot be read (missing file, HTTP error, no text)
└── MergeError            a config cannot take the proposed rules (not YAML, no rule list)
"""

from __future__ import annotations


class SeedError(Exception):
    """Root of the seeds package's errors."""


class ArticleError(SeedError):
    """The article at `source` cannot be read."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class MergeError(SeedError):
    """The config at `path` cannot take the proposed rules."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
