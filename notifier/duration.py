"""`Duration`: a config value written `30s`, `5m`, `2h`, `1d` (or a number of seconds)."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer
from pydantic_core import PydanticCustomError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = r"(\d+(?:\.\d+)?)([smhd])"
_DURATION = re.compile(rf"^(?:{_PART})+$")
_PARTS = re.compile(_PART)
# "5 minutes", "2 hrs", "1 Day" → suggest the short form.
_SPELLED = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+)$", re.IGNORECASE)
_WORDS = {
    "s": ("s", "sec", "secs", "second", "seconds"),
    "m": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "d": ("d", "day", "days"),
}


def parse_duration(value: object) -> timedelta:
    """Parse `30s`, `5m`, `2h`, `1d`, `1h30m` or a number of seconds; never negative."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and _DURATION.match(value.strip()):
        parts = _PARTS.findall(value.strip())
        seconds = sum(float(number) * UNITS[unit] for number, unit in parts)
    elif isinstance(value, str) and value.strip().isdigit():
        seconds = float(value.strip())
    else:
        raise _not_a_duration(value)
    if seconds < 0 or not math.isfinite(seconds):
        raise _not_a_duration(value)
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling: 90 s → `90s`, 300 s → `5m`, 1 h 30 m → `90m`."""
    seconds = value.total_seconds()
    for unit in ("d", "h", "m"):
        if seconds and seconds % UNITS[unit] == 0:
            return f"{int(seconds // UNITS[unit])}{unit}"
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{seconds:.6f}".rstrip("0") + "s"


def _not_a_duration(value: object) -> PydanticCustomError:
    return PydanticCustomError(
        "duration",
        "{value} is not a duration (use {hint})",
        {"value": repr(value), "hint": _hint(value)},
    )


def _hint(value: object) -> str:
    if isinstance(value, str):
        found = _SPELLED.match(value.strip())
        if found:
            word = found.group(2).lower()
            for unit, words in _WORDS.items():
                if word in words:
                    return f"{found.group(1)}{unit}"
    return "30s, 5m, 2h or 1d"


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
"""A non-negative `timedelta` read from `30s`, `5m`, `2h`, `1d` or an int of seconds."""


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise PydanticCustomError("duration_positive", "must be longer than 0s")
    return value


PositiveDuration = Annotated[Duration, AfterValidator(_positive)]
"""A `Duration` longer than zero (timeouts)."""
