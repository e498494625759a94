"""The public API of `rules`, and its independence from the other packages."""

from __future__ import annotations

import subprocess
import sys

import rules


def test_public_names() -> None:
    assert set(rules.__all__) == {
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
    }
    for name in rules.__all__:
        assert getattr(rules, name) is not None


def test_rules_imports_none_of_the_other_packages() -> None:
    code = (
        "import sys, rules; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'watcher','notifier','seeds'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
