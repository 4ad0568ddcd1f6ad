"""The economy × year × indicator panel an edition is computed on.

Selects the edition's indicators (totals only: every breakdown ``_T``) from the observation
table, lays them on a complete grid so that a missing value is an explicit NaN, applies each
indicator's imputation chain and brings back the provenance (file, sheet, cell, estimate) of
the value actually used — for a lagged value, the cell of the earlier year (IDI 2023+ Box 2).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from pipeline.index.impute import PANEL_KEY, impute
from pipeline.index.methodology import Methodology
from pipeline.observations import totals

PROVENANCE = ["estimate", "source_file", "sheet", "cell"]


def select(observations: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Total rows of the given indicators (economy, indicator, year, value + provenance)."""
    rows = totals(observations[observations["indicator"].isin(codes)])
    return rows[["economy", "indicator", "year", "value", *PROVENANCE]]


def grid(economies: list[str], codes: list[str], years: list[int]) -> pd.DataFrame:
    """Every economy × indicator × year combination, in that sort order."""
    index = pd.MultiIndex.from_product([economies, codes, years], names=PANEL_KEY)
    return index.to_frame(index=False)


def build_panel(
    observations: pd.DataFrame,
    methodology: Methodology,
    economies: list[str],
    years: list[int],
    groups: pd.DataFrame | None,
) -> pd.DataFrame:
    """Complete, imputed panel with flags ``lagged``/``imputed`` and provenance columns.

    Rows come in :func:`grid` order (economy, then the edition's indicator order, then year)
    so that :func:`to_array` can reshape without sorting.
    """
    codes = list(methodology.indicators["code"])
    rows = select(observations, codes)
    panel = grid(economies, codes, years).merge(
        rows[["economy", "indicator", "year", "value", "estimate"]], on=PANEL_KEY, how="left"
    )
    panel = panel.assign(
        source_year=panel["year"].where(panel["value"].notna()).astype(float),
        estimate=panel["estimate"].astype("boolean").fillna(False).astype(bool),
        lagged=False,
        imputed=False,
    )
    panel = _impute(panel, methodology, groups).drop(columns="estimate")
    provenance = rows.rename(columns={"year": "source_year"}).drop(columns="value")
    provenance["source_year"] = provenance["source_year"].astype(float)
    panel = panel.merge(provenance, on=["economy", "indicator", "source_year"], how="left")
    panel["estimate"] = panel["estimate"].fillna(False).astype(bool)
    for column in ("source_file", "sheet", "cell"):
        panel[column] = panel[column].fillna("").astype(str)
    return grid(economies, codes, years).merge(panel, on=PANEL_KEY, how="left")


def _impute(
    panel: pd.DataFrame, methodology: Methodology, groups: pd.DataFrame | None
) -> pd.DataFrame:
    """Apply each distinct imputation chain to the indicators that declare it."""
    chains = methodology.indicators.assign(
        chain=methodology.indicators["imputation"].map(lambda s: json.dumps(s, sort_keys=True))
    )
    parts = []
    for chain, members in chains.groupby("chain", sort=False):
        part = panel[panel["indicator"].isin(members["code"])]
        for step in json.loads(str(chain)):
            params = {k: v for k, v in step.items() if k != "method"}
            part = impute(step["method"], part, groups, params)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def official_counts(panel: pd.DataFrame) -> pd.DataFrame:
    """Per economy and year, how many indicators have an official (reported) value.

    Official = reported, not an estimate and not imputed; a lagged value counts, as the
    inclusion rule looks at t−2 *or* t−3 (IDI 2023+ Box 2).
    """
    official = panel["value"].notna() & ~panel["imputed"] & ~panel["estimate"]
    if "estimated" in panel:
        official &= ~panel["estimated"]
    flags = panel.assign(official=official, available=panel["value"].notna())
    counts = flags.groupby(["economy", "year"])[["official", "available"]].sum()
    counts.columns = ["official_indicators", "available_indicators"]
    return counts.reset_index()


def to_array(panel: pd.DataFrame, column: str, shape: tuple[int, int, int]) -> np.ndarray:
    """(n_years, n_economies, n_indicators) array of a panel column (panel sorted by key)."""
    n_economies, n_indicators, n_years = shape[1], shape[2], shape[0]
    values = panel[column].to_numpy(dtype=float).reshape(n_economies, n_indicators, n_years)
    return values.transpose(2, 0, 1)
