"""Standard Webhooks v1 signatures (standardwebhooks.com): keys and `v1,` signatures."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from notifier.errors import WebhookSecretError

WEBHOOK_SECRET_PREFIX = "whsec_"


def signing_key(secret: str) -> bytes:
    """The HMAC key of a webhook secret: base64-decoded `whsec_…`, else the UTF-8 bytes."""
    if not secret.startswith(WEBHOOK_SECRET_PREFIX):
        return secret.encode("utf-8")
    encoded = secret.removeprefix(WEBHOOK_SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSecretError("the part after whsec_ is not base64") from None
    if not key:
        raise WebhookSecretError("the key after whsec_ is empty")
    return key


def sign_webhook(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """`v1,<base64 HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}")>`; the secret must be set."""
    if not secret:
        raise WebhookSecretError("the secret is empty")
    data = body.encode("utf-8") if isinstance(body, str) else body
    signed = b"%s.%d.%s" % (msg_id.encode("utf-8"), timestamp, data)
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")
