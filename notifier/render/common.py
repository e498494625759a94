"""Helpers shared by the renderers: times, untrusted-text hygiene, URLs, wording."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nh3

from notifier.model import Digest, DigestEntry

SUMMARY_LIMIT = 600  # characters of summary shown per entry in text and HTML
SUMMARY_HTML_LIMIT = 20_000  # longer feed HTML is shown as plain text instead
TITLE_LIMIT = 300
_KEEP_FORMAT = {"\u200c", "\u200d"}  # ZWNJ/ZWJ shape Persian, Indic scripts and emoji
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_HIGHLIGHT_TERMS = 20
_BLOCK_END = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|/pre)\b[^>]*>", re.I)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_z(moment: datetime | None) -> str | None:
    """`2019-01-03T10:12:00Z` (seconds precision), or None."""
    if moment is None:
        return None
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def local_time(moment: datetime | None, tz_name: str) -> str:
    """`2019-01-03 11:12 CET` in the digest's zone; empty when unknown."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(zone(tz_name)).strftime("%Y-%m-%d %H:%M %Z")


def window_line(digest: Digest) -> str:
    start = local_time(digest.window_start, digest.timezone)
    end = local_time(digest.window_end, digest.timezone)
    return f"{start} – {end}"


def _drop(char: str) -> bool:
    return unicodedata.category(char) == "Cf" and char not in _KEEP_FORMAT


def one_line(text: str, limit: int | None = None) -> str:
    """Untrusted text made safe for a header or a title: no CR/LF/controls, one space runs."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp", "Zs"):
            out.append(" ")
        elif not _drop(char):
            out.append(char)
    flat = " ".join("".join(out).split())
    return shorten(flat, limit) if limit else flat


def clean_text(text: str) -> str:
    """Untrusted multi-line text: newlines kept, other controls and invisible format chars gone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    kept = [
        " " if char == "\t" or unicodedata.category(char) == "Zs" else char
        for char in text
        if char == "\n" or not (unicodedata.category(char) == "Cc" or _drop(char))
    ]
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(kept).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary before `limit` characters, adding `…`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def html_to_text(fragment: str) -> str:
    """Feed HTML as plain text (tags dropped, entities decoded)."""
    # nh3 is quadratic in nesting depth: longer feed HTML is cut before it is cleaned
    with_breaks = _BLOCK_END.sub("\n", fragment[:SUMMARY_HTML_LIMIT])
    return clean_text(html.unescape(nh3.clean(with_breaks, tags=set())))


def safe_url(url: str) -> str:
    """The URL if it is a plain http(s) link, else "" (no `javascript:` or `data:` links)."""
    url = url.strip()
    if not url or any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def count_phrase(count: int) -> str:
    if count == 0:
        return "no new stories"
    return "1 story" if count == 1 else f"{count} stories"


def digest_title(digest: Digest) -> str:
    return one_line(digest.title or digest.digest_id, 120)


def subject_line(digest: Digest, template: str | None = None) -> str:
    """`newswatch: <title> — 3 stories`, or the operator's template with {title}/{count}."""
    title, count = digest_title(digest), count_phrase(len(digest.entries))
    if template:
        subject = template.replace("{title}", title).replace("{count}", count)
    else:
        subject = f"newswatch: {title} — {count}"
    return one_line(subject, 200)


def entry_summary(entry: DigestEntry) -> str:
    """The plain summary shown for an entry (from summary_html when summary is empty)."""
    text = clean_text(entry.summary) if entry.summary else html_to_text(entry.summary_html)
    return shorten(text, SUMMARY_LIMIT)


def why_matched(entry: DigestEntry) -> list[tuple[str, str]]:
    """Per rule: (`rule_id`, `“Jo Song-gil” in title, “조성길” in summary`)."""
    reasons: dict[str, list[str]] = {rule: [] for rule in entry.rules}
    for hit in entry.matched:
        text = one_line(hit.text or hit.term, 80)
        reason = f"“{text}” in {one_line(hit.field, 20)}"
        seen = reasons.setdefault(one_line(hit.rule, 80), [])
        if reason not in seen and len(seen) < 5:
            seen.append(reason)
    return [(rule, ", ".join(found)) for rule, found in reasons.items()]


def context_snippets(entry: DigestEntry, limit: int = 2) -> list[str]:
    """Excerpts around hits in fields the digest does not show (content, author, …):
    title and summary are shown with their hits marked. Distinct, at most `limit`."""
    found: list[str] = []
    for hit in entry.matched:
        text = one_line(hit.snippet, 400)
        if hit.field not in ("title", "summary") and text and text not in found:
            found.append(text)
    return found[:limit]


def highlight(text: str, entry: DigestEntry) -> list[tuple[str, bool]]:
    """Split `text` into (segment, matched) pairs so matched words can be emphasised."""
    terms = sorted({hit.text for hit in entry.matched if hit.text.strip()}, key=len, reverse=True)
    terms = [term for term in terms if len(term) <= 200][:_HIGHLIGHT_TERMS]
    if not terms or not text:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    segments: list[tuple[str, bool]] = []
    position = 0
    for found in pattern.finditer(text):
        if found.start() > position:
            segments.append((text[position : found.start()], False))
        segments.append((found.group(), True))
        position = found.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments
