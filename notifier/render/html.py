"""The HTML digest: a Jinja2 sandbox with autoescape; feed data is only ever context.

Feed HTML (`summary_html`) is cleaned with nh3 to a small tag set and http/https/mailto
links; everything else from feeds is escaped by the template.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import nh3
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from notifier.errors import RenderError
from notifier.model import Digest, DigestEntry
from notifier.render.common import (
    SUMMARY_HTML_LIMIT,
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

TEMPLATES = Path(__file__).parent / "templates"
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EMAIL_TAGS = frozenset(
    {"a", "b", "blockquote", "br", "cite", "code", "em", "i", "li", "ol", "p", "pre", "q"}
    | {"small", "strong", "sub", "sup", "u", "ul"}
)


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def sanitize_html(fragment: str) -> str:
    """Untrusted feed HTML reduced to simple text markup and http(s)/mailto links."""
    return nh3.clean(
        fragment,
        tags=set(EMAIL_TAGS),
        attributes={"a": {"href", "title"}},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_html(digest: Digest) -> str:
    """A self-contained HTML email body (inline CSS, no external assets)."""
    context = {
        "title": digest_title(digest),
        "count": count_phrase(len(digest.entries)),
        "window": window_line(digest),
        "digest_id": one_line(digest.digest_id),
        "delivery_id": digest.delivery_id,
        "entries": [_entry_view(entry, digest.timezone) for entry in digest.entries],
    }
    try:
        return _environment().get_template("digest.html.j2").render(context)
    except TemplateError as exc:
        raise RenderError(digest.digest_id, str(exc)) from exc


def _entry_view(entry: DigestEntry, tz_name: str) -> dict[str, Any]:
    # Feed HTML is shown as is, unless a hit is in the summary: then the plain summary,
    # with the matched words marked, says more than the markup would.
    summary_hit = any(hit.field == "summary" for hit in entry.matched)
    use_html = (
        bool(entry.summary_html)
        and len(entry.summary_html) <= SUMMARY_HTML_LIMIT
        and not summary_hit
    )
    summary_html = Markup(sanitize_html(entry.summary_html)) if use_html else None
    return {
        "title": highlight(one_line(entry.title, TITLE_LIMIT) or "(untitled)", entry),
        "url": safe_url(entry.url),
        "source": one_line(entry.source, 120),
        "published": local_time(entry.published, tz_name),
        "summary_html": summary_html,
        "summary": [] if use_html else highlight(entry_summary(entry), entry),
        "reasons": why_matched(entry),
        "snippets": [highlight(excerpt, entry) for excerpt in context_snippets(entry)],
        "also": [(one_line(a.source, 80), safe_url(a.url)) for a in entry.also],
    }
