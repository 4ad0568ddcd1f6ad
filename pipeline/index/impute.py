"""Imputation of missing indicator values on the economy × year panel of one edition.

Every method takes the *complete* long panel (one row per economy, year and indicator, with
``value`` NaN where nothing was reported) and fills only missing cells, returning the panel
with the flags that travel to the output (ARCHITECTURE.md ``normalised`` table):

- ``latest`` — the latest value up to ``max_years`` before the year (with ``official_only``,
  the latest official one); flagged ``lagged`` and ``source_year`` records which year was
  used (IDI 2023+ Box 2: the official t−3 value when t−2 is missing, ‡).
- ``interpolate`` — linear interpolation between the nearest reported years on both sides
  (no extrapolation); flagged ``imputed``.
- ``group_mean`` / ``group_median`` — mean or median of the economies of the same group
  (``by`` = a column of the economy reference, e.g. ``itu_region`` or ``income_group``) in the
  same year; flagged ``imputed`` (a simple hot-deck stand-in, MISR 2017 Annex 1 §2).

Work is vectorised with pivots and group-bys; no loop runs over economies or years.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

Imputer = Callable[[pd.DataFrame, pd.DataFrame | None, Mapping[str, object]], pd.DataFrame]

PANEL_KEY = ["economy", "indicator", "year"]

#: Years ``latest`` carries a value forward when its step does not set ``max_years``.
LATEST_MAX_YEARS = 1


def _wide(panel: pd.DataFrame, column: str) -> pd.DataFrame:
    """economy × indicator rows, one column per year."""
    return panel.pivot(index=["economy", "indicator"], columns="year", values=column)


def _long(wide: pd.DataFrame, name: str) -> pd.Series:
    return wide.stack(future_stack=True).rename(name)


def _update(panel: pd.DataFrame, filled: pd.Series, source: pd.Series, flag: str) -> pd.DataFrame:
    """Write values into missing cells, with flag and source year."""
    out = panel.set_index(PANEL_KEY)
    filled = filled.reindex(out.index)
    source = source.reindex(out.index)
    gap = out["value"].isna() & filled.notna()
    out.loc[gap, "value"] = filled[gap]
    out.loc[gap, "source_year"] = source[gap]
    out.loc[gap, flag] = True
    return out.reset_index()


def _calendar(wide: pd.DataFrame) -> pd.DataFrame:
    """Year columns made contiguous, so that a forward fill's ``limit`` counts years, not
    columns (a panel of 2019 and 2021 must not carry 2019 into 2021 with ``max_years = 1``)."""
    years = wide.columns.astype("int64")
    span = range(int(years.min()), int(years.max()) + 1) if len(years) else []
    return wide.reindex(columns=pd.Index(span, dtype=wide.columns.dtype, name=wide.columns.name))


def latest(
    panel: pd.DataFrame, groups: pd.DataFrame | None, params: Mapping[str, object]
) -> pd.DataFrame:
    """Carry the latest value forward by up to ``max_years`` years (flag ``lagged``).

    Only missing cells are filled: a value of the year itself, official or estimate, is
    always used. With ``official_only = true`` only official values are carried — IDI 2023+
    Box 2 (IDI 2024 report, Annex 1): "the t−2 value, official or ITU estimate; the official
    t−3 value (‡) only when t−2 is missing"; an estimate is never lagged.
    """
    limit = int(params.get("max_years", LATEST_MAX_YEARS))
    values = _calendar(_wide(panel, "value"))
    if params.get("official_only") and "estimate" in panel:
        estimate = _calendar(_wide(panel, "estimate")).fillna(False).astype(bool)
        values = values.where(~estimate)
    years = pd.DataFrame(
        np.broadcast_to(np.asarray(values.columns, dtype=float), values.shape),
        index=values.index,
        columns=values.columns,
    ).where(values.notna())
    carried = values.ffill(axis=1, limit=limit)
    source = years.ffill(axis=1, limit=limit)
    return _update(panel, _long(carried, "value"), _long(source, "source_year"), "lagged")


def interpolate(
    panel: pd.DataFrame, groups: pd.DataFrame | None, params: Mapping[str, object]
) -> pd.DataFrame:
    """Linear interpolation in time between reported years (flag ``imputed``)."""
    values = _wide(panel, "value").sort_index(axis=1)
    years = np.asarray(values.columns, dtype=float)
    filled = values.T.set_axis(years).interpolate(method="index", limit_area="inside").T
    filled.columns = values.columns
    source = pd.DataFrame(np.nan, index=values.index, columns=values.columns)
    return _update(panel, _long(filled, "value"), _long(source, "source_year"), "imputed")


def _group_fill(statistic: str) -> Imputer:
    def fill(
        panel: pd.DataFrame, groups: pd.DataFrame | None, params: Mapping[str, object]
    ) -> pd.DataFrame:
        by = str(params.get("by", "itu_region"))
        if groups is None or by not in groups:
            raise ValueError(f"group imputation needs the economy reference column {by!r}")
        grouped = panel.merge(groups[["economy", by]], on="economy", how="left")
        stat = grouped.groupby([by, "indicator", "year"], dropna=True)["value"].transform(statistic)
        filled = pd.Series(stat.to_numpy(), index=pd.MultiIndex.from_frame(grouped[PANEL_KEY]))
        source = pd.Series(np.nan, index=filled.index)
        return _update(panel, filled, source, "imputed")

    fill.__doc__ = f"Group {statistic} by economy-reference column ``by`` (flag ``imputed``)."
    return fill


REGISTRY: dict[str, Imputer] = {
    "latest": latest,
    "interpolate": interpolate,
    "group_mean": _group_fill("mean"),
    "group_median": _group_fill("median"),
}

PARAMETERS: dict[str, frozenset[str]] = {
    "latest": frozenset({"max_years", "official_only"}),
    "interpolate": frozenset(),
    "group_mean": frozenset({"by"}),
    "group_median": frozenset({"by"}),
}


def impute(
    method: str,
    panel: pd.DataFrame,
    groups: pd.DataFrame | None = None,
    params: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Apply the imputation registered as ``method`` to a complete panel.

    ``panel`` columns: economy, indicator, year, value, source_year, lagged, imputed.
    """
    if method not in REGISTRY:
        raise KeyError(f"unknown imputation {method!r}; known: {sorted(REGISTRY)}")
    return REGISTRY[method](panel, groups, params or {})
