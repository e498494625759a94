"""The file channel: one .eml and one .json per delivery, written atomically."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import httpx

from notifier import FileChannel, deliver, render_json
from tests.notifier.samples import make_digest

STEM = "morning-20190104T070000Z-dlv-7f3a9c"


def channel(directory: Path) -> FileChannel:
    return FileChannel.model_validate({"file": {"dir": str(directory)}})


def files(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (recursively), by relative path."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


async def test_writes_eml_and_json(tmp_path: Path, http: httpx.AsyncClient) -> None:
    target = tmp_path / "digests" / "nested"
    result = await deliver(channel(target), make_digest(), smtp=None, http=http)
    assert result.outcome == "sent", result.detail
    written = files(target)
    assert sorted(written) == [f"{STEM}.eml", f"{STEM}.json"]
    assert written[f"{STEM}.json"] == render_json(make_digest())
    message = message_from_bytes(written[f"{STEM}.eml"], policy=policy.default)
    assert message["To"] == "undisclosed-recipients:;"
    assert message["Subject"] == "newswatch: Morning brief — 1 story"
    assert message.get_content_type() == "multipart/alternative"


async def test_rewriting_a_delivery_is_idempotent(tmp_path: Path, http: httpx.AsyncClient) -> None:
    await deliver(channel(tmp_path), make_digest(), smtp=None, http=http)
    before = files(tmp_path)
    await deliver(channel(tmp_path), make_digest(), smtp=None, http=http)
    assert files(tmp_path) == before
    assert len(before) == 2


async def test_hostile_ids_cannot_escape_the_directory(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    digest = make_digest(digest_id="../../etc", delivery_id="a/../../b")
    result = await deliver(channel(tmp_path / "out"), digest, smtp=None, http=http)
    assert result.outcome == "sent"
    assert sorted(files(tmp_path)) == [
        "out/etc-20190104T070000Z-a_.._.._b.eml",
        "out/etc-20190104T070000Z-a_.._.._b.json",
    ]


async def test_unwritable_directory_is_retried(tmp_path: Path, http: httpx.AsyncClient) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_bytes(b"a file where the directory should be")
    result = await deliver(channel(blocker / "digests"), make_digest(), smtp=None, http=http)
    assert result.outcome == "retry"
    assert "cannot write" in result.detail
