"""Parsing every form of the DESIGN.md query table, and the errors with their columns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import QuerySyntaxError, RulesError, parse_query, to_query
from rules.query import And, Field, Node, Not, Or, Phrase, Term
from rules.query.lexer import lex
from rules.query.parser import _Parser, _simple


def t(text: str, **kw: object) -> Term:
    return Term(text, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("word", t("word")),
        ("defect*", t("defect", prefix=True)),
        ('"two words"', Phrase(("two", "words"))),
        ("a b", And((t("a"), t("b")))),
        ("a AND b", And((t("a"), t("b")))),
        ("a OR b", Or((t("a"), t("b")))),
        ("-a b", And((Not(t("a")), t("b")))),
        ("b NOT a", And((t("b"), Not(t("a"))))),
        ("(a OR b) c", And((Or((t("a"), t("b"))), t("c")))),
        ('"defected embassy"~10', Phrase(("defected", "embassy"), slop=10)),
        ("title:jo", Field("title", t("jo"))),
        ('summary:"Jo Song"', Field("summary", Phrase(("Jo", "Song")))),
        ("source:(ansa OR yonhap)", Field("source", Or((t("ansa"), t("yonhap"))))),
        ("url:https://example.org/a", Field("url", t("https://example.org/a"))),
        (
            "author:kim category:politics lang:ko",
            And(
                (
                    Field("author", t("kim")),
                    Field("category", t("politics")),
                    Field("lang", t("ko")),
                )
            ),
        ),
        ("content:x", Field("content", t("x"))),
        ("Title:x", Field("title", t("x"))),
        ("term^2", t("term", boost=2.0)),
        ('"a phrase"^1.5', Phrase(("a", "phrase"), boost=1.5)),
        ('"a b"~3^2', Phrase(("a", "b"), slop=3, boost=2.0)),
        ("defect*^3", t("defect", prefix=True, boost=3.0)),
        ('"north korean diplomat*"', Phrase(("north", "korean", "diplomat*"))),
        ("조성길", t("조성길")),
        ("a and b or c", And(tuple(map(t, ["a", "and", "b", "or", "c"])))),
        ("\u201cJo Song\u201d", Phrase(("Jo", "Song"))),
        ("Song-gil", t("Song-gil")),
        ("a --b", And((t("a"), Not(Not(t("b")))))),
    ],
)
def test_parses_every_form(query: str, tree: object) -> None:
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("a b OR c", Or((And((t("a"), t("b"))), t("c")))),
        ("a OR b c", Or((t("a"), And((t("b"), t("c")))))),
        ("a OR b AND c", Or((t("a"), And((t("b"), t("c")))))),
        ("NOT a b OR c", Or((And((Not(t("a")), t("b"))), t("c")))),
        ("a -b OR c", Or((And((t("a"), Not(t("b")))), t("c")))),
        ("a (b OR c)", And((t("a"), Or((t("b"), t("c")))))),
        ("(a b) c", And((t("a"), t("b"), t("c")))),
        ("a OR (b OR c)", Or((t("a"), t("b"), t("c")))),
        ("-title:a b", And((Not(Field("title", t("a"))), t("b")))),
    ],
)
def test_precedence_not_and_or(query: str, tree: object) -> None:
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "column", "fragment"),
    [
        ("", 1, "empty query"),
        ("   ", 1, "empty query"),
        ('jo "song gil', 4, "unbalanced quote"),
        ("jo (song OR gil", 4, "unbalanced parenthesis"),
        ("jo song)", 8, "unbalanced parenthesis"),
        ("()", 1, "empty group"),
        ("jo AND", 4, "dangling operator AND"),
        ("OR jo", 1, "dangling operator OR"),
        ("jo OR OR gil", 4, "dangling operator OR"),
        ("jo NOT", 4, "dangling operator NOT"),
        ("jo - gil", 4, "dangling operator '-'"),
        ("(jo OR)", 5, "dangling operator OR"),
        ("jo^", 3, "bad boost"),
        ("jo^0", 3, "bad boost"),
        ("jo^x", 3, "bad boost"),
        ('"jo song"^-1', 10, "bad boost"),
        ("(jo gil)^2", 9, "bad boost"),
        ("AND^2", 4, "bad boost"),
        ('"jo song"~', 10, "bad proximity"),
        ("jo~2", 3, "proximity (~N) applies to a phrase"),
        ("jo foo:bar", 4, "unknown field 'foo:'"),
        ("title: jo", 1, "'title:' must be followed directly"),
        ("title:-jo", 1, "'title:' must be followed directly"),
        ("-foo", 1, "exclusion"),
        ("NOT foo", 1, "exclusion"),
        ("a OR -b", 6, "exclusion"),
        ("-a -b", 1, "exclusion"),
        ("de*fect", 3, "'*' is allowed only at the end"),
        ('"jo song *"', 10, "'*' is allowed only at the end"),
        ("*", 1, "no letters or digits"),
        ("jo &", 4, "no letters or digits"),
        ('""', 1, "empty phrase"),
        ('"jo"x', 5, "expected a space"),
        ("(" * 60 + "a" + ")" * 60, 52, "nested too deeply"),
    ],
)
def test_errors_name_the_column(query: str, column: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    err = info.value
    assert (err.column, err.query) == (column, query)
    assert fragment in err.message
    assert str(err) == f"column {column}: {err.message}"
    assert isinstance(err, RulesError)
    assert isinstance(err, ValueError)


def test_error_message_reads_like_the_design() -> None:
    with pytest.raises(QuerySyntaxError, match=r"^column 12: unbalanced quote"):
        parse_query('jo OR song "gil')


def test_columns_count_characters_not_bytes() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query("조성길 OR")
    assert info.value.column == 5


@pytest.mark.parametrize(
    ("query", "printed"),
    [
        ("a AND b", "a b"),
        ("NOT a b", "-a b"),
        ("(a OR b) (c OR d)", "(a OR b) (c OR d)"),
        ("-(a b) c", "-(a b) c"),
        ("title:(a b)", "title:(a b)"),
        ("title:(-a) b", "title:(-a) b"),
        ("title:(url:x)", "title:(url:x)"),
        ("\u201cJo  Song\u201d~2^1.5", '"Jo Song"~2^1.5'),
        ("x^2.0", "x^2"),
        ("defect*^0.25", "defect*^0.25"),
    ],
)
def test_prints_back(query: str, printed: str) -> None:
    assert to_query(parse_query(query)) == printed
    assert parse_query(printed) == parse_query(query)


def test_columns_are_kept_on_nodes_but_not_compared() -> None:
    tree = parse_query("a  b")
    assert isinstance(tree, And)
    assert [child.col for child in tree.children] == [1, 4]
    assert tree == parse_query("a b")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='aZ09 "*~^()-:éA', max_size=12) | st.sampled_from(["AND", '"AND"', "OR"]))
def test_the_shortcut_for_plain_names_and_phrases_gives_the_parsers_tree(query: str) -> None:
    """Plain words and phrases skip the lexer and parser; where the shortcut answers, the
    tree (columns included) must be the one they would build."""
    simple = _simple(query)
    if simple is not None:
        full = _Parser(query, lex(query)).parse()
        assert simple == full
        assert simple.col == full.col == 1


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("Beltasa", Term("Beltasa")),
        ("X1", Term("X1")),
        ('"Jo  Song Gil "', Phrase(("Jo", "Song", "Gil"))),
        ('"Rome"', Phrase(("Rome",))),
        ("AND", None),
        ("defect*", None),
        (" Rome", None),
        ('"Sŏng"', None),
        ("a b", None),
    ],
)
def test_plain_queries_take_the_shortcut(query: str, tree: Node | None) -> None:
    assert _simple(query) == tree
