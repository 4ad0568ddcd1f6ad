"""Estimation methods: each predicts every cell of an indicator's economy × year matrix.

Every method predicts *every* cell it can, each from the official values other than the cell
itself: a gap from its nearest official years, an official cell from its neighbours as if it
were missing. The same pass therefore fills the gaps and yields the leave-one-out back-test
(predictions at official cells against the truth), so what is measured is exactly what fills.

Kinds (names used in ``schemas/estimation/*.toml``):

- ``interpolate`` — between the nearest official years on both sides, at most ``max_gap``
  years apart; ``form = "geometric"`` (constant annual growth, what ITU's flagged Internet-use
  estimates follow: USA 2020–22 grow by one factor a year) or ``"linear"``.
- ``extrapolate`` — the trend on the method's ``scale`` through the last ``points`` official
  values within ``window`` years, from the last (or, backwards, first) official value for at
  most ``max_years``; ``non_decreasing`` floors the slope at 0, ``damping`` scales it and
  ``max_slope`` bounds it (per year, on the scale: two noisy points must not explode a tail).
- ``group_trend`` — from the last official value, the median yearly change on the scale of
  the economies of the same category (income group of the year), for at most ``max_years``.
- ``carry_forward`` — the latest official value up to ``max_years`` earlier (the baseline every
  method is measured against, and ITU's practice for two thirds of its coverage estimates).
- ``regression`` — ridge regression on the ``scale``, fitted per year on the economies with an
  official value: covariates (other indicators, each on its scale; a missing covariate is set to
  the year's mean) and dummies of categories (income group of the year, ITU region).
  Leave-one-out predictions come from the hat matrix, exact for a linear smoother.
- ``hot_deck`` — the mean (on the scale) of the ``k`` nearest official economies of the same
  year on the standardised covariates; donors of another category are ``penalty`` farther.

No loop runs over economies; regression and hot-deck loop over years (a dozen), each a matrix
solve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.estimate import scales
from pipeline.estimate.grid import Grid, next_official, previous_official, take


@dataclass(frozen=True)
class Context:
    """What cross-sectional methods may use besides the indicator itself."""

    #: code -> (E, Y) values of other indicators (any value reported or already estimated)
    covariates: Mapping[str, np.ndarray] = field(default_factory=dict)
    #: code -> scale name of each covariate
    covariate_scales: Mapping[str, str] = field(default_factory=dict)
    #: name -> (E, Y) category labels (income group of the year, region)
    categories: Mapping[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    """A method's prediction for every cell it can reach (NaN elsewhere)."""

    value: np.ndarray  # (E, Y) on the indicator's own scale
    horizon: np.ndarray  # (E, Y) years to the nearest input value (0 for cross-sections)
    #: text naming the inputs of each cell of a boolean mask (only called for used cells)
    describe: Callable[[np.ndarray], np.ndarray]


Method = Callable[[Grid, Context, Mapping[str, object]], Proposal]


def _years_text(grid: Grid, columns: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return grid.years[np.clip(columns[mask], 0, None)].astype(str)


def interpolate(grid: Grid, context: Context, params: Mapping[str, object]) -> Proposal:
    """Between the nearest official years on both sides (constant growth or linear)."""
    known = ~np.isnan(grid.official)
    before, after = previous_official(known), next_official(known)
    max_gap = int(params.get("max_gap", 8))
    ok = (before >= 0) & (after >= 0) & (after - before <= max_gap)
    left, right = take(grid.official, before), take(grid.official, after)
    t = np.arange(grid.shape[1])[None, :]
    share = (t - before) / np.where(ok, after - before, 1)
    geometric = params.get("form", "geometric") == "geometric"
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if geometric:
            positive = (left > 0) & (right > 0)
            grown = left * (right / left) ** share
            grown = np.where(np.isfinite(grown), grown, np.nan)
            value = np.where(positive & ~np.isnan(grown), grown, left + (right - left) * share)
        else:
            value = left + (right - left) * share
    value = np.where(ok, value, np.nan)
    horizon = np.where(ok, np.minimum(t - before, after - t), 0)
    form = "constant growth" if geometric else "linear"

    def describe(mask: np.ndarray) -> np.ndarray:
        return np.char.add(
            np.char.add(f"{form} between ", _years_text(grid, before, mask)),
            np.char.add(" and ", _years_text(grid, after, mask)),
        )

    return Proposal(value, horizon, describe)


def _slope(z: np.ndarray, anchors: list[np.ndarray], window: int) -> np.ndarray:
    """Least-squares slope through the anchor points (column indices, −1 = none) per cell."""
    t = [np.where(a >= 0, a, np.nan).astype(float) for a in anchors]
    y = [take(z, a) for a in anchors]
    first = t[0]
    use = [~np.isnan(ti) & ~np.isnan(yi) & (np.abs(first - ti) <= window) for ti, yi in
           zip(t, y, strict=True)]  # fmt: skip
    n = sum(u.astype(int) for u in use)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = sum(np.where(u, ti, 0.0) for u, ti in zip(use, t, strict=True)) / n
        y_mean = sum(np.where(u, yi, 0.0) for u, yi in zip(use, y, strict=True)) / n
        cov = sum(np.where(u, (ti - t_mean) * (yi - y_mean), 0.0)
                  for u, ti, yi in zip(use, t, y, strict=True))  # fmt: skip
        var = sum(np.where(u, (ti - t_mean) ** 2, 0.0) for u, ti in zip(use, t, strict=True))
        return np.where((n >= 2) & (var > 0), cov / var, np.nan)


def _chain(start: np.ndarray, step: Callable[[np.ndarray], np.ndarray], count: int):
    """start, step(start), step(step(start)), … (anchor columns going back in time)."""
    anchors = [start]
    for _ in range(count - 1):
        anchors.append(step(anchors[-1]))
    return anchors


def extrapolate(grid: Grid, context: Context, params: Mapping[str, object]) -> Proposal:
    """Trend on the scale from the last official value (and backwards from the first)."""
    scale = str(params.get("scale", "identity"))
    z = scales.forward(scale, grid.official)
    known = ~np.isnan(grid.official)
    points, window = int(params.get("points", 3)), int(params.get("window", 8))
    max_years = int(params.get("max_years", 3))
    damping = float(params.get("damping", 1.0))
    floor = bool(params.get("non_decreasing", False))
    steepest = float(params.get("max_slope", 0.5))
    prev_col, next_col = previous_official(known), next_official(known)
    rows = np.arange(known.shape[0])[:, None]
    t = np.arange(grid.shape[1])[None, :]

    def earlier(cols: np.ndarray) -> np.ndarray:
        return np.where(cols >= 0, prev_col[rows, np.clip(cols, 0, None)], -1)

    def later(cols: np.ndarray) -> np.ndarray:
        return np.where(cols >= 0, next_col[rows, np.clip(cols, 0, None)], -1)

    out = np.full(grid.shape, np.nan)
    horizon = np.zeros(grid.shape, dtype=int)
    anchor_col = np.full(grid.shape, -1)
    directions = [(prev_col, earlier, 1)]
    if params.get("backwards", True):
        directions.append((next_col, later, -1))
    for start, step, sign in directions:
        slope = np.clip(_slope(z, _chain(start, step, points), window), -steepest, steepest)
        slope = slope * damping
        if floor:  # forwards: never below the last value; backwards: never above the first
            slope = np.maximum(slope, 0.0)
        h = (t - start) * sign
        ok = (start >= 0) & (h >= 1) & (h <= max_years) & ~np.isnan(slope) & np.isnan(out)
        value = take(z, start) + slope * (t - start)
        out = np.where(ok, value, out)
        horizon = np.where(ok, h, horizon)
        anchor_col = np.where(ok, start, anchor_col)

    def describe(mask: np.ndarray) -> np.ndarray:
        return np.char.add(
            np.char.add(f"{scale} trend through up to {points} official values to ",
                        _years_text(grid, anchor_col, mask)),
            np.char.add(", horizon ", horizon[mask].astype(str)),
        )  # fmt: skip

    return Proposal(scales.inverse(scale, out), horizon, describe)


def group_trend(grid: Grid, context: Context, params: Mapping[str, object]) -> Proposal:
    """From the last official value, the median yearly change (on the scale) of the economies
    of the same category (``by``, e.g. income group of the year), for at most ``max_years``.

    For an economy whose last survey is old (Afghanistan's latest Internet-use survey before
    2021 is of 2016) its own value anchors the level and economies alike supply the pace; a
    cross-section ignores the anchor, the economy's own trend is too short to extend that far.
    """
    scale = str(params.get("scale", "identity"))
    z = scales.forward(scale, grid.official)
    known = ~np.isnan(grid.official)
    before = previous_official(known)
    t = np.arange(grid.shape[1])[None, :]
    gap = t - before
    pair = known & (before >= 0) & (gap <= int(params.get("pair_years", 6)))
    change = np.where(pair, (z - take(z, before)) / np.where(gap > 0, gap, 1), np.nan)
    by = str(params.get("by", ""))
    labels = context.categories.get(by, np.full(grid.shape, "", dtype=object)).astype(str)
    frame = pd.DataFrame({"label": labels.ravel(), "change": change.ravel()})
    medians = frame.groupby("label")["change"].median()
    pace = medians.reindex(labels.ravel()).to_numpy().reshape(grid.shape)
    if params.get("non_decreasing", False):
        pace = np.maximum(pace, 0.0)
    ok = (before >= 0) & (gap >= 1) & (gap <= int(params.get("max_years", 8))) & ~np.isnan(pace)
    value = np.where(ok, take(z, before) + pace * gap, np.nan)

    def describe(mask: np.ndarray) -> np.ndarray:
        return np.char.add(
            np.char.add("official value of ", _years_text(grid, before, mask)),
            np.char.add(f" moved at the median yearly {scale} change of its {by} (",
                        np.char.add(labels[mask], ")")),
        )  # fmt: skip

    return Proposal(scales.inverse(scale, value), np.where(ok, gap, 0), describe)


def carry_forward(grid: Grid, context: Context, params: Mapping[str, object]) -> Proposal:
    """The latest official value up to ``max_years`` earlier."""
    known = ~np.isnan(grid.official)
    before = previous_official(known)
    t = np.arange(grid.shape[1])[None, :]
    h = t - before
    ok = (before >= 0) & (h <= int(params.get("max_years", 3)))
    value = np.where(ok, take(grid.official, before), np.nan)

    def describe(mask: np.ndarray) -> np.ndarray:
        return np.char.add("official value of ", _years_text(grid, before, mask))

    return Proposal(value, np.where(ok, h, 0), describe)


def _design(
    context: Context, codes: list[str], categories: list[str], year: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Standardised covariates of one year column (mean-filled) and category dummies."""
    columns, names = [], []
    present = None
    for code in codes:
        raw = context.covariates[code][:, year]
        x = scales.forward(context.covariate_scales.get(code, "identity"), raw)
        x = np.where(np.isnan(raw), np.nan, x)
        have = ~np.isnan(x)
        present = have.astype(int) if present is None else present + have
        if have.sum() < 3:
            continue
        mean, sd = np.nanmean(x), np.nanstd(x)
        columns.append(np.where(have, (x - mean) / (sd if sd > 0 else 1.0), 0.0))
        names.append(code)
    for name in categories:
        labels = context.categories[name][:, year].astype(str)
        for level in sorted(set(labels) - {"", "nan", "None"})[1:]:
            columns.append((labels == level).astype(float))
            names.append(f"{name}={level}")
    n = len(context.covariates[codes[0]]) if codes else 0
    x = np.column_stack(columns) if columns else np.zeros((n, 0))
    covered = present if present is not None else np.zeros(n, dtype=int)
    return x, covered, names


def _covariates(grid: Grid, context: Context, params: Mapping[str, object]) -> list[str]:
    """Declared covariates that exist, never the indicator itself (that would be its answer)."""
    declared = [str(c) for c in params.get("covariates", [])]  # type: ignore[attr-defined]
    return [c for c in declared if c in context.covariates and c != grid.indicator]


def _inverse(matrix: np.ndarray) -> np.ndarray:
    """Inverse of a small symmetric positive-definite matrix by Gauss–Jordan elimination in
    plain numpy: BLAS and LAPACK pick kernels by CPU type and thread count, so their last bits
    vary between environments; this keeps an estimate the same to the bit wherever ictstats
    runs on one machine. (A ridge penalty keeps the Gram matrix positive definite; without it
    a singular matrix falls back to the pseudo-inverse.)"""
    size = matrix.shape[0]
    work = np.concatenate([matrix.astype(float), np.eye(size)], axis=1)
    for k in range(size):  # a loop over the (≤ 20) covariates, not over economies
        pivot = work[k, k]
        if not np.isfinite(pivot) or abs(pivot) < 1e-12:
            return np.linalg.pinv(matrix)
        work[k] = work[k] / pivot
        factor = work[:, k].copy()
        factor[k] = 0.0
        work = work - factor[:, None] * work[k][None, :]
    return work[:, size:]


def regression(grid: Grid, context: Context, params: Mapping[str, object]) -> Proposal:
    """Ridge regression on the scale, one fit per year, leave-one-out at official cells."""
    scale = str(params.get("scale", "identity"))
    codes = _covariates(grid, context, params)
    categories = [str(c) for c in params.get("categories", []) if str(c) in context.categories]  # type: ignore[union-attr]
    penalty = float(params.get("ridge", 1.0))
    min_donors = int(params.get("min_donors", 20))
    min_covariates = int(params.get("min_covariates", 1))
    z = scales.forward(scale, grid.official)
    out = np.full(grid.shape, np.nan)
    n_fit = np.zeros(grid.shape[1], dtype=int)
    for year in range(grid.shape[1]):
        y = z[:, year]
        donors = ~np.isnan(y)
        if donors.sum() < min_donors or not codes:
            continue
        x, covered, _ = _design(context, codes, categories, year)
        design = np.column_stack([np.ones(len(y)), x])
        fit_x, fit_y = design[donors], y[donors]
        gram = np.einsum("ij,ik->jk", fit_x, fit_x)
        gram = gram + penalty * np.diag([0.0] + [1.0] * x.shape[1])
        inverse = _inverse(gram)
        beta = np.einsum("jk,ik,i->j", inverse, fit_x, fit_y)
        predicted = np.einsum("ij,j->i", design, beta)
        hat = np.einsum("ij,jk,ik->i", fit_x, inverse, fit_x)
        fitted = np.einsum("ij,j->i", fit_x, beta)
        loo = fit_y - (fit_y - fitted) / np.maximum(1.0 - hat, 1e-6)
        predicted[donors] = loo
        predicted[covered < min_covariates] = np.nan
        out[:, year] = predicted
        n_fit[year] = int(donors.sum())
    text = f"ridge regression on the {scale} scale: " + ", ".join(codes + categories)

    def describe(mask: np.ndarray) -> np.ndarray:
        cols = np.nonzero(mask)[1]
        return np.char.add(
            np.char.add(text + "; fitted on ", n_fit[cols].astype(str)),
            " official economies of the year",
        )

    return Proposal(scales.inverse(scale, out), np.zeros(grid.shape, dtype=int), describe)


def hot_deck(grid: Grid, context: Context, params: Mapping[str, object]) -> Proposal:
    """Mean of the k nearest official economies of the year (donor's own cell excluded)."""
    scale = str(params.get("scale", "identity"))
    codes = _covariates(grid, context, params)
    by = str(params.get("by", ""))
    k, penalty = int(params.get("k", 3)), float(params.get("penalty", 10.0))
    z = scales.forward(scale, grid.official)
    out = np.full(grid.shape, np.nan)
    donors_of = np.full((*grid.shape, k), -1)
    for year in range(grid.shape[1]):
        y = z[:, year]
        donors = np.flatnonzero(~np.isnan(y))
        if len(donors) < k + 1 or not codes:
            continue
        x, covered, _ = _design(context, codes, [], year)
        distance = np.sqrt(((x[:, None, :] - x[None, donors, :]) ** 2).sum(axis=-1))
        if by in context.categories:
            labels = context.categories[by][:, year].astype(str)
            distance = distance + penalty * (labels[:, None] != labels[None, donors])
        distance[donors, np.arange(len(donors))] = np.inf  # never one's own donor
        nearest = np.argsort(distance, axis=1)[:, :k]
        value = y[donors][nearest].mean(axis=1)
        value[covered < 1] = np.nan
        out[:, year] = value
        donors_of[:, year, :] = donors[nearest]

    def describe(mask: np.ndarray) -> np.ndarray:
        names = grid.economies[donors_of[mask]]
        joined = names[:, 0].astype(str)
        for j in range(1, names.shape[1]):
            joined = np.char.add(np.char.add(joined, ", "), names[:, j].astype(str))
        return np.char.add(f"mean of the {k} nearest official economies: ", joined)

    return Proposal(scales.inverse(scale, out), np.zeros(grid.shape, dtype=int), describe)


REGISTRY: dict[str, Method] = {
    "interpolate": interpolate,
    "extrapolate": extrapolate,
    "group_trend": group_trend,
    "carry_forward": carry_forward,
    "regression": regression,
    "hot_deck": hot_deck,
}

#: Parameters each kind reads (a cascade naming another is refused).
PARAMETERS: dict[str, frozenset[str]] = {
    "interpolate": frozenset({"max_gap", "form"}),
    "extrapolate": frozenset(
        {
            "scale",
            "points",
            "window",
            "max_years",
            "damping",
            "non_decreasing",
            "backwards",
            "max_slope",
        }
    ),
    "group_trend": frozenset({"scale", "by", "max_years", "pair_years", "non_decreasing"}),
    "carry_forward": frozenset({"max_years"}),
    "regression": frozenset(
        {"scale", "covariates", "categories", "ridge", "min_donors", "min_covariates"}
    ),
    "hot_deck": frozenset({"scale", "covariates", "by", "k", "penalty"}),
}

#: What a kind's estimates are: "interpolated" (between official values), "extrapolated"
#: (beyond them, one series) or "modelled" (from other economies) — the shares of an
#: aggregate's base reported by kind.
KIND: dict[str, str] = {
    "interpolate": "interpolated",
    "extrapolate": "extrapolated",
    "group_trend": "extrapolated",
    "carry_forward": "extrapolated",
    "regression": "modelled",
    "hot_deck": "modelled",
}
