"""Matching stored items against the rules: the only place a stored item becomes a
`rules.Document` and a `rules.Match` becomes a stored match row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules import Document, Matcher, RuleConfig, compile_rules
from watcher.items import StoredItem
from watcher.settings import Backfill, FeedConfig
from watcher.tables import Item, MatchRow


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules plus each rule's feed scope (empty scope: every feed)."""

    matcher: Matcher
    scopes: dict[str, frozenset[str]]

    @classmethod
    def compile(cls, rules: list[RuleConfig]) -> RuleSet:
        return cls(compile_rules(rules), {r.id: frozenset(r.feeds) for r in rules})

    def applies(self, rule_id: str, feed: FeedConfig | None) -> bool:
        scope = self.scopes.get(rule_id)
        if scope is None:
            return False  # the rule was removed
        if not scope:
            return True
        if feed is None:
            return False
        return bool(feed.name in scope or {f"tag:{t}" for t in feed.tags} & scope)


def document_for(item: Item, source: str) -> Document:
    """The matcher's view of a stored item."""
    return Document(
        title=item.title or "",
        summary=item.summary or "",
        content=item.content or "",
        source=source,
        url=item.link or "",
        author=item.author or "",
        category=", ".join(item.categories or []),
        lang=item.lang or "",
    )


def should_notify(stored: StoredItem, first_poll: bool, backfill: Backfill, now: datetime) -> bool:
    """Whether a match on this item is sent (False: stored silently, as backfill)."""
    if not first_poll:
        return True
    if backfill == "all":
        return True
    if backfill == "none":
        return False
    published = stored.item.published_at
    assert isinstance(backfill, timedelta)
    return published is None or published >= now - backfill


def record_matches(
    session: Session,
    stored: list[StoredItem],
    ruleset: RuleSet,
    feed: FeedConfig | None,
    source: str,
    *,
    first_poll: bool,
    backfill: Backfill,
    now: datetime,
) -> list[MatchRow]:
    """Match new and changed items; store matches for rules each item did not match before."""
    recorded: list[MatchRow] = []
    for entry in stored:
        item = entry.item
        matches = [
            m
            for m in ruleset.matcher.match(document_for(item, source))
            if ruleset.applies(m.rule_id, feed)
        ]
        if not matches:
            continue
        known: set[str] = set()
        if not entry.is_new:
            known = set(
                session.scalars(select(MatchRow.rule_id).where(MatchRow.item_id == item.id))
            )
        notify = should_notify(entry, first_poll, backfill, now)
        for match in matches:
            if match.rule_id in known:
                continue
            row = MatchRow(
                item_id=item.id,
                rule_id=match.rule_id,
                score=match.score,
                hits=[
                    {
                        "term": h.term,
                        "field": h.field,
                        "start": h.start,
                        "end": h.end,
                        "text": h.text,
                    }
                    for h in match.hits
                ],
                notify=notify,
                matched_at=now,
            )
            session.add(row)
            recorded.append(row)
    session.flush()
    return recorded
