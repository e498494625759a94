"""`python -m bench [NAME ...] [--quick]`: run the benchmarks and print their tables.

Without names, runs the default ones (not `instructions`, which needs valgrind). Exits 1
when a figure misses its target.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bench import instructions, matcher, normalization
from bench.report import Row

BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {
    "normalization": normalization.run,
    "matcher": matcher.run,
    "instructions": instructions.run,
}
DEFAULT = ("normalization", "matcher")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    choices = f"{', '.join(BENCHMARKS)} (default: {', '.join(DEFAULT)})"
    parser.add_argument("names", nargs="*", metavar="NAME", help=choices)
    parser.add_argument("--quick", action="store_true", help="fewer items, smaller rule sets")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r} (choose from {', '.join(BENCHMARKS)})")
    missed = 0
    for name in args.names or DEFAULT:
        rows = BENCHMARKS[name](args.quick)
        missed += sum(1 for row in rows if row.ok is False)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
