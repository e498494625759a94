"""The retry policy of the delivery outbox, as a pure function.

The outbox rows themselves live in the watcher's database; this module only says
when to try again. After each attempt the caller maps the `SendResult`:

- `sent`   → mark delivered;
- `gone`   → disable the channel (HTTP 410) and report it;
- `failed` → permanent (e.g. SMTP 5xx): mark dead at once;
- `retry`  → `next_attempt_delay(attempts, result.retry_after)`; None means dead.

The schedule is Svix's (docs.svix.com/retries): immediately, 5 s, 5 min, 30 min,
2 h, 5 h, 10 h, 10 h, each stretched by up to 10 % jitter, so a delivery is tried
8 times over ≈27.6 h — at least the 24 h DESIGN.md promises — before it is dead.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
"""Delay before attempt n+1 (index n = attempts already made)."""

MAX_ATTEMPTS = len(RETRY_SCHEDULE)
RETRY_WINDOW: timedelta = sum(RETRY_SCHEDULE, timedelta(0))
"""Time from the first attempt to the last one, before jitter (≈27.6 h)."""

JITTER = 0.10  # each delay is stretched by a random 0–10 %
MAX_RETRY_AFTER = timedelta(hours=24)  # a server's Retry-After is honoured up to this


def next_attempt_delay(
    attempts: int,
    retry_after: float | None = None,
    *,
    rand: Callable[[], float] = random.random,
) -> timedelta | None:
    """How long to wait before the next attempt, given `attempts` already made.

    `attempts=0` → the first attempt, now. `retry_after` (seconds, from the server)
    lengthens the wait, capped at 24 h; it never shortens it. None once the
    schedule is exhausted: the delivery is dead.
    """
    if attempts < 0:
        raise ValueError(f"attempts must be >= 0, not {attempts}")
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = RETRY_SCHEDULE[attempts] * (1 + JITTER * rand())
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(timedelta(seconds=retry_after), MAX_RETRY_AFTER))
    return delay
