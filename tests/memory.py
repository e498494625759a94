"""A check that repeated work keeps no memory, robust to the caches the matcher fills."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from itertools import pairwise

from rules import markup

LIMIT = 4096  # bytes that five rounds may add once warm
MAX_ROUNDS = 30


def _clear_rule_caches() -> None:
    """Empty the normaliser's bounded caches. Earlier tests may have filled them: then
    each new entry evicts one made before tracing began, and traced memory grows
    although the process's does not."""
    markup._REPLACEMENTS.clear()
    for name, module in list(sys.modules.items()):
        if name == "rules" or name.startswith("rules."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def assert_keeps_no_memory(work: Callable[[], object], what: str) -> None:
    """Repeating `work` must reach a round after which five more add under `LIMIT` bytes
    of traced memory (all Python allocations, the C extension's included). Caches and
    the interpreter's own pools take a varying number of rounds to settle; a reference
    kept per call grows every round and never gets there."""
    _clear_rule_caches()
    tracemalloc.start()
    try:
        traced: list[int] = []
        for _ in range(MAX_ROUNDS):
            work()
            gc.collect()
            traced.append(tracemalloc.get_traced_memory()[0])
            if len(traced) > 5 and traced[-1] - traced[-6] < LIMIT:
                return
    finally:
        tracemalloc.stop()
    growth = [after - before for before, after in pairwise(traced)]
    raise AssertionError(f"{what} kept memory in every round: grew by {growth} bytes")
