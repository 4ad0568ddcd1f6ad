"""``ictstats uncertainty``: uncertainty and sensitivity analysis of an index edition.

Reads the observations (``processed/ingest/observations``) and computes the edition exactly
as ``ictstats index`` does (:func:`pipeline.index.engine.compute_edition`), then varies the
assumptions of ``schemas/indices/<edition>.uncertainty.toml`` and writes
``processed/uncertainty/<edition>/ranks``, ``sensitivity`` (Parquet + CSV, ARCHITECTURE.md),
``rank_intervals.png`` and ``sensitivity.png``. ``--edition coinr_asem`` runs COINr's ASEM
example shipped in ``schemas/examples/coinr_asem/`` instead (the peer comparison with COINr).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

from pipeline import choices, reference
from pipeline.findings import EXIT_OK, EXIT_USAGE, coded_findings
from pipeline.index.cli import cutoff
from pipeline.index.engine import compute_edition
from pipeline.index.methodology import MethodologyError, edition_path, load
from pipeline.paths import PROCESSED
from pipeline.progress import say
from pipeline.store import atomic_write, write_table
from pipeline.uncertainty import charts, coinr, spec
from pipeline.uncertainty.analysis import Result, analyse
from pipeline.uncertainty.edition import model_from_result
from pipeline.uncertainty.model import IndexModel
from pipeline.withheld import publishable

ASEM = "coinr_asem"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``uncertainty`` subcommand."""
    parser = subparsers.add_parser(
        "uncertainty",
        help="rank intervals and sensitivity indices of an index edition",
        description="Vary the assumptions in schemas/indices/<edition>.uncertainty.toml.",
    )
    parser.add_argument(
        "--edition",
        required=True,
        type=choices.edition_or(ASEM),
        help=f"edition name, e.g. idi_2024, or {ASEM} (COINr's example)",
    )
    parser.add_argument(
        "--n", type=int, help="base sample size N (rounded up to a power of 2; default: design)"
    )
    parser.add_argument("--design", type=Path, help="design file (default: the shipped one)")
    parser.add_argument("--processed", type=Path, default=PROCESSED, help="processed/ folder")
    parser.set_defaults(handler=run)


def _model(edition: str, processed: Path) -> IndexModel:
    """The edition as computed by the index engine from the observations (or ASEM)."""
    if edition == ASEM:
        return coinr.asem_model(coinr.COINR_REFERENCE)
    methodology = load(edition_path(edition))
    # The edition as the index stage computes it: from the values known at its cutoff.
    observations = publishable(processed, cutoff(methodology, None)).observations
    year = methodology.reference_year
    result = compute_edition(
        observations,
        methodology,
        reference.population(),
        reference.economies(),
        [year] if year is not None else None,
    )
    return model_from_result(result, year)


def _write(result: Result, out: Path, edition: str) -> None:
    write_table(result.ranks, out, "ranks")
    write_table(result.sensitivity, out, "sensitivity")
    runs = len(result.values)
    intervals = charts.rank_intervals(
        result.ranks, f"{edition}: rank intervals over {runs:,} replications"
    )
    indices = charts.sensitivity_indices(
        result.sensitivity, f"{edition}: sensitivity of the mean absolute rank shift"
    )
    atomic_write(out / "rank_intervals.png", lambda path: path.write_bytes(intervals))
    atomic_write(out / "sensitivity.png", lambda path: path.write_bytes(indices))


def not_computed(stage: str, error: Exception, out: Path) -> int:
    """Write a ``STAGE-NOT-COMPUTED`` finding instead of the tables (the run goes on)."""
    detail = f"the batch does not allow it ({error})"
    row = {"stage": stage, "detail": detail}
    write_table(coded_findings("uncertainty", "STAGE-NOT-COMPUTED", [row]), out, "findings")
    say(f"{stage}: not computed, {detail}; wrote {out / 'findings.csv'}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Handler of ``ictstats uncertainty``; returns the exit code."""
    if args.n is not None and args.n < 2:
        print("ictstats uncertainty: --n must be at least 2", file=sys.stderr)
        return EXIT_USAGE
    try:
        model = _model(args.edition, args.processed)
        design = spec.load(args.design or spec.design_path(args.edition), model)
    except (MethodologyError, spec.DesignError) as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    out = args.processed / "uncertainty" / args.edition
    try:
        if len(model.economies) < 2:
            raise ValueError(f"{len(model.economies)} economy scored; ranks need two or more")
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # an empty slice: nothing to vary
            result = analyse(model, design, args.n)
    except (ValueError, RuntimeWarning) as error:  # too few economies or indicators
        return not_computed(f"uncertainty {args.edition}", error, out)
    seconds = time.perf_counter() - started
    _write(result, out, args.edition)
    runs = len(result.values)
    say(
        f"uncertainty {args.edition}: {len(model.economies)} economies, "
        f"{len(design.assumptions)} assumptions, {runs:,} replications in {seconds:.2f} s "
        f"({1000 * seconds / runs:.3f} ms per replication, estimators included); wrote {out}"
    )
    return EXIT_OK
