"""Config schema of the `digests:` and `smtp:` sections (see DESIGN.md, "Config").

Channels are a discriminated union keyed by the one key a channel has:
`{email: {...}}`, `{webhook: {...}}` or `{file: {...}}`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from notifier import schedule as _schedule
from notifier.addresses import LOCAL_HOSTS, parse_address
from notifier.duration import Duration, PositiveDuration, format_duration, parse_duration
from notifier.errors import WebhookSecretError
from notifier.signing import signing_key

__all__ = [
    "Channel",
    "DigestConfig",
    "Duration",
    "EmailChannel",
    "EmailTarget",
    "FileChannel",
    "FileTarget",
    "PositiveDuration",
    "SmtpConfig",
    "WebhookChannel",
    "WebhookTarget",
    "format_duration",
    "parse_duration",
]

_ID = r"^[a-z0-9-]+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmailTarget(_Strict):
    """`email: {to: [...], subject: ...}`; `subject` may use `{title}` and `{count}`."""

    to: list[str] = Field(min_length=1)
    subject: str | None = None

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            parse_address(address)
        return value


class WebhookTarget(_Strict):
    """`webhook: {url, secret, timeout}`; `secret` is `whsec_<base64>` or any string."""

    url: str
    secret: str = Field("", repr=False)
    timeout: PositiveDuration = timedelta(seconds=15)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            url = httpx.URL(value)
        except (httpx.InvalidURL, TypeError):
            raise ValueError(f"{value!r} is not a URL") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        try:
            signing_key(value)
        except WebhookSecretError as exc:
            raise ValueError(exc.reason) from None
        return value


class FileTarget(_Strict):
    """`file: {dir: ./digests}`: one `.eml` and one `.json` per delivery."""

    dir: Path


class EmailChannel(_Strict):
    kind: ClassVar[Literal["email"]] = "email"
    email: EmailTarget

    @property
    def key(self) -> str:
        """A stable name for this channel (outbox rows, logs)."""
        return "email:" + ",".join(self.email.to)


class WebhookChannel(_Strict):
    kind: ClassVar[Literal["webhook"]] = "webhook"
    webhook: WebhookTarget

    @property
    def key(self) -> str:
        return "webhook:" + self.webhook.url


class FileChannel(_Strict):
    kind: ClassVar[Literal["file"]] = "file"
    file: FileTarget

    @property
    def key(self) -> str:
        return f"file:{self.file.dir}"


_KINDS = {"email": "EmailChannel", "webhook": "WebhookChannel", "file": "FileChannel"}


def _channel_tag(value: Any) -> str | None:
    if isinstance(value, EmailChannel | WebhookChannel | FileChannel):
        return _KINDS[value.kind]
    if isinstance(value, dict):
        present = [kind for kind in _KINDS if kind in value]
        if len(present) == 1:
            return _KINDS[present[0]]
    return None


Channel = Annotated[
    Annotated[EmailChannel, Tag("EmailChannel")]
    | Annotated[WebhookChannel, Tag("WebhookChannel")]
    | Annotated[FileChannel, Tag("FileChannel")],
    Discriminator(
        _channel_tag,
        custom_error_type="channel_kind",
        custom_error_message="a channel needs exactly one of the keys email, webhook, file",
    ),
]


class SmtpConfig(_Strict):
    """`smtp:`; port 465 or `tls: true` is implicit TLS, else STARTTLS is required by default."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: str = Field(min_length=1)
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    tls: bool = False
    username: str = ""
    password: str = Field("", repr=False)
    from_addr: str = Field(alias="from")
    timeout: PositiveDuration = timedelta(seconds=30)
    validate_certs: bool = True

    @field_validator("from_addr")
    @classmethod
    def _from(cls, value: str) -> str:
        parse_address(value)
        return value

    @model_validator(mode="after")
    def _no_plaintext_password(self) -> SmtpConfig:
        encrypted = self.implicit_tls or self.starttls
        if (self.username or self.password) and not encrypted and self.host not in LOCAL_HOSTS:
            raise ValueError("username/password need tls or starttls (except for localhost)")
        return self

    @property
    def implicit_tls(self) -> bool:
        """TLS from the first byte (port 465 or `tls: true`); STARTTLS is then not used."""
        return self.tls or self.port == 465


class DigestConfig(_Strict):
    """One entry of `digests:`."""

    id: str = Field(pattern=_ID)
    title: str = ""
    rules: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    schedule: str = "daily"
    timezone: str = "UTC"
    instant_batch: Duration = timedelta(seconds=60)
    max_items: int = Field(50, ge=1)
    send_empty: bool = False
    to: list[Channel] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _rule_ids(cls, value: list[str]) -> list[str]:
        for rule in value:
            if rule != "*" and not re.match(_ID, rule):
                raise ValueError(f"{rule!r} is not a rule id ([a-z0-9-]+) or '*'")
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return _schedule.normalize_schedule(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"{value!r} is not a time zone (use e.g. Europe/Rome)") from None
        return value

    @property
    def display_title(self) -> str:
        return self.title or self.id

    @property
    def instant(self) -> bool:
        return self.schedule == _schedule.INSTANT

    @property
    def cron(self) -> str | None:
        """The crontab (5 fields, cron's weekday numbers) or None for `instant`."""
        return _schedule.crontab(self.schedule)

    def trigger(self) -> CronTrigger | None:
        """An APScheduler CronTrigger in this digest's time zone; None for `instant`."""
        cron = self.cron
        return None if cron is None else _schedule.build_trigger(cron, self.timezone)
