"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1): detection and a lenient schema.

Real JSON feeds bend the spec (numeric ids, `author` as a string, `tags` as one
string, dates without a zone), so every field is coerced rather than rejected:
only a document that is not JSON, or not a JSON Feed at all, is an error.
`watcher.parse` maps the validated model to `ParsedFeed`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from watcher.errors import FeedParseError

JSON_CONTENT_TYPES = frozenset({"application/feed+json", "application/json"})
_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None or value == "" else [value]


def _as_author(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


def _as_datetime(value: Any) -> datetime | None:
    """ISO 8601 (RFC 3339) as the spec says, RFC 822 as some feeds do; naive means UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


Text = Annotated[str, BeforeValidator(_as_text)]
When = Annotated[datetime | None, BeforeValidator(_as_datetime)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class JsonAuthor(_Lenient):
    name: Text = ""


AuthorList = Annotated[
    list[JsonAuthor], BeforeValidator(lambda v: [_as_author(a) for a in _as_list(v)])
]
OptionalAuthor = Annotated[JsonAuthor | None, BeforeValidator(_as_author)]


class JsonItem(_Lenient):
    """One item; `author` is JSON Feed 1.0, `authors` and `language` are 1.1."""

    id: Text = ""
    url: Text = ""
    external_url: Text = ""
    title: Text = ""
    content_html: Text = ""
    content_text: Text = ""
    summary: Text = ""
    date_published: When = None
    date_modified: When = None
    author: OptionalAuthor = None
    authors: AuthorList = []
    tags: Annotated[list[Text], BeforeValidator(_as_list)] = []
    language: Text = ""

    def author_names(self) -> list[str]:
        """Names of the item's authors, 1.1 `authors` first, then 1.0 `author`."""
        people = [*self.authors, *([self.author] if self.author else [])]
        return [a.name for a in people if a.name.strip()]


class JsonFeed(_Lenient):
    version: Text
    title: Text = ""
    home_page_url: Text = ""
    feed_url: Text = ""
    language: Text = ""
    items: Annotated[
        list[JsonItem],
        BeforeValidator(lambda v: [i for i in _as_list(v) if isinstance(i, dict)]),
    ] = []


def looks_like_json(body: bytes, content_type: str) -> bool:
    """Whether a body should be read as JSON: a JSON media type or a leading `{`."""
    start = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<"):
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media in JSON_CONTENT_TYPES or start.startswith(b"{")


def load_json_feed(body: bytes, *, url: str) -> JsonFeed:
    """Validate a JSON Feed; raise FeedParseError if it is not JSON or not a JSON Feed."""
    try:
        text = body.decode(json.detect_encoding(body), errors="replace").lstrip("\ufeff")
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(url, f"invalid JSON: {exc}") from exc
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith(_VERSION_PREFIXES):
        raise FeedParseError(url, "JSON document is not a JSON Feed (no jsonfeed.org version)")
    try:
        return JsonFeed.model_validate(data)
    except ValidationError as exc:  # only feed-level shape problems are left to fail
        raise FeedParseError(url, f"invalid JSON Feed: {exc.errors()[0]['msg']}") from exc
