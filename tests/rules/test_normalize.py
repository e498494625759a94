"""The normalisation contract of DESIGN.md, case by case, plus its laws."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JO SONG GIL", "jo song gil"),
        ("Jŏ Sŏng-gil", "jo song-gil"),
        ("Jo\u0306 So\u0306ng", "jo song"),  # decomposed breve
        ("disertò, perché è così", "diserto, perche e cosi"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("Jo Song\u00adgil", "jo songgil"),  # soft hyphen
        ("Jo\u200bSong\u200cgil\u200d\ufeff", "josonggil"),  # zero-width characters
        ("Jo\u00a0Song\u202fGil", "jo song gil"),  # NBSP, narrow NBSP
        ("Song\u2010gil Song\u2011gil a\u2013b a\u2014b 5\u22123", "song-gil song-gil a-b a-b 5-3"),
        (
            "\u2018it\u2019s\u2019 \u201cquoted\u201d \u00abcitato\u00bb",
            '\'it\'s\' "quoted" "citato"',
        ),
        ("Jo&nbsp;Song&#8209;gil", "jo song-gil"),
        ("it&#8217;s &amp; &#x27;x&#39;", "it's & 'x'"),
        ("double &amp;#8217;escaped&amp;nbsp;x", "double 'escaped x"),
        ("&amp;amp;lt;", "<"),
        ("&unknown; &AMP;", "&unknown; &"),
        ("<p>One</p><p>Two</p>", " one  two "),
        ("<b>Jo</b> Song<span>-</span>gil", "jo song-gil"),
        ("a<br/>b", "a b"),
        ("<!-- note -->x<script>var jo = 1;</script>y", " x y"),
        ("<![CDATA[Jo]]>", "jo"),
        ("&lt;b&gt;bold&lt;/b&gt;", "bold"),
        ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
        ("ＡＢＣ１２３", "abc123"),  # fullwidth
        ("ﬁle", "file"),
    ],
)
def test_normalises(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "text",
    ["조성길은", "북한 외교관", "ジョ・ソンギル", "がぎぐ", "趙成吉", "조성길(Jo)"],
)
def test_hangul_kana_han_survive_intact(text: str) -> None:
    assert normalize(text).text == text.lower()


def test_decomposed_hangul_and_kana_are_recomposed() -> None:
    assert normalize(unicodedata.normalize("NFD", "조성길은")).text == "조성길은"
    assert normalize("か\u3099").text == "が"
    assert normalize("ｶﾀｶﾅ").text == "カタカナ"  # halfwidth katakana


def test_kana_voicing_marks_are_not_stripped() -> None:
    assert normalize("が").text != normalize("か").text


@pytest.mark.parametrize(
    ("text", "needle", "original"),
    [
        ("Jo&nbsp;Song&#8209;gil said", "jo song-gil", "Jo&nbsp;Song&#8209;gil"),
        ("<b>Jŏ</b> Sŏng", "jo song", "Jŏ</b> Sŏng"),
        ("Jose\u0301 left", "jose", "Jose\u0301"),  # the combining accent is kept in the span
        ("Die Straße", "strasse", "Straße"),
        ("x &amp;#8217;y", "'y", "&amp;#8217;y"),
        ("Jo Song\u00adgil!", "jo songgil", "Jo Song\u00adgil"),
    ],
)
def test_offsets_point_into_the_original(text: str, needle: str, original: str) -> None:
    norm = normalize(text)
    start = norm.text.index(needle)
    a, b = norm.span(start, start + len(needle))
    assert text[a:b] == original


markup = st.sampled_from(
    ["<b>", "</p>", "<br/>", "&amp;", "&nbsp;", "&#8217;", "&amp;#8209;", "&lt;i&gt;", "＆amp;"]
)
texty = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
mixed = st.lists(st.one_of(texty, markup, st.sampled_from(["조성길", "Jŏ", "\u00ad", "‑"]))).map(
    "".join
)


@settings(max_examples=200, deadline=None)
@given(mixed)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@settings(max_examples=200, deadline=None)
@given(mixed)
def test_every_normalised_char_maps_to_a_span_in_order(text: str) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i in range(len(norm.text)):
        assert 0 <= norm.starts[i] < norm.ends[i] <= len(text)
        if i:
            assert norm.starts[i - 1] <= norm.starts[i]
            assert norm.ends[i - 1] <= norm.ends[i]
