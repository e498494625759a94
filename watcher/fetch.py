"""Fetch feeds over HTTP: conditional GET, redirects, byte and time caps, politeness.

A fetch never raises for anything a remote server can do: every outcome is a
`FetchResult` whose `kind` is "ok", "not_modified" (304), "gone" (410) or
"error" (any other status, network failure, timeout or cap), as in miniflux's
fetcher. The body is read raw and decoded here, so the cap applies to the
*decoded* size with bounded memory even for a gzip bomb (HARDENING F2), and a
total deadline covers the whole exchange, since httpx's timeouts apply per read (F3).

TODO(HARDENING F1): no SSRF guard yet. A connect-time check (resolve, reject
non-global addresses, dial the vetted IP, re-check on every redirect hop) belongs
in a transport passed as `Fetcher(transport=...)`; tests use 127.0.0.1 until then.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass, field, replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Any, Literal

import httpx

from notifier.channels import parse_retry_after

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_USER_AGENT = "newswatch (+https://github.com/newswatch/newswatch)"
DEFAULT_MAX_REDIRECTS = 5
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_PERMANENT = frozenset({301, 308})

Kind = Literal["ok", "not_modified", "gone", "error"]


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits for fetching; the defaults match the `poll` section of the config."""

    timeout: float = DEFAULT_TIMEOUT  # seconds: per connect/read and for the whole fetch
    max_bytes: int = DEFAULT_MAX_BYTES  # cap on the decoded body
    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = 50  # fetches in flight at once
    per_host: int = 4  # fetches in flight per host
    max_redirects: int = DEFAULT_MAX_REDIRECTS


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one fetch. `headers` have lower-case names, as received."""

    kind: Kind
    status: int | None
    body: bytes = b""  # decoded (gzip/deflate removed); only for "ok"
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str = ""
    etag: str | None = None  # store verbatim, send back as If-None-Match
    last_modified: str | None = None  # store verbatim, send back as If-Modified-Since
    retry_after: float | None = None  # seconds, from Retry-After (delta or HTTP-date)
    error: str | None = None  # what went wrong, for the operator
    elapsed_ms: int = 0
    permanent_redirect: str | None = None  # target when every redirect was 301/308


class _BodyError(Exception):
    """The body broke a cap or could not be decoded (message for the operator)."""


class Fetcher:
    """A shared HTTP client with global and per-host concurrency limits.

    Use as `async with Fetcher(settings) as fetcher: await fetcher.fetch(url)`,
    or call `aclose()` when done.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings = settings or FetchSettings()
        self._client = httpx.AsyncClient(
            headers={
                "User-Agent": settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(
                max_connections=settings.concurrency,
                max_keepalive_connections=min(settings.concurrency, 20),
            ),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            trust_env=False,
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            transport=transport,
        )
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed, conditionally if `etag`/`last_modified` are given; never raises."""
        try:
            host = httpx.URL(url).host
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            return FetchResult("error", None, final_url=url, error=f"invalid URL: {exc}")
        async with self._host_slot(host), self._slots:
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.settings.timeout):
                    result = await self._get(url, etag, last_modified)
            except TimeoutError:
                error = f"timed out: no complete response within {self.settings.timeout:g} s"
                result = FetchResult("error", None, final_url=url, error=error)
            except Exception as exc:  # nothing a server can provoke may escape
                result = FetchResult("error", None, final_url=url, error=_describe(exc))
        elapsed_ms = round((time.monotonic() - started) * 1000)
        return replace(result, elapsed_ms=elapsed_ms)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self.settings.per_host)
        return slot

    async def _get(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        request_headers = {}
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        async with self._client.stream("GET", url, headers=request_headers) as response:
            status = response.status_code
            headers = {k.lower(): v for k, v in response.headers.items()}
            common: dict[str, Any] = {
                "status": status,
                "headers": headers,
                "final_url": str(response.url),
                "etag": headers.get("etag") or (etag if status == 304 else None),
                "last_modified": headers.get("last-modified")
                or (last_modified if status == 304 else None),
                "permanent_redirect": _permanent_target(response),
            }
            if status == 304:
                return FetchResult("not_modified", **common)
            if status == 410:
                return FetchResult("gone", error="HTTP 410 Gone", **common)
            if not 200 <= status < 300:
                error = f"HTTP {status} {response.reason_phrase}".rstrip()
                retry_after = parse_retry_after(headers.get("retry-after"))
                return FetchResult("error", error=error, retry_after=retry_after, **common)
            try:
                body = await _read_body(response, self.settings.max_bytes)
            except _BodyError as exc:
                return FetchResult("error", error=str(exc), **common)
            return FetchResult("ok", body=body, **common)


def _permanent_target(response: httpx.Response) -> str | None:
    history = response.history
    if history and all(r.status_code in _PERMANENT for r in history):
        return str(response.url)
    return None


async def _read_body(response: httpx.Response, limit: int) -> bytes:
    """Read the raw body and decode it, stopping as soon as either size passes `limit`."""
    decoder = _Decoder(response.headers.get("content-encoding", ""), limit)
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _BodyError(f"response body exceeds the {_size(limit)} cap")
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > limit:
            raise _BodyError(f"response body exceeds the {_size(limit)} cap")
        decoder.feed(chunk)
    return decoder.body()


class _Decoder:
    """Incremental gzip/deflate/identity decoding that never holds more than `limit` bytes."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self.encoding = content_encoding.strip().lower()
        if self.encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise _BodyError(f"unsupported Content-Encoding: {content_encoding!r}")
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0
        self._zlib: zlib._Decompress | None = None
        self._members = 0  # complete compressed streams seen so far
        self._pending = b""
        self._done = False  # the stream ended; anything after it is ignored

    def feed(self, data: bytes) -> None:
        if self.encoding in ("", "identity"):
            self._add(data)
            return
        try:
            self._inflate(data)
        except zlib.error as exc:
            raise _BodyError(f"corrupt {self.encoding} body: {exc}") from exc

    def body(self) -> bytes:
        return b"".join(self._parts)

    def _inflate(self, data: bytes) -> None:
        data, self._pending = self._pending + data, b""
        while data and not self._done:
            if self._zlib is None:
                if self._members and len(data) < 2:  # the next member's magic is split
                    self._pending = data
                    return
                if self._members and not data.startswith(b"\x1f\x8b"):
                    self._done = True  # trailing bytes after the last gzip member
                    return
                self._zlib = zlib.decompressobj(_wbits(self.encoding, data))
            out = self._zlib.decompress(data, self._limit - self._size + 1)
            self._add(out)
            if self._zlib.eof:  # a gzip body may hold several members (RFC 1952)
                data, self._zlib = self._zlib.unused_data, None
                self._members += 1
                self._done = self.encoding == "deflate"
            else:
                data = self._zlib.unconsumed_tail

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise _BodyError(f"decoded body exceeds the {_size(self._limit)} cap")
        if data:
            self._parts.append(data)


def _wbits(encoding: str, first: bytes) -> int:
    if encoding != "deflate":
        return 16 + zlib.MAX_WBITS  # gzip
    has_zlib_header = (
        len(first) >= 2 and first[0] & 0x0F == 8 and int.from_bytes(first[:2]) % 31 == 0
    )
    return zlib.MAX_WBITS if has_zlib_header else -zlib.MAX_WBITS  # zlib-wrapped or raw


def _describe(exc: Exception) -> str:
    """A message naming the problem, without a traceback."""
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects: {exc}"
    if isinstance(exc, httpx.TimeoutException):
        return f"{type(exc).__name__}: no data within the read/connect timeout"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"HTTP protocol error: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MiB" if n >= 1024 * 1024 else f"{n} bytes"
