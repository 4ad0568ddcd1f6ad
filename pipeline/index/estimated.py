"""Index inputs ITU would estimate: fill the gaps the edition's data rules leave.

IDI 2023+ Box 2 (IDI 2024 report, Annex 1): the t−2 value (official or ITU estimate), else the
official t−3 value, and "only if neither exists is a value estimated or imputed". The
imputation chain applies the first two; this module fills what is still missing from the
estimation cascades (``schemas/estimation/``, :mod:`pipeline.estimate`), run on the data the
edition sees (its cutoff) and its own economies, and marks each such input ``estimated`` with
the method, its inputs and a 90 % prediction interval. The inclusion rule is unaffected: it
counts official values only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.estimate import cascade as cascades_module
from pipeline.estimate.cascade import Cascade
from pipeline.estimate.engine import estimate
from pipeline.estimate.inputs import categories, long_frame

#: Columns the estimated inputs add to the edition's panel (and its ``normalised`` table).
ESTIMATED_COLUMNS = ("estimated", "estimate_method", "estimate_low", "estimate_high")


def blank(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel with empty estimation columns (an edition that estimates nothing)."""
    return panel.assign(
        estimated=False, estimate_method="", estimate_low=np.nan, estimate_high=np.nan
    )


def fill(
    panel: pd.DataFrame,
    observations: pd.DataFrame,
    codes: Sequence[str],
    population: pd.DataFrame | None,
    economies: Sequence[str],
    years: Sequence[int],
    cascades: Sequence[Cascade] | None = None,
    admitted: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Panel with its remaining gaps in ``years`` estimated; and each indicator's scale.

    ``observations``: the edition's observations before derivation (derived indicators and
    covariates are computed here). Cells filled by the imputation chain are kept. Only the
    economy-years of ``admitted`` (economy, year: those the inclusion rule admits) are filled.
    """
    chosen = [c for c in (cascades if cascades is not None else cascades_module.load())
              if c.indicator in set(codes) and "index" in c.use]  # fmt: skip
    panel = blank(panel)
    if not chosen or not len(years):
        return panel, {}
    frame = long_frame(observations, chosen, population)
    first = int(frame["year"].min()) if len(frame) else min(years)
    span = list(range(min(first, min(years)), max(years) + 1))
    result = estimate(
        frame, chosen, economies, span, categories(economies, span), targets=years, use="index"
    ).estimates
    scale = {c.indicator: c.scale for c in chosen}
    if result.empty:
        return panel, scale
    result = result.assign(
        estimate_method=result["method"] + ": " + result["inputs"].astype(str)
    ).rename(columns={"value": "estimated_value", "low": "estimate_low", "high": "estimate_high"})
    merged = panel.drop(columns=["estimate_method", "estimate_low", "estimate_high"]).merge(
        result[["economy", "indicator", "year", "estimated_value", "estimate_method",
                "estimate_low", "estimate_high"]],
        on=["economy", "indicator", "year"], how="left",
    )  # fmt: skip
    gap = merged["value"].isna() & merged["estimated_value"].notna()
    if admitted is not None:
        keys = pd.MultiIndex.from_frame(merged[["economy", "year"]].astype({"year": "int64"}))
        allowed = pd.MultiIndex.from_frame(admitted.astype({"year": "int64"}))
        gap &= keys.isin(allowed)
    merged.loc[gap, "value"] = merged.loc[gap, "estimated_value"]
    merged["estimated"] = gap
    merged.loc[~gap, ["estimate_low", "estimate_high"]] = np.nan
    merged["estimate_method"] = merged["estimate_method"].where(gap, "").fillna("")
    return merged.drop(columns="estimated_value"), scale
