"""Email: the message we build, and sending it to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import httpx
import pytest

from notifier import EmailChannel, EmailTarget, SmtpConfig, build_message, deliver
from notifier.render.common import subject_line
from tests.notifier.samples import SENDER, make_digest, make_entry, plain_smtp
from tests.receivers import SmtpSink

TARGET = EmailTarget(to=["analyst@example.org", "Desk <desk@example.org>"])
CHANNEL = EmailChannel.model_validate({"email": {"to": ["analyst@example.org"]}})
DATE = datetime(2019, 1, 4, 7, 0, tzinfo=UTC)


def parse(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def test_message_is_multipart_alternative_text_then_html() -> None:
    message = parse(build_message(make_digest(), None, TARGET).as_bytes())
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "Envoy Jo Song-gil reported safe in Seoul" in text.get_content()
    assert "<strong" in html.get_content()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["To"] == "analyst@example.org, Desk <desk@example.org>"
    assert message["Subject"] == "newswatch: Morning brief — 1 story"


@pytest.mark.parametrize(
    "title",
    ["조성길 전 대사대리 브리핑", "Perché l'ambasciatore è sparito: città in allerta"],
)
def test_non_ascii_subject_round_trips_with_ascii_headers(title: str) -> None:
    digest = make_digest(make_entry(title=title), title=title)
    raw = build_message(digest, None, TARGET).as_bytes()
    assert header_block(raw).isascii()
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert parse(raw)["Subject"] == subject_line(digest)
    assert title in subject_line(digest)
    text = parse(raw).get_body(("plain",))
    assert text is not None
    assert title in text.get_content()


def test_header_injection_from_a_feed_title_is_flattened() -> None:
    evil = "Breaking\r\nBcc: victim@example.org\r\n\r\nbody"
    digest = make_digest(make_entry(title=evil), title=evil)
    message = parse(build_message(digest, None, TARGET).as_bytes())
    assert message["Bcc"] is None
    assert message.get_all("Subject") == [
        "newswatch: Breaking Bcc: victim@example.org body — 1 story"
    ]


def test_message_id_is_stable_for_a_delivery() -> None:
    first = build_message(make_digest(), None, TARGET)
    again = build_message(make_digest(), None, TARGET)
    other = build_message(make_digest(delivery_id="dlv-other"), None, TARGET)
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"] != other["Message-ID"]
    smtp = SmtpConfig.model_validate({"host": "mail.example.org", "from": SENDER})
    assert build_message(make_digest(), smtp, TARGET)["Message-ID"].endswith("@example.org>")


def test_pinned_date_gives_identical_bytes() -> None:
    first = build_message(make_digest(), None, TARGET, date=DATE).as_bytes()
    assert first == build_message(make_digest(), None, TARGET, date=DATE).as_bytes()
    assert parse(first)["Date"] == "Fri, 04 Jan 2019 07:00:00 +0000"


def test_custom_subject_template() -> None:
    target = EmailTarget(to=["a@example.org"], subject="[alerts] {title}: {count}")
    assert build_message(make_digest(), None, target)["Subject"] == (
        "[alerts] Morning brief: 1 story"
    )


async def test_delivered_to_a_real_smtp_server(
    smtp_sink: SmtpSink, http: httpx.AsyncClient
) -> None:
    smtp = plain_smtp(smtp_sink)
    result = await deliver(CHANNEL, make_digest(), smtp=smtp, http=http)
    assert result.outcome == "sent", result.detail
    (mail,) = await smtp_sink.until(1)
    assert mail.mail_from == "nw@example.org"
    assert mail.rcpt_tos == ("analyst@example.org",)
    message = mail.message()
    assert message["From"] == SENDER
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]


@pytest.mark.parametrize(("code", "outcome"), [(421, "retry"), (451, "retry"), (550, "failed")])
async def test_smtp_refusals(
    smtp_sink: SmtpSink, http: httpx.AsyncClient, code: int, outcome: str
) -> None:
    smtp_sink.fail_next(code)
    smtp = plain_smtp(smtp_sink)
    result = await deliver(CHANNEL, make_digest(), smtp=smtp, http=http)
    assert (result.outcome, result.detail[:8]) == (outcome, f"SMTP {code}")
    assert smtp_sink.messages == []
    retried = await deliver(CHANNEL, make_digest(), smtp=smtp, http=http)
    assert retried.outcome == "sent"
    (first,) = smtp_sink.wait_for(1)
    assert (
        first.message()["Message-ID"]
        == build_message(make_digest(), smtp, CHANNEL.email)["Message-ID"]
    )


async def test_starttls_required_but_not_offered_sends_nothing(
    smtp_sink: SmtpSink, http: httpx.AsyncClient
) -> None:
    smtp = plain_smtp(smtp_sink, starttls=True)
    result = await deliver(CHANNEL, make_digest(), smtp=smtp, http=http)
    assert result.outcome == "retry"
    assert "STARTTLS" in result.detail
    assert smtp_sink.attempts == 0
    assert smtp_sink.messages == []


@pytest.fixture
def tls_sink() -> Iterator[SmtpSink]:
    trustme = pytest.importorskip("trustme")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(server_context)
    with SmtpSink(tls_context=server_context, require_starttls=True) as sink:
        yield sink


async def test_untrusted_certificate_is_refused(
    tls_sink: SmtpSink, http: httpx.AsyncClient
) -> None:
    smtp = plain_smtp(tls_sink, starttls=True)
    result = await deliver(CHANNEL, make_digest(), smtp=smtp, http=http)
    assert result.outcome == "retry"
    assert tls_sink.messages == []


async def test_starttls_with_verification_off_delivers(
    tls_sink: SmtpSink, http: httpx.AsyncClient
) -> None:
    smtp = plain_smtp(tls_sink, starttls=True, validate_certs=False)
    result = await deliver(CHANNEL, make_digest(), smtp=smtp, http=http)
    assert result.outcome == "sent", result.detail
    assert len(await tls_sink.until(1)) == 1


async def test_unreachable_server_is_retried(http: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = SmtpConfig.model_validate(
        {"host": "127.0.0.1", "port": port, "starttls": False, "from": SENDER}
    )
    result = await deliver(CHANNEL, make_digest(), smtp=smtp, http=http)
    assert result.outcome == "retry"


async def test_email_without_smtp_section_fails(http: httpx.AsyncClient) -> None:
    result = await deliver(CHANNEL, make_digest(), smtp=None, http=http)
    assert result.outcome == "failed"
