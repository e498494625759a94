"""The matcher benchmark (issue 3): items/s, compile time and memory, against targets.

All figures come from one run over the same synthetic items (`bench.news`) and rule
sets (`bench.rulesets`). Throughput is CPU time on one core (`time.process_time`, so
other processes on a shared machine do not count), including normalisation: the timed
call is `Matcher.match(Document)`, exactly what the service calls per item.
"""

from __future__ import annotations

import gc
import os
import platform
import re
import resource
import time
import timeit
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.baseline import compile_regexes, match_all
from bench.news import make_world, news_items
from bench.report import Row, print_table
from bench.rulesets import rule_set
from rules import Document, Matcher, compile_rules
from rules.engine import compile_reference_rules


@dataclass(frozen=True)
class Settings:
    items: int = 5_000
    baseline_items: int = 10  # per round: the regex loop is slow, so a subset of the items
    rule_counts: tuple[int, ...] = (100, 10_000, 100_000)
    rounds: int = 5  # the best round counts; at 10,000 rules each round times both loops
    agreement_items: int = 200


QUICK = Settings(items=1_000, rule_counts=(100, 10_000), rounds=1)

TARGET_RATE = {100: 30_000, 10_000: 10_000, 100_000: 2_000}
TARGET_RATIO = 500
TARGET_COMPILE_S = 1.0
TARGET_MEMORY_MB = 200
RATIO_AT = 10_000
COMPILE_ROUNDS = 3  # the best counts, as for throughput: other tenants only ever add time


def run(quick: bool = False) -> list[Row]:
    """Measure everything and print the table; returns its rows."""
    settings = QUICK if quick else Settings()
    world = make_world()
    items = news_items(world, settings.items)
    warm = news_items(world, 200, seed=99)
    rules = {n: rule_set(world, n) for n in settings.rule_counts}
    rows = _throughputs(rules, items, warm, settings)
    if RATIO_AT in rules:
        rows.update(_compile_and_memory(rules[RATIO_AT]))
    rows["agreement"] = _agreement(rules[min(rules)], items[: settings.agreement_items])
    size = sum(len(d.title) + len(d.summary) for d in items) / len(items)
    print_table(
        f"matcher: {len(items):,} synthetic items (title + HTML summary, {size:.0f} chars "
        "on average); one core, CPU time, normalisation included",
        list(rows.values()),
        [f"python -m bench matcher{' --quick' if quick else ''}; {_machine()}"],
    )
    return list(rows.values())


def _throughputs(
    rules: dict[int, list[dict[str, str]]],
    items: list[Document],
    warm: list[Document],
    settings: Settings,
) -> dict[str, Row]:
    """Items/s for each rule set, and at `RATIO_AT` rules the regex loop's. The rounds
    are interleaved (a round of every rule set, then the next), so a slow spell on a
    shared machine falls on every figure alike and each one's best round is taken from
    the same stretch of time."""
    matchers = {count: compile_rules(rules[count]) for count in rules}
    for matcher in matchers.values():
        for doc in warm:
            matcher.match(doc)
    regexes = compile_regexes(rules[RATIO_AT]) if RATIO_AT in rules else None
    engine = dict.fromkeys(matchers, float("inf"))  # seconds for all items
    baseline = float("inf")  # seconds per regex-loop item
    for round_ in range(settings.rounds):
        for count, matcher in matchers.items():
            spent = _seconds(lambda m=matcher: _match_all(m, items))
            engine[count] = min(engine[count], spent)
            if count == RATIO_AT and regexes is not None:
                subset = items[round_ * settings.baseline_items :][: settings.baseline_items]
                spent = _seconds(lambda s=subset: _regex_all(regexes, s))
                baseline = min(baseline, spent / len(subset))
    rows: dict[str, Row] = {}
    for count, matcher in matchers.items():
        per_second = len(items) / engine[count]
        sample = items[:500]
        matches = sum(len(matcher.match(doc)) for doc in sample) / len(sample)
        rows[f"rate {count}"] = _rate_row(count, per_second, matches)
        if count == RATIO_AT and regexes is not None:
            rows["ratio"] = _ratio_row(per_second, 1 / baseline, settings)
    return rows


def _match_all(matcher: Matcher, items: Sequence[Document]) -> None:
    match = matcher.match
    for doc in items:
        match(doc)


def _regex_all(regexes: list[re.Pattern[str]], items: Sequence[Document]) -> None:
    for doc in items:
        match_all(regexes, doc)


def _seconds(work: Callable[[], object]) -> float:
    """The CPU time `work` takes."""
    start = time.process_time()
    work()
    return time.process_time() - start


def _rate_row(count: int, per_second: float, matches: float) -> Row:
    target = TARGET_RATE.get(count)
    return Row(
        f"items/s, {count:,} rules",
        f"{per_second:,.0f}",
        f">= {target:,}" if target else "",
        f"{matches:.1f} matches/item",
        per_second >= target if target else None,
    )


def _ratio_row(engine: float, baseline: float, settings: Settings) -> Row:
    ratio = engine / baseline
    items = settings.baseline_items * settings.rounds
    return Row(
        f"speed-up over a regex per rule, {RATIO_AT:,} rules",
        f"{ratio:,.0f}x",
        f">= {TARGET_RATIO}x",
        f"regex loop {baseline:,.1f} items/s ({items} items)",
        ratio >= TARGET_RATIO,
    )


def _compile_and_memory(rules: list[dict[str, str]]) -> dict[str, Row]:
    seconds = min(_seconds(lambda: compile_rules(rules)) for _ in range(COMPILE_ROUNDS))
    gc.collect()
    rss_before = _rss()
    tracemalloc.start()
    matcher = compile_rules(rules)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    rss_after = _rss()
    megabytes = max(retained, rss_after - rss_before) / 2**20
    del matcher
    return {
        "compile": Row(
            f"compile, {len(rules):,} rules",
            f"{seconds:.2f} s",
            f"< {TARGET_COMPILE_S:g} s",
            f"{len(rules) / seconds:,.0f} rules/s",
            seconds < TARGET_COMPILE_S,
        ),
        "memory": Row(
            f"memory, {len(rules):,} rules",
            f"{megabytes:.0f} MB",
            f"< {TARGET_MEMORY_MB} MB",
            f"traced {retained / 2**20:.0f} MB (peak {peak / 2**20:.0f}), "
            f"RSS +{(rss_after - rss_before) / 2**20:.0f} MB",
            megabytes < TARGET_MEMORY_MB,
        ),
    }


def _agreement(rules: list[dict[str, str]], items: Sequence[Document]) -> Row:
    fast, reference = compile_rules(rules), compile_reference_rules(rules)
    differ = sum(1 for doc in items if fast.match(doc) != reference.match(doc))
    return Row(
        f"same matches as the reference, {len(rules):,} rules",
        f"{len(items) - differ}/{len(items)} items",
        "all",
        "reference evaluator",
        differ == 0,
    )


def _rss() -> int:
    """Resident set size in bytes (Linux); 0 where it cannot be read."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * resource.getpagesize()


def _machine() -> str:
    """The machine, and how fast it runs plain Python just now: a shared machine's speed
    drifts (README, Performance), and this puts the run's absolute figures in context."""
    loop = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000
    return (
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({platform.machine()}); "
        f"sum(range(1000)) took {loop * 1e6:.1f} µs"
    )
