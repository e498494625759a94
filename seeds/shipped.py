"""Seed profiles shipped in seeds/ (e.g. seeds/jo-song-gil.yaml), read back as Profiles.

Rule comments are read too (ruamel.yaml round trip), so a shipped profile can be merged
into a config with its provenance: `merge_rules(load_profile(), "newswatch.yaml")`.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from seeds.errors import SeedError
from seeds.profile import Entity, Profile, Rule

JO_SONG_GIL = "jo-song-gil.yaml"
"""The profile of the first seed article (Jo Song Gil, North Korea's chargé in Rome)."""


def load_profile(path: str | Path = JO_SONG_GIL) -> Profile:
    """The profile in `path` (a file, or the name of a profile shipped in seeds/)."""
    file = Path(path)
    if not file.exists():
        file = Path(str(resources.files("seeds") / str(path)))
    try:
        data: Any = YAML().load(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SeedError(f"{path}: cannot read the profile ({exc})") from exc
    if not isinstance(data, CommentedMap):
        raise SeedError(f"{path}: not a seed profile (a YAML mapping)")
    entities = [
        Entity(name=e["name"], type=e["type"], mentions=e["mentions"], aliases=list(e["aliases"]))
        for e in data.get("entities") or []
    ]
    rules_seq = data.get("rules") or CommentedSeq()
    rules = [
        Rule(
            r["id"],
            r["title"],
            str(r["query"]),
            r.get("priority", "normal"),
            _comment_before(rules_seq, i, r["id"]),
        )
        for i, r in enumerate(rules_seq)
    ]
    return Profile(subject=data.get("subject"), entities=entities, rules=rules, source=str(file))


def _comment_before(rules: CommentedSeq, index: int, rule_id: str) -> str:
    """The comment block just above rule `index`, without `#` and the `id:` prefix."""
    if index == 0:
        tokens = (rules.ca.comment or [None, None])[1] or []
        raw = "".join(t.value for t in tokens)
    else:
        previous = rules[index - 1]
        last = list(previous)[-1]
        entry = previous.ca.items.get(last) or [None, None, None]
        raw = entry[2].value if len(entry) > 2 and entry[2] is not None else ""
    lines = [re.sub(r"^\s*# ?", "", line) for line in raw.splitlines() if line.strip()]
    text = "\n".join(lines).removeprefix(f"{rule_id}: ")
    return _unwrap(text)


def _unwrap(text: str) -> str:
    """Comment lines wrapped at the margin joined back (a new line after a full stop)."""
    out: list[str] = []
    for line in text.splitlines():
        if out and not out[-1].endswith((".", ":")):
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)
