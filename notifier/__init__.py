"""newswatch notifier: render digests and deliver them by email, webhook or file.

Stands alone (imports no other newswatch package). The caller builds a `Digest`
and owns the outbox rows; this package renders, sends and says what happened.
"""

from notifier.channels import SendResult, build_message, deliver, sign_webhook
from notifier.config import (
    Channel,
    DigestConfig,
    Duration,
    EmailChannel,
    EmailTarget,
    FileChannel,
    FileTarget,
    SmtpConfig,
    WebhookChannel,
    WebhookTarget,
)
from notifier.errors import NotifierError, RenderError, WebhookSecretError
from notifier.model import AlsoReported, Digest, DigestEntry, MatchedTerm
from notifier.outbox import RETRY_WINDOW, next_attempt_delay
from notifier.render import render_html, render_json, render_text

__all__ = [
    "RETRY_WINDOW",
    "AlsoReported",
    "Channel",
    "Digest",
    "DigestConfig",
    "DigestEntry",
    "Duration",
    "EmailChannel",
    "EmailTarget",
    "FileChannel",
    "FileTarget",
    "MatchedTerm",
    "NotifierError",
    "RenderError",
    "SendResult",
    "SmtpConfig",
    "WebhookChannel",
    "WebhookSecretError",
    "WebhookTarget",
    "build_message",
    "deliver",
    "next_attempt_delay",
    "render_html",
    "render_json",
    "render_text",
    "sign_webhook",
]
