"""Parsing: every dev-corpus format, real-world feeds, text hygiene and hostile bodies."""

from __future__ import annotations

import json
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.linear import assert_linear_time
from tests.servers import BROKEN_XML, FEEDS_DIR
from watcher.errors import FeedParseError
from watcher.parse import ParsedEntry, ParsedFeed, parse_feed

WILD_DIR = Path(__file__).parents[1] / "data" / "feeds-wild"
MiB = 1024 * 1024

# Entry counts per feed and wave, counted by hand from corpus/dev/items.jsonl (waves cumulate).
COUNTS = {
    "orbit-newswire.xml": (2, 4, 8),
    "lantern-post.xml": (2, 5, 7),
    "bluebay-times.xml": (3, 6, 9),
    "korea-watch-quarterly.xml": (3, 6, 8),
    "signal-aggregator.json": (2, 5, 8),
    "saebyeok-ilbo.xml": (3, 6, 9),
    "gazzetta-del-lago.xml": (2, 5, 8),
    "riverside-courier.xml": (1, 5, 8),
}


def parse(body: bytes, content_type: str | None = None) -> ParsedFeed:
    headers = {"Content-Type": content_type} if content_type else None
    return parse_feed(body, url="https://feeds.example/feed.xml", headers=headers)


def corpus(name: str) -> ParsedFeed:
    return parse((FEEDS_DIR / name).read_bytes())


def by_title(feed: ParsedFeed, start: str) -> ParsedEntry:
    return next(e for e in feed.entries if e.title.startswith(start))


def rss(items: str, *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return (
        f'{prolog}\n<rss version="2.0"><channel><title>Test feed</title>'
        f"<link>https://test.example/</link>{items}</channel></rss>"
    ).encode()


def texts(feed: ParsedFeed) -> str:
    """Every string the parser returned, joined, to search for markers."""
    fields = [feed.title, feed.link, feed.lang]
    for e in feed.entries:
        fields += [e.guid, e.link, e.title, e.summary, e.summary_html, e.content, e.author]
    return "\n".join(fields)


# -- the dev corpus ------------------------------------------------------------------------


@pytest.mark.parametrize("wave", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(COUNTS))
def test_corpus_feeds_parse_completely(name: str, wave: int) -> None:
    full = corpus(name)
    waved = corpus(f"wave{wave}/{name}")

    assert len(waved.entries) == COUNTS[name][wave - 1]
    assert len(full.entries) == COUNTS[name][2]
    assert waved.warnings == []
    assert waved.title == full.title != ""
    for entry in waved.entries:
        assert entry.guid
        assert entry.title
        assert entry.link.startswith("https://")
        assert entry.published is not None
        assert entry.published.tzinfo == UTC


def test_rss2_with_content_encoded() -> None:
    feed = corpus("orbit-newswire.xml")
    entry = feed.entries[0]

    assert (feed.title, feed.link, feed.lang) == (
        "Orbit Newswire",
        "https://orbitnews.example/",
        "en",
    )
    assert entry.guid == "orbitnews.example:article:d0ece88"
    assert entry.title == "Floor-crossing rules around the world"
    assert entry.published == datetime(2024, 3, 19, 10, 0, tzinfo=UTC)
    assert entry.author == "Felix Harper"
    assert entry.summary.startswith("Some democracies strip lawmakers of their seats")
    assert entry.content == ""  # content:encoded repeats the summary


def test_atom_entry_keeps_soft_hyphen_and_unicode_hyphen() -> None:
    entry = by_title(corpus("riverside-courier.xml"), "North Korea's Rome chargé")

    assert entry.title == "North Korea's Rome chargé Jo Song\u2010gil reported to be seeking asylum"
    assert entry.summary.startswith("Jo Song\u00adgil, who ran North Korea's embassy in Italy")
    assert entry.guid == "tag:riversidecourier.example,2019-01-03:/story/d86e2e5"
    assert entry.published == entry.updated == datetime(2019, 1, 3, 15, 30, tzinfo=UTC)


def test_rss1_uses_dc_date_and_about() -> None:
    entry = by_title(corpus("korea-watch-quarterly.xml"), "Jo Sŏng Gil")

    assert entry.guid == entry.link
    assert (
        entry.link
        == "https://koreawatch.example/analysis/jo-song-gil-and-the-politics-of-disclosure/"
    )
    assert entry.published == datetime(2020, 10, 9, 10, 0, tzinfo=UTC)
    assert entry.author == "Dr. Helen Park"


def test_json_feed() -> None:
    feed = corpus("signal-aggregator.json")
    entry = by_title(feed, "Who is Jo Song Gil?")

    assert (feed.title, feed.lang) == ("Signal Aggregator", "en")
    assert entry.guid == "signalagg.example:article:dd4ed77"
    assert entry.link == "https://signalagg.example/d/d4ed77d4"
    assert entry.published == datetime(2019, 1, 4, 11, 0, tzinfo=UTC)
    assert entry.author == "Signal Aggregator"
    assert entry.summary.startswith("Jo Song Gil had led North Korea's embassy in Italy")
    assert entry.content == ""  # content_html holds the same text


def test_korean_feed() -> None:
    feed = corpus("saebyeok-ilbo.xml")

    assert (feed.title, feed.lang, len(feed.entries)) == ("새벽일보", "ko", 9)
    first = feed.entries[0]
    assert first.title == "외국 대사관 비자 인터뷰, 이렇게 준비하세요"
    assert first.link == (
        "https://saebyeok-ilbo.example/news/articleView.html?idxno=943290&sc_section_code=S1N3"
    )
    assert first.published == datetime(2024, 4, 9, 0, 0, tzinfo=UTC)  # 09:00 +0900
    assert first.lang == "ko"


def test_iso_8859_1_feed_decodes_accented_letters() -> None:
    feed = corpus("gazzetta-del-lago.xml")

    entry = by_title(feed, "Jo Song-gil è in Corea del Sud")
    assert entry.title.endswith("l'ex incaricato d'affari arrivò a Seul nel 2019")
    assert "più belli di Roma" in by_title(feed, "Palazzo Farnese").summary
    assert feed.lang == "it"


def test_zero_width_space_is_kept_for_the_matcher() -> None:
    entry = by_title(corpus("bluebay-times.xml"), "Jo Song\u200bGil case")

    assert "Jo Song\u200bGil" in entry.summary


# -- real-world feeds ----------------------------------------------------------------------


def wild(name: str) -> ParsedFeed:
    return parse((WILD_DIR / name).read_bytes())


def test_wild_google_alerts_atom_with_html_titles() -> None:
    feed = wild("feedjira--google-alerts.atom.xml")

    assert len(feed.entries) == 20
    first = feed.entries[0]
    assert first.title.startswith("Report offers Prediction of Automotive Slack Market")
    assert "<b>" not in first.title + first.summary
    assert "<b>Slack</b>" in first.summary_html
    assert first.published == datetime(2019, 7, 10, 11, 53, 37, tzinfo=UTC)


def test_wild_undeclared_cp1252_is_recovered_with_a_warning() -> None:
    feed = wild("miniflux--no-decl-latin1-bytes.xml")

    assert len(feed.entries) == 10
    assert "études" in feed.entries[0].summary
    assert any(w.startswith("CharacterEncodingOverride") for w in feed.warnings)


def test_wild_utf8_bom_wordpress_feed() -> None:
    feed = wild("codehollow--nuus-afrikaans.xml")

    assert len(feed.entries) == 5
    first = feed.entries[0]
    assert first.summary.startswith("Bethulie \u2013 Verskeie staatsgetuies")  # &#8211; decoded
    assert (first.author, first.categories) == ("Raymond", ("Nuus", "Suid-Afrika"))
    assert first.guid == "http://www.koerant.co.za/?p=36646"


def test_wild_json_feed_1_with_zoneless_dates() -> None:
    feed = wild("extractus--adactio-jsonfeed.json")

    assert len(feed.entries) == 10
    first = feed.entries[0]
    assert first.title == "The line-up for dConstruct 2022 …revealed!"
    assert first.published == datetime(2022, 7, 26, 13, 1, 1, tzinfo=UTC)
    assert first.summary.startswith("Eight fantastic people")
    assert first.content.startswith("Alright, I’ve kept you in suspense")


def test_wild_windows_1251_feed() -> None:
    feed = wild("miniflux--ibash-windows-1251.xml")

    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Цитата #17703"
    assert feed.lang == "ru"


# -- text: entities, HTML, controls --------------------------------------------------------


def test_entities_escaped_twice_in_titles_are_decoded() -> None:
    feed = parse(rss("<item><title>It&amp;#8217;s &amp;amp; more</title><guid>a</guid></item>"))

    assert feed.entries[0].title == "It’s & more"


def test_atom_html_title_and_json_title_with_literal_entities() -> None:
    atom = parse(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>x</id>'
        b'<title type="html">Seoul&amp;#8217;s &lt;i&gt;envoy&lt;/i&gt;</title></entry></feed>'
    )
    json_feed = parse(
        json.dumps(
            {"version": "https://jsonfeed.org/version/1.1", "items": [{"title": "Rome&#8217;s"}]}
        ).encode()
    )

    assert atom.entries[0].title == "Seoul’s envoy"
    assert json_feed.entries[0].title == "Rome’s"


def test_html_summary_becomes_plain_text_and_richer_content_is_kept() -> None:
    summary = "&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two &amp;amp; &lt;b&gt;three&lt;/b&gt;&lt;/p&gt;"
    body = (
        '<script>alert("x")</script><p>One</p><p>Two &amp; <b>three</b>, and four.</p>'
        "<style>p {}</style>"
    )
    feed = parse(
        rss(
            f"<item><title>T</title><description>{summary}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>",
        ).replace(b"<rss ", b'<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" ')
    )
    entry = feed.entries[0]

    assert entry.summary == "One Two & three"
    assert entry.summary_html == "<p>One</p><p>Two &amp; <b>three</b></p>"
    assert entry.content == "One Two & three, and four."


def test_control_characters_are_stripped_from_every_string() -> None:
    feed = parse(
        rss(
            "<item><title>a\x01b\x1bc\x00d</title><description>x&#0;y\x07z</description>"
            "<guid>g\x02</guid><author>\x0bBob</author></item>"
        )
    )
    entry = feed.entries[0]

    assert (entry.title, entry.guid, entry.author) == ("abcd", "g", "Bob")
    assert entry.summary == "x\ufffdyz"
    assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in texts(feed))


def test_relative_links_resolve_against_the_feed_url_but_guids_stay_as_written() -> None:
    feed = parse(
        rss(
            "<item><title>A</title><link>/news/1</link><guid>1001</guid></item>"
            "<item><title>B</title><guid>news/2</guid></item>"
        )
    )
    first, second = feed.entries

    assert (first.guid, first.link) == ("1001", "https://feeds.example/news/1")
    assert (second.guid, second.link) == ("news/2", "https://feeds.example/news/2")


def test_links_that_are_not_http_are_dropped() -> None:
    feed = parse(
        rss(
            "<item><title>A</title><link>javascript:alert(1)</link></item>"
            "<item><title>B</title><link>data:text/html,hi</link></item>"
        )
    )

    assert [e.link for e in feed.entries] == ["", ""]


def test_json_feed_shapes_seen_in_the_wild_are_accepted() -> None:
    body = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Loose",
        "author": "Feed Author",
        "items": [
            {"id": 42, "content_text": "Plain  text\nbody", "tags": "one", "author": "Ann"},
            {"id": "b", "authors": [{"name": "Bo"}], "date_published": "2024-05-01T10:00:00+02:00"},
            "not an item",
        ],
    }
    feed = parse(json.dumps(body).encode(), "application/feed+json")

    first, second = feed.entries
    assert (first.guid, first.summary, first.categories, first.author) == (
        "42",
        "Plain text body",
        ("one",),
        "Ann",
    )
    assert (second.author, second.published) == ("Bo", datetime(2024, 5, 1, 8, 0, tzinfo=UTC))


# -- encodings -----------------------------------------------------------------------------

KOREAN = rss(
    "<item><title>조성길 전 대사대리</title><guid>k1</guid></item>",
    prolog='<?xml version="1.0" encoding="EUC-KR"?>',
).decode()


def test_euc_kr_with_prolog_decodes_korean() -> None:
    feed = parse(KOREAN.encode("euc-kr"), "application/rss+xml")

    assert feed.entries[0].title == "조성길 전 대사대리"
    assert feed.warnings == []


def test_euc_kr_served_as_utf8_falls_back_to_the_declaration_with_a_warning() -> None:
    feed = parse(KOREAN.encode("euc-kr"), "application/rss+xml; charset=utf-8")

    assert feed.entries[0].title == "조성길 전 대사대리"
    assert any("CharacterEncodingOverride" in w for w in feed.warnings)


def test_utf16_with_bom() -> None:
    body = KOREAN.replace("EUC-KR", "UTF-16").encode("utf-16")

    assert parse(body).entries[0].title == "조성길 전 대사대리"


# -- not a feed, empty feeds ---------------------------------------------------------------


def test_html_page_is_an_error() -> None:
    page = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"

    with pytest.raises(FeedParseError, match="no RSS, Atom or JSON Feed") as caught:
        parse(page, "text/html; charset=utf-8")
    assert caught.value.url == "https://feeds.example/feed.xml"


@pytest.mark.parametrize(
    "body", [b"", b"  \n", b"\x00\xff\xfe garbage \x13", BROKEN_XML, b'{"rss": {"channel": {}}}']
)
def test_bodies_without_a_feed_are_errors(body: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse(body)


def test_json_content_type_with_invalid_json_is_an_error() -> None:
    with pytest.raises(FeedParseError, match="invalid JSON"):
        parse(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "application/json")


@pytest.mark.parametrize(
    "body",
    [
        rss(""),
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title></feed>',
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "Quiet", "items": []}',
    ],
)
def test_valid_feed_without_entries_is_not_an_error(body: bytes) -> None:
    feed = parse(body)

    assert feed.entries == []
    assert feed.title in ("Test feed", "Quiet")


def test_broken_feed_with_entries_is_accepted_with_a_warning() -> None:
    feed = parse(rss("<item><title>Fish & chips</title><guid>f</guid></item>"))

    assert feed.entries[0].title == "Fish & chips"
    assert any(w.startswith("SAXParseException") for w in feed.warnings)


# -- hostile bodies (HARDENING P1-P3, §0.3) ------------------------------------------------


def parse_measured(body: bytes) -> tuple[ParsedFeed | FeedParseError, float, float]:
    """Parse; return the feed or the error, the seconds taken and the peak allocation.

    Time is measured on an untraced run (tracemalloc slows parsing tenfold), memory on
    a second, traced run made only when the first was fast.
    """
    started = time.monotonic()
    outcome = _parse_or_error(body)
    elapsed = time.monotonic() - started
    if elapsed > 1.0:
        return outcome, elapsed, float("inf")
    tracemalloc.start()
    try:
        _parse_or_error(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return outcome, elapsed, peak


def _parse_or_error(body: bytes) -> ParsedFeed | FeedParseError:
    try:
        return parse(body)
    except FeedParseError as exc:
        return exc


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "HAHA"}">\n' for i in range(10))
BLOWUP_VALUE = "Q" * 100_000


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(rss("<item><title>&lol9;</title></item>", prolog=(
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{LAUGHS}]>')), id="billion-laughs"),
        pytest.param(rss("<item><title>&lol9;</title></item>", prolog=(
            f'<?xml version="1.0"?><!DOCTYPE rss [{LAUGHS.replace(chr(10), "")}]>')),
            id="billion-laughs-one-line"),
        pytest.param(rss("<item><title>" + "&a;" * 20_000 + "</title></item>", prolog=(
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "{BLOWUP_VALUE}">\n]>')),
            id="quadratic-blowup"),
        pytest.param(rss("<item><title>" + "&a;" * 20_000 + "</title></item>", prolog=(
            f'<?xml version="1.0"?>\n<!--\n<!DOCTYPE rss>\n<!ENTITY a "{BLOWUP_VALUE}">\n-->')),
            id="blowup-hidden-in-a-comment"),
        pytest.param((
            f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE rss [\n<!ENTITY a '
            f'"{BLOWUP_VALUE}">\n]>\n<rss version="2.0"><channel><title>t</title><item>'
            "<title>" + "&a;" * 20_000 + "</title></item></channel></rss>").encode("utf-16"),
            id="quadratic-blowup-utf16"),
    ],
)  # fmt: skip
def test_entity_expansion_never_happens(body: bytes) -> None:
    outcome, elapsed, peak = parse_measured(body)

    assert elapsed < 1.0
    assert peak < 50 * MiB
    if isinstance(outcome, ParsedFeed):
        assert "HAHA" not in texts(outcome)
        assert "Q" * 100 not in texts(outcome)


@pytest.mark.parametrize("one_line", [True, False])
def test_external_entities_are_never_read(tmp_path: Path, one_line: bool) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("XXE-MARKER-5d1f")
    newline = "" if one_line else "\n"
    prolog = (
        f'<?xml version="1.0"?>{newline}<!DOCTYPE rss [{newline}'
        f'<!ENTITY xxe SYSTEM "file://{secret}">{newline}]>'
    )

    outcome, _, _ = parse_measured(rss("<item><title>&xxe;</title></item>", prolog=prolog))

    message = str(outcome)
    if isinstance(outcome, ParsedFeed):
        message = texts(outcome)
    assert "XXE-MARKER" not in message


def test_a_body_naming_a_local_file_is_not_read(tmp_path: Path) -> None:
    local = tmp_path / "feed.xml"
    local.write_bytes(rss("<item><title>LOCAL-FILE-MARKER</title></item>"))

    for body in (str(local).encode(), b"/etc/hostname"):
        with pytest.raises(FeedParseError) as caught:
            parse(body)
        assert "LOCAL-FILE-MARKER" not in str(caught.value)


def test_dev_zero_as_a_body_is_an_error_at_once() -> None:
    outcome, elapsed, peak = parse_measured(b"/dev/zero")

    assert isinstance(outcome, FeedParseError)
    assert elapsed < 1.0
    assert peak < 50 * MiB


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(rss("", prolog='<?xml version="1.0" encoding="utf\x00-8"?>'), None,
                     id="nul-in-encoding-declaration"),
        pytest.param(rss(""), "application/rss+xml; charset=ut\x00f-8",
                     id="nul-in-content-type-charset"),
        pytest.param(rss(
            '<item><title>x</title><georss:where><gml:Point srsName="EPSG:abc"><gml:pos>1 2'
            "</gml:pos></gml:Point></georss:where></item>").replace(b"<rss ", (
            b'<rss xmlns:georss="http://www.georss.org/georss" '
            b'xmlns:gml="http://www.opengis.net/gml" ')), None, id="non-numeric-epsg-code"),
    ],
)  # fmt: skip
def test_inputs_that_make_feedparser_raise_become_feed_parse_errors(
    body: bytes, content_type: str | None
) -> None:
    with pytest.raises(FeedParseError, match="feed parser failed"):
        parse(body, content_type)


@pytest.mark.parametrize("reference", ["&#1114112;", "&#x110000;", "&#xD800;", "&#0;", "&#9" * 3])
def test_impossible_character_references_become_replacement_characters(reference: str) -> None:
    feed = parse(rss(f"<item><title>a{reference}b</title></item>"))

    assert feed.entries[0].title.startswith("a")
    assert feed.entries[0].title.endswith("b")


def test_backslash_in_an_entity_value_does_not_crash() -> None:
    prolog = '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY path "C:\\data">\n]>'

    feed = parse(rss("<item><title>&path;</title></item>", prolog=prolog))

    assert feed.entries[0].title == "&path;"  # declared entities are never expanded


def test_netscape_doctype_of_rss_091_still_parses() -> None:
    prolog = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    )
    feed = parse(rss("<item><title>Old &amp; fine</title></item>", prolog=prolog))

    assert feed.entries[0].title == "Old & fine"


@pytest.mark.parametrize("fragment", ["&lt;!--", "&lt;a ", "&lt;div&gt;", '&lt;p title="'])
def test_malformed_html_is_handled_in_linear_time(fragment: str) -> None:
    """feedparser's sanitiser, the stdlib HTMLParser and html5ever are quadratic on these."""

    def body(repeats: int) -> bytes:
        return rss(
            f"<item><title>T</title><description>{fragment * repeats}end</description></item>"
        )

    large = body(50_000)
    assert_linear_time(parse, body(12_500), large)
    feed = parse(large)
    assert feed.entries[0].summary.endswith("end") or feed.entries[0].summary == ""
