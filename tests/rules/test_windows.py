"""A proximity term's windows are the same from C as from Python."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Document, compile_rules
from rules.automaton import _windows
from rules.fieldtext import prepare_field
from tests.rules.speedups import pure_python


@st.composite
def fields_and_parts(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, int]]], int]:
    words = draw(st.lists(st.sampled_from(["a", "bb", "ccc", "a-bb", "조성길"]), min_size=1))
    text = " ".join(words)
    field = prepare_field(text)
    assert field is not None
    starts = [i for i, c in enumerate(field.spaced) if c != " "]  # inside tokens too
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        ats = sorted(draw(st.lists(st.sampled_from(starts), max_size=6)))
        parts.append([(at - 1, at - 1 + draw(st.integers(1, 3)), at) for at in ats])
    return text, parts, draw(st.integers(0, 4))


@settings(max_examples=300, deadline=None)
@given(fields_and_parts())
def test_c_windows_are_python_windows(
    case: tuple[str, list[list[tuple[int, int, int]]], int],
) -> None:
    text, parts, slop = case
    field = prepare_field(text)
    assert field is not None
    native = _windows(field, parts, slop)
    with pure_python():
        python = _windows(field, parts, slop)
    assert native == python


def test_proximity_rules_match_in_either_order_within_the_slop() -> None:
    matcher = compile_rules([{"id": "near", "query": '"defected envoy"~2'}])
    titles = {
        "The envoy defected": True,
        "Defected: the envoy": True,
        "Defected: the acting envoy": False,  # three tokens apart
        "Defected in Rome, later the envoy spoke": False,
        "envoy": False,
    }
    for title, expected in titles.items():
        assert bool(matcher.match(Document(title=title))) is expected, title
        with pure_python():
            assert bool(matcher.match(Document(title=title))) is expected, title
