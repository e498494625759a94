"""Delivery channels: email (SMTP), webhook (HTTP POST) and file.

`deliver` never raises for network or server trouble: it returns a `SendResult`
whose outcome the caller's outbox turns into done / retry later / disable / dead.
"""

from __future__ import annotations

import httpx

from notifier.channels.email import build_message, send_email
from notifier.channels.file import digest_file_stem, send_file, write_digest_files
from notifier.channels.result import Outcome, SendResult
from notifier.channels.webhook import parse_retry_after, send_webhook
from notifier.config import Channel, EmailChannel, FileChannel, SmtpConfig, WebhookChannel
from notifier.model import Digest
from notifier.signing import sign_webhook

__all__ = [
    "Outcome",
    "SendResult",
    "build_message",
    "deliver",
    "digest_file_stem",
    "parse_retry_after",
    "sign_webhook",
    "write_digest_files",
]


async def deliver(
    channel: Channel,
    digest: Digest,
    *,
    smtp: SmtpConfig | None,
    http: httpx.AsyncClient,
) -> SendResult:
    """Send `digest` through one channel and say how it went."""
    if isinstance(channel, EmailChannel):
        return await send_email(channel.email, digest, smtp)
    if isinstance(channel, WebhookChannel):
        return await send_webhook(channel.webhook, digest, http)
    if isinstance(channel, FileChannel):
        return await send_file(channel.file, digest, smtp)
    raise TypeError(f"not a channel: {channel!r}")
