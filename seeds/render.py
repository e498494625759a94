"""Rules and profiles as commented YAML; merging rules into a config, comments kept.

`render_rules_yaml` prints a `rules:` block that can be pasted into newswatch.yaml: each
rule is preceded by its provenance comment and its query is a folded scalar (`>-`),
wrapped at spaces outside quotes, so the folded text is the query exactly.
`merge_rules` adds or replaces rules in an existing config with ruamel.yaml's round trip:
every other key, every comment and the order of the file stay as they were.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString
from ruamel.yaml.tokens import CommentToken

from seeds.errors import MergeError
from seeds.profile import Profile, Rule

WIDTH = 92
"""Wrap queries and comments at this column."""
_PLAIN = re.compile(r"[\w(][\w .,()'\-/&]*[\w.)]|\w", re.UNICODE)


def scalar(text: str) -> str:
    """A YAML scalar for `text`: plain when safe, else double-quoted (JSON is valid YAML)."""
    if _PLAIN.fullmatch(text) and not re.match(r"(true|false|yes|no|null|on|off)$", text, re.I):
        return text
    return json.dumps(text, ensure_ascii=False)


def wrap_query(query: str, width: int) -> list[str]:
    """Lines of at most `width` characters, cut only at spaces outside quoted phrases."""
    pieces: list[str] = []
    current, quoted = "", False
    for ch in query:
        if ch == '"':
            quoted = not quoted
        if ch == " " and not quoted:
            pieces.append(current)
            current = ""
        else:
            current += ch
    pieces.append(current)
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + 1 + len(piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines


def _comment_lines(comment: str, indent: str) -> list[str]:
    out = []
    for paragraph in comment.splitlines():
        out += textwrap.wrap(paragraph, WIDTH - len(indent) - 2) or [""]
    return [f"{indent}# {line}".rstrip() for line in out]


def render_rule(rule: Rule, indent: str = "  ") -> str:
    """One rule as a YAML sequence item, with its comment above it."""
    lines = _comment_lines(f"{rule.id}: {rule.comment}" if rule.comment else rule.id, indent)
    lines += [
        f"{indent}- id: {rule.id}",
        f"{indent}  title: {scalar(rule.title)}",
        f"{indent}  priority: {rule.priority}",
        f"{indent}  query: >-",
    ]
    lines += [f"{indent}    {line}" for line in wrap_query(rule.query, WIDTH - len(indent) - 4)]
    return "\n".join(lines) + "\n"


def render_rules_yaml(profile: Profile) -> str:
    """The profile's rules as a commented `rules:` block for a newswatch config."""
    head = f"# Proposed by `newswatch seed` from {profile.source or 'an article'}"
    head += f" (subject: {profile.subject}).\n" if profile.subject else ".\n"
    return head + "rules:\n" + "\n".join(render_rule(r) for r in profile.rules)


def render_profile_yaml(profile: Profile, header: str = "") -> str:
    """The whole profile (subject, entities with aliases, rules) as commented YAML."""
    top = header or (
        f"# Seed profile made by `newswatch seed` from {profile.source or 'an article'}.\n"
        "# Entities with their mentions and aliases, then the proposed rules.\n"
    )
    lines = [f"subject: {scalar(profile.subject) if profile.subject else 'null'}", "entities:"]
    for e in profile.entities:
        lines += [
            f"  - name: {scalar(e.name)}",
            f"    type: {e.type}",
            f"    mentions: {e.mentions}",
            *_flow_list("    aliases: ", [scalar(a) for a in e.aliases], "      "),
        ]
    rules = "rules:\n" + "\n".join(render_rule(r) for r in profile.rules) if profile.rules else ""
    return top + "\n".join(lines) + "\n" + ("\n" + rules if rules else "")


def _flow_list(head: str, items: list[str], indent: str) -> list[str]:
    """`key: [a, b, …]` wrapped between items."""
    if not items:
        return [head + "[]"]
    lines = [head + "["]
    for i, item in enumerate(items):
        piece = item + ("]" if i == len(items) - 1 else ",")
        if len(lines[-1]) + len(piece) + 1 > WIDTH and not lines[-1].endswith("["):
            lines.append(indent + piece)
        else:
            lines[-1] += ("" if lines[-1].endswith("[") else " ") + piece
    return lines


def write_rules(profile: Profile, out_path: str | Path) -> Path:
    """Write the profile's rules (`render_rules_yaml`) to `out_path`; returns the path."""
    path = Path(out_path)
    path.write_text(render_rules_yaml(profile), encoding="utf-8")
    return path


def _round_trip() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def merge_rules(profile: Profile, config_path: str | Path) -> list[str]:
    """Add the profile's rules to the config at `config_path`, replacing rules with the same
    id in place; everything else (keys, order, comments) is kept. Returns the ids written."""
    path = Path(config_path)
    yaml = _round_trip()
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MergeError(str(path), f"cannot read the config ({exc})") from exc
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise MergeError(str(path), "the config is not a YAML mapping")
    if doc.get("rules") is None:
        doc["rules"] = CommentedSeq()
    rules = doc["rules"]
    if not isinstance(rules, CommentedSeq):
        raise MergeError(str(path), "'rules' is not a list")
    for rule in profile.rules:
        _put(doc, rules, rule)
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return [r.id for r in profile.rules]


def _as_map(rule: Rule) -> CommentedMap:
    query = FoldedScalarString(rule.query)
    lines = wrap_query(rule.query, WIDTH - 6)
    query.fold_pos = [
        sum(len(line) + 1 for line in lines[: i + 1]) - 1 for i in range(len(lines) - 1)
    ]  # type: ignore[attr-defined]
    return CommentedMap(
        [("id", rule.id), ("title", rule.title), ("priority", rule.priority), ("query", query)]
    )


def _put(doc: CommentedMap, rules: CommentedSeq, rule: Rule) -> None:
    """Replace the rule with the same id, or append; its comment goes just above it."""
    new = _as_map(rule)
    index = next(
        (i for i, r in enumerate(rules) if isinstance(r, dict) and r.get("id") == rule.id),
        None,
    )
    if index is None:
        index = len(rules)
        tail = _trailing(rules[-1]) if len(rules) else None
        if len(rules):
            _set_trailing(rules[-1], None)
        rules.append(new)
    else:
        tail = _trailing(rules[index])
        rules[index] = new
    _set_trailing(new, tail)  # what followed the old rule (next comment, next section)
    text = "\n".join(_comment_lines(f"{rule.id}: {rule.comment}", "")) if rule.comment else ""
    _set_comment_before(doc, rules, index, text)


def _trailing(node: Any) -> CommentToken | None:
    if isinstance(node, CommentedMap) and node:
        last = list(node)[-1]
        entry = node.ca.items.get(last)
        return entry[2] if entry and len(entry) > 2 else None
    return None


def _set_trailing(node: CommentedMap, token: CommentToken | None) -> None:
    last = list(node)[-1]
    entry = node.ca.items.setdefault(last, [None, None, None, None])
    entry[2] = token


def _set_comment_before(doc: CommentedMap, rules: CommentedSeq, index: int, text: str) -> None:
    indent = "  "
    body = "".join(f"{indent}{line}\n" for line in text.splitlines())
    if index == 0:
        lines = text.splitlines()
        tokens = [CommentToken(line + "\n", CommentMark(len(indent)), None) for line in lines]
        rules.ca.comment = [None, tokens or None]
        entry = doc.ca.items.get("rules")
        if entry and len(entry) > 3:
            entry[3] = tokens or None
        return
    previous = rules[index - 1]
    old = _trailing(previous)
    kept = _after_comment(old.value) if old is not None else ""
    value = "\n" + body if body else "\n"
    _set_trailing(previous, CommentToken(kept + value, CommentMark(0), None))


def _after_comment(value: str) -> str:
    """Keep an end-of-line comment on the previous rule's last line, drop the rest."""
    first = value.split("\n", 1)[0]
    return first if first.strip().startswith("#") else ""
