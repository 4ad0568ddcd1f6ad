"""Time ``ictstats run`` on the shipped raw/ (target: under 60 s on 2 cores).

Plain script, not a test: ``/tmp/venv/bin/python benchmarks/bench_run.py [--repeat N]``.
Runs into a temporary folder, prints wall-clock seconds of each run and the per-stage seconds
from the last run's manifest, and the publish stage's parts timed separately.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import tempfile
import time
from pathlib import Path

from pipeline.cli import main
from pipeline.paths import RAW
from pipeline.publish import charts, profiles
from pipeline.publish.bundle import load_bundle
from pipeline.publish.indicators import data_tables
from pipeline.publish.publication import reference_year
from pipeline.publish.tables import index_tables
from pipeline.publish.workbook import build_workbook


def timed(label: str, func, *args):
    start = time.perf_counter()
    result = func(*args)
    print(f"  {label:<28} {time.perf_counter() - start:7.2f} s")
    return result


def publish_parts(processed: Path) -> None:
    """Seconds of each part of the publish stage on a finished run."""
    bundle = timed("load bundle", load_bundle, processed)
    tables = timed("index tables", index_tables, bundle)
    tables += timed("indicator + SDG tables", data_tables, bundle, reference_year(bundle))
    book = timed("workbook (build)", build_workbook, tables, "benchmark")
    timed("workbook (save)", book.save, io.BytesIO())
    timed("overview charts", charts.overview_charts, bundle)
    pages = timed("profiles", profiles.render_profiles, bundle)
    print(f"  {len(pages)} profiles, {len(tables)} tables")


def bench(repeat: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="ictstats-bench-"))
    try:
        processed = root / "processed"
        for number in range(1, repeat + 1):
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                code = main(["run", "--raw", str(RAW), "--processed", str(processed)])
            print(f"run {number}: {time.perf_counter() - start:.1f} s (exit code {code})")
        manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
        for stage in manifest["stages"]:
            print(f"  {stage['stage']:<28} {stage['seconds']:7.2f} s")
        print("publish parts:")
        publish_parts(processed)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    bench(parser.parse_args().repeat)
