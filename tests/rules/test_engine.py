"""compile_rules and Matcher: the library API of DESIGN.md, scores and ordering."""

from __future__ import annotations

import gc

import pytest
from pydantic import ValidationError

from rules import (
    Document,
    DuplicateRuleError,
    Hit,
    Match,
    Matcher,
    QuerySyntaxError,
    RuleConfig,
    RulesError,
    compile_rules,
)


def test_the_design_example_works() -> None:
    matcher = compile_rules([{"id": "jo", "query": '"Jo Song Gil" OR 조성길'}])
    found = matcher.match(Document(title="Jo Song-gil defected", summary="조성길은 망명했다"))
    assert found == [
        Match(
            "jo",
            3.0,
            (
                Hit("Jo Song Gil", "title", 0, 11, "Jo Song-gil"),
                Hit("조성길", "summary", 0, 3, "조성길"),
            ),
        )
    ]
    m = found[0]
    assert (m.rule_id, m.score, [(h.term, h.field, h.start, h.end) for h in m.hits]) == (
        "jo",
        3.0,
        [("Jo Song Gil", "title", 0, 11), ("조성길", "summary", 0, 3)],
    )


def test_no_match_is_an_empty_list() -> None:
    matcher = compile_rules([{"id": "jo", "query": "jo"}])
    assert matcher.match(Document(title="Joseph")) == []
    assert matcher.match(Document()) == []


def test_accepts_models_and_dicts_and_keeps_rule_order() -> None:
    matcher = compile_rules([RuleConfig(id="b", query="x"), {"id": "a", "query": "y"}])
    assert isinstance(matcher, Matcher)
    assert matcher.rule_ids == ("b", "a")
    assert [r.id for r in matcher.rules] == ["b", "a"]


@pytest.mark.parametrize(
    ("query", "doc", "score"),
    [
        ("jo", Document(title="Jo"), 2.0),  # title weighs 2
        ("jo", Document(summary="Jo"), 1.0),
        ("jo", Document(content="Jo"), 1.0),
        ("jo", Document(title="Jo", summary="Jo Jo"), 2.0),  # best field, counted once
        ("jo song", Document(title="Jo", summary="Song"), 3.0),  # distinct terms add up
        ("jo^3", Document(summary="Jo"), 3.0),
        ('"jo song"^1.5', Document(title="Jo Song"), 3.0),
        ("jo OR cho", Document(summary="Jo, Cho"), 2.0),
        ("source:yonhap jo", Document(source="Yonhap", summary="Jo"), 2.0),
        ("jo OR jo^2", Document(summary="Jo"), 2.0),  # one term, its largest boost
    ],
)
def test_score_formula(query: str, doc: Document, score: float) -> None:
    (m,) = compile_rules([{"id": "r", "query": query}]).match(doc)
    assert m.score == pytest.approx(score)


@pytest.mark.parametrize(("priority", "score"), [("low", 0.5), ("normal", 1.0), ("high", 1.5)])
def test_priority_weighs_the_score(priority: str, score: float) -> None:
    (m,) = compile_rules([{"id": "r", "query": "jo", "priority": priority}]).match(
        Document(summary="Jo")
    )
    assert m.score == score


def test_matches_are_sorted_by_score_then_id() -> None:
    matcher = compile_rules(
        [
            {"id": "low", "query": "jo", "priority": "low"},
            {"id": "b-title", "query": "title:jo"},
            {"id": "a-summary", "query": "embassy"},
            {"id": "c-summary", "query": "embassy"},
            {"id": "none", "query": "kim"},
        ]
    )
    found = matcher.match(Document(title="Jo", summary="the embassy"))
    assert [(m.rule_id, m.score) for m in found] == [
        ("b-title", 2.0),
        ("a-summary", 1.0),
        ("c-summary", 1.0),
        ("low", 1.0),  # 0.5 × the title weight 2
    ]


def test_match_can_be_limited_to_some_rules() -> None:
    matcher = compile_rules([{"id": "a", "query": "jo"}, {"id": "b", "query": "jo"}])
    assert [m.rule_id for m in matcher.match(Document(title="Jo"), rule_ids={"b"})] == ["b"]


def test_duplicate_ids_are_an_error() -> None:
    with pytest.raises(DuplicateRuleError) as info:
        compile_rules([{"id": "jo", "query": "a"}, {"id": "jo", "query": "b"}])
    assert info.value.rule_id == "jo"
    assert isinstance(info.value, RulesError)
    assert "'jo'" in str(info.value)


def test_a_bad_query_in_a_dict_raises_query_syntax_error_with_its_column() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_rules([{"id": "jo", "query": 'jo OR "song'}])
    assert info.value.column == 7


def test_other_bad_fields_raise_validation_errors() -> None:
    with pytest.raises(ValidationError):
        compile_rules([{"id": "Jo Song", "query": "jo"}])
    with pytest.raises(ValidationError):
        compile_rules([{"id": "jo", "query": "jo", "colour": "red"}])


def test_negated_terms_never_become_hits_or_score() -> None:
    (m,) = compile_rules([{"id": "r", "query": "jo -kim"}]).match(
        Document(title="Jo", summary="Lee")
    )
    assert [h.term for h in m.hits] == ["jo"]
    assert m.score == 2.0


def test_html_fields_report_original_offsets() -> None:
    title = "<p>Defector&nbsp;Jo&nbsp;Song&#8209;gil &amp; wife</p>"
    (m,) = compile_rules([{"id": "jo", "query": '"Jo Song Gil" wife'}]).match(Document(title=title))
    assert [(h.term, title[h.start : h.end]) for h in m.hits] == [
        ("Jo Song Gil", "Jo&nbsp;Song&#8209;gil"),
        ("wife", "wife"),
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_compiling_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    """Compiling pauses the collector; a service must not be left without it, even when
    a rule fails to compile."""
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        compile_rules([{"id": "a", "query": "embassy"}])
        assert gc.isenabled() is enabled
        with pytest.raises(QuerySyntaxError):
            compile_rules([{"id": "b", "query": "(embassy"}])
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_compiled_rule_set_starts_in_the_old_generation() -> None:
    """The rule set's many objects are moved out of the young generations once, while
    compiling: otherwise the first collections after a reload, in the poll loop, walk
    all of them."""
    assert gc.isenabled()
    rules = [{"id": f"r{i}", "query": f'"north korea" AND envoy{i}'} for i in range(300)]
    matcher = compile_rules(rules)
    young = {id(obj) for obj in gc.get_objects(generation=0) + gc.get_objects(generation=1)}
    tables = matcher._tables[0]  # the rule tuples the C matcher reads
    assert id(tables) not in young
    assert not young & {id(rule) for rule in tables}
