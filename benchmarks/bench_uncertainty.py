"""Benchmark of the uncertainty stage: ms per replication and IDI-sized runs.

Run: ``/tmp/venv/bin/python benchmarks/bench_uncertainty.py``. Prints, best of
``REPEATS`` runs each:

1. COINr's ASEM sensitivity design (schemas/indices/coinr_asem.uncertainty.toml: winsorisation
   limit 1–5, min-max vs z-score, ±25 % weights at levels 2 and 3, arithmetic vs geometric)
   — ms per replication for the replications alone and with the whole analysis (ranks,
   Sobol' indices, 500 bootstrap resamples). Target ≤ 0.8 ms (COINr 1.1.14: 84–87 ms).
2. The IDI 2024 design (schemas/indices/idi_2024.uncertainty.toml) on the 109 economies with
   all ten values published by ITU, and on 170 economies (rows resampled to the size of the
   2024 edition) — seconds for 10,000 replications. Target < 2 s.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.index.engine import compute_edition
from pipeline.observations import DIMENSION_NAMES, OBSERVATION_COLUMNS, TOTAL
from pipeline.uncertainty import coinr, design, spec
from pipeline.uncertainty.analysis import analyse
from pipeline.uncertainty.edition import model_from_result
from pipeline.uncertainty.model import IndexModel
from pipeline.uncertainty.tree import replicate

TEST_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "uncertainty"
REPEATS = 3
COINR_MS = 84.0
IDI_RUNS = 10_000


def best(function, repeats: int = REPEATS) -> float:
    """Best wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def idi_model() -> IndexModel:
    values = pd.read_csv(TEST_DATA / "idi_2024_published_values.csv")
    rows = values.assign(
        **{dimension: TOTAL for dimension in DIMENSION_NAMES},
        unit="", break_in_series=False, footnote="", kind="external",
        source_file="IDIDataset.xlsx", sheet="", cell=values["indicator"],
    )[list(OBSERVATION_COLUMNS)]  # fmt: skip
    return model_from_result(compute_edition(rows, "idi_2024", years=[2022]))


def resized(model: IndexModel, economies: int) -> IndexModel:
    """The model with economies resampled (with replacement) to ``economies`` rows."""
    picks = np.random.default_rng(0).integers(0, len(model.economies), economies)
    inputs = {name: x[picks] for name, x in model.inputs.items()}
    codes = tuple(f"{model.economies[p]}_{i}" for i, p in enumerate(picks))
    return replace(model, economies=codes, inputs=inputs)


def asem(samples: int) -> None:
    model = coinr.asem_model(TEST_DATA)
    chosen = spec.load("coinr_asem", model)
    plan = design.compile_plan(model, chosen.assumptions)
    values = design.saltelli(plan, samples, int(chosen.settings["seed"]))
    runs = len(values)
    alone = best(lambda: replicate(model, plan, values))
    whole = best(lambda: analyse(model, chosen, samples))
    print(
        f"ASEM N={design.base_size(samples):>5} ({runs:>6,} replications): "
        f"{1000 * alone / runs:.4f} ms/replication replications only "
        f"({COINR_MS / (1000 * alone / runs):,.0f}x COINr), "
        f"{1000 * whole / runs:.4f} ms/replication with ranks + indices + bootstrap"
    )


def idi(model: IndexModel, label: str) -> None:
    chosen = spec.load("idi_2024", model)
    plan = design.compile_plan(model, chosen.assumptions)
    samples = int(np.ceil(IDI_RUNS / (len(chosen.assumptions) + 2)))
    values = design.saltelli(plan, samples, int(chosen.settings["seed"]))
    first = values[:IDI_RUNS]
    alone = best(lambda: replicate(model, plan, first))
    whole = best(lambda: analyse(model, chosen, samples))
    print(
        f"IDI 2024 {label} ({len(model.economies)} economies): {IDI_RUNS:,} replications in "
        f"{alone:.3f} s; full analysis of {len(values):,} replications "
        f"(N={design.base_size(samples)}, ranks + indices + bootstrap) in {whole:.3f} s"
    )


def main() -> int:
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, best of {REPEATS}")
    for samples in (128, 1024):
        asem(samples)
    model = idi_model()
    idi(model, "published complete rows")
    idi(resized(model, 170), "resized to the 2024 edition")
    return 0


if __name__ == "__main__":
    sys.exit(main())
