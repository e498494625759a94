"""Plain text out of feed strings: HTML to text, entity decoding and text hygiene.

Every string that leaves the parser goes through `clean()`: NUL and other C0
controls (except tab, newline and carriage return) are removed, since databases
reject or mangle them, and lone surrogates become U+FFFD. Non-breaking spaces,
soft hyphens and zero-width characters are kept: matching handles them.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")

# fmt: off
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
_SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})


def clean(text: str) -> str:
    """Remove NUL/C0 controls (keeping tab, newline, CR) and replace lone surrogates."""
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def collapse(text: str) -> str:
    """Collapse runs of ASCII whitespace into one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def plain(text: str) -> str:
    """Text that may carry literal entities (`It&#8217;s`): decode them once, tidy up."""
    return collapse(clean(html.unescape(clean(text))))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags removed, entities decoded once, spaces collapsed.

    Block elements separate words; the content of script, style and similar
    elements is dropped. Malformed markup never raises.
    """
    if "<" not in markup and "&" not in markup:
        return collapse(clean(markup))
    extractor = _TextExtractor()
    extractor.feed(clean(markup))
    extractor.close()
    return collapse(clean("".join(extractor.parts)))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            return
        if tag in _SKIPPED_TAGS:
            self._skipping = tag
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skipping and tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping:
                self._skipping = None
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)
