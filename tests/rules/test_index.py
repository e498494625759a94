"""The rule index: which rules a document wakes, and the shortcut compile of plain terms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from rules import RuleConfig, parse_query
from rules.index import RuleIndex, plain_pattern
from rules.query import Leaf, Node, Phrase, Term
from rules.terms import compile_leaf
from tests.rules.generate import trees


def index_of(*queries: str) -> RuleIndex:
    index = RuleIndex()
    for i, query in enumerate(queries):
        index.add(RuleConfig(id=f"r{i}", query=query), parse_query(query))
    return index


def pids_of(index: RuleIndex, *terms: str) -> set[int]:
    """The pids of single-word terms, as a document containing them would find them."""
    found = set()
    for term in terms:
        found.add(index._pid(Term(term.removesuffix("*"), term.endswith("*"))))
    return found


@pytest.mark.parametrize(
    ("query", "present", "woken"),
    [
        ("embassy", ["embassy"], True),
        ("embassy", ["rome"], False),
        ("embassy rome", ["embassy"], False),  # both groups are needed
        ("embassy rome", ["embassy", "rome"], True),
        ("(embassy OR consulate) rome", ["consulate", "rome"], True),
        ("(embassy OR consulate) rome", ["embassy", "consulate"], False),
        ("embassy -rome", ["embassy", "rome"], True),  # NOT is decided by the program
        ("embassy -rome", ["rome"], False),  # a negated term never wakes a rule
        ("embassy OR (rome -paris)", ["rome"], True),
        ("defect* embassy", ["defect*", "embassy"], True),
    ],
)
def test_a_rule_is_woken_only_when_each_group_it_needs_occurs(
    query: str, present: list[str], woken: bool
) -> None:
    index = index_of(query)
    found = pids_of(index, *present)
    assert (0 in index.presearcher().candidates(found)) is woken


def test_and_files_a_rule_under_its_rarest_looking_term() -> None:
    index = index_of("a embassy", '"north korea" diplomat*')
    (a_pid,) = pids_of(index, "a")
    (embassy,) = pids_of(index, "embassy")
    first, second = index.programs
    assert first.groups[0] == {embassy}
    assert {a_pid} in first.groups
    phrase = index._pid(Phrase(("north", "korea")))
    assert second.groups[0] == {phrase}


def test_proximity_needs_every_part() -> None:
    index = index_of('"defected embassy"~5')
    presearcher = index.presearcher()
    assert 0 not in presearcher.candidates(pids_of(index, "embassy"))
    assert 0 in presearcher.candidates(pids_of(index, "embassy", "defected"))


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Term | Phrase):
        return [node]
    children = [node.child] if hasattr(node, "child") else node.children  # type: ignore[union-attr]
    return [leaf for child in children for leaf in leaves(child)]


@settings(max_examples=300, deadline=None)
@given(trees)
def test_plain_terms_compile_to_the_reference_pattern(tree: Node) -> None:
    for leaf in leaves(tree):
        pattern = plain_pattern(leaf)
        assert pattern is None or pattern == compile_leaf(leaf)


@pytest.mark.parametrize(
    "leaf",
    [
        Term("Embassy"),
        Term("defect", prefix=True),
        Phrase(("North", "Korean", "diplomat*")),
        Phrase(("north*", "korea")),
        Phrase(("a", "b", "a"), slop=3),
        Phrase(("embassy",)),
    ],
)
def test_plain_examples(leaf: Leaf) -> None:
    assert plain_pattern(leaf) == compile_leaf(leaf)
