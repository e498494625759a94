"""rules: the query language, text normalisation and the matcher.

    from rules import Document, compile_rules, snippet
    matcher = compile_rules([{"id": "jo", "query": '"Jo Song Gil" OR 조성길'}])
    doc = Document(title="…", summary="…")
    for m in matcher.match(doc):
        m.rule_id, m.score, m.hits
        snippet(doc.summary, [(h.start, h.end) for h in m.hits if h.field == "summary"])

`compile_rules` builds the one-pass matcher (`rules.matcher`); `rules.reference` is the
slow, obviously right evaluator it is tested against.

`rules` imports none of the other newswatch packages.
"""

from rules.config import RuleConfig
from rules.engine import Matcher, compile_rules
from rules.errors import DuplicateRuleError, QuerySyntaxError, RulesError
from rules.model import Document, Hit, Match
from rules.normalize import Normalized, normalize
from rules.query import Node, parse_query, to_query
from rules.snippet import snippet

__all__ = [
    "Document",
    "DuplicateRuleError",
    "Hit",
    "Match",
    "Matcher",
    "Node",
    "Normalized",
    "QuerySyntaxError",
    "RuleConfig",
    "RulesError",
    "compile_rules",
    "normalize",
    "parse_query",
    "snippet",
    "to_query",
]
