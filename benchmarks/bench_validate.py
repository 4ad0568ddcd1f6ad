"""Benchmark of the validate stage on the shipped batch (target: < 15 s on 2 cores).

Usage: ``python benchmarks/bench_validate.py [--processed DIR] [--repeat N] [--reports]``.
Observations come from ``processed/ingest/observations`` when present, else raw/ is ingested
first (not timed). Times :func:`pipeline.validate.validate` (structure checks, every rule,
findings, both rule summaries) and, with ``--reports``, the per-economy workbooks on 2 worker
processes. Prints rows/s, rules/s and items/s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pipeline.paths import PROCESSED, RAW
from pipeline.reference import population
from pipeline.store import read_table, write_table
from pipeline.validate import catalogue, validate
from pipeline.validate.engine import run_rules
from pipeline.validate.items import with_total_flags
from pipeline.validate.kinds import Context


def _observations(processed: Path):
    source = processed / "ingest"
    if (source / "observations.parquet").exists():
        return read_table(source, "observations"), read_table(source, "findings")
    from pipeline.ingest import ingest_folder

    print("ingesting raw/ (not timed) …")
    result = ingest_folder(RAW)
    return result.observations, result.findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processed", type=Path, default=PROCESSED)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reports", action="store_true", help="also time the report workbooks")
    args = parser.parse_args()
    observations, ingest_findings = _observations(args.processed)
    rules, pop = catalogue.load(), population()
    economies = observations["economy"].nunique()
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = validate(observations, pop)
        best = min(best, time.perf_counter() - start)
    items = len(run_rules(with_total_flags(observations), rules, Context(pop)).items)
    print(f"economies {economies}, observations {len(observations)}, rules {len(rules)}")
    print(f"validate (best of {args.repeat}): {best:.2f} s")
    print(f"  rows/s  {len(observations) / best:,.0f}")
    print(
        f"  rules/s {len(rules) / best:,.1f}  (rule × economy evaluations/s "
        f"{len(rules) * economies / best:,.0f})"
    )
    print(f"  items/s {items / best:,.0f}  ({items} items, {len(result.findings)} findings)")
    if args.reports:
        from pipeline.cli import main as cli

        with tempfile.TemporaryDirectory() as scratch:
            write_table(observations, Path(scratch) / "ingest", "observations")
            write_table(ingest_findings, Path(scratch) / "ingest", "findings")
            start = time.perf_counter()
            cli(["validate", "--processed", scratch, "--jobs", "2"])
            total = time.perf_counter() - start
        print(f"ictstats validate with {economies} report workbooks (2 workers): {total:.2f} s")


if __name__ == "__main__":
    main()
