"""Generated parts of README.md: the indicator and rule tables come from ``schemas/``.

The README is what statisticians read first; if its tables were typed by hand they would
drift from the methodology files. ``ictstats docs`` rewrites the blocks between
``<!-- BEGIN:name -->`` and ``<!-- END:name -->`` markers and ``ictstats docs --check`` (run by
a test) fails when the README is stale (STYLE.md §12).
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.findings import EXIT_USAGE
from pipeline.paths import CHECKOUT, SCHEMAS


def _markdown(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = [
        "| " + " | ".join(str(v).replace("|", "/") for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])


def indicator_table() -> str:
    """The indicator dictionary as a Markdown table."""
    table = indicators().copy()
    table["breakdowns"] = table["breakdowns"].map(", ".join)
    low, high = table["min"].map(_number), table["max"].map(_number)
    table["range"] = (low + "–" + high).where(high != "", "≥ " + low).where(low != "", "")
    columns = ["code", "name", "unit", "questionnaire", "breakdowns", "range", "derivation", "sdg"]
    return _markdown(table[columns].fillna(""))


def rule_table(folder: Path = SCHEMAS / "rules") -> str:
    """Every validation rule (id, severity, kind, label) from ``schemas/rules/*.toml``."""
    rows = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for rule in data.get("rule", data.get("rules", [])):
            rows.append(
                {
                    "id": rule.get("id", ""),
                    "severity": rule.get("severity", ""),
                    "kind": rule.get("kind", ""),
                    "label": rule.get("label", ""),
                    "file": path.name,
                }
            )
    return _markdown(pd.DataFrame(rows, columns=["id", "severity", "kind", "label", "file"]))


def _number(value: object) -> str:
    if value is None or value != value:
        return ""
    return f"{float(value):g}"


BLOCKS: dict[str, Callable[[], str]] = {"indicators": indicator_table, "rules": rule_table}


def render(text: str) -> str:
    """Replace every generated block in ``text`` with its current content."""
    for name, build in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN:{name} -->\n)(?:.*?\n)?(<!-- END:{name} -->)", re.DOTALL
        )
        text = pattern.sub(lambda m, b=build: m.group(1) + b() + "\n" + m.group(2), text)
    return text


def run(args: argparse.Namespace) -> int:
    """``ictstats docs``: regenerate README tables, or with --check report staleness."""
    if CHECKOUT is None:
        print("ictstats docs: the README is regenerated in a repository checkout only")
        return EXIT_USAGE
    path = CHECKOUT / "README.md"
    current = path.read_text(encoding="utf-8")
    fresh = render(current)
    if args.check:
        if fresh != current:
            print("README.md tables are stale: run `ictstats docs`")
            return 1
        return 0
    path.write_text(fresh, encoding="utf-8")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``docs`` subcommand."""
    parser = subparsers.add_parser("docs", help="regenerate README tables from schemas/")
    parser.add_argument("--check", action="store_true", help="fail if README is stale")
    parser.set_defaults(handler=run)
