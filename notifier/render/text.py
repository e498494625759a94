"""The plain-text digest: the text/plain part of emails and `digest preview`."""

from __future__ import annotations

import textwrap

from notifier.model import Digest, DigestEntry
from notifier.render.common import (
    TITLE_LIMIT,
    context_snippets,
    count_phrase,
    digest_title,
    entry_summary,
    highlight,
    local_time,
    one_line,
    safe_url,
    why_matched,
    window_line,
)

WIDTH = 76
_INDENT = "   "


def render_text(digest: Digest) -> str:
    """A readable plain-text digest, one numbered block per story."""
    lines = [
        f"newswatch — {digest_title(digest)}",
        f"{count_phrase(len(digest.entries))} · {window_line(digest)}",
        "",
    ]
    if not digest.entries:
        lines += ["No new stories matched in this window.", ""]
    for number, entry in enumerate(digest.entries, start=1):
        lines += _entry_lines(number, entry, digest.timezone)
        lines.append("")
    lines += [
        "-- ",
        f"newswatch · digest {one_line(digest.digest_id)} · delivery {digest.delivery_id}",
    ]
    return "\n".join(lines) + "\n"


def _entry_lines(number: int, entry: DigestEntry, tz_name: str) -> list[str]:
    lines = [f"{number}. {one_line(entry.title, TITLE_LIMIT) or '(untitled)'}"]
    meta = " · ".join(
        part for part in (one_line(entry.source, 120), local_time(entry.published, tz_name)) if part
    )
    if meta:
        lines.append(_INDENT + meta)
    url = safe_url(entry.url)
    if url:
        lines.append(_INDENT + url)
    summary = entry_summary(entry)
    if summary:
        lines.append("")
        lines += [_wrap(paragraph) for paragraph in summary.split("\n") if paragraph]
    reasons = why_matched(entry)
    if reasons:
        lines.append("")
        for rule, found in reasons:
            lines.append(_wrap(f"Why: {rule}" + (f" — {found}" if found else "")))
    for excerpt in context_snippets(entry):
        marked = "".join(f"**{t}**" if hit else t for t, hit in highlight(excerpt, entry))
        lines.append(_wrap(f"In context: {marked}"))
    also = [_also(source, url) for source, url in ((a.source, a.url) for a in entry.also)]
    if also:
        lines.append(_wrap("Also reported by: " + ", ".join(also)))
    return lines


def _also(source: str, url: str) -> str:
    name, link = one_line(source, 80), safe_url(url)
    if name and link:
        return f"{name} <{link}>"
    return name or link or "another source"


def _wrap(text: str) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=_INDENT,
        subsequent_indent=_INDENT,
        break_long_words=False,
        break_on_hyphens=False,
    )
