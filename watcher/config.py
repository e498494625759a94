"""The root config: load YAML, substitute `${VAR}`, validate, and point errors at lines.

Each package owns the schema of its own section (`rules.config`, `notifier.config`,
`watcher.settings`); this module composes them and checks what spans sections:
digests name existing rules, rule scopes name existing feeds or tags, email needs smtp.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from notifier.config import DigestConfig, EmailChannel, SmtpConfig
from rules.config import RuleConfig
from watcher.errors import ConfigError, ConfigProblem
from watcher.settings import FeedConfig, PollConfig, StatusConfig, Strict

DEFAULT_CONFIG = "newswatch.yaml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class Config(Strict):
    """The whole of `newswatch.yaml`."""

    database: str = "sqlite:///data/newswatch.db"
    status: StatusConfig = StatusConfig()
    poll: PollConfig = PollConfig()
    feeds: list[FeedConfig] = Field(default_factory=list)
    rules: list[RuleConfig] = Field(default_factory=list)
    digests: list[DigestConfig] = Field(default_factory=list)
    smtp: SmtpConfig | None = None

    @model_validator(mode="after")
    def _cross_check(self) -> Config:
        _unique("feeds", [f.url for f in self.feeds], "url")
        _unique("rules", [r.id for r in self.rules], "id")
        _unique("digests", [d.id for d in self.digests], "id")
        rule_ids = {r.id for r in self.rules}
        for d in self.digests:
            unknown = [r for r in d.rules if r != "*" and r not in rule_ids]
            if unknown:
                raise ValueError(f"digest {d.id!r} names unknown rules: {', '.join(unknown)}")
            if self.smtp is None and any(isinstance(c, EmailChannel) for c in d.to):
                raise ValueError(f"digest {d.id!r} sends email but there is no smtp section")
        names = {f.name for f in self.feeds if f.name} | {
            f"tag:{t}" for f in self.feeds for t in f.tags
        }
        for r in self.rules:
            unknown = [s for s in r.feeds if s not in names]
            if unknown:
                raise ValueError(f"rule {r.id!r} is scoped to unknown feeds: {', '.join(unknown)}")
        return self

    def digest(self, digest_id: str) -> DigestConfig:
        for d in self.digests:
            if d.id == digest_id:
                return d
        raise KeyError(digest_id)


def _unique(section: str, values: list[str], key: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{section}: {key} {value!r} appears twice")
        seen.add(value)


@dataclass
class LoadedConfig:
    """A validated config and where it came from."""

    config: Config
    path: Path
    mtime_ns: int = 0
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read, substitute and validate a config file; raise ConfigError listing every problem."""
    path = Path(path)
    env = os.environ if env is None else env
    try:
        text = path.read_text(encoding="utf-8")
        mtime_ns = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(path, [ConfigProblem(None, "", f"cannot read: {exc.strerror}")]) from exc
    return parse_config(text, path, env, mtime_ns)


def parse_config(text: str, path: Path, env: Mapping[str, str], mtime_ns: int = 0) -> LoadedConfig:
    """Validate config text; errors name the file, line and key path."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(path, [ConfigProblem(line, "", f"invalid YAML: {problem}")]) from exc
    lines = dict(_node_lines(node, ())) if node is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(path, [ConfigProblem(1, "", "the config must be a mapping")])
    problems: list[ConfigProblem] = []
    data = _substitute(data, (), env, lines, problems)
    if problems:
        raise ConfigError(path, problems)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, [_problem(e, lines) for e in exc.errors()]) from exc
    return LoadedConfig(config, path, mtime_ns, lines)


def _node_lines(node: yaml.Node, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], int]]:
    yield loc, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            yield (*loc, key), key_node.start_mark.line + 1
            for sub_loc, line in _node_lines(value_node, (*loc, key)):
                if sub_loc != (*loc, key):
                    yield sub_loc, line
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            yield from _node_lines(child, (*loc, index))


def _substitute(
    value: Any,
    loc: tuple[Any, ...],
    env: Mapping[str, str],
    lines: dict[tuple[Any, ...], int],
    problems: list[ConfigProblem],
) -> Any:
    """Replace `${VAR}` and `${VAR:-default}` in every string value."""
    if isinstance(value, dict):
        return {k: _substitute(v, (*loc, k), env, lines, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, (*loc, i), env, lines, problems) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def replace(found: re.Match[str]) -> str:
        name, default = found.group(1), found.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        problems.append(
            ConfigProblem(_line_for(loc, lines), _format_loc(loc), f"${{{name}}} is not set")
        )
        return ""

    return _ENV_REF.sub(replace, value)


def _problem(error: Mapping[str, Any], lines: dict[tuple[Any, ...], int]) -> ConfigProblem:
    loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    return ConfigProblem(_line_for(loc, lines), _format_loc(loc), message)


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (part.endswith("Channel") or "[" in part or part == "str")


def _line_for(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
