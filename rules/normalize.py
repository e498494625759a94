"""Text normalisation: the one contract that queries and documents share.

`normalize(text)` returns the normalised text plus, for every normalised character, the
span of the original text it came from, so a match found in normalised text is reported
at `start`/`end` in the text the caller gave.

What is folded, in this order:

1. HTML: comments, `<script>`/`<style>` blocks and tags are removed (a tag of a
   block element becomes one space, an inline one such as `<b>` or `<span>` nothing);
   entities are decoded, including double-escaped ones (`&amp;#8217;`). Unknown
   entities stay as written.
2. Per character (a base character with its combining marks): NFKC, case folding
   (`str.casefold`), then for letters outside Hangul, kana and Han the combining marks
   are dropped (`Jŏ` → `jo`, `disertò` → `diserto`). Hangul, kana and Han stay composed
   (`조성길`, `が` are kept as they are).
3. Typographic quotes become ASCII (`‘’‚‛′ʼ‹›` → `'`, `“”„‟″«»` → `"`), every dash and
   hyphen (U+2010, U+2011, en/em dash, minus …) becomes `-`, every space separator
   (NBSP, narrow NBSP, ideographic space …) becomes a space, and format characters
   (soft hyphen, zero-width space/joiners, BOM, bidi controls) are removed.

The steps run again while the result still holds markup (a decoded `&lt;b&gt;`, or a
fullwidth `＆amp;` that NFKC turned into an entity), so `normalize` is idempotent:
`normalize(normalize(t).text).text == normalize(t).text`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules.script import is_cjk

MAX_PASSES = 4
"""Markup nested deeper than this (e.g. `&amp;lt;` inside `&lt;`) is left partly decoded."""

_MARKUP_RE = re.compile(
    r"(?P<comment><!--.*?-->)"
    r"|(?P<raw><(?P<rawname>script|style)\b[^>]*>.*?</(?P=rawname)\s*>)"
    r"|(?P<cdata><!\[CDATA\[|\]\]>)"
    r"|<(?P<tag>/?[A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>"
    r"|(?P<decl><![A-Za-z][^<>]*>)"
    r"|(?P<entity>&(?:amp;)*(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)",
    re.DOTALL | re.IGNORECASE,
)

_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i"}
    | {"ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub"}
    | {"sup", "time", "tt", "u", "var", "wbr"}
)

_CHAR_MAP = {
    **dict.fromkeys("‘’‚‛′ʼ‹›", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    "\u2212": "-",  # minus sign
    "\u2043": "-",  # hyphen bullet
}
_CJK_DASHES = frozenset("\u301c\u3030\u30a0")  # wave dashes and the kana double hyphen


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text; normalised char `i` came from `original[starts[i]:ends[i]]`."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span `[start, end)` (which must be non-empty)."""
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> Normalized:
    """Normalise `text` for matching; see the module docstring for the exact contract."""
    if text.isascii() and "&" not in text and "<" not in text:
        return Normalized(text.lower(), range(len(text)), range(1, len(text) + 1))
    result = _one_pass(text)
    for _ in range(MAX_PASSES - 1):
        if not _has_markup(result.text):
            break
        result = _compose(result, _one_pass(result.text))
    return result


def _one_pass(text: str) -> Normalized:
    stripped = _strip_markup(text)
    return _compose(stripped, _fold_chars(stripped.text))


def _compose(outer: Normalized, inner: Normalized) -> Normalized:
    """Map `inner` (spans into `outer.text`) back to the text `outer` was made from."""
    starts = array("q", (outer.starts[s] for s in inner.starts))
    ends = array("q", (outer.ends[e - 1] for e in inner.ends))
    return Normalized(inner.text, starts, ends)


class _Builder:
    """Accumulates output text with the input span of every output character."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts = array("q")
        self.ends = array("q")

    def copy(self, text: str, start: int, end: int) -> None:
        self.parts.append(text[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def emit(self, out: str, start: int, end: int) -> None:
        self.parts.append(out)
        self.starts.extend([start] * len(out))
        self.ends.extend([end] * len(out))

    def build(self) -> Normalized:
        return Normalized("".join(self.parts), self.starts, self.ends)


def _strip_markup(text: str) -> Normalized:
    out = _Builder()
    pos = 0
    for m in _MARKUP_RE.finditer(text):
        out.copy(text, pos, m.start())
        out.emit(_replacement(m), m.start(), m.end())
        pos = m.end()
    out.copy(text, pos, len(text))
    return out.build()


def _replacement(m: re.Match[str]) -> str:
    if m.group("entity"):
        return _decode_entity(m.group("entity"))
    tag = m.group("tag")
    if tag is not None:
        return "" if tag.lstrip("/").lower() in _INLINE_TAGS else " "
    return "" if m.group("cdata") else " "


def _decode_entity(entity: str) -> str:
    decoded = html.unescape(entity)
    while decoded != entity:  # `&amp;amp;lt;` → `&amp;lt;` → `&lt;` → `<`
        entity, decoded = decoded, html.unescape(decoded)
    return decoded


def _has_markup(text: str) -> bool:
    for m in _MARKUP_RE.finditer(text):
        if not m.group("entity") or _decode_entity(m.group("entity")) != m.group("entity"):
            return True
    return False


def _fold_chars(text: str) -> Normalized:
    out = _Builder()
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and text[j] >= "\u0300" and _continues_cluster(text[j]):
            j += 1
        cluster = text[i:j]
        if j == i + 1 and cluster < "\x80":
            out.emit(cluster.lower(), i, j)
        else:
            out.emit(_fold_cluster(cluster), i, j)
        i = j
    return out.build()


@lru_cache(maxsize=4096)
def _continues_cluster(ch: str) -> bool:
    """Combining marks, and Hangul vowel/final jamo (which compose with a leading jamo)."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or (
        "\u1160" <= ch <= "\u11ff" or "\ud7b0" <= ch <= "\ud7ff"
    )


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", cluster):
        if is_cjk(ch):
            out.append(ch)
            continue
        # Marks go before case folding too: U+0345 (a mark) case-folds to the letter ι.
        bare = "".join(_fold_char(d) for d in unicodedata.normalize("NFKD", ch))
        out.extend(_fold_char(d) for d in unicodedata.normalize("NFKD", bare.casefold()))
    return "".join(out)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    mapped = _CHAR_MAP.get(ch)
    if mapped is not None:
        return mapped
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf"):
        return ""
    if category == "Zs":
        return " "
    if category == "Pd" and ch not in _CJK_DASHES:
        return "-"
    return ch
