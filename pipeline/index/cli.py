"""``ictstats index``: compute an index edition from the observation table.

Reads ``processed/ingest/observations.parquet`` and the reference population (for derived
indicators) and economy list, and writes ``processed/index/<edition>/scores``, ``normalised``,
``weights``, ``excluded`` and ``notes`` (Parquet + CSV, ARCHITECTURE.md). ``--list`` prints the
shipped editions.

An edition is computed from the values known at its cutoff: the observation table holds every
vintage (one row per collection round and submission), and :func:`pipeline.vintage.as_of`
keeps, per key, the value known latest on the edition's ``as_of`` date (its TOML), or on the
date given with ``--as-of`` (``latest``: every value known). A table without vintage columns
is used as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import choices, reference, vintage
from pipeline.findings import EXIT_OK, EXIT_USAGE
from pipeline.index.engine import compute_edition
from pipeline.index.methodology import MethodologyError, available_editions, edition_path, load
from pipeline.paths import PROCESSED
from pipeline.progress import say
from pipeline.store import write_table
from pipeline.withheld import publishable, write_left_out


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``index`` subcommand."""
    parser = subparsers.add_parser(
        "index",
        help="compute an ICT Development Index edition (scores, normalised values, weights)",
        description="Compute an index edition defined in schemas/indices/<edition>.toml.",
    )
    parser.add_argument(
        "--edition", type=choices.edition, help="edition name, e.g. idi_2024 (see --list)"
    )
    parser.add_argument("--year", type=int, help="data year to compute (default: every year)")
    parser.add_argument(
        "--as-of",
        dest="as_of",
        type=_as_of_date,
        help="use the values known on this date, YYYY-MM-DD or 'latest' "
        "(default: the edition's cutoff, as_of in its TOML)",
    )
    parser.add_argument("--processed", type=Path, default=PROCESSED, help="processed/ folder")
    parser.add_argument("--list", action="store_true", help="list the shipped editions")
    parser.set_defaults(handler=run)


def _as_of_date(text: str) -> str:
    """``--as-of`` value as an ISO date (argparse turns the ValueError into a usage error)."""
    if text.strip().lower() == "latest":
        return vintage.LATEST
    try:
        return vintage.iso_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) or 'latest': {text!r}") from None


def cutoff(methodology, requested: str | None) -> str:
    """The date an edition is computed as of: ``--as-of``, else its ``as_of``, else latest."""
    if requested:
        return requested
    declared = methodology.edition.get("as_of")
    return vintage.iso_date(declared) if declared is not None else vintage.LATEST


def _list() -> int:
    for name in available_editions():
        methodology = load(edition_path(name))
        title = methodology.edition.get("title", name)
        year = methodology.reference_year
        print(f"{name}\t{title}\treference year {year if year is not None else '-'}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Handler of ``ictstats index``; returns the exit code."""
    if args.list:
        return _list()
    if not args.edition:
        print("ictstats index: give --edition NAME or --list", file=sys.stderr)
        return EXIT_USAGE
    try:
        methodology = load(edition_path(args.edition))
    except MethodologyError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    date = cutoff(methodology, args.as_of)
    usable = publishable(args.processed, date)
    observations = usable.observations
    years = [args.year - 1, args.year] if args.year else None
    result = compute_edition(
        observations, methodology, reference.population(), reference.economies(), years
    )
    scores, normalised = result.scores, result.normalised
    if args.year:
        scores = scores[scores["year"] == args.year]
        normalised = normalised[normalised["year"] == args.year]
    out = args.processed / "index" / methodology.name
    write_table(scores, out, "scores")
    write_table(normalised, out, "normalised")
    write_table(result.weights, out, "weights")
    excluded = result.excluded
    excluded = excluded[excluded["year"] == args.year] if args.year else excluded
    write_table(excluded, out, "excluded")
    notes = result.notes[result.notes["year"] == args.year] if args.year else result.notes
    write_table(notes, out, "notes")
    write_left_out(usable, out)
    top = scores[scores["level"] == scores["level"].max()] if len(scores) else scores
    known = "every value known" if date == vintage.LATEST else f"values known on {date}"
    say(
        f"index {methodology.name} ({known}): {top['economy'].nunique()} economies scored over "
        f"{top['year'].nunique()} year(s), {len(excluded)} economy-years below the "
        f"inclusion threshold, {notes[['economy', 'year']].drop_duplicates().shape[0]} "
        f"unscored economy-years explained in notes; wrote {out}"
    )
    say(usable.summary(f"index {methodology.name}"))
    later = usable.queried_after(date)
    if len(later):
        values = ", ".join(
            later["economy"] + " " + later["indicator"] + " " + later["year"].astype(str)
        )
        say(
            f"index {methodology.name}: {len(later)} of them were known on {date}, the "
            f"cutoff, and queried only later ({values}): an edition computed at the cutoff "
            "used them; this one does not while their queries are open (withheld: since)"
        )
    return EXIT_OK
