"""Benchmark: ingest the whole shipped raw/ folder (target: < 30 s on 2 cores).

Plain script, not a test: ``python benchmarks/bench_ingest.py [RAW] [--repeat N]``. Prints the
number of files and workbooks, observations and findings, the best wall time of N runs and the
throughput in observations per second.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.ingest import WORKBOOK_SUFFIXES, ingest_paths, known_economies, return_files
from pipeline.paths import RAW


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", nargs="?", type=Path, default=RAW)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = return_files(args.raw)
    known = known_economies()
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = ingest_paths(files, args.raw, known)
        times.append(time.perf_counter() - start)
    best = min(times)
    workbooks = sum(path.suffix.lower() in WORKBOOK_SUFFIXES for path in files)
    print(f"files            {len(files)}")
    print(f"workbooks        {workbooks}")
    print(f"economies        {result.observations['economy'].nunique()}")
    print(f"observations     {len(result.observations)}")
    print(f"findings         {len(result.findings)}")
    print(f"seconds (best)   {best:.2f}   all runs: {', '.join(f'{t:.2f}' for t in times)}")
    print(f"rows/s           {len(result.observations) / best:,.0f}")
    print(f"workbooks/s      {workbooks / best:,.1f}")


if __name__ == "__main__":
    main()
