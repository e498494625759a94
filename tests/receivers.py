"""Real receivers on 127.0.0.1 (ephemeral ports) for delivery tests, run in threads.

- `SmtpSink`: an aiosmtpd server that captures messages and can answer 421/451/550
  for the next N messages.
- `WebhookReceiver`: an HTTP server that records raw requests, verifies Standard
  Webhooks signatures, and answers a scripted status sequence (e.g. 500, 500, 200).

Both are context managers, usable from sync and async tests. Wait with
`wait_for(n)` (blocking) or `await until(n)`: both wait on a condition for at most
`within` seconds (never a fixed sleep) and raise TimeoutError if it is not met.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, TypeVar

from aiosmtpd.controller import Controller
from standardwebhooks import Webhook

HOST = "127.0.0.1"
WAIT = 5.0  # seconds a wait_for gives up after
T = TypeVar("T")


class _Recorder(Generic[T]):
    """A list guarded by a condition, so tests can wait for items to arrive."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._changed = threading.Condition()

    def add(self, item: T) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    def snapshot(self) -> list[T]:
        with self._changed:
            return list(self._items)

    def wait_for(self, count: int, within: float) -> list[T]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._items) >= count, within):
                raise TimeoutError(f"expected {count}, got {len(self._items)} within {within}s")
            return list(self._items)


# -- SMTP -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # the message as sent, CRLF line ends

    def message(self) -> EmailMessage:
        """The message parsed with the modern policy (`get_body`, decoded headers)."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _SinkHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.sink._on_data(envelope)


class _EphemeralController(Controller):
    """aiosmtpd's Controller, bound to port 0 with the real port read back."""

    def _create_server(self) -> Any:
        create = super()._create_server()

        async def bind() -> Any:
            server = await create
            self.port = server.sockets[0].getsockname()[1]
            return server

        return bind()


class SmtpSink:
    """An SMTP server capturing messages; `fail_next(451, 2)` refuses the next 2 at DATA."""

    def __init__(
        self, *, tls_context: ssl.SSLContext | None = None, require_starttls: bool = False
    ) -> None:
        self._mail: _Recorder[ReceivedMail] = _Recorder()
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self.attempts = 0  # DATA commands seen, refused ones included
        kwargs: dict[str, Any] = {}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=require_starttls)
        self._controller = _EphemeralController(_SinkHandler(self), hostname=HOST, port=0, **kwargs)

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail_next(self, code: int, count: int = 1) -> None:
        """Answer `code` (e.g. 421, 451, 550) to the next `count` messages."""
        with self._lock:
            self._failures.extend([code] * count)

    @property
    def messages(self) -> list[ReceivedMail]:
        return self._mail.snapshot()

    def wait_for(self, count: int = 1, within: float = WAIT) -> list[ReceivedMail]:
        return self._mail.wait_for(count, within)

    async def until(self, count: int = 1, within: float = WAIT) -> list[ReceivedMail]:
        return await asyncio.to_thread(self._mail.wait_for, count, within)

    def _on_data(self, envelope: Any) -> str:
        with self._lock:
            self.attempts += 1
            code = self._failures.pop(0) if self._failures else None
        if code is not None:
            return f"{code} {'4.3.0 try again later' if code < 500 else '5.7.1 rejected'}"
        data = envelope.original_content or envelope.content
        self._mail.add(ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(data)))
        return "250 2.0.0 OK queued"


# -- Webhooks -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    verified: bool | None  # signature check; None when the receiver has no secret
    status: int  # what the receiver answered


Response = int | tuple[int, dict[str, str]]


class WebhookReceiver:
    """Records POSTs; answers from `respond_with(...)`, then `default_status`."""

    def __init__(self, secret: str = "", *, default_status: int = 200) -> None:
        self.secret = secret
        self.default_status = default_status
        self._requests: _Recorder[ReceivedRequest] = _Recorder()
        self._script: list[Response] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._released.set()
        self._server = ThreadingHTTPServer((HOST, 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(WAIT)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def respond_with(self, *responses: Response) -> None:
        """Answer these statuses (or (status, headers)) in order, then the default."""
        with self._lock:
            self._script.extend(responses)

    def hold(self) -> None:
        """Keep requests waiting unanswered until `release()` (for client timeouts)."""
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    @property
    def requests(self) -> list[ReceivedRequest]:
        return self._requests.snapshot()

    def wait_for(self, count: int = 1, within: float = WAIT) -> list[ReceivedRequest]:
        return self._requests.wait_for(count, within)

    async def until(self, count: int = 1, within: float = WAIT) -> list[ReceivedRequest]:
        return await asyncio.to_thread(self._requests.wait_for, count, within)

    def verify(self, body: bytes, headers: dict[str, str]) -> bool | None:
        """Standard Webhooks check (`whsec_` secrets as base64, others as UTF-8 bytes)."""
        if not self.secret:
            return None
        key: str | bytes = self.secret
        if not self.secret.startswith("whsec_"):
            key = self.secret.encode("utf-8")
        try:
            Webhook(key).verify(body, headers)
        except Exception:  # malformed headers raise ValueError, bad UTF-8 UnicodeDecodeError
            return False
        return True

    def _next_response(self) -> tuple[int, dict[str, str]]:
        with self._lock:
            response = self._script.pop(0) if self._script else self.default_status
        return response if isinstance(response, tuple) else (response, {})

    def _record(self, request: ReceivedRequest) -> None:
        self._requests.add(request)


def _make_handler(receiver: WebhookReceiver) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, extra = receiver._next_response()
            receiver._record(
                ReceivedRequest(
                    "POST", self.path, headers, body, receiver.verify(body, headers), status
                )
            )
            receiver._released.wait(WAIT * 2)
            payload = b"ok" if status < 300 else b"nope"
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (timeout tests)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `receiver.requests` instead."""

    return Handler


def statuses(requests: Sequence[ReceivedRequest]) -> list[int]:
    return [request.status for request in requests]
