"""Which economies belong to which aggregation group, year by year.

Groups are declared in ``schemas/sdg/aggregation.toml``: World, ITU regions (BDT
classification), the UN LDC / LLDC / SIDS lists (M49 flags) and World Bank income groups. Income
groups change over time, so membership is a table keyed by economy *and* year: an economy is in
the income group of its classification for the data year (the latest earlier one when that year
is not yet classified, else the current group in economies.csv; NOTES §5.3.1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

MEMBERSHIP_COLUMNS = ("economy", "year", "group_type", "group", "m49")

_TRUE = {"true", "1", "x", "yes", "y", "t"}

#: World Bank income groups (low, lower-middle, upper-middle, high income).
INCOME_GROUPS = ("L", "LM", "UM", "H")


def truthy(column: pd.Series) -> pd.Series:
    """Flag columns as booleans, whether stored as bools, 0/1 or the M49 file's ``x``."""
    return column.astype(str).str.strip().str.lower().isin(_TRUE)


def _grid(economies: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    years_frame = pd.DataFrame({"year": sorted({int(y) for y in years})}, dtype="int64")
    return economies.merge(years_frame, how="cross")


def _all(grid: pd.DataFrame, spec: dict[str, Any], income: pd.DataFrame) -> pd.Series:
    (name,) = spec["groups"]
    return pd.Series(name, index=grid.index, dtype=object)


def _column(grid: pd.DataFrame, spec: dict[str, Any], income: pd.DataFrame) -> pd.Series:
    values = grid[spec["column"]].astype(object)
    return values.where(values.notna() & values.astype(str).str.strip().ne(""))


def _flag(grid: pd.DataFrame, spec: dict[str, Any], income: pd.DataFrame) -> pd.Series:
    (name,) = spec["groups"]
    return pd.Series(name, index=grid.index, dtype=object).where(truthy(grid[spec["column"]]))


def _income(grid: pd.DataFrame, spec: dict[str, Any], income: pd.DataFrame) -> pd.Series:
    """Income group of the data year, falling back to the latest earlier one, then the current."""
    column = spec["column"]
    history = income.loc[income[column].isin(INCOME_GROUPS), ["economy", "year", column]]
    left = grid[["economy", "year"]].reset_index().sort_values("year")
    dated = pd.merge_asof(
        left,
        history.astype({"year": "int64"}).sort_values("year").rename(columns={column: "_dated"}),
        on="year",
        by="economy",
        direction="backward",
    ).set_index("index")
    group = dated["_dated"].reindex(grid.index).fillna(grid[column]).astype(object)
    return group.where(group.isin(INCOME_GROUPS))


def _income_union(grid: pd.DataFrame, spec: dict[str, Any], income: pd.DataFrame) -> pd.Series:
    """One group of several income groups (World Bank "low and middle income" = L + LM + UM)."""
    (name,) = spec["groups"]
    group = _income(grid, spec, income)
    return pd.Series(name, index=grid.index, dtype=object).where(group.isin(spec["members"]))


#: How each ``kind`` of group type finds an economy's group (None / NaN = not a member).
GROUP_KINDS: dict[str, Callable[[pd.DataFrame, dict[str, Any], pd.DataFrame], pd.Series]] = {
    "all": _all,
    "column": _column,
    "flag": _flag,
    "income": _income,
    "income_union": _income_union,
}


def with_sdg_regions(economies: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """``economies`` plus the ``sdg_region`` column (name) from ``schemas/sdg/sdg_regions.csv``
    (economies absent from that file get no SDG region)."""
    names = regions.set_index("economy")["sdg_region"]
    return economies.assign(sdg_region=economies["economy"].map(names))


def membership(
    economies: pd.DataFrame,
    income_groups: pd.DataFrame,
    years: Iterable[int],
    group_types: list[dict[str, Any]],
) -> pd.DataFrame:
    """One row per economy, year and group it belongs to (columns MEMBERSHIP_COLUMNS)."""
    grid = _grid(economies, years)
    parts = []
    for spec in group_types:
        group = GROUP_KINDS[spec["kind"]](grid, spec, income_groups)
        codes = spec.get("groups", {})
        part = pd.DataFrame(
            {
                "economy": grid["economy"],
                "year": grid["year"],
                "group_type": spec["name"],
                "group": group,
                "m49": group.map(codes).astype("Int64"),
            }
        )
        parts.append(part.loc[part["group"].notna()])
    if not parts:
        return pd.DataFrame(columns=list(MEMBERSHIP_COLUMNS))
    return pd.concat(parts, ignore_index=True)
