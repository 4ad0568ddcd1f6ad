"""``ictstats responses DIR`` and ``ictstats decide FINDING_ID accept|reject``: the query cycle.

Both write to the decisions log in the store of record (:mod:`pipeline.decisions`); the next
``ictstats validate`` (or ``run``) shows a closed finding as explained and releases its value
where ``schemas/publication.toml`` allows. Exit 2 when nothing could be read or the store is
not writable; problems with single answers are listed and the others are still recorded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from pipeline import decisions
from pipeline.findings import EXIT_OK, EXIT_USAGE
from pipeline.paths import PROCESSED
from pipeline.progress import say
from pipeline.validate.responses import read_responses


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``responses`` and ``decide`` subcommands."""
    store = decisions.store_path(PROCESSED)
    answers = subparsers.add_parser("responses", help="read focal points' answers to findings")
    answers.add_argument("folder", type=Path, help="returned report workbooks and CSV forms")
    answers.add_argument(
        "--store", type=Path, default=store, help="store of record folder (%(default)s)"
    )
    answers.set_defaults(handler=handle_responses)
    decide = subparsers.add_parser("decide", help="accept or reject the answer to a finding")
    decide.add_argument("finding_id", help="the finding's id (report column finding_id)")
    decide.add_argument("decision", choices=("accept", "reject"))
    decide.add_argument("--note", default="", help="why (kept in the log)")
    decide.add_argument("--who", default="statistician", help="who decides")
    decide.add_argument(
        "--store", type=Path, default=store, help="store of record folder (%(default)s)"
    )
    decide.set_defaults(handler=handle_decide)


def handle_responses(args: argparse.Namespace) -> int:
    """Read the answers under ``args.folder`` into the decisions log."""
    if not Path(args.folder).exists():
        say(f"ictstats responses: no such folder {args.folder}")
        return EXIT_USAGE
    answers, problems = read_responses(args.folder)
    for problem in problems:
        say(f"responses: {problem}")
    written = decisions.append(args.store, answers)
    counts = answers["decision"].value_counts()
    say(
        f"responses: {written} answer(s) recorded ("
        + ", ".join(f"{counts.get(c, 0)} {c}" for c in ("confirm", "correct", "other"))
        + f") → {args.store}"
    )
    return EXIT_OK


def handle_decide(args: argparse.Namespace) -> int:
    """Record one statistician's decision."""
    row = {"finding_id": args.finding_id, "decision": args.decision, "who": args.who}
    frame = pd.DataFrame([{**row, "note": args.note, "source": "ictstats decide"}])
    decisions.append(args.store, frame)
    say(f"decide: {args.finding_id} {args.decision}ed → {args.store}")
    return EXIT_OK
