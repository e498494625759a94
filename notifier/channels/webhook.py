"""Webhook channel: POST the JSON digest, signed per Standard Webhooks v1.

`webhook-id` is the digest's delivery id, so every retry of one delivery carries the
same idempotency key; `webhook-timestamp` is set per attempt. With an empty secret
the request is sent unsigned (no `webhook-signature` header). Redirects are never
followed: a 3xx is retried and its detail says to update the URL.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from notifier.channels.result import SendResult
from notifier.config import WebhookTarget
from notifier.model import Digest
from notifier.render.common import one_line
from notifier.render.json import render_json
from notifier.signing import sign_webhook

SNIPPET_BYTES = 200  # of an error response body, kept for the operator


def webhook_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one attempt."""
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
    }
    if secret:
        headers["webhook-signature"] = sign_webhook(secret, msg_id, timestamp, body)
    return headers


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value) if len(value) <= 12 else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def send_webhook(
    target: WebhookTarget, digest: Digest, http: httpx.AsyncClient
) -> SendResult:
    """One signed POST; the outcome is a value whatever the network or server does."""
    body = render_json(digest)
    headers = webhook_headers(target.secret, digest.delivery_id, int(time.time()), body)
    seconds = target.timeout.total_seconds()
    try:
        async with (
            asyncio.timeout(seconds),
            http.stream(
                "POST",
                target.url,
                content=body,
                headers=headers,
                timeout=seconds,
                follow_redirects=False,
            ) as response,
        ):
            snippet = await _snippet(response)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return SendResult("failed", f"bad webhook url: {one_line(str(exc), 200)}")
    except TimeoutError:
        return SendResult("retry", f"no answer within {seconds:g}s")
    except (httpx.HTTPError, OSError) as exc:
        return SendResult("retry", _error_detail(exc))
    return _classify(response, snippet)


def _classify(response: httpx.Response, snippet: str) -> SendResult:
    status = response.status_code
    if response.is_success:
        return SendResult("sent", f"HTTP {status}")
    if status == 410:
        return SendResult("gone", "HTTP 410 Gone: the endpoint asked to be disabled")
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if response.is_redirect:
        location = one_line(response.headers.get("location", ""), 200)
        detail = f"HTTP {status} redirect to {location or '?'} not followed: update the url"
        return SendResult("retry", detail, retry_after)
    detail = f"HTTP {status}" + (f": {snippet}" if snippet else "")
    return SendResult("retry", detail, retry_after)


async def _snippet(response: httpx.Response) -> str:
    """The start of an error body, for the operator; compressed bodies are not decoded."""
    if response.is_success or response.headers.get("content-encoding"):
        return ""
    data = b""
    async for chunk in response.aiter_raw():
        data += chunk
        if len(data) >= SNIPPET_BYTES:
            break
    return one_line(data[:SNIPPET_BYTES].decode("utf-8", "replace"), SNIPPET_BYTES)


def _error_detail(exc: Exception) -> str:
    message = one_line(str(exc), 200)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
