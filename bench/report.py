"""A table of figures, each with its target and its baseline or ratio."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One measured figure. `ok` is None when the figure has no target."""

    figure: str
    value: str
    target: str = ""
    baseline: str = ""
    ok: bool | None = None


def print_table(title: str, rows: Sequence[Row], notes: Sequence[str] = ()) -> None:
    header = Row("figure", "value", "target", "baseline / ratio")
    widths = [
        max(len(getattr(row, name)) for row in [header, *rows])
        for name in ("figure", "value", "target", "baseline")
    ]
    print(title)
    print()
    for row in [header, *rows]:
        status = {True: "ok", False: "MISSED", None: ""}[row.ok] if row is not header else ""
        cells = (row.figure, row.value, row.target, row.baseline)
        line = "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        print(f"{line}  {status}".rstrip())
    for note in notes:
        print(note)
    print()


def rate(items: int, seconds: float) -> str:
    return f"{items / seconds:,.0f} items/s" if seconds > 0 else "n/a"
