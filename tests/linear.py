"""A check that work grows linearly with its input, robust to a busy machine."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def assert_linear_time(work: Callable[[T], object], small: T, large: T) -> None:
    """`work(large)`, on four times the input of `small`, must cost well under sixteen
    times the CPU time (what quadratic work would cost): a ratio of CPU times, each the
    best of three runs, not a wall-clock limit, so other processes do not fail it. The
    cycle collector is paused while timing: a full collection walks the whole test
    session's heap, and the more objects the work allocates the more of them fall in
    (a late test in CI measured 10x for work that measures 2.7x alone)."""

    def seconds(data: T) -> float:
        best = float("inf")
        for _ in range(3):
            gc.collect()
            enabled = gc.isenabled()
            gc.disable()
            try:
                started = time.process_time()
                work(data)
                best = min(best, time.process_time() - started)
            finally:
                if enabled:
                    gc.enable()
        return best

    ratio = seconds(large) / max(seconds(small), 1e-3)
    assert ratio < 8, f"4x the input took {ratio:.1f}x the time"
