"""Benchmark of the SDG stage on a synthetic full batch.

Every economy in schemas/reference reports, for each of 10 years: Internet use by sex, age and
area, mobile ownership by sex, ICT skills by type × sex, 2G–5G coverage and fixed broadband by
speed — more breakdowns than a real round. Prints rows and seconds per step.

    /tmp/venv/bin/python benchmarks/bench_sdg.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from pipeline import reference
from pipeline.observations import DIMENSIONS, OBSERVATION_COLUMNS
from pipeline.sdg import run
from pipeline.sdg.definitions import load_methodology

YEARS = range(2015, 2025)
#: (indicator, dimension values to vary; every other dimension is _T)
BLOCKS = [
    ("HH7", {"sex": DIMENSIONS["sex"]}),
    ("HH7", {"age": DIMENSIONS["age"][1:]}),
    ("HH7", {"area": DIMENSIONS["area"][1:]}),
    ("HH18", {"sex": DIMENSIONS["sex"]}),
    ("HH15", {"skill": DIMENSIONS["skill"][1:], "sex": DIMENSIONS["sex"]}),
    ("i271pop", {}),
    ("i271G", {}),
    ("i271GA", {}),
    ("i271G5", {}),
    ("i4213tfbb", {"speed": DIMENSIONS["speed"]}),
]


def synthetic_observations(economies: list[str], seed: int = 1) -> pd.DataFrame:
    """A dense observation table: every block for every economy and year."""
    frames = []
    for indicator, varying in BLOCKS:
        index = pd.MultiIndex.from_product(
            [economies, YEARS, *varying.values()], names=["economy", "year", *varying]
        )
        frame = index.to_frame(index=False).assign(indicator=indicator)
        frames.append(frame)
    obs = pd.concat(frames, ignore_index=True)
    for dimension in DIMENSIONS:
        present = obs[dimension].astype(object) if dimension in obs else None
        obs[dimension] = "_T" if present is None else present.fillna("_T")
    rng = np.random.default_rng(seed)
    obs["value"] = rng.uniform(1, 99, len(obs)) * np.where(obs["indicator"].eq("i4213tfbb"), 1e4, 1)
    obs = obs.assign(
        unit="",
        estimate=rng.random(len(obs)) < 0.1,
        break_in_series=False,
        footnote="",
        kind="admin",
        source_file="synthetic.xlsx",
        sheet="S",
        cell="C1",
    )
    return obs[list(OBSERVATION_COLUMNS)]


def main() -> None:
    economies = reference.economies()
    methodology = load_methodology()
    obs = synthetic_observations(economies["economy"].tolist())
    start = time.perf_counter()
    tables = run(obs, reference.population(), economies, reference.income_groups(), methodology)
    seconds = time.perf_counter() - start
    print(f"observations in:  {len(obs):>9,}")
    print(f"series rows:      {len(tables.series):>9,}")
    print(f"aggregate rows:   {len(tables.aggregates):>9,}")
    print(f"SDMX-CSV rows:    {len(tables.sdmx):>9,}")
    print(f"ictstats sdg (in memory): {seconds:.2f} s")


if __name__ == "__main__":
    main()
