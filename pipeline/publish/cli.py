"""``ictstats run`` (every stage, atomically) and ``ictstats publish`` (publication alone).

``run`` reads ``raw/`` and replaces ``processed/`` as a whole only when every stage has
finished (:mod:`~pipeline.publish.staging`); ``publish`` rebuilds ``processed/publication/``
from the stage outputs already in ``processed/``. Exit codes: 0 ok, 1 error findings, 2 usage
or IO error (nothing replaced).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

import pandas as pd

from pipeline import progress
from pipeline.findings import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from pipeline.paths import MISSING_RAW_HINT, PROCESSED, RAW, SCHEMAS
from pipeline.progress import say
from pipeline.publish import run as plan
from pipeline.publish.bundle import load_bundle
from pipeline.publish.manifest import StageRecord, build_manifest, manifest_json
from pipeline.publish.publication import Publication, publish
from pipeline.publish.staging import staged
from pipeline.publish.summary import failure_json, summary, summary_json
from pipeline.store import atomic_write, write_table, write_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` and ``publish`` subcommands."""
    run_parser = subparsers.add_parser(
        "run",
        help="run every stage from raw/ to the publication, replacing processed/ atomically",
        description="ingest → validate → index (each edition whose reference year is in the "
        "data) → uncertainty → sdg → publish, into a staging folder swapped in at the end.",
    )
    run_parser.add_argument("--raw", type=Path, default=RAW, help="returns folder (%(default)s)")
    run_parser.add_argument(
        "--processed", type=Path, default=PROCESSED, help="output folder (%(default)s)"
    )
    run_parser.add_argument(
        "--n",
        type=int,
        default=plan.UNCERTAINTY_N,
        help="uncertainty base sample size (default: %(default)s; see ictstats uncertainty)",
    )
    run_parser.add_argument(
        "--json", action="store_true", help="print the run summary as JSON on stdout"
    )
    run_parser.set_defaults(handler=handle_run)
    pub = subparsers.add_parser(
        "publish",
        help="workbook, tables, economy profiles and charts from an existing processed/",
        description="Rebuild processed/publication/ from the stage outputs in processed/.",
    )
    pub.add_argument("--processed", type=Path, default=PROCESSED, help="processed/ folder")
    pub.set_defaults(handler=handle_publish)


def write_publication(publication: Publication, folder: Path) -> None:
    """Workbook, CSV + Parquet per table, charts, profiles and the overview page."""
    atomic_write(folder / "ictstats_tables.xlsx", publication.workbook.save)
    for table in publication.tables:
        write_table(table.with_notes_columns(), folder / "tables", table.name)
    for name, frame in publication.data.items():
        write_table(frame, folder / "data", name)
    write_text(json.dumps(publication.datapackage, indent=1), folder / "datapackage.json")
    for name, png in publication.charts.items():
        atomic_write(folder / "charts" / name, lambda path, png=png: path.write_bytes(png))
    for code, page in publication.profiles.items():
        write_text(page, folder / "profiles" / f"{code}.html")
    write_text(publication.overview, folder / "index.html")


def publish_stage(processed: Path, target: Path) -> StageRecord:
    """Read ``processed``, build the publication and write it to ``target``; timed."""
    start = time.perf_counter()
    bundle = load_bundle(processed)
    if bundle.observations.empty:
        raise plan.StageError(f"publish: no observations in {processed / 'ingest'}")
    publication = publish(bundle)
    write_publication(publication, target)
    return StageRecord(
        stage="publish",
        method="Analysis Function workbook with audit sheets, economy profiles, charts, "
        "Frictionless data package",
        parameters={"text": "pipeline/publish/tables.toml"},
        counts={
            "tables": len(publication.tables),
            "profiles": len(publication.profiles),
            "charts": len(publication.charts),
            "data_package_resources": len(publication.datapackage.get("resources", [])),
        },
        seconds=round(time.perf_counter() - start, 2),
    )


def handle_publish(args: argparse.Namespace) -> int:
    """``ictstats publish``: replace processed/publication/ as a whole."""
    processed = Path(args.processed)
    if not (processed / "ingest").is_dir():
        print(
            f"ictstats publish: no stage outputs in {processed} (run ictstats run)", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        with staged(processed / "publication") as staging:
            record = publish_stage(processed, staging)
    except plan.StageError as error:
        print(f"ictstats {error}; nothing published", file=sys.stderr)
        return EXIT_USAGE
    say(f"publish: {record.counts} in {record.seconds} s → {processed / 'publication'}")
    return EXIT_OK


def _years(staging: Path) -> set[int]:
    observations = pd.read_parquet(staging / "ingest" / "observations.parquet", columns=["year"])
    return set(observations["year"].unique().tolist())


def run_all(raw: Path, staging: Path, n: int, previous: Path | None = None) -> list[StageRecord]:
    """Every step of the plan, in order, into ``staging``; ``previous`` as in first_steps."""
    from pipeline.cli import build_parser

    parser = build_parser()
    known = plan.available(parser)
    records = []
    steps = plan.first_steps(raw, staging, previous)
    for step in steps:
        records += [plan.run_step(parser, step, staging)] if step.argv[0] in known else []
    index_steps = plan.index_steps(staging, _years(staging)) if "index" in known else []
    records += [plan.run_step(parser, step, staging) for step in index_steps]
    editions = plan.uncertainty_edition(index_steps) if "uncertainty" in known else []
    for step in plan.last_steps(staging, editions, n):
        records += [plan.run_step(parser, step, staging)] if step.argv[0] in known else []
    try:
        records.append(publish_stage(staging, staging / "publication"))
    except plan.StageError:
        raise
    except Exception as error:
        raise plan.StageError(f"publish crashed ({type(error).__name__}: {error})") from error
    return records


def handle_run(args: argparse.Namespace) -> int:
    """``ictstats run``: the whole pipeline, a manifest, and a one-screen summary."""
    raw, processed = Path(args.raw), Path(args.processed)
    if not raw.is_dir():
        print(f"ictstats run: raw folder not found: {raw}{MISSING_RAW_HINT}", file=sys.stderr)
        return EXIT_USAGE
    start = time.perf_counter()
    try:
        vintage = processed / "ingest" / "observations.parquet"
        with staged(processed) as staging:
            records = run_all(raw, staging, args.n, vintage if vintage.exists() else None)
            worst = max((r.exit_code for r in records), default=EXIT_OK)
            code = EXIT_FINDINGS if worst == EXIT_FINDINGS else EXIT_OK
            manifest = build_manifest(raw, SCHEMAS, staging, records, code)
            write_text(manifest_json(manifest), staging / "manifest.json")
    except plan.StageError as error:
        cause = error.__cause__
        if cause is not None and progress.LEVEL >= progress.VERBOSE:
            traceback.print_exception(cause, file=sys.stderr)
        print(f"ictstats run: {error}; previous outputs left unchanged", file=sys.stderr)
        if args.json:
            print(failure_json(str(error), time.perf_counter() - start))
        return EXIT_USAGE
    render = summary_json if args.json else summary
    if args.json or progress.LEVEL >= progress.NORMAL:
        print(render(manifest, processed, time.perf_counter() - start))
    return code
