"""``ictstats template`` and ``ictstats ingest``.

``template`` writes a blank questionnaire for one economy; ``ingest`` reads every return in a
raw folder and writes ``<processed>/ingest/observations.{parquet,csv}`` and
``findings.{parquet,csv}``, printing a summary, then appends the new submissions to the store
of record beside ``processed/`` (:mod:`pipeline.record`). Exit codes: 0 ok, 1 error findings,
2 usage or IO error (such as a missing raw folder).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from pipeline.findings import EXIT_OK, EXIT_USAGE, exit_code
from pipeline.ingest import WORKBOOK_SUFFIXES, IngestResult, ingest_paths, return_files
from pipeline.ingest.layout import KINDS
from pipeline.ingest.template import economy_language, write_questionnaire
from pipeline.paths import PROCESSED, RAW, STORE
from pipeline.progress import say
from pipeline.record import record_ingest
from pipeline.store import read_table, write_table

ISO3 = re.compile(r"^[A-Z]{3}$")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``template`` and ``ingest`` subcommands."""
    template = subparsers.add_parser(
        "template",
        help="write a blank questionnaire workbook for one economy",
        description="Write a questionnaire workbook generated from schemas/indicators.csv.",
    )
    template.add_argument("--economy", required=True, help="ISO 3166 alpha-3 code, e.g. KEN")
    template.add_argument("--year", required=True, type=int, help="reference year, e.g. 2024")
    template.add_argument("--kind", required=True, choices=KINDS, help="questionnaire kind")
    template.add_argument(
        "-o", "--output", type=Path, help="workbook path (default: ./ECO_YEAR_KIND.xlsx)"
    )
    template.add_argument(
        "--years-back", type=int, default=1, help="earlier years to include (default: %(default)s)"
    )
    template.add_argument(
        "--round", dest="collection_round", help="collection round (default: the year after --year)"
    )
    template.add_argument(
        "--prefill",
        nargs="?",
        type=Path,
        const=PROCESSED,
        metavar="PROCESSED",
        help="fill in the values of the last round from PROCESSED/ingest (default %(const)s)",
    )
    template.add_argument("--lang", choices=("en", "fr", "es"), help="instructions language")
    template.set_defaults(handler=handle_template)
    ingest = subparsers.add_parser(
        "ingest",
        help="read every return in raw/ into observations and findings",
        description="Read questionnaire workbooks and long CSV returns into one observation table.",
    )
    ingest.add_argument(
        "raw", nargs="?", type=Path, default=RAW, help="raw folder (default: %(default)s)"
    )
    ingest.add_argument(
        "-o",
        "--output",
        "--processed",
        dest="output",
        type=Path,
        default=PROCESSED,
        help="processed folder (default: %(default)s)",
    )
    ingest.add_argument(
        "--store",
        type=Path,
        help=f"store of record folder (default: {STORE}, or store/ beside a given --output)",
    )
    ingest.set_defaults(handler=handle_ingest)


def handle_template(args: argparse.Namespace) -> int:
    """Write the questionnaire and print its path."""
    economy = args.economy.strip().upper()
    if not ISO3.match(economy) or args.years_back < 0:
        say("ictstats template: --economy must be an ISO3 code and --years-back >= 0")
        return EXIT_USAGE
    years = range(args.year - args.years_back, args.year + 1)
    output = args.output or Path(f"{economy}_{args.year}_{args.kind}.xlsx")
    values = read_table(args.prefill / "ingest", "observations") if args.prefill else None
    written = write_questionnaire(
        output,
        economy,
        years,
        args.kind,
        values,
        collection_round=args.collection_round,
        lang=args.lang or economy_language(economy),
        revision=bool(args.prefill),
    )
    print(written)
    return EXIT_OK


def summary(result: IngestResult, files: list[Path]) -> str:
    """Plain-text summary: files read, economies, observations, findings by code."""
    workbooks = sum(path.suffix.lower() in WORKBOOK_SUFFIXES for path in files)
    counts = (
        result.findings.groupby(["rule_id", "severity"]).size().rename("findings").reset_index()
    )
    lines = [
        f"files: {len(files)} ({workbooks} workbooks, {len(files) - workbooks} CSV)",
        f"economies: {result.observations['economy'].nunique()}",
        f"observations: {len(result.observations)}",
        f"findings: {len(result.findings)}",
    ]
    if not counts.empty:
        lines.append(counts.to_string(index=False))
    return "\n".join(lines)


def handle_ingest(args: argparse.Namespace) -> int:
    """Ingest the raw folder, write the tables and print the summary."""
    files = return_files(args.raw)
    result = ingest_paths(files, args.raw, show_progress=True)
    target = Path(args.output) / "ingest"
    write_table(result.observations, target, "observations")
    write_table(result.findings, target, "findings")
    with pd.option_context("display.width", 120):
        print(summary(result, files))
    say(f"wrote {target}/observations.* and findings.*")
    store = args.store or (STORE if Path(args.output) == PROCESSED else output_store(args.output))
    added = record_ingest(result, store, Path(args.raw).resolve())
    if added.vintage is None:
        say(f"store {store}: nothing new to record (no return it does not hold already)")
    else:
        say(
            f"store {store}: vintage {added.vintage} adds {added.submissions} submission(s), "
            f"{added.observations} observation(s), {added.superseded} superseding an earlier one"
        )
    return exit_code(result.findings)


def output_store(output: Path) -> Path:
    """The store beside a processed folder (``ictstats run`` ingests into a staging sibling)."""
    return Path(output).resolve().parent / "store"
