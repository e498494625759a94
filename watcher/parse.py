"""Parse a fetched body into a `ParsedFeed`: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed.

The body is untrusted. Before feedparser sees it, it is decoded to UTF-8 the way
feedparser itself decides the encoding, DTD internal subsets and entity
declarations are removed (feedparser's fallback parser expands "safe" entities
without limit: HARDENING P2) and out-of-range character references are replaced
(feedparser raises on them: HARDENING §0.3). feedparser only ever gets a
`BytesIO` (a `bytes` or `str` argument is read as a path or URL: HARDENING P1),
and anything it raises becomes `FeedParseError` (P3).

feedparser's HTML sanitiser is off: it is quadratic on an unclosed comment
(`<!--<!--…`), and all feed HTML is sanitised with nh3 where it is rendered
(HARDENING C1). `summary_html` is therefore raw, untrusted HTML.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.encodings import convert_to_utf8
from feedparser.mixin import _FeedParserMixin

from watcher.errors import FeedParseError
from watcher.jsonfeed import JsonFeed, JsonItem, load_json_feed, looks_like_json
from watcher.text import clean, collapse, html_to_text, plain

# feedparser resolves <guid>/<id> against the feed URL unless isPermaLink="false", so an
# item's identity would change when its feed moves (a 301): keep ids as written.
# Links made from such guids are resolved in `_link` instead.
_FeedParserMixin.can_be_relative_uri = frozenset(_FeedParserMixin.can_be_relative_uri - {"id"})
_LINK_SCHEMES = frozenset({"http", "https"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_BENIGN_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_XML_DECLARATION = re.compile(rb"<\?xml[\s?]", re.IGNORECASE)
_SPACES = re.compile(rb"[ \t\r\n]*")
_DECL_TOKEN = re.compile(rb"[\"'\[\]>]|<!--")
_HEAD_END = re.compile(rb"<\w")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_CHARREF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One feed entry; text fields are plain text, "" when the feed gives none."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""  # plain text; the content's text when the entry has no summary
    summary_html: str = ""  # raw, untrusted HTML of the summary (or content): sanitise to render
    content: str = ""  # plain text of the full content, "" when it adds nothing to summary
    author: str = ""
    categories: tuple[str, ...] = ()
    published: datetime | None = None  # aware UTC; falls back to `updated`
    updated: datetime | None = None  # aware UTC
    lang: str = ""  # the entry's language, else the feed's


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed; `warnings` names recoverable problems (bozo, encoding overrides)."""

    title: str
    link: str
    lang: str
    entries: list[ParsedEntry]
    warnings: list[str] = field(default_factory=list)


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse an RSS, Atom or JSON feed; raise FeedParseError when nothing usable comes out.

    A valid feed with no entries is not an error. `url` is the final URL the body
    came from (the base for relative links); `headers` are the response headers.
    """
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    content_type = lowered.get("content-type", "")
    if not body.strip():
        raise FeedParseError(url, "empty body")
    if looks_like_json(body, content_type):
        return _from_json(load_json_feed(body, url=url), url)
    try:
        result, warnings = _run_feedparser(body, url, content_type, lowered)
    except FeedParseError:
        raise
    except Exception as exc:  # feedparser raises on some hostile inputs (HARDENING §0.3)
        raise FeedParseError(url, f"feed parser failed: {type(exc).__name__}: {exc}") from exc
    return _from_feedparser(result, url, warnings)


def _run_feedparser(
    body: bytes, url: str, content_type: str, headers: Mapping[str, str]
) -> tuple[Any, list[str]]:
    data, warnings = _to_utf8(body, content_type)
    data = _repair_charrefs(_neutralise_dtd(data, url))
    media = content_type.split(";", 1)[0].strip() or "application/xml"
    response_headers = {"content-type": f"{media}; charset=utf-8", "content-location": url}
    if headers.get("content-language"):
        response_headers["content-language"] = headers["content-language"]
    result = feedparser.parse(
        io.BytesIO(data), response_headers=response_headers, sanitize_html=False
    )
    return result, warnings


def _to_utf8(body: bytes, content_type: str) -> tuple[bytes, list[str]]:
    """Decode as feedparser would (HTTP charset, XML declaration, BOM, fallbacks) to UTF-8.

    The DTD is neutralised after this, so no encoding (UTF-16, say) can hide it.
    Its last fallback, ISO-8859-2, decodes any bytes, so the result is always UTF-8.
    """
    scratch: dict[str, Any] = {}
    http_headers = {"content-type": content_type} if content_type else {}
    data = convert_to_utf8(http_headers, body, scratch)
    warnings = []
    problem = scratch.get("bozo_exception")
    if isinstance(problem, feedparser.CharacterEncodingOverride):
        warnings.append(f"{type(problem).__name__}: {problem}")
    return data, warnings


def _neutralise_dtd(data: bytes, url: str) -> bytes:
    """Drop DTD internal subsets, stray declarations and comments from the prolog.

    A DOCTYPE keeps its name and external id (never fetched), so RSS 0.91's
    Netscape DOCTYPE still works; entity declarations are gone, so nothing can
    expand. Only the first XML declaration is kept and leading spaces go.
    """
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    kept, seen_declaration = [data[:pos]], False
    while True:
        pos = _skip_spaces(data, pos)
        if data.startswith(b"<?", pos):
            end = _find_end(data, b"?>", pos, url)
            is_declaration = _XML_DECLARATION.match(data, pos) is not None
            if not (is_declaration and seen_declaration):
                kept.append(data[pos:end])
            seen_declaration = seen_declaration or is_declaration
        elif data.startswith(b"<!--", pos):  # dropped: feedparser reads DOCTYPEs in comments
            end = _find_end(data, b"-->", pos, url)
        elif data.startswith(b"<!", pos):
            end, subset = _declaration_end(data, pos, url)
            if data[pos + 2 : pos + 9].upper() == b"DOCTYPE":
                kept.append(data[pos:subset].rstrip() + b">" if subset else data[pos:end])
        else:
            break
        pos = end
    out = b"".join(kept) + data[pos:]
    head_end = _HEAD_END.search(out)
    if _ENTITY_DECL.search(out, 0, head_end.start() if head_end else len(out)):
        raise FeedParseError(url, "the document declares XML entities")
    return out


def _skip_spaces(data: bytes, pos: int) -> int:
    found = _SPACES.match(data, pos)
    return found.end() if found else pos


def _find_end(data: bytes, terminator: bytes, pos: int, url: str) -> int:
    end = data.find(terminator, pos)
    if end < 0:
        raise FeedParseError(url, "unterminated markup before the root element")
    return end + len(terminator)


def _declaration_end(data: bytes, pos: int, url: str) -> tuple[int, int | None]:
    """End of a `<!...>` declaration and where its `[` internal subset starts (if any)."""
    depth, subset, i = 0, None, pos + 2
    while (token := _DECL_TOKEN.search(data, i)) is not None:
        char, i = token.group(), token.end()
        if char in (b'"', b"'"):
            i = data.find(char, i) + 1
            if i == 0:
                break
        elif char == b"<!--":
            i = _find_end(data, b"-->", token.start(), url)
        elif char == b"[":
            subset = token.start() if subset is None else subset
            depth += 1
        elif char == b"]":
            depth = max(depth - 1, 0)
        elif depth == 0:  # ">"
            return i, subset
    raise FeedParseError(url, "unterminated DOCTYPE or declaration")


def _repair_charrefs(data: bytes) -> bytes:
    """Replace character references no string can hold (NUL, surrogates, > U+10FFFF)."""

    def fix(found: re.Match[bytes]) -> bytes:
        hex_digits, digits = (g.lstrip(b"0") if g else g for g in found.groups())
        if len(hex_digits or digits or b"") > 8:
            return b"&#xFFFD;"
        code = int(hex_digits, 16) if hex_digits else int(digits or b"0")
        if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            return b"&#xFFFD;"
        return found.group()

    return _CHARREF.sub(fix, data)


def _from_feedparser(result: Any, url: str, warnings: list[str]) -> ParsedFeed:
    feed = dict.get(result, "feed") or {}
    feed_lang = plain(dict.get(feed, "language") or _language(dict.get(feed, "title_detail")))
    entries = [_entry(e, feed_lang, url) for e in dict.get(result, "entries") or []]
    problem = dict.get(result, "bozo_exception") if dict.get(result, "bozo") else None
    if problem is not None:
        warnings.append(f"{type(problem).__name__}: {problem}")
    if not entries:
        if not dict.get(result, "version"):
            raise FeedParseError(url, "no RSS, Atom or JSON Feed document found" + _hint(result))
        if problem is not None and not isinstance(problem, _BENIGN_BOZO):
            raise FeedParseError(url, f"broken feed with no readable entries: {problem}")
    return ParsedFeed(
        title=_text(dict.get(feed, "title_detail")),
        link=_link(dict.get(feed, "link"), url),
        lang=feed_lang,
        entries=entries,
        warnings=list(dict.fromkeys(warnings)),
    )


def _hint(result: Any) -> str:
    problem = dict.get(result, "bozo_exception")
    if isinstance(problem, feedparser.NonXMLContentType):
        return f" ({problem})"
    return f" ({type(problem).__name__}: {problem})" if problem else ""


def _entry(e: Any, feed_lang: str, url: str) -> ParsedEntry:
    title_detail = dict.get(e, "title_detail")
    summary_detail = dict.get(e, "summary_detail")
    contents = [c for c in dict.get(e, "content") or [] if isinstance(c, dict)]
    html_contents = [c for c in contents if dict.get(c, "type") in _HTML_TYPES]
    content_detail = (html_contents or contents or [None])[0]
    summary, content = _text(summary_detail), _text(content_detail)
    published, updated = _utc(e, "published_parsed"), _utc(e, "updated_parsed")
    author = dict.get(e, "author_detail") or {}
    return ParsedEntry(
        guid=clean(dict.get(e, "id") or "").strip(),
        link=_link(dict.get(e, "link"), url),
        title=_text(title_detail),
        summary=summary or content,
        summary_html=_html(summary_detail) or _html(content_detail),
        content=content if content != (summary or content) else "",
        author=plain(dict.get(author, "name") or dict.get(e, "author") or ""),
        categories=_categories(dict.get(t, "term") or dict.get(t, "label") for t in _tags(e)),
        published=published or updated or _utc(e, "created_parsed"),
        updated=updated,
        lang=plain(_language(title_detail) or _language(summary_detail) or "") or feed_lang,
    )


def _from_json(feed: JsonFeed, url: str) -> ParsedFeed:
    lang = plain(feed.language)
    return ParsedFeed(
        title=plain(feed.title),
        link=_link(feed.home_page_url, url),
        lang=lang,
        entries=[_json_entry(item, lang, url) for item in feed.items],
    )


def _json_entry(item: JsonItem, feed_lang: str, url: str) -> ParsedEntry:
    summary = plain(item.summary)
    content = html_to_text(item.content_html) if item.content_html else plain(item.content_text)
    if item.summary.strip():
        summary_html = html.escape(summary, quote=False)
    else:
        summary_html = clean(item.content_html) or html.escape(content, quote=False)
    authors = item.author_names()
    return ParsedEntry(
        guid=clean(item.id).strip(),
        link=_link(item.url or item.external_url, url),
        title=plain(item.title),
        summary=summary or content,
        summary_html=summary_html,
        content=content if content != (summary or content) else "",
        author=plain(authors[0]) if authors else "",
        categories=_categories(item.tags),
        published=item.date_published or item.date_modified,
        updated=item.date_modified,
        lang=plain(item.language) or feed_lang,
    )


def _text(detail: Any) -> str:
    """Plain text of a feedparser text construct (HTML or text), "" when absent."""
    if not detail:
        return ""
    value = dict.get(detail, "value") or ""
    if dict.get(detail, "type") in _HTML_TYPES:
        return html_to_text(value)
    return plain(value)


def _html(detail: Any) -> str:
    """HTML of a text construct as given (escaped if it was plain text), "" when absent."""
    if not detail or not dict.get(detail, "value"):
        return ""
    if dict.get(detail, "type") in _HTML_TYPES:
        return clean(dict.get(detail, "value")).strip()
    return html.escape(plain(dict.get(detail, "value")), quote=False)


def _language(detail: Any) -> str:
    return (dict.get(detail, "language") or "") if detail else ""


def _link(value: Any, base: str) -> str:
    """An absolute http(s) link (relative ones resolved against `base`), else ""."""
    if not isinstance(value, str) or not value.strip():
        return ""
    try:
        link = urljoin(base, collapse(clean(value)))
        return link if urlsplit(link).scheme.lower() in _LINK_SCHEMES else ""
    except ValueError:  # e.g. a malformed IPv6 host
        return ""


def _tags(e: Any) -> list[Any]:
    return [t for t in dict.get(e, "tags") or [] if isinstance(t, dict)]


def _categories(terms: Any) -> tuple[str, ...]:
    """Distinct non-empty category names, in feed order."""
    names = (plain(t) for t in terms if isinstance(t, str))
    return tuple(dict.fromkeys(n for n in names if n))


def _utc(e: Any, key: str) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime (None if absent or impossible)."""
    value = dict.get(e, key)
    try:
        return datetime(*value[:6], tzinfo=UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None
