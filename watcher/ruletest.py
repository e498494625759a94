"""`newswatch test-rule`: try one query against a text, a labelled items file or a feed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from rules import Document, Match, compile_rules, snippet
from watcher.fetch import Fetcher, FetchSettings
from watcher.parse import parse_feed

RULE_ID = "test-rule"
SNIPPET_WIDTH = 120


def run_rule_test(
    query: str,
    *,
    text: str | None = None,
    items_path: str | None = None,
    feed_url: str | None = None,
) -> list[str]:
    """Lines to print: each matching document with its hits, then any label scores."""
    matcher = compile_rules([{"id": RULE_ID, "query": query}])
    if text is not None:
        doc = Document(title=text)
        found = matcher.match(doc)
        return [_describe("text", found[0], doc)] if found else ["no match"]
    if items_path is not None:
        return _test_items(matcher, Path(items_path))
    assert feed_url is not None
    return _test_feed(matcher, feed_url)


def _describe(label: str, match: Match, doc: Document) -> str:
    """One match: its score and hits, then each matched field's excerpt, **marked**."""
    hits = ", ".join(f"{h.field}:{h.text!r}" for h in match.hits)
    lines = [f"MATCH {label}  score={match.score:g}  [{hits}]"]
    for field in dict.fromkeys(h.field for h in match.hits):
        spans = [(h.start, h.end) for h in match.hits if h.field == field]
        segments = snippet(doc.field_text(field), spans, width=SNIPPET_WIDTH)
        marked = "".join(f"**{text}**" if hit else text for text, hit in segments)
        lines.append(f"    {field}: {marked}")
    return "\n".join(lines)


def _test_items(matcher, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    outcomes: list[tuple[bool, dict[str, bool]]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        item = json.loads(raw)
        doc = Document(
            title=item.get("title", ""),
            summary=item.get("summary", ""),
            source=item.get("source", ""),
            url=item.get("url", ""),
            author=item.get("author", ""),
            lang=item.get("lang", ""),
        )
        found = matcher.match(doc)
        if found:
            lines.append(_describe(f"{item.get('id', '?')} {doc.title[:70]!r}", found[0], doc))
        outcomes.append((bool(found), item.get("labels") or {}))
    matched = sum(1 for hit, _ in outcomes if hit)
    lines.append(f"{matched} of {len(outcomes)} items match")
    labels = sorted({name for _, labels in outcomes for name in labels})
    for name in labels:
        tp = sum(1 for hit, lab in outcomes if hit and lab.get(name))
        fp = sum(1 for hit, lab in outcomes if hit and not lab.get(name))
        fn = sum(1 for hit, lab in outcomes if not hit and lab.get(name))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        lines.append(
            f"label {name}: precision {precision:.2f} recall {recall:.2f} (tp={tp} fp={fp} fn={fn})"
        )
    return lines


def _test_feed(matcher, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    async def fetch() -> bytes:
        async with Fetcher(FetchSettings()) as fetcher:
            result = await fetcher.fetch(url)
        if result.kind != "ok":
            raise SystemExit(f"{url}: {result.error or result.kind}")
        return result.body

    body = asyncio.run(fetch())
    feed = parse_feed(body, url=url)
    lines = []
    for entry in feed.entries:
        doc = Document(
            title=entry.title,
            summary=entry.summary,
            content=entry.content,
            url=entry.link or "",
            author=entry.author,
            lang=entry.lang or "",
        )
        found = matcher.match(doc)
        if found:
            lines.append(_describe(repr(entry.title[:70]), found[0], doc))
    lines.append(f"{len(lines)} of {len(feed.entries)} entries match")
    return lines
