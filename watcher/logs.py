"""structlog set-up: console lines on a terminal, one JSON object per line otherwise."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog


def configure_logging(
    level: str = "info", json_lines: bool | None = None, stream: TextIO | None = None
) -> None:
    """Log to `stream` (stdout by default); JSON unless it is a terminal."""
    stream = stream or sys.stdout
    if json_lines is None:
        json_lines = not stream.isatty()
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_lines
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    # Libraries log through stdlib logging; keep their chatter at warnings.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
