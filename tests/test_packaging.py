"""The distribution: one wheel with the four packages and the data they read at run time."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import notifier
import rules
import seeds
import watcher

ROOT = Path(__file__).parents[1]


def test_each_package_loads_from_this_repository() -> None:
    for package in (rules, notifier, seeds, watcher):
        assert Path(package.__file__).resolve().parent.parent == ROOT


def build_wheel(into: Path, env: dict[str, str] | None = None) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(into)]
    subprocess.run([*command, str(ROOT)], check=True, timeout=300, env=env)
    [wheel] = into.glob("newswatch-*.whl")
    return wheel


def test_the_wheel_carries_migrations_templates_and_seed_data(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "watcher/migrations/env.py",
        "watcher/migrations/script.py.mako",
        "watcher/migrations/versions/0001_initial_schema.py",
        "watcher/migrations/versions/0002_node_heartbeats.py",
        "notifier/render/templates/digest.html.j2",
        "seeds/jo-song-gil.yaml",
    ):
        assert expected in names, expected
    assert any(n.startswith("seeds/data/") for n in names)
    assert any(n.startswith("rules/_speedups.") and n.endswith(".so") for n in names)
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "newswatch = watcher.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_without_a_c_compiler_the_wheel_is_pure_python(tmp_path: Path) -> None:
    """The C fast path is optional: a machine without gcc still installs newswatch (and
    `rules.fastnorm` then runs its Python passes, tested in tests/rules/test_fastnorm.py)."""
    wheel = build_wheel(tmp_path, env={**os.environ, "CC": "false"})
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    assert not any(n.endswith(".so") for n in zipfile.ZipFile(wheel).namelist())
