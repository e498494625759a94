"""Laws of the query language: a printed query parses back to the same tree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import QuerySyntaxError, parse_query, to_query
from rules.model import FIELDS
from rules.query import And, Field, Node, Not, Or, Phrase, Term

OPERATORS = {"AND", "OR", "NOT"}

words = st.from_regex(
    r"[A-Za-zàèéòùŏ조성길0-9]{1,6}([-.'][A-Za-z0-9]{1,4})?", fullmatch=True
).filter(lambda w: w not in OPERATORS)
boosts = st.one_of(st.just(1.0), st.sampled_from([2.0, 0.5, 1.5]), st.floats(0.001, 1000))
terms = st.builds(Term, words, st.booleans(), boosts)
parts = st.builds(lambda w, star: w + ("*" if star else ""), words, st.booleans())
phrases = st.builds(
    Phrase,
    st.lists(parts, min_size=1, max_size=4).map(tuple),
    st.one_of(st.none(), st.integers(0, 50)),
    boosts,
)
url_values = st.sampled_from(["https://x.org/a", "example.org", "10:30", "a:b"])
fielded_urls = st.builds(Field, st.sampled_from(["url", "source"]), st.builds(Term, url_values))


def _trees(leaves: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        many = st.lists(children, min_size=2, max_size=4)
        return st.one_of(
            many.map(lambda cs: And(tuple(_flat(cs, And)))),
            many.map(lambda cs: Or(tuple(_flat(cs, Or)))),
            children.map(Not),
            st.builds(Field, st.sampled_from(FIELDS), children),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def _flat(children: list[Node], cls: type) -> list[Node]:
    out: list[Node] = []
    for child in children:
        out.extend(child.children if isinstance(child, cls) else (child,))  # type: ignore[attr-defined]
    return out


def _positive(node: Node) -> bool:
    if isinstance(node, Term | Phrase):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, Field):
        return _positive(node.child)
    if isinstance(node, And):
        return any(_positive(c) for c in node.children)
    return all(_positive(c) for c in node.children)


def _searchable(tree: Node) -> Node:
    """A tree that needs some term present (the parser rejects exclusion-only queries)."""
    if _positive(tree):
        return tree
    return And((Term("anchor"), *_flat([tree], And)))


@settings(max_examples=200, deadline=None)
@given(_trees(st.one_of(terms, phrases, fielded_urls)).map(_searchable))
def test_printed_tree_parses_back_to_itself(tree: Node) -> None:
    assert parse_query(to_query(tree)) == tree


pieces = st.one_of(
    words,
    st.sampled_from(["AND", "OR", "NOT", "-", "(", ")", '"', "*", "^2", "~3", "title:", "url:"]),
    st.builds(lambda ws: '"' + " ".join(ws) + '"', st.lists(words, max_size=3)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=10), st.lists(st.sampled_from(["", " ", "  "])))
def test_any_query_that_parses_prints_back_to_the_same_tree(
    pieces: list[str], seps: list[str]
) -> None:
    query = "".join(p + (seps[i] if i < len(seps) else " ") for i, p in enumerate(pieces))
    try:
        tree = parse_query(query)
    except QuerySyntaxError as err:
        column = err.column
    else:
        assert parse_query(to_query(tree)) == tree
        return
    assert 1 <= column <= len(query) + 1
