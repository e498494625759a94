"""The digests/smtp config schema: what an operator writes and the errors they get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from notifier import (
    DigestConfig,
    Duration,
    EmailChannel,
    FileChannel,
    SmtpConfig,
    WebhookChannel,
)
from notifier.duration import format_duration

DURATION = TypeAdapter(Duration)
FILE_ONLY = [{"file": {"dir": "./digests"}}]


def errors(model: Any, data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in caught.value.errors()]


def digest(**values: Any) -> DigestConfig:
    return DigestConfig.model_validate({"id": "morning", "to": FILE_ONLY} | values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(minutes=90)),
        (45, timedelta(seconds=45)),
        ("45", timedelta(seconds=45)),
    ],
)
def test_duration_forms(text: Any, expected: timedelta) -> None:
    assert DURATION.validate_python(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5 minutes", "'5 minutes' is not a duration (use 5m)"),
        ("2 hours", "'2 hours' is not a duration (use 2h)"),
        ("soon", "'soon' is not a duration (use 30s, 5m, 2h or 1d)"),
        ("-5m", "'-5m' is not a duration (use 30s, 5m, 2h or 1d)"),
        (True, "True is not a duration (use 30s, 5m, 2h or 1d)"),
    ],
)
def test_duration_errors_suggest_the_short_form(text: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DURATION.validate_python(text)
    assert caught.value.errors()[0]["msg"] == message


@given(st.integers(min_value=0, max_value=10**7))
def test_duration_format_parses_back(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert DURATION.validate_python(format_duration(value)) == value


def test_channels_are_told_apart_by_their_key() -> None:
    config = digest(
        to=[
            {"email": {"to": ["analyst@example.org", "Desk <desk@example.org>"]}},
            {"webhook": {"url": "https://hooks.example.org/nw", "secret": "s3cret"}},
            {"file": {"dir": "./digests"}},
        ]
    )
    email, webhook, file = config.to
    assert isinstance(email, EmailChannel)
    assert email.email.subject is None
    assert isinstance(webhook, WebhookChannel)
    assert webhook.webhook.timeout == timedelta(seconds=15)
    assert isinstance(file, FileChannel)
    assert file.key == "file:digests"
    assert "s3cret" not in repr(config)


@pytest.mark.parametrize(
    "channel",
    [
        {"email": {"to": ["a@example.org"]}, "file": {"dir": "x"}},
        {"sms": {"to": "+39"}},
        {},
    ],
)
def test_a_channel_needs_exactly_one_kind(channel: dict[str, Any]) -> None:
    problems = errors(DigestConfig, {"id": "d", "to": [channel]})
    assert problems == [("to.0", "a channel needs exactly one of the keys email, webhook, file")]


def test_channel_errors_name_the_key() -> None:
    problems = errors(
        DigestConfig,
        {
            "id": "d",
            "to": [
                {"email": {"to": ["not-an-address"]}},
                {"webhook": {"url": "ftp://x.example.org", "timeout": "5 minutes"}},
                {"webhook": {"url": "https://x.example.org", "secret": "whsec_%%%"}},
                {"file": {"dir": "x", "mode": 644}},
            ],
        },
    )
    locations = [location for location, _ in problems]
    assert locations == [
        "to.0.EmailChannel.email.to",
        "to.1.WebhookChannel.webhook.url",
        "to.1.WebhookChannel.webhook.timeout",
        "to.2.WebhookChannel.webhook.secret",
        "to.3.FileChannel.file.mode",
    ]
    assert "'5 minutes' is not a duration (use 5m)" in dict(problems).values()


def test_digest_defaults() -> None:
    config = digest()
    assert (config.schedule, config.cron, config.timezone) == ("daily", "0 0 * * *", "UTC")
    assert config.rules == ["*"]
    assert config.max_items == 50
    assert not config.send_empty
    assert config.instant_batch == timedelta(seconds=60)


@pytest.mark.parametrize(
    ("schedule", "cron"),
    [
        ("instant", None),
        ("hourly", "0 * * * *"),
        ("daily", "0 0 * * *"),
        ("weekly", "0 0 * * 0"),
        ("@weekly", "0 0 * * 0"),
        ("0  8 * * 1-5", "0 8 * * 1-5"),
    ],
)
def test_schedule_keywords_and_cron(schedule: str, cron: str | None) -> None:
    assert digest(schedule=schedule).cron == cron


def fires(config: DigestConfig, after: datetime, count: int = 3) -> list[datetime]:
    trigger = config.trigger()
    assert trigger is not None
    out: list[datetime] = []
    for _ in range(count):
        after = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
        out.append(after)
    return out


MONDAY = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def test_weekly_fires_on_sunday_midnight_as_cron_does() -> None:
    # APScheduler 3 counts weekdays from Monday; cron's 0 is Sunday.
    assert [f.strftime("%a %H:%M") for f in fires(digest(schedule="weekly"), MONDAY)] == [
        "Sun 00:00"
    ] * 3
    assert {f.strftime("%a") for f in fires(digest(schedule="0 9 * * 7"), MONDAY)} == {"Sun"}


def test_weekday_ranges_keep_cron_meaning() -> None:
    days = [f.strftime("%a") for f in fires(digest(schedule="30 8 * * 1-5"), MONDAY, 5)]
    assert days == ["Tue", "Wed", "Thu", "Fri", "Mon"]
    weekend = {f.strftime("%a") for f in fires(digest(schedule="0 9 * * 6-7"), MONDAY, 4)}
    assert weekend == {"Sat", "Sun"}


def test_trigger_runs_in_the_digest_time_zone() -> None:
    config = digest(schedule="0 8 * * *", timezone="Europe/Rome")
    first = fires(config, MONDAY, 1)[0]
    assert first.astimezone(UTC) == datetime(2024, 1, 2, 7, 0, tzinfo=UTC)
    assert digest(schedule="instant").trigger() is None


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"schedule": "every morning"}, "is not a schedule"),
        ({"schedule": "0 25 * * *"}, "is not a valid cron schedule"),
        ({"schedule": "0 8 1 * 1"}, "not both"),
        ({"timezone": "Europe/Atlantis"}, "is not a time zone"),
        ({"id": "Morning Brief"}, "String should match pattern"),
        ({"rules": ["Bad Rule"]}, "is not a rule id"),
        ({"max_items": 0}, "greater than or equal to 1"),
        ({"to": []}, "at least 1 item"),
        ({"colour": "blue"}, "Extra inputs are not permitted"),
    ],
)
def test_digest_errors(values: dict[str, Any], fragment: str) -> None:
    problems = errors(DigestConfig, {"id": "morning", "to": FILE_ONLY} | values)
    assert any(fragment in message for _, message in problems), problems


def test_smtp_from_alias_and_tls_modes() -> None:
    smtp = SmtpConfig.model_validate({"host": "mail.example.org", "from": "nw <nw@example.org>"})
    assert (smtp.port, smtp.starttls, smtp.implicit_tls) == (587, True, False)
    assert smtp.timeout == timedelta(seconds=30)
    assert smtp.validate_certs
    implicit = SmtpConfig.model_validate({"host": "m", "port": 465, "from": "nw@example.org"})
    assert implicit.implicit_tls


def test_smtp_password_stays_out_of_repr() -> None:
    smtp = SmtpConfig.model_validate(
        {"host": "m", "from": "nw@example.org", "username": "nw", "password": "hunter22"}
    )
    assert "hunter22" not in repr(smtp)


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({}, "Field required"),
        ({"from": "newswatch"}, "is not one email address"),
        ({"from": "nw@example.org", "port": 70000}, "less than or equal to 65535"),
        ({"from": "nw@example.org", "timeout": "0s"}, "must be longer than 0s"),
        (
            {"from": "nw@example.org", "starttls": False, "username": "u", "password": "p"},
            "need tls or starttls",
        ),
        ({"from": "nw@example.org", "sender": "x"}, "Extra inputs are not permitted"),
    ],
)
def test_smtp_errors(values: dict[str, Any], fragment: str) -> None:
    problems = errors(SmtpConfig, {"host": "mail.example.org"} | values)
    assert any(fragment in message for _, message in problems), problems
