"""The retry schedule: Svix-like steps, Retry-After honoured, dead after ≈27.6 h."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifier import RETRY_WINDOW, next_attempt_delay
from notifier.outbox import MAX_ATTEMPTS, RETRY_SCHEDULE


def no_jitter() -> float:
    return 0.0


def test_schedule_without_jitter() -> None:
    delays = [next_attempt_delay(n, rand=no_jitter) for n in range(MAX_ATTEMPTS + 1)]
    assert delays == [
        timedelta(0),
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=10),
        None,
    ]


def test_retry_window_covers_a_day() -> None:
    total = sum(RETRY_SCHEDULE, timedelta(0))
    assert total == RETRY_WINDOW
    assert timedelta(hours=24) <= total < timedelta(hours=28)


@given(st.integers(min_value=0, max_value=MAX_ATTEMPTS - 1), st.floats(0, 1, exclude_max=True))
def test_jitter_only_stretches_by_up_to_ten_percent(attempts: int, fraction: float) -> None:
    delay = next_attempt_delay(attempts, rand=lambda: fraction)
    assert delay is not None
    base = RETRY_SCHEDULE[attempts]
    assert base <= delay <= base * 1.1


def test_retry_after_lengthens_but_never_shortens() -> None:
    assert next_attempt_delay(1, 120, rand=no_jitter) == timedelta(seconds=120)
    assert next_attempt_delay(3, 120, rand=no_jitter) == timedelta(minutes=30)
    assert next_attempt_delay(1, 10**9, rand=no_jitter) == timedelta(hours=24)


def test_retry_after_does_not_revive_a_dead_delivery() -> None:
    assert next_attempt_delay(MAX_ATTEMPTS, 5) is None


def test_negative_attempts_are_a_bug() -> None:
    with pytest.raises(ValueError, match="attempts"):
        next_attempt_delay(-1)
