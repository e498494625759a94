"""Normalisation alone: the matcher's `normalize_fast` against the reference `normalize`.

Both give the same text and spans (tests/rules/test_fastnorm.py); this shows what the
fast one saves on the synthetic items of `bench.news` (title and HTML summary).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.news import make_world, news_items
from bench.report import Row, print_table
from rules.fastnorm import normalize_fast
from rules.normalize import normalize


def run(quick: bool = False) -> list[Row]:
    """Measure and print; returns the rows."""
    items = news_items(make_world(), 500 if quick else 2_000)
    texts = [text for item in items for text in (item.title, item.summary)]
    for text in texts[:400]:  # warm the caches of markup and characters seen
        normalize_fast(text)
    rounds = 1 if quick else 3
    fast = len(items) / _seconds(lambda: [normalize_fast(t).text for t in texts], rounds)
    reference = len(items) / _seconds(lambda: [normalize(t).text for t in texts], 1)
    spans = len(items) / _seconds(lambda: [_all_spans(t) for t in texts], rounds)
    rows = [
        Row(
            "normalise title + summary",
            f"{fast:,.0f} items/s",
            "",
            f"reference {reference:,.0f} items/s: {fast / reference:,.0f}x",
        ),
        Row(
            "... and map 10 spans back per field",
            f"{spans:,.0f} items/s",
        ),
    ]
    print_table(f"normalisation: {len(items):,} synthetic items, one core, CPU time", rows)
    return rows


def _all_spans(text: str) -> None:
    norm = normalize_fast(text)
    step = max(len(norm.text) // 10, 1)
    for start in range(0, len(norm.text) - 1, step):
        norm.span(start, start + 1)


def _seconds(work: Callable[[], object], rounds: int) -> float:
    """The least CPU time of `rounds` runs of `work`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best
