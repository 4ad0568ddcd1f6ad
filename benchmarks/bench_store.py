"""Benchmark of the store of record: append a round and query as of a date (target < 1 s each).

Usage: ``python benchmarks/bench_store.py [--economies 230] [--rounds 20] [--series 87]
[--repeat 3]``. Builds a synthetic history in a temporary DuckDB store: each collection round
(2005, 2006, …) brings, for every economy, an admin and a household submission revising the five
reference years before the round for ``--series`` indicator-breakdown series (230 × 20 × 5 × 87
≈ 2.0 M rows). Then times, on the full history: appending one more round (submissions and
observations, one vintage, in one transaction), the as-of query (``pipeline.record.query.as_of``,
into pandas), the same selection kept inside DuckDB, the pandas ``pipeline.vintage.as_of`` on the
exported table, and one economy-indicator history. Prints rows and seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.observations import DIMENSION_NAMES, INGESTED_COLUMNS, TOTAL
from pipeline.record import append, connect, query
from pipeline.vintage import as_of

YEARS_PER_ROUND = 5
FIRST_ROUND = 2005


def economies(count: int) -> list[str]:
    """``count`` distinct three-letter codes (AAA, AAB, …)."""
    letters = [chr(ord("A") + i) for i in range(26)]
    return [a + b + c for a in letters for b in letters for c in letters][:count]


def synthetic_round(round_year: int, codes: list[str], series: int, seed: int) -> tuple:
    """The ingest result of one round: observations and submissions, built vectorised."""
    rng = np.random.default_rng(seed)
    kinds = np.where(np.arange(series) % 2 == 0, "admin", "household")
    indicators = np.array([f"x{i // 3}" for i in range(series)])
    sexes = np.array([(TOTAL, "F", "M")[i % 3] for i in range(series)])
    years = np.arange(round_year - YEARS_PER_ROUND, round_year)
    n_e, n_y = len(codes), len(years)
    economy = np.repeat(np.array(codes), n_y * series)
    year = np.tile(np.repeat(years, series), n_e)
    which = np.tile(np.arange(series), n_e * n_y)
    kind = kinds[which]
    source = pd.Series(economy).str.cat(pd.Series(kind), sep="_") + f"_{round_year}.xlsx"
    names = source.unique()
    shas = {name: hashlib.sha256(f"{name}{seed}".encode()).hexdigest() for name in names}
    sha = source.map(shas)
    observations = pd.DataFrame(
        {
            "economy": economy,
            "year": year.astype("int64"),
            "indicator": indicators[which],
            **{name: TOTAL for name in DIMENSION_NAMES},
            "value": rng.uniform(0, 100, len(economy)).round(2),
            "unit": "%",
            "estimate": False,
            "break_in_series": False,
            "footnote": "",
            "kind": kind,
            "source_file": source,
            "sheet": "Data",
            "cell": "L9",
            "round": str(round_year),
            "submitted": f"{round_year}-06-30",
            "submission": sha.str[:16],
        }
    ).assign(sex=sexes[which])[list(INGESTED_COLUMNS)]
    submissions = pd.DataFrame(
        {
            "source_file": names,
            "round": str(round_year),
            "submitted": f"{round_year}-06-30",
            "submission": [shas[n][:16] for n in names],
            "sha256": [shas[n] for n in names],
        }
    )
    return observations, submissions


def timed(function, repeat: int) -> tuple[str, object]:
    """Best wall and CPU time of ``repeat`` calls as text, and the last result. The CPU time
    (DuckDB's threads included) shows the cost when other processes share the cores."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return f"{best:.3f} s wall, {cpu:.3f} s CPU (best of {repeat})", result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--economies", type=int, default=230)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--series", type=int, default=87)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    codes = economies(args.economies)
    with tempfile.TemporaryDirectory() as folder, connect(Path(folder)) as store:
        start = time.perf_counter()
        for offset in range(args.rounds):
            append(store, *synthetic_round(FIRST_ROUND + offset, codes, args.series, offset))
        rows = store.execute("SELECT count(*) FROM observations").fetchall()[0][0]
        print(f"history: {rows:,} rows, {args.rounds} rounds, {len(codes)} economies "
              f"(built in {time.perf_counter() - start:.1f} s)")  # fmt: skip
        new_round = synthetic_round(FIRST_ROUND + args.rounds, codes, args.series, args.rounds)
        seconds, added = timed(lambda: append(store, *new_round), 1)
        print(f"append a round: {added.observations:,} rows, {added.submissions} submissions "
              f"in {seconds}")  # fmt: skip
        cutoff = f"{FIRST_ROUND + args.rounds // 2}-12-31"
        for date in (cutoff, "9999-12-31"):
            seconds, frame = timed(lambda d=date: query.as_of(store, d), args.repeat)
            print(f"as-of {date} (SQL → pandas): {len(frame):,} rows in {seconds}")
        in_db = "SELECT count(*) FROM as_of(?)"
        seconds, _ = timed(lambda: store.execute(in_db, [cutoff]).fetchall()[0], args.repeat)
        print(f"as-of {cutoff} (inside DuckDB): {seconds}")
        exported = query.observations(store)
        seconds, frame = timed(lambda: as_of(exported, cutoff), args.repeat)
        print(f"as-of {cutoff} (pandas pipeline.vintage on {len(exported):,} rows): "
              f"{len(frame):,} rows in {seconds}")  # fmt: skip
        seconds, frame = timed(lambda: query.history(store, codes[0], "x0"), args.repeat)
        print(f"history of one economy-indicator: {len(frame)} rows in {seconds}")


if __name__ == "__main__":
    main()
