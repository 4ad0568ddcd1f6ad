"""``ictstats validate``: check the ingested returns and write findings, summaries and reports.

Reads ``processed/ingest/observations`` (and ingest findings, which the reports show too),
runs :func:`pipeline.validate.validate`, and writes ``processed/validate/``: findings,
rule_summary, rule_summary_by_economy, batch_summary.{xlsx,csv,md,html} and
reports/<ISO3>.xlsx. Exit 1 when a validation finding is an error (ARCHITECTURE.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd

from pipeline import choices, decisions, vintage
from pipeline.decisions import store_path
from pipeline.findings import EXIT_USAGE, coded_findings, concat_findings, exit_code
from pipeline.paths import PROCESSED, RAW
from pipeline.progress import progress, say
from pipeline.reference import economies, population
from pipeline.safetext import file_stem
from pipeline.status import finding_states, load_policy, value_status
from pipeline.store import atomic_write, read_table, write_table, write_text
from pipeline.validate import Validation, catalogue, validate
from pipeline.validate.batch import batch_summary, html, markdown
from pipeline.validate.merge import into_batch
from pipeline.validate.messages import DEFAULT_LANGUAGE, LANGUAGES, rule_text
from pipeline.validate.queries import query_status, record_sent
from pipeline.validate.report import build_report, table_workbook
from pipeline.validate.revisions import read_previous
from pipeline.vintage import submission_dates


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
    parser.add_argument("--store", type=Path, help="store of record folder (decisions log)")
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
    located = all_findings[["economy", "source_file"]].dropna()
    files = pd.concat([observations[["economy", "source_file"]], located])
    files = files.groupby("economy")["source_file"].unique()
    known = set(economies()["economy"])
    return [
        {
            "economy": eco,
            "name": name,
            "lang": langs.get(eco) or languages([eco], args.lang)[eco],
            "summary": by_eco[by_eco["economy"] == eco],
            "findings": all_findings[all_findings["economy"] == eco],
            "files": sorted(files.get(eco, [])),
            "raw": args.raw,
            # a file name only from a reference code: a return's text never becomes a path
            "path": args.processed / "validate" / "reports" / f"{file_stem(eco, known)}.xlsx",
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


def _previous(path: Path | None) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The earlier vintage, or None and a finding when it cannot be read (a corrupt Parquet
    file left by an earlier run must not stop every later run)."""
    if path is None:
        return None, None
    try:
        return read_previous(path), None
    except Exception as error:  # any unreadable table: reported, validation goes on
        detail = f"{type(error).__name__}: {str(error)[:200]}"
        row = {"source_file": Path(path).as_posix(), "detail": detail}
        return None, coded_findings("validate", "REV-PREVIOUS-UNREADABLE", [row])


def _statuses(
    args, observations, all_findings, reported, dates=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Record the queries going out in the reports, then every finding's state and every
    value's status from the decisions log (``dates``: source file → submission date, for the
    date each withholding query was raised)."""
    store = args.store or store_path(args.processed)
    log = decisions.read(store)
    if not args.no_reports:
        sent = all_findings[all_findings["economy"].isin(reported)]
        if record_sent(store, sent, log, "validate/reports"):
            log = decisions.read(store)
    states = finding_states(all_findings, log, load_policy())
    return states, value_status(observations, states, dates)


def _write_summaries(out: Path, states: pd.DataFrame, rules: pd.DataFrame, names) -> None:
    summary = batch_summary(states, names)
    queries = query_status(states, list(names["economy"]), pd.Timestamp.now())
    write_table(summary, out, "batch_summary")
    write_table(queries, out, "query_status")
    book = table_workbook(summary, "Batch summary", DEFAULT_LANGUAGE, queries)
    atomic_write(out / "batch_summary.xlsx", book.save)
    write_text(markdown(summary, rules, queries), out / "batch_summary.md")
    write_text(html(summary, rules, queries), out / "batch_summary.html")


def run(args: argparse.Namespace) -> int:
    """Handler of ``ictstats validate``."""
    source = args.processed / "ingest"
    if not any((source / f"observations.{ext}").exists() for ext in ("parquet", "csv")):
        # an error, not a note: printed even with -q
        print(
            f"ictstats validate: no observations in {source}; run ictstats ingest first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    ingested = read_table(source, "observations")
    everything = vintage.known(ingested)
    written = any((source / f"findings.{ext}").exists() for ext in ("parquet", "csv"))
    ingest = read_table(source, "findings") if written else None
    # --economy codes are reference codes in canonical case already (choices.economy)
    wanted = set(args.economy) if args.economy else None
    observations = everything if wanted is None else everything[everything["economy"].isin(wanted)]
    codes = sorted(observations["economy"].unique())
    langs = languages(codes, args.lang)
    previous, unreadable = _previous(args.previous)
    result = validate(observations, population(), languages=langs, previous=previous)
    result = replace(result, findings=concat_findings(result.findings, unreadable))
    out = args.processed / "validate"
    if wanted is not None:
        result = into_batch(out, result, wanted)
    write_table(result.findings, out, "findings")
    write_table(result.rule_summary, out, "rule_summary")
    write_table(result.rule_summary_by_economy, out, "rule_summary_by_economy")
    all_findings = concat_findings(ingest, result.findings)
    batch = set(everything["economy"]) | set(all_findings["economy"].dropna())
    names = _names(sorted(batch))
    reported = set(names["economy"]) if wanted is None else wanted
    dates = submission_dates(ingested)
    states, status = _statuses(args, everything, all_findings, reported, dates)
    write_table(status, out, "status")
    _write_summaries(out, states, result.rule_summary, names)
    if not args.no_reports:
        mine = names[names["economy"].isin(reported)]
        tasks = _report_tasks(args, result, states, everything, langs, mine)
        _write_reports(tasks, args.jobs)
    counts = result.findings["severity"].value_counts()
    held = int((status["status"] == "withheld").sum())
    say(
        f"validate: {len(codes)} economies, {len(result.rule_summary)} rules, "
        f"{int(result.rule_summary['items'].sum())} items; findings: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "info"))
        + f"; {held} value(s) withheld → {out}"
    )
    return exit_code(result.findings)
