"""The command line as an operator runs it: a real process, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.service import write_config
from tests.servers import FEEDS_DIR, FeedServer


def newswatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "watcher.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_check_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "poll:\n  interval: often\nrules:\n  - id: x\n    query: '(a OR'\n", encoding="utf-8"
    )
    result = newswatch("--config", "bad.yaml", "check", cwd=tmp_path)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert (
        errors[0] == "bad.yaml:2 poll.interval: 'often' is not a duration (use 30s, 5m, 2h or 1d)"
    )
    assert errors[1].startswith("bad.yaml:5 rules[0].query: column ")


def test_check_accepts_a_good_config(tmp_path: Path) -> None:
    write_config(tmp_path / "ok.yaml", {"rules": [{"id": "a", "query": "defect*"}]})
    result = newswatch("--config", "ok.yaml", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok (0 feeds, 1 rules, 0 digests)" in result.stdout


def test_once_json_prints_each_new_match_once(tmp_path: Path) -> None:
    with FeedServer(FEEDS_DIR / "wave2") as server:
        write_config(
            tmp_path / "nw.yaml",
            {
                "database": f"sqlite:///{tmp_path / 'nw.db'}",
                "poll": {"backfill": "all"},
                "feeds": [{"url": server.url("/bluebay-times.xml"), "name": "Bluebay"}],
                "rules": [{"id": "jo", "query": '"Jo Song Gil"'}],
            },
        )
        first = newswatch("--config", "nw.yaml", "once", "--json", cwd=tmp_path)
        second = newswatch("--config", "nw.yaml", "once", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    matches = [json.loads(line) for line in first.stdout.splitlines()]
    assert matches, "wave 2 of Bluebay Times names Jo Song Gil"
    assert {m["rule"] for m in matches} == {"jo"}
    assert all(m["feed"] == "Bluebay" and m["matched"] for m in matches)
    assert second.stdout == "", "a second pass finds nothing new"


def test_test_rule_scores_a_labelled_items_file(tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    items.write_text(
        "\n".join(
            json.dumps(i)
            for i in [
                {"id": "1", "title": "Envoy defects", "labels": {"defection": True}},
                {"id": "2", "title": "Roof defects found", "labels": {"defection": False}},
                {"id": "3", "title": "Diplomat flees", "labels": {"defection": True}},
            ]
        ),
        encoding="utf-8",
    )
    result = newswatch("test-rule", "defect* -roof", "--items", str(items), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "label defection: precision 1.00 recall 0.50 (tp=1 fp=0 fn=1)" in result.stdout


def test_test_rule_reports_a_bad_query(tmp_path: Path) -> None:
    result = newswatch("test-rule", '"unclosed', "--text", "x", cwd=tmp_path)
    assert result.returncode == 1
    assert "query error: column 1" in result.stderr


ARTICLE = """\
Harbour Freight chief executive Marta Lindqvist resigned on Monday after the board of
Harbour Freight rejected her plan to sell the Baltic shipping unit. Lindqvist, 52, said
she was leaving "with regret". Chairman Piet Vos will lead Harbour Freight until a
successor is found, the company said in Oslo.
"""


def test_seed_prints_entities_and_rules_and_merges_them(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    config = tmp_path / "nw.yaml"
    config.write_text("# my watch\nrules: []  # filled by seed\n", encoding="utf-8")
    result = newswatch("seed", "article.txt", "--json", "--merge", "nw.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)
    assert profile["subject"] == "Marta Lindqvist"
    assert {e["type"] for e in profile["entities"]} >= {"person", "org"}
    assert profile["rules"][0]["id"] == "marta-lindqvist"
    merged = config.read_text(encoding="utf-8")
    assert merged.startswith("# my watch\n")
    check = newswatch("--config", "nw.yaml", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stderr


def test_seed_names_a_missing_article(tmp_path: Path) -> None:
    result = newswatch("seed", "nowhere.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert "nowhere.txt" in result.stderr


def test_preview_send_and_feeds_commands(tmp_path: Path) -> None:
    with FeedServer(FEEDS_DIR / "wave2") as server:
        write_config(
            tmp_path / "nw.yaml",
            {
                "database": f"sqlite:///{tmp_path / 'nw.db'}",
                "poll": {"backfill": "all"},
                "feeds": [
                    {"url": server.url("/bluebay-times.xml"), "name": "Bluebay"},
                    {"url": server.url("/absent.xml"), "name": "Absent"},
                ],
                "rules": [{"id": "jo", "query": '"Jo Song Gil"'}],
                "digests": [{"id": "daily", "schedule": "daily", "to": [{"file": {"dir": "out"}}]}],
            },
        )
        # The digest exists before the poll, so what the poll matches is pending for it.
        assert newswatch("--config", "nw.yaml", "db", "upgrade", cwd=tmp_path).returncode == 0
        newswatch("--config", "nw.yaml", "digest", "preview", "daily", cwd=tmp_path)
        polled = newswatch("--config", "nw.yaml", "once", cwd=tmp_path)
        assert "1 failed" in polled.stderr

    preview = newswatch(
        "--config", "nw.yaml", "digest", "preview", "daily", "--html", "p.html", cwd=tmp_path
    )
    assert preview.returncode == 0, preview.stderr
    assert "Jo Song" in preview.stdout
    assert "<html" in (tmp_path / "p.html").read_text(encoding="utf-8").lower()
    assert not (tmp_path / "out").exists(), "a preview sends nothing"

    sent = newswatch("--config", "nw.yaml", "digest", "send", "daily", cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.strip() == "daily/0:file: sent"
    assert len(list((tmp_path / "out").glob("*.json"))) == 1
    again = newswatch("--config", "nw.yaml", "digest", "send", "daily", cwd=tmp_path)
    assert again.stdout.strip() == "nothing to send", "each item goes out once per digest"

    table = newswatch("--config", "nw.yaml", "feeds", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    rows = table.stdout.splitlines()
    assert any(r.startswith("ok ") and r.endswith("Bluebay") for r in rows)
    assert any(r.startswith("error ") and r.endswith("Absent") for r in rows)
    assert any("HTTP 404" in r for r in rows)


def test_an_unknown_digest_id_is_named(tmp_path: Path) -> None:
    write_config(tmp_path / "nw.yaml", {"database": f"sqlite:///{tmp_path / 'nw.db'}"})
    result = newswatch("--config", "nw.yaml", "digest", "send", "nope", cwd=tmp_path)
    assert result.returncode == 1
    assert "no digest 'nope' in the config (known: none)" in result.stderr
