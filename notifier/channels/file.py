"""File channel: `<dir>/<digest>-<window end>-<delivery>.eml` and `.json`, written atomically.

The message is dated at the window's end, so writing the same delivery again yields
the same bytes under the same names: a retry is idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
from pathlib import Path

from notifier.channels.email import build_message
from notifier.channels.result import SendResult
from notifier.config import FileTarget, SmtpConfig
from notifier.model import Digest
from notifier.render.common import as_utc, one_line
from notifier.render.json import render_json

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def digest_file_stem(digest: Digest) -> str:
    """`morning-20190104T070000Z-<delivery_id>` (unsafe characters become `_`)."""
    end = as_utc(digest.window_end).strftime("%Y%m%dT%H%M%SZ")
    return f"{_safe(digest.digest_id)}-{end}-{_safe(digest.delivery_id)}"


def write_digest_files(target: FileTarget, digest: Digest, smtp: SmtpConfig | None) -> list[Path]:
    """Write the `.json` and `.eml` files; returns their paths. Raises OSError."""
    directory = target.dir
    directory.mkdir(parents=True, exist_ok=True)
    stem = digest_file_stem(digest)
    message = build_message(digest, smtp, None, date=digest.window_end)
    paths = [directory / f"{stem}.json", directory / f"{stem}.eml"]
    _write_atomic(paths[0], render_json(digest))
    _write_atomic(paths[1], message.as_bytes())
    _sync_directory(directory)
    return paths


async def send_file(target: FileTarget, digest: Digest, smtp: SmtpConfig | None) -> SendResult:
    """Write the files off the event loop; a disk error is retried."""
    try:
        paths = await asyncio.to_thread(write_digest_files, target, digest, smtp)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return SendResult("retry", f"cannot write to {target.dir}: {one_line(reason, 200)}")
    return SendResult("sent", f"wrote {paths[1]}")


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _sync_directory(directory: Path) -> None:
    """Make the renames durable (POSIX); skipped where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _safe(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("._")[:100] or "_"
