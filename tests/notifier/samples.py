"""Sample digests and settings for notifier tests (short texts written for the tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from notifier import AlsoReported, Digest, DigestEntry, MatchedTerm, SmtpConfig
from tests.receivers import SmtpSink

WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks example secret
SENDER = "newswatch <nw@example.org>"


def plain_smtp(sink: SmtpSink, **overrides: Any) -> SmtpConfig:
    """SMTP settings for the (plaintext) sink; STARTTLS off unless overridden."""
    settings: dict[str, Any] = {
        "host": sink.host,
        "port": sink.port,
        "starttls": False,
        "from": SENDER,
        "timeout": "5s",
    }
    return SmtpConfig.model_validate(settings | overrides)


def make_entry(**overrides: Any) -> DigestEntry:
    values: dict[str, Any] = {
        "id": "item-1",
        "title": "Envoy Jo Song-gil reported safe in Seoul",
        "url": "https://news.example.org/2019/envoy?ref=rss",
        "source": "Example World",
        "published": datetime(2019, 1, 3, 10, 12, tzinfo=UTC),
        "summary": "The former envoy Jo Song-gil was said to be safe, officials told reporters.",
        "rules": ("jo-song-gil",),
        "score": 3.5,
        "matched": (MatchedTerm("jo-song-gil", "title", "Jo Song Gil", "Jo Song-gil"),),
        "also": (AlsoReported("Wire Daily", "https://wire.example.net/story/42"),),
    }
    return DigestEntry(**(values | overrides))


def make_digest(*entries: DigestEntry, **overrides: Any) -> Digest:
    values: dict[str, Any] = {
        "digest_id": "morning",
        "delivery_id": "dlv-7f3a9c",
        "window_start": datetime(2019, 1, 3, 7, 0, tzinfo=UTC),
        "window_end": datetime(2019, 1, 4, 7, 0, tzinfo=UTC),
        "entries": entries if entries else (make_entry(),),
        "title": "Morning brief",
    }
    return Digest(**(values | overrides))
