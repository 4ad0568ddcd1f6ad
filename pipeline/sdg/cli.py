"""``ictstats sdg``: SDG series, aggregates and SDMX-CSV from the ingested observations.

Reads ``processed/ingest/observations`` and ``schemas/reference/``, writes
``processed/sdg/series.*``, ``aggregates.*``, ``sdg_sdmx.csv`` (SDMX-CSV 1.0) and
``sdg_sdmx.xml`` (SDMX-ML 2.1 generic data), and prints a closing note:
series × economies produced, aggregates published and withheld, and the rows left
out of the SDMX file with the reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from pipeline import reference
from pipeline.dictionary import indicators
from pipeline.findings import EXIT_OK, EXIT_USAGE
from pipeline.paths import PROCESSED
from pipeline.safetext import neutralise_frame
from pipeline.sdg.definitions import load_methodology, methodology_problems
from pipeline.sdg.sdmx_ml import to_sdmx_ml
from pipeline.sdg.series import series_counts
from pipeline.sdg.stage import SdgTables, run
from pipeline.store import write_table, write_text
from pipeline.withheld import publishable, write_left_out


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sdg`` subcommand."""
    parser = subparsers.add_parser(
        "sdg",
        help="SDG custodian series, regional aggregates and SDMX-CSV",
        description=(
            "Compute the ITU-custodian SDG series (4.4.1, 5.b.1, 9.c.1, 17.6.1, 17.8.1) per "
            "economy and year, their group aggregates with coverage, and the SDMX-CSV file."
        ),
    )
    parser.add_argument(
        "--processed",
        type=Path,
        default=PROCESSED,
        help="processed/ folder to read ingest/ from and write sdg/ to (default: %(default)s)",
    )
    parser.set_defaults(handler=handle)


def closing_note(tables: SdgTables) -> str:
    """Plain-text summary: series × economies, aggregates published, rows left out of SDMX."""
    counts = series_counts(tables.series)
    published = tables.aggregates.groupby("series")["published"].agg(["sum", "size"])
    counts = counts.merge(
        published.rename(columns={"sum": "aggregates_published", "size": "aggregates"}),
        left_on="series",
        right_index=True,
        how="left",
    )
    lines = ["SDG series × economies:", counts.to_string(index=False)]
    lines.append(f"SDMX-CSV rows: {len(tables.sdmx)} (SDMX-ML 2.1 generic data: the same rows)")
    threshold = load_methodology().sdmx.get("aggregate_min_coverage", 0.0)
    aggregates = tables.aggregates
    short = aggregates["published"] & aggregates["m49"].notna()
    short &= aggregates["coverage"].lt(threshold)
    if short.any():
        lines.append(
            f"Aggregates published but not sent (coverage below {threshold:.0%}): "
            f"{int(short.sum())}"
        )
    if not tables.left_out.empty:
        lines += ["Left out of SDMX-CSV:", tables.left_out.to_string(index=False)]
    return "\n".join(lines)


def prepared_date(rows: pd.DataFrame) -> str:
    """The SDMX-ML header's Prepared date: the latest DATA_LAST_UPDATE in the file (so the
    same data give the same bytes), today's date when the data carry no submission dates."""
    dates = rows["DATA_LAST_UPDATE"].loc[rows["DATA_LAST_UPDATE"].ne("")] if len(rows) else []
    day = max(dates) if len(dates) else dt.date.today().isoformat()
    return f"{day}T00:00:00"


def handle(args: argparse.Namespace) -> int:
    """Run the stage on ``args.processed``; 2 when the methodology or an input is broken."""
    try:
        methodology = load_methodology()
    except ValueError as error:  # every problem listed, or a TOML syntax error
        print(f"ictstats sdg: {error}", file=sys.stderr)
        return EXIT_USAGE
    problems = methodology_problems(methodology, frozenset(indicators()["code"]))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_USAGE
    processed = Path(args.processed)
    usable = publishable(processed)
    tables = run(
        usable.observations,
        reference.population(),
        reference.economies(),
        reference.income_groups(),
        methodology,
    )
    out = processed / "sdg"
    write_table(tables.series, out, "series")
    write_table(tables.aggregates, out, "aggregates")
    write_text(neutralise_frame(tables.sdmx).to_csv(index=False), out / "sdg_sdmx.csv")
    write_left_out(usable, out)
    prepared = prepared_date(tables.sdmx)
    write_text(to_sdmx_ml(tables.sdmx, methodology.sdmx, prepared), out / "sdg_sdmx.xml")
    print(closing_note(tables))
    print(f"SDMX-CSV: {len(usable.withheld())} observation(s) omitted; {usable.summary('sdg')}")
    return EXIT_OK
