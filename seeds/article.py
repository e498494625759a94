"""Read an article from a text file, an HTML file or an http(s) URL.

HTML (from a file or a URL) goes through trafilatura, which keeps the main text and drops
navigation, ads and comments. A plain-text file is taken line by line, hard wraps undone
(a line that breaks mid-sentence because the next word would not fit joins the next); its
first line is the title when it reads like one (short, no closing full stop).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx
import trafilatura

from seeds.errors import ArticleError

DEFAULT_TIMEOUT = 30.0
"""Seconds to fetch an article URL."""
MAX_BYTES = 10 * 1024 * 1024
"""Largest article page read (10 MB)."""
USER_AGENT = "newswatch-seed (+https://github.com/newswatch/newswatch)"
_TITLE_MAX_WORDS = 25
WRAP_WIDTH = 100
"""A block of lines is read as hard-wrapped only when no line in it is longer than this."""
_SENTENCE_END = (".", "!", "?", '"', "”", ":")


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    text: str
    url: str = ""

    @property
    def document(self) -> str:
        """Title and text as one document (the title is its first line, if any)."""
        body = self.text.replace("’", "'").replace("‘", "'")
        title = self.title.replace("’", "'").replace("‘", "'")
        return f"{title}\n{body}" if title else body


def load_article(source: str, timeout: float = DEFAULT_TIMEOUT) -> Article:
    """The article at `source`: a .txt or .html file, or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        return _from_url(source, timeout)
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(source, f"cannot read the file ({exc.strerror or exc})") from exc
    text = raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm") or _looks_like_html(text):
        return _from_html(source, text, url="")
    return _from_text(source, text)


def _from_text(source: str, text: str) -> Article:
    lines = unwrap(text.replace("\r\n", "\n"))
    if not lines:
        raise ArticleError(source, "the file holds no text")
    first = lines[0]
    if len(lines) > 1 and len(first.split()) <= _TITLE_MAX_WORDS and first[-1] not in '.!"”':
        return Article(title=first, text="\n".join(lines[1:]))
    return Article(title="", text="\n".join(lines))


def unwrap(text: str) -> list[str]:
    """Non-empty lines of `text`, hard-wrapped paragraphs joined back into one line each."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        width = max((len(line) for line in lines), default=0)
        if width > WRAP_WIDTH:
            out.extend(lines)
            continue
        for i, line in enumerate(lines):
            previous = lines[i - 1] if i else ""
            wrapped = len(previous) + 1 + len(line.split()[0]) > width
            if i and wrapped and (not previous.endswith(_SENTENCE_END) or line[0].islower()):
                out[-1] += " " + line
            else:
                out.append(line)
    return out


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def _from_html(source: str, html: str, url: str) -> Article:
    doc = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (getattr(doc, "text", None) or "").strip()
    if not text:
        raise ArticleError(source, "no article text found in the page")
    title = (getattr(doc, "title", None) or "").strip()
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and lines[0] == title:
        lines = lines[1:]
    return Article(title=title, text="\n".join(lines), url=url)


def _from_url(url: str, timeout: float) -> Article:
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html, text/plain;q=0.8, */*;q=0.1"}
    try:
        with (
            httpx.Client(follow_redirects=True, timeout=timeout, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise ArticleError(url, f"HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_BYTES:
                    raise ArticleError(url, f"page larger than {MAX_BYTES} bytes")
            content_type = response.headers.get("content-type", "")
            text = bytes(body).decode(response.encoding or "utf-8", errors="replace")
            final_url = str(response.url)
    except httpx.HTTPError as exc:
        raise ArticleError(url, f"cannot fetch ({exc.__class__.__name__}: {exc})") from exc
    if "text/plain" in content_type and not _looks_like_html(text):
        article = _from_text(url, text)
        return Article(article.title, article.text, final_url)
    return _from_html(url, text, final_url)
