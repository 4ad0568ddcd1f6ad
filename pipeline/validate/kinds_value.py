"""Rule kinds that look at one indicator's values: ranges, whole numbers, change over time,
scale slips, per-capita plausibility and required indicators.

Each kind is a vectorised function ``(observations, params, context) -> items`` (see
:mod:`pipeline.validate.items`); rules in ``schemas/rules/*.toml`` name the kind and its
parameters. Thresholds live in the rules, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.dictionary import indicators as dictionary
from pipeline.observations import DIMENSION_NAMES
from pipeline.rates import PER_100, per_inhabitants, ratio
from pipeline.reference import population_of
from pipeline.validate.items import fmt, make_items, outcome, select


@dataclass(frozen=True)
class Context:
    """Inputs besides the observations: reference population (economy, year, population)."""

    population: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["economy", "year", "population"])
    )


def _bounds(params: dict) -> tuple[float, float]:
    return float(params.get("min", -np.inf)), float(params.get("max", np.inf))


def _interval(low: float, high: float) -> str:
    if np.isinf(low):
        return f"≤ {fmt([high])[0]}"
    if np.isinf(high):
        return f"≥ {fmt([low])[0]}"
    return f"[{fmt([low])[0]}, {fmt([high])[0]}]"


def check_range(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Every value (all breakdowns) within [min, max], the range its definition allows."""
    rows = obs[obs["indicator"].isin(params["indicators"])]
    low, high = _bounds(params)
    tol = float(params.get("tolerance", 0.0))
    values = rows["value"].to_numpy(float)
    failed = (values < low - tol) | (values > high + tol)
    text = _interval(low, high)
    return make_items(rows, lambda m: [text] * int(m.sum()), outcome(np.isnan(values), failed))


def check_integer(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Counts are whole numbers; a fraction hints at a unit or typing slip."""
    rows = obs[obs["indicator"].isin(params["indicators"])]
    values = rows["value"].to_numpy(float)
    failed = np.abs(values - np.round(values)) > float(params.get("tolerance", 1e-6))
    return make_items(rows, lambda m: fmt(np.round(values[m])), outcome(np.isnan(values), failed))


def _with_previous(obs: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Rows of the rule's indicators joined with the same key one year earlier (``previous``).

    Only totals are compared unless ``keep`` names breakdowns to compare too (e.g. skills):
    small breakdown cells swing by chance and would drown the signal.
    """
    rows = select(obs, params["indicators"], keep=tuple(params.get("keep", ())))
    key = ["economy", "indicator", *DIMENSION_NAMES]
    before = rows[[*key, "year", "value"]].assign(year=rows["year"] + 1)
    return rows.merge(before.rename(columns={"value": "previous"}), on=[*key, "year"], how="left")


def check_year_change(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Change from the previous year outside [lower, upper].

    ``mode = "relative"`` measures percent change, ``"absolute"`` the difference in the
    indicator's unit (percentage points for shares).
    """
    rows = _with_previous(obs, params)
    value, previous = rows["value"].to_numpy(float), rows["previous"].to_numpy(float)
    relative = params.get("mode", "relative") == "relative"
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (value / previous - 1.0) * 100.0 if relative else value - previous
    low, high = float(params.get("lower", -np.inf)), float(params.get("upper", np.inf))
    missing = ~np.isfinite(change)
    unit = "%" if relative else ""
    years, limits = rows["year"].to_numpy(), _interval(low, high)

    def expected(m: np.ndarray) -> list[str]:
        pairs = zip(years[m], fmt(previous[m]), change[m], strict=True)
        return [f"{y - 1}: {p}; Δ {c:+.1f}{unit}; {limits}" for y, p, c in pairs]

    return make_items(rows, expected, outcome(missing, (change < low) | (change > high)))


def check_scale_slip(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Value about ``factor`` times (or 1/factor of) last year's: units vs thousands slip
    ``band`` widens the match: ratio within [factor/band, factor·band]."""
    rows = _with_previous(obs, params)
    value, previous = rows["value"].to_numpy(float), rows["previous"].to_numpy(float)
    factor, band = float(params.get("factor", 1000.0)), float(params.get("band", 3.0))
    quotient = ratio(value, previous)
    missing = ~np.isfinite(quotient) | (quotient <= 0)
    up = (quotient >= factor / band) & (quotient <= factor * band)
    down = (quotient <= band / factor) & (quotient >= 1.0 / (factor * band))
    years = rows["year"].to_numpy()

    def expected(m: np.ndarray) -> list[str]:
        return [f"≈ {p} ({y - 1})" for y, p in zip(years[m], fmt(previous[m]), strict=True)]

    return make_items(rows, expected, outcome(missing, up | down))


def check_per_capita(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Count per ``per`` inhabitants within [min, max] using the reference population
    (ITU's published maxima bound it, e.g. fixed broadband 70.6 per 100)."""
    rows = select(obs, params["indicator"])
    population = population_of(rows, context.population)
    per = float(params.get("per", PER_100))
    rate = per_inhabitants(rows["value"].to_numpy(float), population, per)
    low, high = _bounds(params)
    suffix = f" per {fmt([per])[0]}; {_interval(low, high)}"
    failed = (rate < low) | (rate > high)
    return make_items(
        rows, lambda m: [f"{r}{suffix}" for r in fmt(rate[m])], outcome(~np.isfinite(rate), failed)
    )


def check_required(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Each indicator present (as a total) in the latest year an economy reported on the
    ``questionnaire`` — the core list every return is asked to complete."""
    submitted = obs[obs["kind"] == params["questionnaire"]]
    latest = submitted.groupby("economy", as_index=False).agg(
        year=("year", "max"), source_file=("source_file", "first")
    )
    codes = list(params["indicators"])
    grid = latest.merge(pd.DataFrame({"indicator": codes}), how="cross")
    present = select(obs, codes)[["economy", "year", "indicator", "value", "sheet", "cell"]]
    grid = grid.merge(present, on=["economy", "year", "indicator"], how="left")
    sheets = dictionary()["sheet"].reindex(grid["indicator"]).fillna("").to_numpy(object)
    grid = grid.assign(sheet=grid["sheet"].fillna(pd.Series(sheets, index=grid.index)))
    missing = grid["value"].isna().to_numpy()
    return make_items(
        grid, lambda m: ["reported"] * int(m.sum()), outcome(np.zeros(len(grid), bool), missing)
    )
