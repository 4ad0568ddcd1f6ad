"""CPU and wall time of estimating the whole batch and aggregating it (``ictstats estimate``'s
engine over every reference economy and year, then the SDG stage's aggregates with estimates).

Run after ``ictstats run`` (it reads processed/ingest and processed/validate):

    python benchmarks/bench_estimate.py [PROCESSED] [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline import reference, vintage
from pipeline.estimate.cascade import load
from pipeline.estimate.cli import run_all
from pipeline.sdg.stage import run as sdg_run
from pipeline.withheld import publishable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processed", nargs="?", type=Path, default=Path("processed"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    observations = vintage.known(publishable(args.processed).observations)
    cascades = load()
    for label, job in (
        ("estimate (every economy × year × cascade)", lambda: run_all(observations, cascades)),
        ("sdg series + aggregates with estimates", lambda: sdg_run(
            observations, reference.population(), reference.economies(),
            reference.income_groups())),
    ):  # fmt: skip
        best_cpu = best_wall = float("inf")
        for _ in range(args.repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            job()
            best_cpu = min(best_cpu, time.process_time() - cpu)
            best_wall = min(best_wall, time.perf_counter() - wall)
        print(f"{label}: {best_cpu:.2f} s CPU, {best_wall:.2f} s wall (best of {args.repeat})")


if __name__ == "__main__":
    main()
