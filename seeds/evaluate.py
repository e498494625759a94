"""Score rules against a labelled corpus: precision and recall per rule.

    python -m seeds.evaluate [RULES.yaml] [--items ITEMS.jsonl] [-v]

RULES.yaml is any YAML file with a top-level `rules:` list (a seed profile such as
seeds/jo-song-gil.yaml, or newswatch.yaml). Each item of ITEMS.jsonl has `title`,
`summary` and `labels`; rule `embassy-defection` is scored against label
`embassy_defection` (hyphens become underscores). Only title and summary are matched.
Exit status 1 when a scored rule is under --min-precision or --min-recall.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from rules import Document, compile_rules

DEFAULT_RULES = Path(__file__).with_name("jo-song-gil.yaml")
DEFAULT_ITEMS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "items.jsonl"


@dataclass(frozen=True, slots=True)
class Score:
    rule_id: str
    precision: float
    recall: float
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]
    matched: int
    relevant: int


def score_rules(rules: list[dict[str, str]], items: list[dict]) -> list[Score]:
    """Precision and recall of each rule whose id names a label of the items."""
    matcher = compile_rules([{"id": r["id"], "query": r["query"]} for r in rules])
    hits = {
        i: {m.rule_id for m in matcher.match(Document(title=it["title"], summary=it["summary"]))}
        for i, it in enumerate(items)
    }
    out = []
    for rule in rules:
        label = rule["id"].replace("-", "_")
        scored = [i for i, it in enumerate(items) if label in it.get("labels", {})]
        if not scored:
            continue
        got = {i for i in scored if rule["id"] in hits[i]}
        want = {i for i in scored if items[i]["labels"][label]}
        tp = len(got & want)
        out.append(
            Score(
                rule["id"],
                tp / len(got) if got else 0.0,
                tp / len(want) if want else 0.0,
                tuple(items[i]["title"] for i in sorted(got - want)),
                tuple(items[i]["title"] for i in sorted(want - got)),
                len(got),
                len(want),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seeds.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("rules", nargs="?", default=str(DEFAULT_RULES))
    parser.add_argument("--items", default=str(DEFAULT_ITEMS))
    parser.add_argument("--min-precision", type=float, default=0.90)
    parser.add_argument("--min-recall", type=float, default=0.95)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses")
    args = parser.parse_args(argv)
    rules = YAML(typ="safe").load(Path(args.rules).read_text(encoding="utf-8"))["rules"]
    lines = Path(args.items).read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    ok = True
    out = sys.stdout
    for s in score_rules(rules, items):
        out.write(
            f"{s.rule_id:20} precision {s.precision:.3f}  recall {s.recall:.3f}"
            f"  ({s.matched} matched, {s.relevant} relevant, {len(items)} items)\n"
        )
        if args.verbose:
            out.writelines(f"    FP  {title}\n" for title in s.false_positives)
            out.writelines(f"    FN  {title}\n" for title in s.false_negatives)
        ok &= s.precision >= args.min_precision and s.recall >= args.min_recall
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
