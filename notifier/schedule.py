"""Digest schedules: `instant`, `hourly`, `daily`, `weekly` or a 5-field crontab.

APScheduler 3.x numbers weekdays from Monday (0 = mon), unlike cron (0 and 7 = sun;
see `CronTrigger.from_crontab`'s warning). We keep cron's meaning: the day-of-week
field is expanded into weekday names before it reaches APScheduler.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

INSTANT = "instant"
KEYWORDS = {"hourly": "0 * * * *", "daily": "0 0 * * *", "weekly": "0 0 * * 0"}
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron numbering, 0 = sun


def normalize_schedule(text: str) -> str:
    """Return `instant`, a keyword, or the crontab with single spaces; ValueError if invalid."""
    value = " ".join(text.split())
    keyword = value.lower().removeprefix("@")
    if keyword == INSTANT or keyword in KEYWORDS:
        return keyword
    fields = value.split(" ")
    if len(fields) != 5:
        raise ValueError(
            f"{text!r} is not a schedule (use a 5-field cron like '0 8 * * *', "
            "instant, hourly, daily or weekly)"
        )
    if fields[2] not in ("*", "?") and fields[4] not in ("*", "?"):
        raise ValueError(f"{text!r}: restrict either the day of month or the day of week, not both")
    try:
        build_trigger(value, "UTC")
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid cron schedule: {exc}") from None
    return value


def crontab(schedule: str) -> str | None:
    """The crontab a normalised schedule stands for; None for `instant`."""
    if schedule == INSTANT:
        return None
    return KEYWORDS.get(schedule, schedule)


def build_trigger(cron: str, timezone: str) -> CronTrigger:
    """A CronTrigger that fires when `cron` (with cron's weekday numbers) would."""
    minute, hour, day, month, day_of_week = cron.split(" ")
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day.replace("?", "*"),
        month=month,
        day_of_week=cron_weekdays(day_of_week),
        timezone=ZoneInfo(timezone),
    )


def cron_weekdays(field: str) -> str:
    """Translate a cron day-of-week field (`1-5`, `0,6`, `*/2`, `sat-sun`) to APScheduler's."""
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        base, _, step_text = part.partition("/")
        step = _number(step_text, "step") if step_text else 1
        if step < 1:
            raise ValueError(f"bad step in day of week {field!r}")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            start, _, end = base.partition("-")
            first, last = _weekday(start), _weekday(end)
            if last == 0 and first > 0:
                last = 7  # `5-7`, `fri-sun`: friday to sunday
        else:
            first = _weekday(base)
            last = 6 if step_text else first
        if last < first:
            raise ValueError(f"backwards range in day of week {field!r}")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(_CRON_DAYS[day] for day in sorted(days, key=lambda day: (day - 1) % 7))


def _weekday(text: str) -> int:
    text = text.strip()
    if text in _CRON_DAYS:
        return _CRON_DAYS.index(text)
    number = _number(text, "day of week")
    if not 0 <= number <= 7:
        raise ValueError(f"day of week {text!r} is out of range 0-7")
    return number % 7


def _number(text: str, what: str) -> int:
    if not text.strip().isdigit():
        raise ValueError(f"{text!r} is not a valid {what}")
    return int(text)
