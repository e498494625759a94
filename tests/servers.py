"""A real feed server on 127.0.0.1 (ephemeral port) for tests: files, conditional GET, faults.

    from tests.servers import FEEDS_DIR, FeedServer

    with FeedServer(FEEDS_DIR) as server:           # starts a thread; stops on exit
        url = server.url("/orbit-newswire.xml")
        server.serve_dir(FEEDS_DIR / "wave2")        # switch the files served, at any time

Files under the served directory are answered with a Content-Type from their
content (.json → application/feed+json; XML → application/atom+xml,
application/rdf+xml or application/rss+xml), a strong ETag (a hash of the body)
and Last-Modified (the file's mtime). A matching If-None-Match, or, without one,
an If-Modified-Since not older than the file, gets 304.

Per-path overrides (the path without query string) replace the file until `clear()`:

    set_status(path, 503, headers={"Retry-After": "120"}, body=b"")
    set_redirect(path, "/other.xml", status=301)      # 301, 302, 307 or 308
    set_body(path, raw_bytes, content_type=..., headers={...})
    set_broken(path)                                  # malformed XML, no usable entries
    set_trickle(path, bytes_per_second, body=None)    # slow body (the file or a small feed)
    set_gzip_bomb(path)                               # 1 GiB as gzip, ~1 MB on the wire
    set_endless(path)                                 # chunked body that never ends
    set_reset(path)                                   # close the connection, no response
    clear(path) / clear()

Every request is logged (thread-safe) as a `Request(method, path, target,
headers, status)` (`headers` with lower-case names; `.conditional` is true when
If-None-Match or If-Modified-Since was sent). Read the log with `requests`,
`count(path, conditional=...)`, `max_in_flight` (most requests handled at once)
and `wait_for_requests(n, path, timeout)`, which blocks (from async code: `await
asyncio.to_thread(server.wait_for_requests, n)`); `reset_log()` empties it.

Also exported: `FEEDS_DIR` (tests/data/feeds, the dev corpus with wave1..3),
`SMALL_FEED` and `BROKEN_XML` (bodies), `content_type(name, body)` and
`gzip_bomb(mebibytes=1024)`.
"""

from __future__ import annotations

import functools
import hashlib
import socket
import struct
import sys
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

FEEDS_DIR = Path(__file__).parent / "data" / "feeds"

SMALL_FEED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
    b"<title>Small feed</title><link>https://small.example/</link>"
    b"<item><title>One item</title><link>https://small.example/1</link>"
    b"<guid>small-1</guid></item></channel></rss>\n"
)
BROKEN_XML = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken &amp <item'

_DISCONNECTED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass(frozen=True, slots=True)
class Request:
    """One request the server answered; `status` 0 means the connection was reset."""

    method: str
    path: str
    target: str
    headers: dict[str, str]
    status: int

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


Responder = Callable[["_Handler", str], None]


class FeedServer:
    """An HTTP server in a background thread; see the module docstring for the API."""

    def __init__(self, root: Path | None = None) -> None:
        self._root = root
        self._overrides: dict[str, Responder] = {}
        self._log: list[Request] = []
        self._changed = threading.Condition()
        self._in_flight = 0
        self.max_in_flight = 0
        self._stopping = threading.Event()
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # lifecycle -----------------------------------------------------------------
    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return self.base_url + "/" + path.lstrip("/")

    def serve_dir(self, root: Path) -> None:
        """Serve files from `root` from now on."""
        with self._changed:
            self._root = root

    # overrides -----------------------------------------------------------------
    def set_status(
        self, path: str, status: int, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> None:
        """Answer `path` with a fixed status, headers (e.g. Retry-After) and body."""
        self._set(path, lambda h, p: h.reply(status, body, headers or {}))

    def set_redirect(self, path: str, target: str, *, status: int = 301) -> None:
        """Redirect `path` to `target` (a path on this server or an absolute URL)."""
        location = self.url(target) if target.startswith("/") else target
        self._set(path, lambda h, p: h.reply(status, b"", {"Location": location}))

    def set_body(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/rss+xml",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `path` with these exact bytes (e.g. gzip data with Content-Encoding)."""
        extra = {"Content-Type": content_type, **(headers or {})}
        self._set(path, lambda h, p: h.reply(200, body, extra))

    def set_broken(self, path: str) -> None:
        """Answer `path` with truncated, malformed XML that yields no entries."""
        self.set_body(path, BROKEN_XML)

    def set_trickle(self, path: str, bytes_per_second: float, *, body: bytes | None = None) -> None:
        """Send `body` (default: the file, else a small feed) at `bytes_per_second`."""
        self._set(path, lambda h, p: h.trickle(body or self._file_body(p), bytes_per_second))

    def set_gzip_bomb(self, path: str) -> None:
        """Answer with 1 GiB of spaces as one gzip member (~1 MB on the wire)."""
        self._set(path, lambda h, p: h.reply(200, gzip_bomb(), {"Content-Encoding": "gzip"}))

    def set_endless(self, path: str) -> None:
        """Answer with a chunked body that goes on until the client hangs up."""
        self._set(path, lambda h, p: h.endless())

    def set_reset(self, path: str) -> None:
        """Close the connection without any response."""
        self._set(path, lambda h, p: h.reset())

    def clear(self, path: str | None = None) -> None:
        """Remove the override of `path`, or all overrides."""
        with self._changed:
            if path is None:
                self._overrides.clear()
            else:
                self._overrides.pop(path, None)

    # request log ---------------------------------------------------------------
    @property
    def requests(self) -> list[Request]:
        with self._changed:
            return list(self._log)

    def count(self, path: str | None = None, *, conditional: bool | None = None) -> int:
        """Requests seen for `path` (all paths if None), optionally only (un)conditional ones."""
        return len(
            [
                r
                for r in self.requests
                if (path is None or r.path == path)
                and (conditional is None or r.conditional == conditional)
            ]
        )

    def wait_for_requests(
        self, n: int, path: str | None = None, *, timeout: float = 10.0
    ) -> list[Request]:
        """Block until `n` requests (for `path`) were answered; TimeoutError otherwise."""
        with self._changed:
            done = self._changed.wait_for(lambda: self._count_locked(path) >= n, timeout)
            if not done:
                raise TimeoutError(f"{self._count_locked(path)} of {n} requests for {path or '*'}")
            return [r for r in self._log if path is None or r.path == path]

    def reset_log(self) -> None:
        with self._changed:
            self._log.clear()
            self.max_in_flight = self._in_flight

    # internals -----------------------------------------------------------------
    def _set(self, path: str, responder: Responder) -> None:
        with self._changed:
            self._overrides["/" + path.lstrip("/")] = responder

    def _count_locked(self, path: str | None) -> int:
        return sum(1 for r in self._log if path is None or r.path == path)

    def _record(self, handler: _Handler, status: int) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        request = Request(handler.command, handler.route, handler.path, headers, status)
        with self._changed:
            self._log.append(request)
            self._changed.notify_all()

    def _handle(self, handler: _Handler) -> None:
        with self._changed:
            responder = self._overrides.get(handler.route, _serve_file)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            responder(handler, handler.route)
        except _DISCONNECTED:
            handler.close_connection = True
        finally:
            with self._changed:
                self._in_flight -= 1

    def _file(self, path: str) -> Path | None:
        with self._changed:
            root = self._root
        if root is None:
            return None
        file = (root / path.lstrip("/")).resolve()
        ok = file.is_relative_to(root.resolve()) and file.is_file()
        return file if ok else None

    def _file_body(self, path: str) -> bytes:
        file = self._file(path)
        return file.read_bytes() if file else SMALL_FEED


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-body are expected here; report anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # a client that stops reading cannot pin a thread for ever
    server: _HTTPServer

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    def do_GET(self) -> None:
        self.server.owner._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is the record."""

    def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.server.owner._record(self, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def trickle(self, body: bytes, rate: float) -> None:
        self.server.owner._record(self, 200)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        step = max(1, int(rate / 10))
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            if self.server.owner._stopping.wait(step / rate):
                return

    def endless(self) -> None:
        self.server.owner._record(self, 200)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        start = SMALL_FEED.split(b"<item>")[0]
        self.wfile.write(b"%x\r\n%s\r\n" % (len(start), start))
        chunk = b"<item><title>again</title></item>\n" * 2000
        while not self.server.owner._stopping.is_set():
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    def reset(self) -> None:
        self.server.owner._record(self, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True


def _serve_file(handler: _Handler, path: str) -> None:
    file = handler.server.owner._file(path)
    if file is None:
        handler.reply(404, b"not found\n", {"Content-Type": "text/plain"})
        return
    body = file.read_bytes()
    mtime = file.stat().st_mtime
    headers = {
        "ETag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "Last-Modified": formatdate(mtime, usegmt=True),
    }
    if _not_modified(handler, headers["ETag"], mtime):
        handler.reply(304, b"", headers)
    else:
        handler.reply(200, body, {"Content-Type": content_type(file.name, body), **headers})


def _not_modified(handler: _Handler, etag: str, mtime: float) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = handler.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = handler.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return int(mtime) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError):
        return False


def content_type(name: str, body: bytes) -> str:
    """The Content-Type a well-configured server would send for a feed file."""
    if name.endswith(".json"):
        return "application/feed+json; charset=utf-8"
    head = body[:2048]
    if b"<feed" in head:
        return "application/atom+xml"
    if b"<rdf:RDF" in head:
        return "application/rdf+xml"
    return "application/rss+xml"


@functools.cache
def gzip_bomb(mebibytes: int = 1024) -> bytes:
    """One valid gzip member holding `mebibytes` MiB of spaces (1 GiB → ~1 MB on the wire).

    After a full flush deflate restarts byte-aligned with an empty history, so the
    compressed form of each further MiB is the same block; repeat it, then close the
    stream with an empty final block and the CRC-32/size trailer.
    """
    mib = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(mib, crc)
    trailer = struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)
    return head + block * (mebibytes - 1) + b"\x03\x00" + trailer
