"""Webhooks: Standard Webhooks signatures and how each answer of a real receiver is read."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook

from notifier import WebhookChannel, deliver, render_json, sign_webhook
from notifier.channels import parse_retry_after
from tests.notifier.samples import WHSEC, make_digest
from tests.receivers import WebhookReceiver, statuses


def channel(url: str, secret: str = WHSEC, timeout: str = "5s") -> WebhookChannel:
    return WebhookChannel.model_validate(
        {"webhook": {"url": url, "secret": secret, "timeout": timeout}}
    )


async def test_signed_post_verifies_with_standardwebhooks(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    digest = make_digest()
    result = await deliver(channel(webhook_receiver.url), digest, smtp=None, http=http)
    assert result.outcome == "sent", result.detail
    (request,) = await webhook_receiver.until(1)
    assert request.verified is True
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == "dlv-7f3a9c"
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.body == render_json(digest)
    payload = Webhook(WHSEC).verify(request.body, request.headers)
    assert payload["delivery_id"] == "dlv-7f3a9c"


def test_signature_matches_stdlib_hmac() -> None:
    body = render_json(make_digest())
    key = base64.b64decode(WHSEC.removeprefix("whsec_"))
    expected = hmac.new(key, b"dlv-7f3a9c.1700000000." + body, hashlib.sha256).digest()
    signature = sign_webhook(WHSEC, "dlv-7f3a9c", 1700000000, body)
    assert signature == "v1," + base64.b64encode(expected).decode()


def test_plain_secret_signs_with_its_utf8_bytes() -> None:
    expected = hmac.new("pässword".encode(), b"m1.5.{}", hashlib.sha256).digest()
    assert sign_webhook("pässword", "m1", 5, b"{}") == "v1," + base64.b64encode(expected).decode()


@given(
    st.text(min_size=1).filter(lambda text: not text.startswith("whsec_")),
    st.binary(),
    st.integers(min_value=0, max_value=2**40),
)
def test_plain_secret_signatures_match_hmac(secret: str, body: bytes, timestamp: int) -> None:
    signature = sign_webhook(secret, "msg_1", timestamp, body)
    to_sign = b"msg_1.%d.%s" % (timestamp, body)
    expected = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    assert base64.b64decode(signature.removeprefix("v1,")) == expected


@given(st.binary(min_size=1, max_size=64), st.text())
def test_whsec_signatures_verify_with_standardwebhooks(key: bytes, text: str) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    body, now = text.encode(), int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign_webhook(secret, "msg_1", now, body),
    }
    Webhook(secret).verify(body, headers, json_parse=False)


async def test_non_whsec_secret_verifies_at_the_receiver(http: httpx.AsyncClient) -> None:
    with WebhookReceiver(secret="correct horse battery staple") as receiver:
        target = channel(receiver.url, secret="correct horse battery staple")
        assert (await deliver(target, make_digest(), smtp=None, http=http)).outcome == "sent"
        assert receiver.wait_for(1)[0].verified is True


async def test_wrong_secret_does_not_verify(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    target = channel(webhook_receiver.url, secret="whsec_" + base64.b64encode(b"x" * 24).decode())
    await deliver(target, make_digest(), smtp=None, http=http)
    assert webhook_receiver.wait_for(1)[0].verified is False


async def test_no_secret_sends_unsigned(http: httpx.AsyncClient) -> None:
    with WebhookReceiver() as receiver:
        result = await deliver(
            channel(receiver.url, secret=""), make_digest(), smtp=None, http=http
        )
        assert result.outcome == "sent"
        (request,) = receiver.wait_for(1)
        assert "webhook-signature" not in request.headers
        assert request.headers["webhook-id"] == "dlv-7f3a9c"


async def test_retries_carry_the_same_webhook_id(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    webhook_receiver.respond_with(500, 503, 200)
    target = channel(webhook_receiver.url)
    outcomes = [(await deliver(target, make_digest(), smtp=None, http=http)).outcome for _ in "abc"]
    assert outcomes == ["retry", "retry", "sent"]
    requests = webhook_receiver.wait_for(3)
    assert statuses(requests) == [500, 503, 200]
    assert {r.headers["webhook-id"] for r in requests} == {"dlv-7f3a9c"}
    assert {r.body for r in requests} == {render_json(make_digest())}
    assert all(r.verified for r in requests)


async def test_410_means_gone_after_one_attempt(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    webhook_receiver.respond_with(410)
    result = await deliver(channel(webhook_receiver.url), make_digest(), smtp=None, http=http)
    assert result.outcome == "gone"
    assert len(webhook_receiver.requests) == 1


@pytest.mark.parametrize("status", [400, 404, 500, 502])
async def test_other_failures_are_retried(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient, status: int
) -> None:
    webhook_receiver.respond_with(status)
    result = await deliver(channel(webhook_receiver.url), make_digest(), smtp=None, http=http)
    assert (result.outcome, result.detail) == ("retry", f"HTTP {status}: nope")
    assert result.retry_after is None


async def test_retry_after_seconds_and_date_are_honoured(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    webhook_receiver.respond_with((429, {"Retry-After": "120"}), (503, {"Retry-After": later}))
    target = channel(webhook_receiver.url)
    first = await deliver(target, make_digest(), smtp=None, http=http)
    second = await deliver(target, make_digest(), smtp=None, http=http)
    assert (first.outcome, first.retry_after) == ("retry", 120.0)
    assert second.outcome == "retry"
    assert second.retry_after is not None
    assert 7100 < second.retry_after <= 7200


async def test_redirects_are_not_followed(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    webhook_receiver.respond_with((301, {"Location": "http://127.0.0.1:9/elsewhere"}))
    result = await deliver(channel(webhook_receiver.url), make_digest(), smtp=None, http=http)
    assert result.outcome == "retry"
    assert "not followed" in result.detail
    assert len(webhook_receiver.requests) == 1


async def test_a_silent_receiver_times_out_into_a_retry(
    webhook_receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    webhook_receiver.hold()
    target = channel(webhook_receiver.url, timeout="0.3s")
    result = await deliver(target, make_digest(), smtp=None, http=http)
    webhook_receiver.release()
    assert result.outcome == "retry"
    assert len(webhook_receiver.requests) == 1


async def test_connection_refused_is_retried(http: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await deliver(
        channel(f"http://127.0.0.1:{port}/h"), make_digest(), smtp=None, http=http
    )
    assert result.outcome == "retry"
    assert "ConnectError" in result.detail


def test_retry_after_parsing() -> None:
    now = datetime(2019, 1, 4, 7, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == 30.0
    assert parse_retry_after("Fri, 04 Jan 2019 07:05:00 GMT", now) == 300.0
    assert parse_retry_after("Fri, 04 Jan 2019 06:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_body_is_what_the_receiver_parses() -> None:
    body = json.loads(render_json(make_digest()))
    assert body["items"][0]["matched"][0]["text"] == "Jo Song-gil"
