"""Turning claimed matches into digest entries (one per story) and back from the outbox.

This is the seam between storage and `notifier`: stored items and match rows in, plain
`notifier.DigestEntry` values out, and a JSON snapshot of the digest for the outbox row
so a retry resends exactly what the first attempt sent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifier import AlsoReported, Digest, DigestConfig, DigestEntry, MatchedTerm
from rules import snippet
from watcher.tables import DigestWindow, Feed, Item, MatchRow

SNIPPET_WIDTH = 160


def build_entries(
    session: Session,
    pending: list[tuple[MatchRow, Item]],
    delivered: set[tuple[int, str]],
    max_items: int,
) -> tuple[list[DigestEntry], list[tuple[int, str]]]:
    """Group pending matches by story, best first; return the entries and the (item, rule)
    pairs they claim. A match for a (story, rule) this digest already sent is claimed
    without an entry (a syndicated copy); stories past `max_items` stay pending."""
    stories: dict[int, list[tuple[MatchRow, Item]]] = defaultdict(list)
    claimed: list[tuple[int, str]] = []
    for row, item in pending:
        story = item.story_id or item.id
        if (story, row.rule_id) in delivered:
            claimed.append((item.id, row.rule_id))
        else:
            stories[story].append((row, item))
    sources = _source_names(session, {item.feed_id for _, item in pending})
    ranked = []
    for story_id, rows in stories.items():
        entry = _entry(session, story_id, rows, sources)
        ranked.append(((entry.score, _when(rows)), entry, [(i.id, r.rule_id) for r, i in rows]))
    ranked.sort(key=lambda r: r[0], reverse=True)
    entries = []
    for _, entry, pairs in ranked[:max_items]:
        entries.append(entry)
        claimed.extend(pairs)
    return entries, claimed


def _entry(
    session: Session,
    story_id: int,
    rows: list[tuple[MatchRow, Item]],
    sources: dict[int, str],
) -> DigestEntry:
    lead = min((item for _, item in rows), key=lambda i: i.id)
    lead_rows = [row for row, item in rows if item.id == lead.id]
    rule_ids = sorted({row.rule_id for row, _ in rows})
    texts = {"title": lead.title, "summary": lead.summary, "content": lead.content}
    matched = tuple(
        MatchedTerm(
            rule=row.rule_id,
            field=h["field"],
            term=h["term"],
            text=h["text"],
            snippet=_excerpt(texts.get(h["field"]) or "", h["start"], h["end"]),
        )
        for row in lead_rows
        for h in row.hits
    )
    copies = session.scalars(
        select(Item).where(Item.story_id == story_id, Item.id != lead.id).order_by(Item.id)
    ).all()
    extra_sources = _source_names(session, {c.feed_id for c in copies} - set(sources))
    names = {**sources, **extra_sources}
    return DigestEntry(
        id=str(lead.id),
        title=lead.title or "(untitled)",
        url=lead.link or "",
        source=names.get(lead.feed_id, ""),
        published=lead.published_at.replace(tzinfo=UTC) if lead.published_at else None,
        summary=lead.summary or "",
        summary_html=lead.summary_html or "",
        rules=tuple(rule_ids),
        score=round(max(row.score for row, _ in rows), 3),
        matched=matched,
        also=tuple(AlsoReported(source=names.get(c.feed_id, ""), url=c.link or "") for c in copies),
    )


def _excerpt(text: str, start: int, end: int) -> str:
    """A short excerpt of a field around one hit (display text)."""
    if not text or not 0 <= start < end <= len(text):
        return ""
    return "".join(segment for segment, _ in snippet(text, [(start, end)], width=SNIPPET_WIDTH))


def _when(rows: list[tuple[MatchRow, Item]]) -> datetime:
    stamps = [item.published_at or item.first_seen_at for _, item in rows]
    return max(stamps)


def _source_names(session: Session, feed_ids: set[int]) -> dict[int, str]:
    if not feed_ids:
        return {}
    feeds = session.scalars(select(Feed).where(Feed.id.in_(feed_ids)))
    return {f.id: f.display_name for f in feeds}


def digest_to_payload(
    digest: DigestConfig, window: DigestWindow, entries: list[DigestEntry]
) -> dict[str, Any]:
    """A JSON-able snapshot of a digest, stored in its outbox rows."""
    return {
        "digest_id": digest.id,
        "title": digest.title or digest.id,
        "timezone": digest.timezone,
        "delivery_id": window.delivery_id,
        "window_start": window.window_start.isoformat(),
        "window_end": window.window_end.isoformat(),
        "entries": [
            {
                "id": e.id,
                "title": e.title,
                "url": e.url,
                "source": e.source,
                "published": e.published.isoformat() if e.published else None,
                "summary": e.summary,
                "summary_html": e.summary_html,
                "rules": list(e.rules),
                "score": e.score,
                "matched": [
                    {
                        "rule": m.rule,
                        "field": m.field,
                        "term": m.term,
                        "text": m.text,
                        "snippet": m.snippet,
                    }
                    for m in e.matched
                ],
                "also": [{"source": a.source, "url": a.url} for a in e.also],
            }
            for e in entries
        ],
    }


def digest_from_payload(payload: dict[str, Any]) -> Digest:
    """The digest an outbox row holds."""
    return Digest(
        digest_id=payload["digest_id"],
        title=payload.get("title", ""),
        timezone=payload.get("timezone", "UTC"),
        delivery_id=payload["delivery_id"],
        window_start=_utc(payload["window_start"]),
        window_end=_utc(payload["window_end"]),
        entries=tuple(
            DigestEntry(
                id=e["id"],
                title=e["title"],
                url=e["url"],
                source=e["source"],
                published=datetime.fromisoformat(e["published"]) if e["published"] else None,
                summary=e["summary"],
                summary_html=e.get("summary_html", ""),
                rules=tuple(e["rules"]),
                score=e["score"],
                matched=tuple(MatchedTerm(**m) for m in e["matched"]),
                also=tuple(AlsoReported(**a) for a in e["also"]),
            )
            for e in payload["entries"]
        ),
    )


def _utc(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
