"""rules: the query language, text normalisation and the matcher.

    from rules import Document, compile_rules
    matcher = compile_rules([{"id": "jo", "query": '"Jo Song Gil" OR 조성길'}])
    for m in matcher.match(Document(title="…", summary="…")):
        m.rule_id, m.score, m.hits

`rules` imports none of the other newswatch packages.
"""

from rules.config import RuleConfig
from rules.engine import Matcher, compile_rules
from rules.errors import DuplicateRuleError, QuerySyntaxError, RulesError
from rules.model import Document, Hit, Match
from rules.normalize import Normalized, normalize
from rules.query import Node, parse_query, to_query

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
    "to_query",
]
