"""Instructions per item under valgrind's callgrind: the matcher's cost without the noise.

CPU time on this project's machines drifts by ±30% between runs of the same code, and by
2x between machines, so a 10% change cannot be seen in items/s. Callgrind counts the
instructions executed, which repeat exactly for the same code, inputs and hash seed.
Each rule count runs in its own process under callgrind with collection switched on only
inside one `functools.reduce` call that matches the items (everything before, building
the world and compiling the rules, is not counted). Instructions are not time (cache
misses in a large automaton cost time and no instructions), so this tells whether a
change does less work; `bench.matcher` tells the speed. The cycle collector is paused
while counting (see `_worker`).

`python -m bench instructions` (needs valgrind; a few minutes: the runs go side by side).
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
from functools import reduce

from bench.news import make_world, news_items
from bench.report import Row, print_table
from bench.rulesets import rule_set

RULE_COUNTS = (100, 10_000)
QUICK_ITEMS, ITEMS, WARM = 50, 150, 50
_COLLECTED_RE = re.compile(r"Collected : (\d+)")


def run(quick: bool = False) -> list[Row]:
    """Count instructions per item for each rule count and print the table."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("bench instructions: valgrind is not installed (apt install valgrind)")
    items = QUICK_ITEMS if quick else ITEMS
    jobs = [("normalise", 0)] + [("match", count) for count in RULE_COUNTS]
    running = [(what, rules, _start(valgrind, what, rules, items)) for what, rules in jobs]
    rows = [_row(what, rules, items, process) for what, rules, process in running]
    print_table(
        f"matcher: instructions per item (callgrind), {items} synthetic items after {WARM} "
        "to warm up; exact for the same code, inputs and Python",
        rows,
        [f"python -m bench instructions{' --quick' if quick else ''}"],
    )
    return rows


def _start(valgrind: str, what: str, rules: int, items: int) -> subprocess.Popen[str]:
    """One counted run, in the background (they run side by side: counts do not care)."""
    command = [
        valgrind,
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        "--collect-atstart=no",
        "--toggle-collect=functools_reduce",
        sys.executable,
        "-m",
        "bench.instructions",
        what,
        str(rules),
        str(items),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )


def _row(what: str, rules: int, items: int, process: subprocess.Popen[str]) -> Row:
    _, stderr = process.communicate()
    found = _COLLECTED_RE.search(stderr)
    if process.returncode != 0 or found is None:
        raise SystemExit(f"bench instructions: no count from callgrind:\n{stderr[-2000:]}")
    per_item = int(found.group(1)) / items
    if what == "normalise":
        figure = "normalise the fields the rule sets read"
    else:
        figure = f"match, {rules:,} rules"
    return Row(figure, f"{per_item:,.0f}", "", "instructions per item")


def _worker(what: str, rules: int, count: int) -> None:
    """Run under callgrind: only the `reduce` call is counted."""
    from rules import compile_rules
    from rules.fieldtext import prepare_field

    world = make_world()
    docs = news_items(world, WARM + count)
    if what == "normalise":
        texts = [(d.title, d.summary, d.content, d.source) for d in docs]
        for row in texts[:WARM]:
            [prepare_field(text) for text in row]
        gc.collect()
        gc.disable()  # see below
        reduce(lambda _, row: [prepare_field(text) for text in row], texts[WARM:], None)
        return
    matcher = compile_rules(rule_set(world, rules))
    for doc in docs[:WARM]:
        matcher.match(doc)
    # One collection of this process's whole heap (the world, the rule set) costs as
    # much as 15 items' work, and whether one falls inside the count depends on
    # allocations anywhere before: counts moved by 14% for a change that did not touch
    # the code counted. The collector is paused while counting; reference counting still
    # frees the matches.
    gc.collect()
    gc.disable()
    reduce(lambda _, doc: matcher.match(doc), docs[WARM:], None)


if __name__ == "__main__":
    _worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
