"""Uncertainty and sensitivity analysis of an edition: design in, two tables out.

``ranks`` (ARCHITECTURE.md): per economy the nominal score and rank (published methodology)
and the median, mean, 5th and 95th percentile rank and 5th/95th percentile score over the
replications. Only blocks A and B of the Saltelli design enter these statistics: they are
2N independent draws of all assumptions, whereas the A_B blocks re-use A's rows.

``sensitivity``: per target and assumption, first-order and total indices with bootstrap
intervals. Targets: ``mean_abs_rank_shift`` — the mean over economies of |rank − nominal
rank|, COINr's summary output of ``get_sensitivity`` — and the rank of each economy (ranks,
not scores: an alternative normalisation changes the scale of every score, which would make
it dominate every economy's score variance without moving anyone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from pipeline.uncertainty import design as sampling
from pipeline.uncertainty.estimators import percentiles, sobol_indices
from pipeline.uncertainty.model import IndexModel, nominal_scores
from pipeline.uncertainty.spec import Design
from pipeline.uncertainty.tree import replicate

RANK_COLUMNS = (
    "edition",
    "economy",
    "nominal_score",
    "nominal_rank",
    "median_rank",
    "mean_rank",
    "p05_rank",
    "p95_rank",
    "p05_score",
    "p95_score",
)
SENSITIVITY_COLUMNS = (
    "edition",
    "target",
    "assumption",
    "first_order",
    "first_order_low",
    "first_order_high",
    "total",
    "total_low",
    "total_high",
)
INDEX_TARGET = "mean_abs_rank_shift"


@dataclass(frozen=True)
class Result:
    """Both tables plus the raw replications (rows of the Saltelli design)."""

    ranks: pd.DataFrame
    sensitivity: pd.DataFrame
    scores: np.ndarray
    values: np.ndarray


def rank(scores: np.ndarray) -> np.ndarray:
    """Ranks over the last axis, 1 = highest score, ties share the best rank, NaN unranked."""
    return rankdata(-scores, axis=-1, method="min", nan_policy="omit")


def rank_table(edition: str, model: IndexModel, scores: np.ndarray) -> pd.DataFrame:
    """Nominal and replicated rank and score statistics per economy."""
    nominal = nominal_scores(model)[:, -1]
    ranks = rank(scores)
    rank_low, rank_median, rank_high = percentiles(ranks, [5, 50, 95])
    score_low, score_high = percentiles(scores, [5, 95])
    frame = pd.DataFrame(
        {
            "edition": edition,
            "economy": list(model.economies),
            "nominal_score": nominal,
            "nominal_rank": rank(nominal),
            "median_rank": rank_median,
            "mean_rank": np.nanmean(ranks, axis=0),
            "p05_rank": rank_low,
            "p95_rank": rank_high,
            "p05_score": score_low,
            "p95_score": score_high,
        }
    )
    return frame.sort_values(["nominal_rank", "economy"], kind="stable", ignore_index=True)


def sensitivity_table(
    edition: str, model: IndexModel, design: Design, scores: np.ndarray
) -> pd.DataFrame:
    """First-order and total indices per target (rank shift, each economy) and assumption."""
    k = len(design.assumptions)
    nominal_rank = rank(nominal_scores(model)[:, -1])
    ranks = rank(scores)
    shift = np.nanmean(np.abs(ranks - nominal_rank), axis=1)
    outputs = np.column_stack([shift, ranks])
    settings = design.settings
    found = sobol_indices(
        outputs, k, int(settings["bootstrap"]), float(settings["confidence"]), int(settings["seed"])
    )
    targets = [INDEX_TARGET, *model.economies]
    names = [assumption.name for assumption in design.assumptions]
    columns = {column: getattr(found, column).T.reshape(-1) for column in SENSITIVITY_COLUMNS[3:]}
    return pd.DataFrame(
        {
            "edition": edition,
            "target": np.repeat(targets, k),
            "assumption": np.tile(names, len(targets)),
            **columns,
        }
    )


def analyse(model: IndexModel, design: Design, samples: int | None = None) -> Result:
    """Sample the design (Saltelli, Sobol'), replicate the index, summarise."""
    plan = sampling.compile_plan(model, design.assumptions)
    n = int(samples or design.settings["samples"])
    values = sampling.saltelli(plan, n, int(design.settings["seed"]))
    scores = replicate(model, plan, values)
    independent = scores[: 2 * sampling.base_size(n)]
    ranks = rank_table(design.edition, model, independent)
    sensitivity = sensitivity_table(design.edition, model, design, scores)
    return Result(ranks, sensitivity, scores, values)
