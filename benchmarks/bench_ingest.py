"""Benchmark: ingest the whole shipped raw/ folder, in CPU time, beside a plain calamine read.

Plain script, not a test:
``python benchmarks/bench_ingest.py [RAW] [--repeat N] [--openpyxl] [--baseline CHECKOUT]``.
For each repeat it measures, in one process, the CPU time (user + system) of

* ``ingest``: the whole ingest of every return (this process plus its reader worker, whose
  time is counted once it has been joined), and
* ``calamine``: a plain python-calamine read of every cell value of the same workbooks —
  the floor for any reader that must look at every value;
* with ``--openpyxl``, a plain openpyxl read-only read too (what reading cost before);
* with ``--baseline CHECKOUT``, the ingest of the same files by another checkout of the
  project (for example ``git worktree add /tmp/before <commit>``), in a child process that
  imports that checkout's ``pipeline`` — so a speed-up is measured in one run, on the same
  files and the same machine load.

It prints the best of N for each, side by side, their ratio, wall time, the counts and the
reader's peak memory. CPU time rather than wall time: the machine is shared, so wall time
measures the neighbours too.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from pipeline.ingest import WORKBOOK_SUFFIXES, ingest_paths, known_economies, return_files
from pipeline.paths import RAW


def cpu_seconds() -> float:
    """CPU time of this process and of its joined children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured(task: Callable[[], object]) -> tuple[float, float, object]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = task()
    return cpu_seconds() - cpu, time.perf_counter() - wall, result


def calamine_read(paths: list[Path]) -> int:
    cells = 0
    for path in paths:
        try:
            book = CalamineWorkbook.from_path(str(path))
        except Exception:  # the broken returns: ingest reports them, the floor skips them
            continue
        for name in book.sheet_names:
            cells += sum(map(len, book.get_sheet_by_name(name).to_python()))
    return cells


def openpyxl_read(paths: list[Path]) -> int:
    cells = 0
    for path in paths:
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:
            continue
        for sheet in book.worksheets:
            cells += sum(len(row) for row in sheet.iter_rows(values_only=True))
        book.close()
    return cells


#: Run in a child process with another checkout first on the path: its ingest, best of N.
BASELINE = """
import resource, sys, time
from pathlib import Path
from pipeline.ingest import ingest_paths, known_economies, return_files

def cpu():
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(each.ru_utime + each.ru_stime for each in usage)

raw = Path(sys.argv[1])
files, known = return_files(raw), known_economies()
times = []
for _ in range(int(sys.argv[2])):
    cpu0, wall0 = cpu(), time.perf_counter()
    result = ingest_paths(files, raw, known)
    times.append((cpu() - cpu0, time.perf_counter() - wall0))
print(min(c for c, _ in times), min(w for _, w in times), len(result.observations))
"""


def baseline(checkout: Path, raw: Path, repeat: int) -> tuple[float, float, int]:
    """CPU and wall seconds (best of ``repeat``) and observations of another checkout's
    ingest of ``raw``."""
    environment = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
    answer = subprocess.run(
        [sys.executable, "-c", BASELINE, str(raw.resolve()), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        cwd=checkout,
        env=environment,
    )
    cpu, wall, observations = answer.stdout.split()
    return float(cpu), float(wall), int(observations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", nargs="?", type=Path, default=RAW)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--openpyxl", action="store_true", help="also time a plain openpyxl read")
    parser.add_argument(
        "--baseline", type=Path, help="another checkout whose ingest to time on the same files"
    )
    args = parser.parse_args()
    files = return_files(args.raw)
    workbooks = [path for path in files if path.suffix.lower() in (".xlsx", ".xlsm")]
    known = known_economies()
    runs: dict[str, list[tuple[float, float]]] = {"ingest": [], "calamine": [], "openpyxl": []}
    for _ in range(args.repeat):
        cpu, wall, result = measured(lambda: ingest_paths(files, args.raw, known))
        runs["ingest"].append((cpu, wall))
        cpu, wall, _ = measured(lambda: calamine_read(workbooks))
        runs["calamine"].append((cpu, wall))
        if args.openpyxl:
            cpu, wall, _ = measured(lambda: openpyxl_read(workbooks))
            runs["openpyxl"].append((cpu, wall))
    before = baseline(args.baseline, args.raw, args.repeat) if args.baseline else None
    count = sum(path.suffix.lower() in WORKBOOK_SUFFIXES for path in files)
    print(f"files            {len(files)} ({count} workbooks)")
    print(f"observations     {len(result.observations)}")
    print(f"findings         {len(result.findings)}")
    print(f"reader peak      {result.peak_bytes / 1e6:.0f} MB (worker, one file)")
    print(f"{'best of ' + str(args.repeat):16} {'CPU s':>8} {'wall s':>8}")
    for name, times in runs.items():
        if times:
            print(f"{name:16} {min(c for c, _ in times):8.2f} {min(w for _, w in times):8.2f}")
    if before is not None:
        print(
            f"{'baseline ingest':16} {before[0]:8.2f} {before[1]:8.2f}   ({before[2]} observations)"
        )
    best = min(c for c, _ in runs["ingest"])
    print(f"ingest / calamine CPU   {best / min(c for c, _ in runs['calamine']):.1f}×")
    if before is not None:
        print(f"baseline / ingest CPU   {before[0] / best:.1f}×")


if __name__ == "__main__":
    main()
