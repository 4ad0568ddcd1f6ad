"""Regional and global aggregates of the SDG series, with coverage and a publication rule.

Method: rates are means of the member economies' values weighted
by the series' denominator (population for individuals and coverage, households for
household indicators), which for per-100 rates equals Σ subscriptions ÷ Σ population × 100
(World Bank metadata, IT.NET.BBND.P2); counts are sums. A member without a value in the target
year contributes its latest earlier value no more than ``carry_years`` old. ``coverage`` is the
share of the group's denominator held by members with a value; ``n_carried`` counts the members
whose value came from an earlier year (SDMX OBS_STATUS E, "estimated", when any did); below
``min_coverage`` (or with fewer than ``min_economies`` members) the aggregate is withheld: value
empty, published false.
Everything is one vectorised groupby per table, no loop over groups or economies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from pipeline.sdg.series import SERIES_DIMENSIONS

AGGREGATE_COLUMNS = (
    "series",
    "group_type",
    "group",
    "m49",
    "year",
    *SERIES_DIMENSIONS,
    "value",
    "coverage",
    "n_economies",
    "n_members",
    "n_carried",
    "published",
    "method",
)

#: Denominators: weight name in series.toml -> column of schemas/reference/population.csv.
#: "individuals" is the population as a whole until age-scope populations are in the reference.
WEIGHTS: dict[str, str] = {
    "population": "population",
    "individuals": "population",
    "households": "households",
}


def weighted_mean(sums: pd.DataFrame) -> pd.Series:
    """Σ value × weight ÷ Σ weight over members with a value."""
    return sums["weighted_sum"] / sums["covered_weight"].where(sums["covered_weight"] > 0)


def total(sums: pd.DataFrame) -> pd.Series:
    """Σ value over members with a value (subscriptions, users: totals are sums)."""
    return sums["value_sum"]


#: Aggregation kinds keyed by the names used in series.toml, with the words used in ``method``.
AGGREGATIONS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "weighted_mean": weighted_mean,
    "sum": total,
}
_METHOD_WORDS = {"weighted_mean": "{weight}-weighted mean", "sum": "sum of member values"}

_COMBO = ["series", *SERIES_DIMENSIONS]
_SUMMED = ["weighted_sum", "value_sum", "covered_weight", "total_weight"]


def fill_gaps(series: pd.DataFrame, economies: pd.Series, carry_years: int) -> pd.DataFrame:
    """Every series × breakdown × economy × year with data: the value or the latest earlier one.

    Target years are the years in which the series has at least one economy value. The result
    has ``value`` (NaN when no value within ``carry_years``) and ``carried`` (value from an
    earlier year).
    """
    combos = series[_COMBO].drop_duplicates()
    years = series[["series", "year"]].drop_duplicates()
    members = pd.DataFrame({"economy": pd.unique(economies)})
    grid = combos.merge(years, on="series").merge(members, how="cross")
    known = series[[*_COMBO, "economy", "year", "value"]].assign(source_year=series["year"])
    filled = pd.merge_asof(
        grid.astype({"year": "int64"}).sort_values("year"),
        known.astype({"year": "int64"}).sort_values("year"),
        on="year",
        by=[*_COMBO, "economy"],
        tolerance=int(carry_years),
        direction="backward",
    )
    filled["carried"] = filled["source_year"].notna() & filled["source_year"].ne(filled["year"])
    return filled.drop(columns="source_year")


def _weights(panel: pd.DataFrame, population: pd.DataFrame, weight_of: pd.Series) -> pd.Series:
    """The denominator of each panel row: its series' weight for the economy and target year."""
    columns = sorted({WEIGHTS[w] for w in weight_of})
    long = population.melt(
        id_vars=["economy", "year"], value_vars=columns, var_name="_column", value_name="weight"
    ).astype({"year": "int64"})
    keys = panel[["economy", "year"]].assign(_column=panel["series"].map(weight_of).map(WEIGHTS))
    matched = keys.merge(long, on=["economy", "year", "_column"], how="left", validate="m:1")
    return pd.Series(matched["weight"].to_numpy(dtype=float), index=panel.index)


def _group_sums(panel: pd.DataFrame) -> pd.DataFrame:
    has = panel["value"].notna() & panel["weight"].notna()
    parts = panel.assign(
        weighted_sum=(panel["value"] * panel["weight"]).where(has, 0.0),
        value_sum=panel["value"].where(has, 0.0),
        covered_weight=panel["weight"].where(has, 0.0),
        total_weight=panel["weight"].fillna(0.0),
        n_economies=has.astype("int64"),
        n_members=1,
        n_carried=(has & panel["carried"]).astype("int64"),
    )
    keys = ["series", "group_type", "group", "year", *SERIES_DIMENSIONS]
    columns = [*_SUMMED, "n_economies", "n_members", "n_carried"]
    sums = parts.groupby(keys, sort=False, observed=True)[columns].sum()
    return sums.reset_index()


def _methods(sums: pd.DataFrame, definitions: pd.DataFrame, carry_years: int) -> pd.Series:
    words = definitions["aggregation"].map(_METHOD_WORDS)
    label = pd.Series(
        [w.format(weight=weight) for w, weight in zip(words, definitions["weight"], strict=True)],
        index=definitions.index,
    )
    base = sums["series"].map(label)
    gap = f"; gaps filled with the latest value within {carry_years} years ("
    return (
        base + gap + sums["n_carried"].astype(str) + " of " + sums["n_economies"].astype(str)
    ) + " members carried)"


def _thresholds(
    sums: pd.DataFrame, definitions: pd.DataFrame, settings: dict[str, Any]
) -> pd.Series:
    """Coverage needed per row: the series' own ``min_coverage`` where set, else the default."""
    own = definitions.get("min_coverage", pd.Series(np.nan, index=definitions.index))
    own = pd.to_numeric(own, errors="coerce")
    return sums["series"].map(own).fillna(float(settings["min_coverage"])).astype(float)


def aggregate(
    series: pd.DataFrame,
    population: pd.DataFrame,
    membership: pd.DataFrame,
    definitions: pd.DataFrame,
    settings: dict[str, Any],
) -> pd.DataFrame:
    """Aggregates of every series for every group and year (columns AGGREGATE_COLUMNS).

    ``definitions``: one row per series code (index) with ``weight``, ``aggregation`` and
    optionally ``min_coverage`` (a series' own threshold);
    ``settings``: ``carry_years``, ``min_coverage``, ``min_economies`` (aggregation.toml).
    """
    if series.empty:  # an empty batch has nothing to aggregate (and no dtypes to join on)
        return pd.DataFrame(columns=list(AGGREGATE_COLUMNS))
    carry = int(settings["carry_years"])
    panel = fill_gaps(series, membership["economy"], carry)
    panel["weight"] = _weights(panel, population, definitions["weight"])
    panel = panel.merge(membership, on=["economy", "year"], how="inner")
    sums = _group_sums(panel)
    values = pd.Series(np.nan, index=sums.index)
    kind = sums["series"].map(definitions["aggregation"])
    for name, function in AGGREGATIONS.items():
        values = values.where(kind.ne(name), function(sums))
    coverage = sums["covered_weight"] / sums["total_weight"].where(sums["total_weight"] > 0)
    coverage = coverage.fillna(0.0).clip(0.0, 1.0)
    published = coverage.ge(_thresholds(sums, definitions, settings)) & sums["n_economies"].ge(
        settings["min_economies"]
    )
    m49 = membership.drop_duplicates(["group_type", "group"]).set_index(["group_type", "group"])
    result = sums.assign(
        value=values.where(published),
        coverage=coverage,
        published=published,
        method=_methods(sums, definitions, carry),
        m49=pd.MultiIndex.from_frame(sums[["group_type", "group"]]).map(m49["m49"]),
    )
    result["m49"] = result["m49"].astype("Int64")
    order = ["series", "group_type", "group", "year", *SERIES_DIMENSIONS]
    return result.sort_values(order).loc[:, list(AGGREGATE_COLUMNS)].reset_index(drop=True)
