"""Economy reference data: codes, names, ITU regions, development groups, income, population,
GNI per capita.

Kept as CSV files in ``schemas/reference/`` (see that folder's README for sources) so that a
statistician can correct a region or a population figure without touching code.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from pipeline.paths import REFERENCE


@cache
def economies() -> pd.DataFrame:
    """One row per economy: economy (ISO3), m49, name, itu_region, ldc, lldc, sids, income_group."""
    return pd.read_csv(REFERENCE / "economies.csv", keep_default_na=False, na_values=[""])


@cache
def population() -> pd.DataFrame:
    """economy, year, population, households (households may be missing)."""
    return pd.read_csv(REFERENCE / "population.csv")


@cache
def income_groups() -> pd.DataFrame:
    """economy, year (GNI data year), income_group (L, LM, UM, H): World Bank history."""
    return pd.read_csv(REFERENCE / "income_groups.csv", keep_default_na=False, na_values=[""])


@cache
def gni_per_capita() -> pd.DataFrame:
    """economy, year (GNI data year), gni_per_capita_usd (Atlas), basket, basket_year: the GNI
    per capita ITU divides its price baskets by."""
    return pd.read_csv(REFERENCE / "gni_per_capita.csv")


#: Reference series an estimation cascade may name as a covariate, beside the indicators:
#: covariate code -> (loader, value column). Reference data are not returns: no cutoff applies,
#: the value of year t is a covariate of year t, like population.
COVARIATES = {"gni_per_capita_usd": (gni_per_capita, "gni_per_capita_usd")}


def covariate(code: str) -> pd.DataFrame:
    """A reference covariate as rows ``economy, year, value`` (positive values only)."""
    loader, column = COVARIATES[code]
    table = loader()
    rows = table[["economy", "year", column]].rename(columns={column: "value"})
    return rows[rows["value"] > 0].reset_index(drop=True)


def population_of(rows: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """Population of each row's economy and year, aligned with ``rows`` by position.

    NaN where ``table`` (a :func:`population` frame) has no figure, so a rate over it is
    not computable rather than guessed. One lookup for every stage that divides by
    population (SDG rates, per-capita validation rules).
    """
    keys = rows[["economy", "year"]].astype({"year": "int64"})
    pop = table[["economy", "year", "population"]].astype({"year": "int64"})
    matched = keys.merge(pop, on=["economy", "year"], how="left", validate="many_to_one")
    return matched["population"].to_numpy(dtype=float)
