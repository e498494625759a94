"""The webhook body (DESIGN.md, "Webhook delivery"): the same bytes for the same digest."""

from __future__ import annotations

import json
import math
from typing import Any

from notifier.model import Digest, DigestEntry
from notifier.render.common import clean_text, html_to_text, iso_z, one_line

EVENT_TYPE = "newswatch.digest"


def digest_payload(digest: Digest) -> dict[str, Any]:
    """The JSON document as Python data (keys in the documented order)."""
    return {
        "type": EVENT_TYPE,
        "digest": digest.digest_id,
        "delivery_id": digest.delivery_id,
        "window": {"start": iso_z(digest.window_start), "end": iso_z(digest.window_end)},
        "items": [_item(entry) for entry in digest.entries],
    }


def render_json(digest: Digest) -> bytes:
    """Compact UTF-8 JSON; deterministic, so a retry signs and sends identical bytes."""
    text = json.dumps(
        digest_payload(digest), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def _item(entry: DigestEntry) -> dict[str, Any]:
    summary = entry.summary or html_to_text(entry.summary_html)
    return {
        "id": entry.id,
        "title": one_line(entry.title),
        "url": entry.url,
        "source": one_line(entry.source),
        "published": iso_z(entry.published),
        "summary": clean_text(summary),
        "rules": list(entry.rules),
        "score": round(entry.score, 4) if math.isfinite(entry.score) else 0.0,
        "matched": [
            {
                "rule": hit.rule,
                "field": hit.field,
                "term": hit.term,
                "text": hit.text,
                "snippet": hit.snippet,
            }
            for hit in entry.matched
        ],
        "also": [{"source": one_line(also.source), "url": also.url} for also in entry.also],
    }
