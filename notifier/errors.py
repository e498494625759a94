"""Errors of the notifier package.

Expected delivery outcomes (a 500, a timeout, a refused recipient) are values
(`channels.SendResult`), not exceptions. These errors mean the caller handed the
notifier something it cannot use.

    NotifierError
     ├── RenderError         a digest could not be rendered
     └── WebhookSecretError  a `whsec_…` secret is not valid base64
"""

from __future__ import annotations


class NotifierError(Exception):
    """Root of every error raised by `notifier`."""


class RenderError(NotifierError):
    """Rendering digest `digest_id` failed (`reason` says why)."""

    def __init__(self, digest_id: str, reason: str) -> None:
        super().__init__(f"cannot render digest {digest_id!r}: {reason}")
        self.digest_id = digest_id
        self.reason = reason


class WebhookSecretError(NotifierError):
    """A webhook secret cannot be turned into a signing key (the secret is never included)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid webhook secret: {reason}")
        self.reason = reason
