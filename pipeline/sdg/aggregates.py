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

from pipeline.estimate.scales import Z90
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
    "share_reported",
    "share_interpolated",
    "share_extrapolated",
    "share_modelled",
    "low",
    "high",
    "published",
    "flag",
    "method",
)

#: What a member's value in an aggregate is: reported for the year, or an estimate by kind
#: (a value carried from an earlier year counts as extrapolated).
KINDS = ("reported", "interpolated", "extrapolated", "modelled")
#: Draws of the Monte Carlo behind an aggregate's interval (seeded: reruns agree).
INTERVAL_DRAWS = 400

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
_SUMMED = ["weighted_sum", "value_sum", "covered_weight", "total_weight",
           *(f"{k}_weight" for k in KINDS)]  # fmt: skip


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
        **{f"{k}_weight": panel["weight"].where(has & panel["kind"].eq(k), 0.0) for k in KINDS},
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


def _with_estimates(panel: pd.DataFrame, estimates: pd.DataFrame | None) -> pd.DataFrame:
    """Total rows without a value of their own year take the member's estimate."""
    panel = panel.assign(low=np.nan, high=np.nan)
    if estimates is None or estimates.empty:
        return panel
    total = np.logical_and.reduce([panel[d].eq("_T") for d in SERIES_DIMENSIONS])
    keyed = estimates.rename(
        columns={"value": "_value", "low": "_low", "high": "_high", "kind": "_kind"}
    )[["series", "economy", "year", "_value", "_low", "_high", "_kind"]]
    keyed = keyed.astype({"year": "int64"})
    merged = panel.astype({"year": "int64"}).merge(
        keyed, on=["series", "economy", "year"], how="left"
    )
    use = total & (merged["value"].isna() | merged["carried"]) & merged["_value"].notna()
    use = use.to_numpy()
    merged.loc[use, "value"] = merged.loc[use, "_value"]
    merged.loc[use, "kind"] = merged.loc[use, "_kind"]
    merged.loc[use, "low"] = merged.loc[use, "_low"]
    merged.loc[use, "high"] = merged.loc[use, "_high"]
    merged.loc[use, "carried"] = True
    merged["estimated_series"] = merged["series"].isin(set(estimates["series"])) & total
    return merged.drop(columns=["_value", "_low", "_high", "_kind"])


_KEYS = ["series", "group_type", "group", "year", *SERIES_DIMENSIONS]


def _estimated_keys(sums: pd.DataFrame, panel: pd.DataFrame) -> pd.Series:
    """Aggregates of a series that estimates complete (total rows of estimated series)."""
    if "estimated_series" not in panel:
        return pd.Series(False, index=sums.index)
    flagged = panel.groupby(_KEYS, sort=False, observed=True)["estimated_series"].any()
    keys = pd.MultiIndex.from_frame(sums[_KEYS])
    return pd.Series(flagged.reindex(keys).fillna(False).to_numpy(bool), index=sums.index)


def _estimate_rule(
    published: pd.Series,
    shares: dict[str, pd.Series],
    estimated: pd.Series,
    settings: dict[str, Any],
) -> tuple[pd.Series, pd.Series]:
    """Publication of aggregates completed by estimates (``[estimates]`` of aggregation.toml).

    ``mode = "coverage"``: normal when the reported share of the base is at least
    ``normal``; flagged "caution" when reported + interpolated is at least ``caution``;
    withheld otherwise. ``mode = "itu"``: published as ITU publishes (no threshold). Other
    aggregates keep the coverage rule.
    """
    rule = settings.get("estimates", {})
    flag = pd.Series("", index=published.index, dtype=object)
    if not estimated.any():
        return published, flag
    if rule.get("mode", "coverage") == "itu":
        return published | estimated, flag.where(~estimated, "itu mode")
    normal = shares["reported"] >= float(rule.get("normal", 2 / 3))
    caution = (shares["reported"] + shares["interpolated"]) >= float(rule.get("caution", 0.5))
    published = published.where(~estimated, normal | caution)
    flag = flag.where(~(estimated & ~normal & caution), "caution")
    return published, flag


def _interval(
    sums: pd.DataFrame, panel: pd.DataFrame, values: pd.Series, estimated: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """5th and 95th percentiles of weighted-mean aggregates when every estimated member is
    drawn from its interval (normal, the 90 % interval's half-width = 1.645 σ, kept in 0–100);
    reported values are held fixed. Empty for aggregates without estimated members."""
    low = pd.Series(np.nan, index=sums.index)
    high = low.copy()
    rows = panel[panel["low"].notna() & panel["value"].notna() & panel["weight"].notna()]
    if rows.empty or not estimated.any():
        return low, high
    keys = pd.MultiIndex.from_frame(sums[_KEYS])
    ids = keys.get_indexer(pd.MultiIndex.from_frame(rows[_KEYS]))
    rows, ids = rows[ids >= 0], ids[ids >= 0]
    sigma = np.nan_to_num(((rows["high"] - rows["low"]) / (2 * Z90)).to_numpy())
    centre, weight = rows["value"].to_numpy(), rows["weight"].to_numpy()
    rng = np.random.default_rng(20251231)
    covered = sums["covered_weight"].to_numpy()
    draws = np.empty((INTERVAL_DRAWS, len(sums)))
    for r in range(INTERVAL_DRAWS):  # a loop over draws; each draw is one bincount
        drawn = np.clip(centre + rng.standard_normal(len(centre)) * sigma, 0.0, 100.0)
        shift = np.bincount(ids, weights=(drawn - centre) * weight, minlength=len(sums))
        draws[r] = values.to_numpy() + shift / np.where(covered > 0, covered, np.nan)
    touched = np.bincount(ids, minlength=len(sums)) > 0
    low[:] = np.where(touched, np.percentile(draws, 5, axis=0), np.nan)
    high[:] = np.where(touched, np.percentile(draws, 95, axis=0), np.nan)
    return low, high


def aggregate(
    series: pd.DataFrame,
    population: pd.DataFrame,
    membership: pd.DataFrame,
    definitions: pd.DataFrame,
    settings: dict[str, Any],
    estimates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Aggregates of every series for every group and year (columns AGGREGATE_COLUMNS).

    ``estimates`` (series, economy, year, value, low, high, kind): estimated totals of the
    members without a reported value (:mod:`pipeline.sdg.estimated`); the series they cover
    are aggregated over every member, with the base's shares by kind, a 90 % interval and the
    ``estimates`` publication rule of ``settings``.

    ``definitions``: one row per series code (index) with ``weight``, ``aggregation`` and
    optionally ``min_coverage`` (a series' own threshold);
    ``settings``: ``carry_years``, ``min_coverage``, ``min_economies`` (aggregation.toml).
    """
    if series.empty:  # an empty batch has nothing to aggregate (and no dtypes to join on)
        return pd.DataFrame(columns=list(AGGREGATE_COLUMNS))
    carry = int(settings["carry_years"])
    panel = fill_gaps(series, membership["economy"], carry)
    reported = panel["value"].notna() & ~panel["carried"]
    panel["kind"] = np.where(reported, "reported", np.where(panel["carried"], "extrapolated", ""))
    panel = _with_estimates(panel, estimates)
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
    shares = {k: (sums[f"{k}_weight"] / sums["total_weight"].where(sums["total_weight"] > 0))
              .fillna(0.0) for k in KINDS}  # fmt: skip
    covered_by_estimates = _estimated_keys(sums, panel)
    published, flag = _estimate_rule(published, shares, covered_by_estimates, settings)
    low, high = _interval(sums, panel, values, covered_by_estimates)
    m49 = membership.drop_duplicates(["group_type", "group"]).set_index(["group_type", "group"])
    result = sums.assign(
        value=values.where(published),
        coverage=coverage,
        **{f"share_{k}": shares[k] for k in KINDS},
        low=low.where(published),
        high=high.where(published),
        published=published,
        flag=flag,
        method=_methods(sums, definitions, carry),
        m49=pd.MultiIndex.from_frame(sums[["group_type", "group"]]).map(m49["m49"]),
    )
    result["m49"] = result["m49"].astype("Int64")
    order = ["series", "group_type", "group", "year", *SERIES_DIMENSIONS]
    return result.sort_values(order).loc[:, list(AGGREGATE_COLUMNS)].reset_index(drop=True)
