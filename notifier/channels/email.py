"""Email channel: a multipart/alternative message (text, then sanitised HTML) over SMTP.

TLS is never opportunistic: port 465 / `tls: true` is implicit TLS, `starttls: true`
requires the server to offer STARTTLS (aiosmtplib's default would fall back to
plaintext). The Message-ID and the MIME boundary derive from the delivery id, so a
retry sends the same message.
"""

from __future__ import annotations

import asyncio
import email.policy
import hashlib
import re
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from notifier.addresses import bare_address, parse_address
from notifier.channels.result import SendResult
from notifier.config import EmailTarget, SmtpConfig
from notifier.model import Digest
from notifier.render.common import as_utc, one_line, subject_line
from notifier.render.html import render_html
from notifier.render.text import render_text

DEFAULT_FROM = "newswatch <newswatch@localhost>"
NO_RECIPIENTS = "undisclosed-recipients:;"
FALLBACK_DOMAIN = "newswatch.invalid"
DEADLINE_FACTOR = 3  # whole SMTP exchange ≤ 3 × the per-operation timeout
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9-]+")


def build_message(
    digest: Digest,
    smtp: SmtpConfig | None,
    target: EmailTarget | None,
    *,
    date: datetime | None = None,
) -> EmailMessage:
    """The digest as an RFC 5322 message; `date` defaults to now (the file channel pins it)."""
    sender = smtp.from_addr if smtp else DEFAULT_FROM
    recipients = list(target.to) if target else []
    key = _message_key(digest.delivery_id, recipients)
    message = EmailMessage(policy=email.policy.SMTP)
    _set_subject(message, subject_line(digest, target.subject if target else None))
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else NO_RECIPIENTS
    moment = as_utc(date).timestamp() if date else None
    message["Date"] = formatdate(moment, usegmt=True)
    message["Message-ID"] = f"<{key}.{_atext(digest.digest_id)}@{_domain(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message["X-Newswatch-Digest"] = one_line(digest.digest_id, 64)
    message["X-Newswatch-Delivery"] = one_line(digest.delivery_id, 200)
    text, html = render_text(digest), render_html(digest)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    boundary = f"=_nw_{key[:24]}"
    if boundary not in text and boundary not in html:
        message.set_boundary(boundary)
    return message


async def send_email(target: EmailTarget, digest: Digest, smtp: SmtpConfig | None) -> SendResult:
    """Build and send one message; 4xx and connection trouble → retry, 5xx → failed."""
    if smtp is None:
        return SendResult("failed", "no smtp section is configured")
    message = build_message(digest, smtp, target)
    seconds = smtp.timeout.total_seconds()
    try:
        async with asyncio.timeout(seconds * DEADLINE_FACTOR):
            refused, reply = await aiosmtplib.send(
                message,
                sender=bare_address(smtp.from_addr),
                recipients=[bare_address(address) for address in target.to],
                hostname=smtp.host,
                port=smtp.port,
                username=smtp.username or None,
                password=smtp.password or None,
                use_tls=smtp.implicit_tls,
                start_tls=False if smtp.implicit_tls else smtp.starttls,
                validate_certs=smtp.validate_certs,
                timeout=seconds,
            )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        return _all_refused(exc.recipients)
    except aiosmtplib.SMTPResponseException as exc:
        return _by_code(exc.code, exc.message)
    except TimeoutError:
        return SendResult("retry", f"no answer from {smtp.host}:{smtp.port} in time")
    except (aiosmtplib.SMTPException, OSError) as exc:
        return SendResult("retry", f"{type(exc).__name__}: {one_line(str(exc), 200)}")
    if refused:
        some = ", ".join(f"{address} ({r.code})" for address, r in sorted(refused.items()))
        return SendResult("sent", f"sent; refused for {some}")
    return SendResult("sent", one_line(reply, 200))


def _set_subject(message: EmailMessage, subject: str) -> None:
    """Non-ASCII subjects are encoded here: CPython 3.11's folder drops the space between
    two encoded words at a fold (`sparito: città` comes back as `sparito:città`)."""
    if subject.isascii():
        message["Subject"] = subject
    else:
        encoded = Header(subject, "utf-8", header_name="Subject")
        message.set_raw("Subject", encoded.encode(linesep="\n", maxlinelen=76))


def _by_code(code: int, message: str) -> SendResult:
    outcome = "failed" if 500 <= code < 600 else "retry"
    return SendResult(outcome, f"SMTP {code}: {one_line(message, 200)}")


def _all_refused(refusals: list[aiosmtplib.SMTPRecipientRefused]) -> SendResult:
    detail = "all recipients refused: " + ", ".join(
        f"{r.recipient} ({r.code} {one_line(r.message, 80)})" for r in refusals
    )
    transient = any(400 <= r.code < 500 for r in refusals)
    return SendResult("retry" if transient else "failed", detail)


def _message_key(delivery_id: str, recipients: list[str]) -> str:
    seed = "\n".join([delivery_id, *sorted(recipients)])
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]


def _atext(text: str) -> str:
    return _NOT_ATEXT.sub("-", text).strip("-")[:40] or "digest"


def _domain(sender: str) -> str:
    try:
        domain = parse_address(sender).domain
    except ValueError:
        return FALLBACK_DOMAIN
    return domain if re.fullmatch(r"[A-Za-z0-9.-]+", domain) else FALLBACK_DOMAIN
