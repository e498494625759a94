"""Rendering: the webhook JSON contract, the text digest and the HTML email body."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifier import AlsoReported, MatchedTerm, render_html, render_json, render_text
from notifier.render import sanitize_html
from notifier.render.common import one_line
from tests.notifier.samples import make_digest, make_entry


def test_json_body_has_the_documented_shape() -> None:
    body = json.loads(render_json(make_digest()))
    assert list(body) == ["type", "digest", "delivery_id", "window", "items"]
    assert body["type"] == "newswatch.digest"
    assert body["digest"] == "morning"
    assert body["delivery_id"] == "dlv-7f3a9c"
    assert body["window"] == {"start": "2019-01-03T07:00:00Z", "end": "2019-01-04T07:00:00Z"}
    assert body["items"] == [
        {
            "id": "item-1",
            "title": "Envoy Jo Song-gil reported safe in Seoul",
            "url": "https://news.example.org/2019/envoy?ref=rss",
            "source": "Example World",
            "published": "2019-01-03T10:12:00Z",
            "summary": (
                "The former envoy Jo Song-gil was said to be safe, officials told reporters."
            ),
            "rules": ["jo-song-gil"],
            "score": 3.5,
            "matched": [
                {
                    "rule": "jo-song-gil",
                    "field": "title",
                    "term": "Jo Song Gil",
                    "text": "Jo Song-gil",
                    "snippet": "",
                }
            ],
            "also": [{"source": "Wire Daily", "url": "https://wire.example.net/story/42"}],
        }
    ]


def test_json_is_byte_identical_for_the_same_digest() -> None:
    assert render_json(make_digest()) == render_json(make_digest())


def test_json_times_are_utc_with_z() -> None:
    seoul = timezone(timedelta(hours=9))
    entry = make_entry(published=datetime(2019, 1, 3, 19, 12, tzinfo=seoul))
    digest = make_digest(entry, window_start=datetime(2019, 1, 3, 7))  # naive = UTC
    body = json.loads(render_json(digest))
    assert body["items"][0]["published"] == "2019-01-03T10:12:00Z"
    assert body["window"]["start"] == "2019-01-03T07:00:00Z"


def test_json_keeps_unicode_and_null_published() -> None:
    entry = make_entry(
        title="조성길 전 대사대리", published=None, summary="", summary_html="<p>a&amp;b</p>"
    )
    raw = render_json(make_digest(entry))
    assert "조성길".encode() in raw
    item = json.loads(raw)["items"][0]
    assert item["published"] is None
    assert item["summary"] == "a&b"


def test_empty_digest_renders_everywhere() -> None:
    digest = make_digest(entries=())
    assert json.loads(render_json(digest))["items"] == []
    assert "No new stories" in render_text(digest)
    assert "No new stories" in render_html(digest)


def test_text_digest_reads_well() -> None:
    text = render_text(make_digest(make_entry(), make_entry(id="item-2", title="Second story")))
    assert text.startswith("newswatch — Morning brief\n2 stories · 2019-01-03 07:00 UTC")
    assert "1. Envoy Jo Song-gil reported safe in Seoul" in text
    assert "Example World · 2019-01-03 10:12 UTC" in text
    assert "https://news.example.org/2019/envoy?ref=rss" in text
    assert "Why: jo-song-gil — “Jo Song-gil” in title" in text
    assert "Also reported by: Wire Daily <https://wire.example.net/story/42>" in text
    assert "2. Second story" in text


def test_text_shows_times_in_the_digest_time_zone() -> None:
    text = render_text(make_digest(timezone="Asia/Seoul"))
    assert "2019-01-03 19:12 KST" in text


def test_text_drops_control_characters_and_unsafe_links() -> None:
    entry = make_entry(title="Bad\x1b[31m title\r\nBcc: x@example.org", url="javascript:alert(1)")
    text = render_text(make_digest(entry))
    assert "1. Bad [31m title Bcc: x@example.org" in text
    assert "\x1b" not in text
    assert "javascript:" not in text


VECTORS = [
    '<p onclick="steal()">Read <a href="JaVaScRiPt&#58;alert(1)">this</a></p>',
    '<a href="&#x6A;avascript:alert(2)">that</a>',
    '<script>alert(3)</script><iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input type="password"></form>',
    '<img src="https://pixel.example/t.gif" onerror="x()">',
    "<svg><style>a{background:url(javascript:alert(4))}</style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(5)>",
    '<span style="background:url(javascript:alert(6))">styled</span>',
    '<a href="data:text/html,<script>alert(7)</script>">data</a>',
]
BANNED = ("javascript:", "onclick", "onerror", "<script", "<form", "<iframe", "<img", "style=")


@pytest.mark.parametrize("vector", VECTORS)
def test_feed_html_is_sanitised(vector: str) -> None:
    cleaned = sanitize_html(vector).lower()
    assert not [banned for banned in BANNED if banned in cleaned]
    html = render_html(make_digest(make_entry(summary_html=vector))).lower()
    assert not [banned for banned in BANNED[:-1] if banned in html]


def test_sanitised_html_keeps_plain_links_and_text() -> None:
    cleaned = sanitize_html('<p>Read <a href="https://ok.example/a" class="x">the story</a></p>')
    assert cleaned == (
        '<p>Read <a href="https://ok.example/a" rel="noopener noreferrer nofollow">'
        "the story</a></p>"
    )
    html = render_html(make_digest(make_entry(summary_html=cleaned)))
    assert cleaned in html


def test_html_escapes_titles_and_never_evaluates_them() -> None:
    entry = make_entry(
        title="{{ 7*7 }} {{ ''.__class__ }} <script>alert(1)</script>",
        source="<b>Src</b>",
        url="javascript:alert(1)",
        also=(AlsoReported("{% for x in y %}", "javascript:void(0)"),),
    )
    html = render_html(make_digest(entry))
    assert "{{ 7*7 }}" in html
    assert "49" not in html
    assert "{{ &#39;&#39;.__class__ }}" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Src&lt;/b&gt;" in html
    assert "{% for x in y %}" in html
    assert "javascript:" not in html


def test_html_emphasises_matched_words() -> None:
    html = render_html(make_digest())
    assert ">Jo Song-gil</strong> reported safe" in html
    assert "former envoy <strong" in html
    assert "https://news.example.org/2019/envoy?ref=rss" in html


def test_html_has_no_external_assets() -> None:
    html = render_html(make_digest())
    assert "<link" not in html
    assert "<img" not in html
    assert "<script" not in html


def test_why_lists_every_matched_rule() -> None:
    entry = make_entry(
        rules=("jo-song-gil", "defection"),
        matched=(
            MatchedTerm("jo-song-gil", "title", "Jo Song Gil", "Jo Song-gil"),
            MatchedTerm("defection", "summary", "defect*", "defected"),
        ),
    )
    text = render_text(make_digest(entry))
    assert "Why: jo-song-gil — “Jo Song-gil” in title" in text
    assert "Why: defection — “defected” in summary" in text


@given(st.text())
def test_one_line_never_leaves_line_breaks(text: str) -> None:
    flat = one_line(text)
    assert not any(char in flat for char in "\r\n\x0b\x0c\x85\u2028\u2029")


@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"' &#;:()ajvscriptJAVSCRIPThrefonxml0123456789")))
)
def test_sanitiser_output_never_holds_javascript_urls(fragment: str) -> None:
    assert "javascript:" not in sanitize_html(fragment).lower()


def test_deeply_nested_feed_html_renders_quickly() -> None:
    import time

    from notifier import render_html
    from tests.notifier.samples import make_digest, make_entry

    hostile = "<div>" * 40_000 + "deep" + "</div>" * 40_000
    started = time.monotonic()
    render_html(make_digest(make_entry(summary_html=hostile)))
    assert time.monotonic() - started < 1.0


def _with_content_hit():  # type: ignore[no-untyped-def]
    from notifier import MatchedTerm
    from tests.notifier.samples import make_digest, make_entry

    hit = MatchedTerm(
        "embassy-defection",
        "content",
        "asylum",
        "asylum",
        snippet="…the counsellor asked for asylum in Seoul last week…",
    )
    entry = make_entry(
        rules=("embassy-defection",), matched=(hit,), summary="A short summary.", summary_html=""
    )
    return make_digest(entry)


def test_a_hit_outside_the_title_is_shown_in_context_everywhere() -> None:
    import json as jsonlib

    from notifier import render_html, render_json, render_text

    digest = _with_content_hit()
    assert "In context: …the counsellor asked for **asylum** in Seoul last week…" in (
        render_text(digest)
    )
    html = render_html(digest)
    assert "In context: …the counsellor asked for <strong" in html
    assert ">asylum</strong> in Seoul last week…" in html
    [matched] = jsonlib.loads(render_json(digest))["items"][0]["matched"]
    assert matched["snippet"] == "…the counsellor asked for asylum in Seoul last week…"


def test_title_and_summary_hits_need_no_context_line() -> None:
    from notifier import MatchedTerm, render_text
    from tests.notifier.samples import make_digest, make_entry

    in_summary = MatchedTerm("jo-song-gil", "summary", "envoy", "envoy", snippet="The envoy…")
    entry = make_entry(matched=(*make_entry().matched, in_summary))
    assert "In context:" not in render_text(make_digest(entry))


def test_a_summary_hit_is_marked_even_when_the_feed_sent_html() -> None:
    from notifier import MatchedTerm, render_html
    from tests.notifier.samples import make_digest, make_entry

    in_summary = MatchedTerm("jo-song-gil", "summary", "envoy", "envoy")
    entry = make_entry(
        matched=(in_summary,),
        summary="The former envoy was said to be safe.",
        summary_html="<p>The former <i>envoy</i> was said to be safe.</p>",
    )
    html = render_html(make_digest(entry))
    assert ">envoy</strong> was said to be safe." in html
