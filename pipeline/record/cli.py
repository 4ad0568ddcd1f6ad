"""``ictstats history``: what the store of record knows about one indicator, vintage by vintage.

``ictstats history --economy KEN --indicator HH7 [--year Y] [--as-of DATE]`` prints every
value of that economy and indicator (all breakdowns) with its round, submission, source cell,
known-from date, the revision from the value before it and whether it is current or superseded
at the as-of date. ``--triangle`` prints a revision triangle instead (reference year × release).
Codes are matched case-insensitively against those the store holds; an unknown code is a usage
error (exit 2) that lists the valid ones. Exit codes: 0 ok, 2 usage or IO error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from pipeline.findings import EXIT_OK, EXIT_USAGE
from pipeline.observations import DIMENSION_NAMES, TOTAL
from pipeline.paths import STORE
from pipeline.progress import say
from pipeline.record import query
from pipeline.record.schema import connect
from pipeline.vintage import iso_date

SHOWN = [
    "year",
    "breakdown",
    "value",
    "revision",
    "event",
    "status",
    "round",
    "known_from",
    "vintage",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``history`` subcommand."""
    parser = subparsers.add_parser(
        "history",
        help="revision history of an economy's indicator from the store of record",
        description="Every vintage of an economy-indicator's values, or a revision triangle.",
    )
    parser.add_argument("--economy", help="ISO3 code, e.g. KEN (optional with --triangle)")
    parser.add_argument("--indicator", required=True, help="dictionary code, e.g. HH7")
    parser.add_argument("--year", type=int, help="only this reference year")
    parser.add_argument("--as-of", dest="as_of", help="only what was known at this date")
    parser.add_argument(
        "--triangle", action="store_true", help="reference year × release revision triangle"
    )
    parser.add_argument(
        "--store", type=Path, default=STORE, help="store of record folder (default: %(default)s)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON records on stdout")
    parser.set_defaults(handler=handle_history)


def _match(code: str | None, valid: list[str], what: str) -> str | None:
    """The stored spelling of ``code`` (case-insensitive); raises ValueError listing the valid."""
    if code is None:
        return None
    spelled = {value.lower(): value for value in valid}
    if code.strip().lower() not in spelled:
        listing = ", ".join(valid) or "none (the store is empty)"
        raise ValueError(f"unknown {what} {code!r}; the store holds: {listing}")
    return spelled[code.strip().lower()]


def _breakdown(frame: pd.DataFrame) -> pd.Series:
    """One readable breakdown label per row: 'sex=F', 'total', …"""
    parts = [(name + "=" + frame[name]).where(frame[name] != TOTAL, "") for name in DIMENSION_NAMES]
    joined = pd.concat(parts, axis=1).agg(lambda row: " ".join(p for p in row if p), axis=1)
    return joined.replace("", "total") if len(frame) else pd.Series(dtype=str)


def _history_text(table: pd.DataFrame) -> str:
    if table.empty:
        return "no values"
    shown = table.assign(
        breakdown=_breakdown(table),
        source=table["source_file"] + "!" + table["sheet"] + "!" + table["cell"],
    )[[*SHOWN, "submission", "source"]]
    return shown.to_string(index=False, na_rep="")


def _usage_problem(args: argparse.Namespace, date: str | None) -> str | None:
    """Why the options do not make a question, or None."""
    if args.triangle and date is not None:
        return "--as-of applies to the history, not to the triangle (it shows every release)"
    if not args.triangle and args.economy is None:
        return "--economy is required (or use --triangle)"
    return None


def handle_history(args: argparse.Namespace) -> int:
    """Print the history or the triangle; usage errors for unknown codes or a bad date."""
    try:
        date = iso_date(args.as_of) if args.as_of else None
    except ValueError:
        say(f"ictstats history: --as-of must be a date YYYY-MM-DD, not {args.as_of!r}")
        return EXIT_USAGE
    problem = _usage_problem(args, date)
    if problem:
        say(f"ictstats history: {problem}")
        return EXIT_USAGE
    with connect(args.store, read_only=True) as connection:
        codes = connection.execute(
            "SELECT list(DISTINCT economy ORDER BY economy), list(DISTINCT indicator"
            " ORDER BY indicator) FROM observations"
        ).fetchall()[0]
        try:
            economy = _match(args.economy, codes[0] or [], "economy")
            indicator = _match(args.indicator, codes[1] or [], "indicator")
        except ValueError as error:
            say(f"ictstats history: {error}")
            return EXIT_USAGE
        if args.triangle:
            table = query.triangle(connection, indicator, economy)
            table = table[table.index == args.year] if args.year is not None else table
        else:
            table = query.history(connection, economy, indicator, args.year, date)
    if args.json:
        records = table.reset_index() if args.triangle else table
        print(json.dumps(json.loads(records.to_json(orient="records")), indent=1))
    elif args.triangle:
        print(table.to_string(na_rep="") if not table.empty else "no values")
    else:
        print(_history_text(table))
    return EXIT_OK
