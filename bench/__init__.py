"""Benchmarks that print each figure with its target and its baseline or ratio.

    python -m bench                    # everything
    python -m bench matcher --quick    # one benchmark, fewer items

Each benchmark is a module with `run(quick: bool) -> list[Row]` (`bench.report`).
"""
