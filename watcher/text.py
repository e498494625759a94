"""Plain text out of feed strings: HTML to text, entity decoding and text hygiene.

Every string that leaves the parser goes through `clean()`: NUL and other C0
controls (except tab, newline and carriage return) are removed, since databases
reject or mangle them, and lone surrogates become U+FFFD. Non-breaking spaces,
soft hyphens and zero-width characters are kept: matching handles them.
"""

from __future__ import annotations

import html
import re

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
# A tag, a declaration or a processing instruction. No part may contain "<", so a
# failed match stops at the next "<" and the scan stays linear on any input.
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:"[^"<]*"|'[^'<]*'|[^<>"'])*>|<[!?][^<>]*>""")
# Comments and elements whose content is not text; each end is searched for once, forward.
_HIDDEN = re.compile(r"<!--|<(script|style|template|noscript|title|textarea)\b", re.IGNORECASE)


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

    Block elements separate words; comments and script, style and similar
    elements are dropped with their content (an unclosed one hides the rest, as
    in a browser). Runs in linear time on any input, however malformed: the
    stdlib HTMLParser and html5ever (nh3) are both quadratic on some inputs.
    """
    if "<" not in markup and "&" not in markup:
        return collapse(clean(markup))
    visible = _TAG.sub(_tag_gap, _drop_hidden(clean(markup)))
    return collapse(clean(html.unescape(visible)))


def _drop_hidden(markup: str) -> str:
    kept, pos = [], 0
    while (found := _HIDDEN.search(markup, pos)) is not None:
        kept.append(markup[pos : found.start()])
        name = found.group(1)
        if name is None:  # a comment
            end = markup.find("-->", found.end())
            pos = end + 3 if end >= 0 else len(markup)
        else:
            close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(markup, found.end())
            pos = close.end() if close else len(markup)
        kept.append(" ")
    kept.append(markup[pos:])
    return "".join(kept)


def _tag_gap(tag: re.Match[str]) -> str:
    name = tag.group(2)
    return " " if name and name.lower() in _BLOCK_TAGS else ""
