"""``ictstats validate``: check the ingested returns and write findings, summaries and reports.

Reads ``processed/ingest/observations`` (and ingest findings, which the reports show too),
runs :func:`pipeline.validate.validate`, and writes ``processed/validate/``: findings,
rule_summary, rule_summary_by_economy, batch_summary.{xlsx,csv,md,html} and
reports/<ISO3>.xlsx. Exit 1 when a validation finding is an error (ARCHITECTURE.md).
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from pipeline import choices
from pipeline.findings import EXIT_USAGE, concat_findings, exit_code
from pipeline.paths import PROCESSED, RAW
from pipeline.progress import progress, say
from pipeline.reference import economies, population
from pipeline.store import atomic_write, read_table, write_table, write_text
from pipeline.validate import Validation, catalogue, validate
from pipeline.validate.batch import batch_summary, html, markdown
from pipeline.validate.messages import DEFAULT_LANGUAGE, LANGUAGES, rule_text
from pipeline.validate.report import build_report, table_workbook
from pipeline.validate.revisions import read_previous


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser("validate", help="check returns against the rule catalogue")
    parser.add_argument("--processed", type=Path, default=PROCESSED, help="processed/ folder")
    parser.add_argument("--raw", type=Path, default=RAW, help="raw/ folder (for report copies)")
    parser.add_argument("--lang", choices=LANGUAGES, help="message language for every economy")
    parser.add_argument(
        "--economy", nargs="+", type=choices.economy, metavar="ISO3", help="validate these only"
    )
    parser.add_argument("--previous", type=Path, help="earlier vintage (table or long CSV)")
    parser.add_argument("--no-reports", action="store_true", help="skip per-economy workbooks")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.set_defaults(handler=run)


def languages(codes: list[str], lang: str | None) -> dict[str, str]:
    """Economy → message language: ``--lang``, else an economies.csv ``language`` column."""
    if lang:
        return dict.fromkeys(codes, lang)
    table = economies()
    if "language" not in table:
        return dict.fromkeys(codes, DEFAULT_LANGUAGE)
    known = table.set_index("economy")["language"].reindex(codes).fillna(DEFAULT_LANGUAGE)
    return {k: v if v in LANGUAGES else DEFAULT_LANGUAGE for k, v in known.items()}


def _names(codes: list[str]) -> pd.DataFrame:
    names = economies().set_index("economy")["name"].reindex(codes)
    return pd.DataFrame(
        {
            "economy": pd.Series(codes, dtype=object),
            "name": pd.Series(names.fillna(names.index.to_series()).to_numpy(), dtype=object),
        }
    )


def _write_report(task: dict) -> str:
    """Build and save one economy's report (runs in a worker process)."""
    rules = catalogue.load()
    lang = task["lang"]
    why = {r.id: rule_text(r.id, "why", r.why, lang) for r in rules}
    labels = {r.id: rule_text(r.id, "label", r.label, lang) for r in rules}
    summary = task["summary"].assign(label=lambda f: f["rule_id"].map(labels))
    book = build_report(
        task["economy"],
        task["name"],
        summary,
        task["findings"],
        why,
        task["files"],
        task["raw"],
        lang,
    )
    atomic_write(task["path"], book.save)
    return task["economy"]


def _report_tasks(
    args: argparse.Namespace,
    result: Validation,
    all_findings: pd.DataFrame,
    observations: pd.DataFrame,
    langs: dict[str, str],
    names: pd.DataFrame,
) -> list[dict]:
    """One report job per economy, with only that economy's rows (cheap to send to workers)."""
    by_eco = result.rule_summary_by_economy
    files = observations.groupby("economy")["source_file"].unique()
    return [
        {
            "economy": eco,
            "name": name,
            "lang": langs.get(eco, DEFAULT_LANGUAGE),
            "summary": by_eco[by_eco["economy"] == eco],
            "findings": all_findings[all_findings["economy"] == eco],
            "files": sorted(files.get(eco, [])),
            "raw": args.raw,
            "path": args.processed / "validate" / "reports" / f"{eco}.xlsx",
        }
        for eco, name in zip(names["economy"], names["name"], strict=True)
    ]


def _write_reports(tasks: list[dict], jobs: int) -> None:
    if jobs <= 1 or len(tasks) < 8:
        for task in progress(tasks, len(tasks), "reports"):
            _write_report(task)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for _ in progress(pool.map(_write_report, tasks, chunksize=4), len(tasks), "reports"):
            pass


def run(args: argparse.Namespace) -> int:
    """Handler of ``ictstats validate``."""
    source = args.processed / "ingest"
    if not any((source / f"observations.{ext}").exists() for ext in ("parquet", "csv")):
        say(f"ictstats validate: no observations in {source}; run ictstats ingest first")
        return EXIT_USAGE
    observations = read_table(source, "observations")
    written = any((source / f"findings.{ext}").exists() for ext in ("parquet", "csv"))
    ingest = read_table(source, "findings") if written else None
    if args.economy:
        observations = observations[observations["economy"].isin(args.economy)]
    codes = sorted(observations["economy"].unique())
    langs = languages(codes, args.lang)
    previous = read_previous(args.previous) if args.previous else None
    result = validate(observations, population(), languages=langs, previous=previous)
    out = args.processed / "validate"
    write_table(result.findings, out, "findings")
    write_table(result.rule_summary, out, "rule_summary")
    write_table(result.rule_summary_by_economy, out, "rule_summary_by_economy")
    all_findings = concat_findings(ingest, result.findings)
    if args.economy:
        all_findings = all_findings[all_findings["economy"].isin(args.economy)]
    names = _names(sorted(set(codes) | set(all_findings["economy"].dropna())))
    summary = batch_summary(all_findings, names)
    write_table(summary, out, "batch_summary")
    book = table_workbook(summary, "Batch summary", DEFAULT_LANGUAGE)
    atomic_write(out / "batch_summary.xlsx", book.save)
    write_text(markdown(summary, result.rule_summary), out / "batch_summary.md")
    write_text(html(summary, result.rule_summary), out / "batch_summary.html")
    if not args.no_reports:
        tasks = _report_tasks(args, result, all_findings, observations, langs, names)
        _write_reports(tasks, args.jobs)
    counts = result.findings["severity"].value_counts()
    say(
        f"validate: {len(codes)} economies, {len(result.rule_summary)} rules, "
        f"{int(result.rule_summary['items'].sum())} items; findings: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "info"))
        + f" → {out}"
    )
    return exit_code(result.findings)
