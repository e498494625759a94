"""Running the matcher without its C extension, as a machine without a compiler does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rules import fastnorm


@contextmanager
def pure_python() -> Iterator[None]:
    """Within the block, every `rules` module takes its pure-Python path."""
    native, fastnorm.speedups = fastnorm.speedups, None
    try:
        yield
    finally:
        fastnorm.speedups = native
