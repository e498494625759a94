"""The one-pass matcher and the reference evaluator agree: same matches, scores and hits.

Queries of every form and texts full of their terms, written every way the normalisation
folds (case, diacritics, hyphens, entities, tags, NBSP, soft hyphens, Hangul particles).
"""

from __future__ import annotations

import random
from collections.abc import Collection

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.news import make_world, news_items
from bench.rulesets import rule_set
from rules import Document, compile_rules, fastnorm
from rules.engine import compile_reference_rules
from rules.matcher import _Scan
from tests.memory import assert_keeps_no_memory
from tests.rules.generate import documents, queries, random_document, random_query
from tests.rules.speedups import pure_python
from tests.rules.test_matching import JO_VARIANTS

PRIORITIES = st.sampled_from(["low", "normal", "high"])


def assert_agree(
    rules: list[dict[str, str]], doc: Document, rule_ids: Collection[str] | None = None
) -> None:
    """The matcher, with the C extension and without, gives the reference's matches."""
    matcher = compile_rules(rules)
    reference = compile_reference_rules(rules).match(doc, rule_ids)
    assert matcher.match(doc, rule_ids) == reference
    with pure_python():
        assert matcher.match(doc, rule_ids) == reference


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(queries, PRIORITIES), min_size=1, max_size=4), documents)
def test_matcher_agrees_with_the_reference(rules: list[tuple[str, str]], doc: Document) -> None:
    assert_agree(
        [{"id": f"r{i}", "query": q, "priority": p} for i, (q, p) in enumerate(rules)], doc
    )


@settings(max_examples=100, deadline=None)
@given(queries, documents, st.data())
def test_rule_ids_select_the_same_rules(query: str, doc: Document, data: st.DataObject) -> None:
    rules = [{"id": "a", "query": query}, {"id": "b", "query": query + " OR kim"}]
    chosen = data.draw(st.sets(st.sampled_from(["a", "b", "c"])))
    assert_agree(rules, doc, chosen)
    assert {m.rule_id for m in compile_rules(rules).match(doc, chosen)} <= chosen


@pytest.fixture(params=["C", "pure Python"])
def speedups(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of normalising, evaluating rules and placing hits: with the C
    extension, and without (what a machine without a compiler runs)."""
    if request.param == "pure Python":
        monkeypatch.setattr(fastnorm, "speedups", None)
    return str(request.param)


@pytest.mark.usefixtures("speedups")
def test_hundreds_of_rules_at_once_agree_rule_by_rule() -> None:
    rnd = random.Random(20190103)
    rules = [{"id": f"r{i}", "query": random_query(rnd)} for i in range(400)]
    fast, reference = compile_rules(rules), compile_reference_rules(rules)
    matched = 0
    for _ in range(60):
        doc = random_document(rnd)
        expected = reference.match(doc)
        assert fast.match(doc) == expected
        matched += len(expected)
    assert matched > 400  # the texts do meet the rules


@pytest.mark.usefixtures("speedups")
def test_a_realistic_rule_set_over_html_news_agrees() -> None:
    world = make_world(people=2_000, places=500)
    rules = rule_set(world, 300)
    fast, reference = compile_rules(rules), compile_reference_rules(rules)
    matched = 0
    for doc in news_items(world, 40):
        expected = reference.match(doc)
        assert fast.match(doc) == expected
        matched += len(expected)
    assert matched > 20


@pytest.mark.parametrize("text", JO_VARIANTS)
@pytest.mark.parametrize("query", ['"Jo Song Gil"', '"Jo Songgil"', '"jo song* gil"', "song-gil"])
def test_every_spelling_of_the_design_example(query: str, text: str) -> None:
    assert_agree([{"id": "jo", "query": query}], Document(summary=f"Defector {text} spoke."))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ('"defected embassy"~3', "defected one two embassy, embassy defected"),
        ('"a b c"~3', "c x a b a a c"),
        ('"조성길 대사"~1', "대사 조성길은 조성길이"),
        ('"north* korea"', "northkorea north-korea northern korea"),
        ('"u.s. embassy" OR "at&t"', "the U.S. embassy; AT&T. U.S embassy"),
        ('"embassy (rome)"', "the embassy (Rome) said"),
        ("조성길", "조성길조성길"),
        ('"jo* song*"', "josong jo songgil jose songs"),
        ('"jo* song"', "josong song, josong"),  # a `*` runs on longest first
        ('"jo* song* gil"', "josongx songgil gil"),
    ],
)
def test_overlapping_and_repeated_occurrences(query: str, text: str) -> None:
    assert_agree([{"id": "r", "query": query}], Document(title=text, content=text))


def test_one_matcher_agrees_on_field_texts_seen_before() -> None:
    """Short field texts (feed names, languages) recur from item to item, in one field or
    another: each time, they match as the reference says."""
    rnd = random.Random(20240607)
    rules = [{"id": f"r{i}", "query": random_query(rnd)} for i in range(200)]
    fast, reference = compile_rules(rules), compile_reference_rules(rules)
    matched = 0
    for _ in range(40):
        doc = random_document(rnd)
        moved = Document(
            title=doc.source,
            summary=doc.author,
            content=doc.title,
            source=doc.title,
            author=doc.summary,
        )
        for item in (doc, moved, doc, moved):
            expected = reference.match(item)
            assert fast.match(item) == expected
            matched += len(expected)
    assert matched > 200


def test_the_c_matcher_keeps_no_memory_between_documents() -> None:
    """The service matches every item it polls: a reference kept per rule, hit or match
    would grow it without bound. Traced memory must not grow once caches are warm."""
    assert fastnorm.speedups is not None, "rules/_speedups.c is not built: run `make`"
    world = make_world(people=2_000, places=500)
    rnd = random.Random(5)
    rules = rule_set(world, 300) + [{"id": f"q{i}", "query": random_query(rnd)} for i in range(200)]
    matcher = compile_rules(rules)
    docs = news_items(world, 40) + [random_document(rnd) for _ in range(40)]

    def match_all() -> int:
        return sum(len(matcher.match(doc)) + len(matcher.match(doc, {"q1", "q2"})) for doc in docs)

    assert match_all() > 40
    assert_keeps_no_memory(match_all, f"matching {len(docs)} documents twice")


@pytest.mark.parametrize("callback", ["hits_of", "proximity_holds"])
def test_an_error_inside_the_c_matcher_reaches_the_caller_and_leaves_it_working(
    callback: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The C loop calls back into Python for a proximity term's windows and hits: an
    exception there must come out of `match` as itself (not a crash, not a silent
    non-match), and the matcher must go on working once the cause is gone."""
    assert fastnorm.speedups is not None, "rules/_speedups.c is not built: run `make`"
    rules = [{"id": "p", "query": '"jo song gil"'}, {"id": "x", "query": '"defected embassy"~3'}]
    doc = Document(title="Jo Song-gil defected from the embassy")
    matcher = compile_rules(rules)
    expected = compile_reference_rules(rules).match(doc)
    assert {m.rule_id for m in expected} == {"p", "x"}

    def broken(*args: object) -> object:
        raise LookupError("from the callback")

    with monkeypatch.context() as patched:
        patched.setattr(_Scan, callback, broken)
        with pytest.raises(LookupError, match="from the callback"):
            matcher.match(doc)
    assert matcher.match(doc) == expected
