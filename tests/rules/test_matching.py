"""What a query matches, row by row of the DESIGN.md table, with the hits it reports."""

from __future__ import annotations

import pytest

from rules import Document, compile_rules
from rules.reference import evaluate


def matches(query: str, text: str = "", **fields: str) -> bool:
    return evaluate(query, Document(summary=text, **fields)).matched


def hit_texts(query: str, **fields: str) -> list[tuple[str, str, str]]:
    result = evaluate(query, Document(**fields))
    assert result.matched
    return [(h.term, h.field, h.text) for h in result.hits]


# --- `word`, `defect*` ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Jo", "Jo Song-gil", True),
        ("Jo", "jo's case", True),
        ("Jo", "Joseph left", False),
        ("Jo", "Banjo player", False),
        ("defect", "He defected", False),
        ("defect*", "He defected", True),
        ("defect*", "a defector", True),
        ("defect*", "the defect", True),
        ("defect*", "undefected", False),
        ("ambasciata", "all'ambasciata d'Italia", True),
        ("diserto", "Il diplomatico disertò", True),
        ("disertò", "Il diplomatico DISERTO", True),
        ("perche", "perché", True),
        ("Song-gil", "Jo Song Gil", True),
        ("Song-gil", "Jo Songgil", True),
        ("Songgil", "Jo Song-gil", False),
        ("U.S.", "the U.S. embassy", True),
        ("O'Brien", "Mr O\u2019Brien said", True),
        ("10:30", "at 10:30 today", True),
    ],
)
def test_words(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


# --- phrases -------------------------------------------------------------------------

JO_VARIANTS = [
    "Jo Song Gil",
    "Jo Song-gil",
    "JO SONG GIL",
    "jo song gil",
    "Jo Songgil",
    "Jŏ Sŏng-gil",
    "Jo\u0306 So\u0306ng-gil",  # decomposed breves
    "Jo Song\u00adgil",  # soft hyphen
    "Jo&nbsp;Song&#8209;gil",
    "Jo\u00a0Song\u2011gil",
    "Jo\u202fSong\u2010gil",
    "Jo Song\u200bgil",  # zero-width space
    "<b>Jo</b> Song-gil",
    "Jo  Song - Gil",
    "JoSong Gil",
]


@pytest.mark.parametrize("text", JO_VARIANTS)
def test_phrase_matches_every_spelling(text: str) -> None:
    assert matches('"Jo Song Gil"', f"Defector {text} spoke.")


@pytest.mark.parametrize("text", ["Jo Song Gil", "Jo Song-gil", "JO SONG GIL", "Jŏ Sŏng-gil"])
def test_phrase_is_symmetric(text: str) -> None:
    assert matches('"Jo Songgil"', text)
    assert matches('"Jo Song-gil"', text)


@pytest.mark.parametrize(
    "text",
    [
        "Joseph Song Gil",
        "Jo Song. Gil",
        "Jo, Song Gil",
        "Jo Song Gilbert",
        "Song Gil Jo",
        "Jo Sung Gil",
        "Jo Song",
        "Cho Song Gil",
    ],
)
def test_phrase_does_not_match(text: str) -> None:
    assert not matches('"Jo Song Gil"', text)


def test_phrase_with_prefix_parts() -> None:
    assert matches('"north korean diplomat*"', "two North Korean diplomats")
    assert not matches('"north korean diplomat*"', "North Korean diplomacy")
    assert matches('"north* korea"', "northern Korea")
    assert matches('"north* korea"', "northkorea")
    assert not matches('"north* korea"', "north korean")


def test_phrase_punctuation_from_the_query_is_allowed_between_tokens() -> None:
    assert matches('"embassy (Rome)"', "the embassy (Rome) said")
    assert not matches('"embassy Rome"', "the embassy (Rome) said")


# --- AND, OR, NOT, grouping ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("jo song", "song by jo", True),
        ("jo AND song", "song by jo", True),
        ("jo song", "song alone", False),
        ("jo OR cho", "Cho Song Gil", True),
        ("jo OR cho", "Kim", False),
        ("jo -joseph", "Jo and Joseph", False),
        ("jo -joseph", "Jo alone", True),
        ("jo NOT joseph", "Jo and Joseph", False),
        ("jo and song", "jo song", False),  # lowercase `and` is a word
        ("jo and song", "jo and song", True),
        ("(jo OR cho) embassy", "Cho at the embassy", True),
        ("(jo OR cho) embassy", "Cho at home", False),
        ("jo OR cho embassy", "Jo at home", True),  # AND binds tighter than OR
        ("-(kim OR lee) jo", "Jo and Kim", False),
        ("-(kim OR lee) jo", "Jo and Park", True),
    ],
)
def test_boolean_operators(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


# --- proximity -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ('"defected embassy"~10', "He defected, the embassy said", True),
        ('"defected embassy"~10', "The embassy confirmed he defected", True),  # any order
        ('"defected embassy"~3', "defected one two embassy", True),  # positions 0 and 3
        ('"defected embassy"~2', "defected one two embassy", False),
        ('"defected embassy"~1', "embassy defected", True),
        ('"defected embassy"~0', "embassy defected", False),
        ('"defect* embass*"~5', "embassies say he defected", True),
        ('"Jo Song-gil embassy"~5', "Jo Song Gil left the embassy", True),  # 0, 1 and 5
        ('"Jo Song-gil embassy"~4', "Jo Song Gil left the embassy", False),
        ('"a b c"~2', "c x a b", False),
        ('"a b c"~3', "c x a b", True),
        ('"defected embassy"~10', "He defected.", False),
    ],
)
def test_proximity(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_proximity_is_within_one_field() -> None:
    assert not evaluate(
        '"defected embassy"~10', Document(title="defected", summary="embassy")
    ).matched


# --- Hangul, kana and Han ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("조성길", "조성길은 이탈리아에서", True),  # particle attached
        ("조성길", "조성길이", True),
        ("조성길", "조성 길", False),
        ("대사대리", "북한 대사대리가 망명", True),
        ('"조성길 대사대리"', "조성길 대사대리는", True),
        ('"북한 외교관"', "북한외교관", True),
        ("ジョ", "ジョ・ソンギル氏", True),
        ("趙成吉", "北韓外交官趙成吉", True),
        ("BBC", "BBC는 보도했다", True),
        ("조성길", "Jo Song Gil", False),
    ],
)
def test_cjk_terms_match_as_substrings(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


# --- fields --------------------------------------------------------------------------


def test_unfielded_terms_search_title_summary_and_content() -> None:
    for field in ("title", "summary", "content"):
        assert evaluate("jo", Document(**{field: "Jo"})).matched
    for field in ("source", "url", "author", "category", "lang"):
        assert not evaluate("jo", Document(**{field: "Jo"})).matched


@pytest.mark.parametrize(
    ("query", "doc", "expected"),
    [
        ("title:jo", Document(title="Jo"), True),
        ("title:jo", Document(summary="Jo"), False),
        ("summary:jo", Document(summary="Jo"), True),
        ("content:jo", Document(content="Jo"), True),
        ('source:"Example World"', Document(source="Example World"), True),
        ("url:example.org", Document(url="https://www.example.org/a?b=1"), True),
        ("url:https://www.example.org/a", Document(url="https://www.example.org/a?b=1"), True),
        ("author:kim", Document(author="Kim Min-ji"), True),
        ("category:politics", Document(category="World, Politics"), True),
        ("lang:ko", Document(lang="ko-KR"), True),
        ("lang:ko", Document(lang="it"), False),
        ("title:(jo OR cho)", Document(title="Cho"), True),
        ("title:(jo OR cho)", Document(summary="Cho"), False),
        ("jo -source:spam", Document(title="Jo", source="Spam Wire"), False),
        ("jo -source:spam", Document(title="Jo", source="Yonhap"), True),
    ],
)
def test_fields(query: str, doc: Document, expected: bool) -> None:
    assert evaluate(query, doc).matched is expected
    # and the matcher, here with a rule set that searches one or two fields only
    assert bool(compile_rules([{"id": "r", "query": query}]).match(doc)) is expected


# --- hits ----------------------------------------------------------------------------


def test_hits_report_terms_as_written_and_text_as_in_the_original() -> None:
    assert hit_texts(
        '"Jo Song Gil" OR 조성길', title="<b>Jo</b> Song&#8209;gil", summary="조성길은"
    ) == [
        ("Jo Song Gil", "title", "Jo</b> Song&#8209;gil"),
        ("조성길", "summary", "조성길"),
    ]


def test_hit_offsets_index_the_original_field_text() -> None:
    text = "<p>Defector&nbsp;<i>Jŏ Sŏng&#8209;gil</i> &amp; family</p>"
    result = evaluate('"Jo Song Gil"', Document(content=text))
    (hit,) = result.hits
    assert text[hit.start : hit.end] == hit.text == "Jŏ Sŏng&#8209;gil"
    assert (hit.term, hit.field) == ("Jo Song Gil", "content")


def test_every_occurrence_in_every_field_is_a_hit() -> None:
    assert hit_texts("defect*", title="Defectors", summary="one defected, one defects") == [
        ("defect*", "title", "Defectors"),
        ("defect*", "summary", "defected"),
        ("defect*", "summary", "defects"),
    ]


def test_hits_come_from_all_positive_terms_but_not_from_negated_ones() -> None:
    hits = hit_texts("(jo OR cho) -kim embassy", summary="Jo and Cho at the embassy")
    assert [h[0] for h in hits] == ["jo", "cho", "embassy"]


def test_no_hits_when_the_query_does_not_match() -> None:
    result = evaluate("jo embassy", Document(summary="Jo at home"))
    assert not result.matched
    assert result.hits == ()


def test_proximity_hit_spans_the_window() -> None:
    assert hit_texts('"defected embassy"~5', summary="He defected, the embassy said") == [
        ("defected embassy", "summary", "defected, the embassy"),
    ]


def test_fielded_hits_stay_in_their_field() -> None:
    assert hit_texts("title:jo", title="Jo", summary="Jo") == [("jo", "title", "Jo")]


def test_prefix_hit_covers_the_whole_word() -> None:
    assert hit_texts('"north korean diplomat*"', summary="North Korean diplomats left") == [
        ("north korean diplomat*", "summary", "North Korean diplomats")
    ]
