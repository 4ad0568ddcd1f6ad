"""Benchmark: one IDI edition for ~200 economies × 10 years (target: < 1 s).

Plain script (not pytest): builds a synthetic observation table in the observation layout —
collected counts plus population, so the derived indicators are computed too — then times
``compute_edition`` end to end (derive, panel, imputation, normalisation, aggregation, ranks).
Run: ``/tmp/venv/bin/python benchmarks/bench_index.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from pipeline.index.engine import compute_edition
from pipeline.index.methodology import load
from pipeline.observations import DIMENSION_NAMES, OBSERVATION_COLUMNS, TOTAL

N_ECONOMIES, YEARS = 200, list(range(2014, 2024))
#: indicator → (low, high) of uniform synthetic values; counts are per person × population.
RANGES = {
    "HH7": (5, 100), "HH6": (5, 100), "HH18": (20, 100), "i271G": (30, 100),
    "i271GA": (10, 100), "i271mb_high_ts_GNI": (0.2, 40), "i154_FBB5_GNI": (0.3, 60),
    "i271mw": (0.05, 1.6), "i136mwi": (1, 400), "i4213tfbb": (0.001, 0.5),
    "i135tfb": (10, 3000),
}  # fmt: skip


def synthetic(seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    economies = [f"{a}{b}{c}" for a in "ABCDEFGH" for b in "ABCDE" for c in "ABCDE"][:N_ECONOMIES]
    grid = pd.MultiIndex.from_product([economies, YEARS], names=["economy", "year"]).to_frame(
        index=False
    )
    population = grid.assign(population=rng.uniform(1e5, 1e8, len(grid)))
    frames = []
    for code, (low, high) in RANGES.items():
        value = rng.uniform(low, high, len(grid))
        if code in ("i271mw", "i4213tfbb"):
            value = value * population["population"].to_numpy()
        if code in ("i136mwi", "i135tfb"):
            continue
        frames.append(grid.assign(indicator=code, value=value))
    subs = frames[-1]["value"].to_numpy(), frames[-2]["value"].to_numpy()
    frames.append(grid.assign(indicator="i135tfb", value=subs[0] * rng.uniform(10, 3000)))
    frames.append(grid.assign(indicator="i136mwi", value=subs[1] * rng.uniform(1, 400)))
    observations = pd.concat(frames, ignore_index=True)
    missing = rng.random(len(observations)) < 0.05
    observations = observations[~missing].assign(
        **dict.fromkeys(DIMENSION_NAMES, TOTAL), unit="", estimate=False,
        break_in_series=False, footnote="", kind="admin", source_file="bench.xlsx",
        sheet="S", cell="A1",
    )  # fmt: skip
    return observations[list(OBSERVATION_COLUMNS)], population


def main() -> None:
    observations, population = synthetic()
    methodology = load("idi_2024")
    compute_edition(observations, methodology, population)  # warm-up (imports, caches)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        result = compute_edition(observations, methodology, population)
        timings.append(time.perf_counter() - start)
    scored = result.scores[result.scores["node"] == "IDI"]
    print(f"observations in: {len(observations):,} rows")
    print(
        f"IDI scores out: {len(scored):,} ({scored['economy'].nunique()} economies, "
        f"{scored['year'].nunique()} years); normalised rows: {len(result.normalised):,}"
    )
    print(f"compute_edition idi_2024: best {min(timings):.3f} s, median "
          f"{float(np.median(timings)):.3f} s over {len(timings)} runs (target < 1 s)")  # fmt: skip


if __name__ == "__main__":
    main()
