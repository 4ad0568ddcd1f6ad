"""Run the estimation cascades over a panel: estimates for the gaps, and the back-test.

For each indicator the cascade's methods predict every cell (:mod:`pipeline.estimate.methods`);
a gap takes the first method that reaches it. Each estimate carries its method, its inputs,
the years to its nearest input and a 90 % prediction interval whose half-width is the 90th
percentile of the same method's leave-one-out errors on the indicator (by horizon for
time-series methods), measured on the cascade's scale in this very run (a method with fewer
than ten such errors borrows the widest width measured for the indicator; an indicator with
none has no interval: ``low``/``high`` empty). The back-test table
holds those errors per indicator and method, beside the carry-forward baseline on the same
cells, so the cascade order can be checked against the numbers.

Bounds (0–100 for shares) and nesting caps (5G ≤ 4G ≤ 3G ≤ 2G) hold for every estimate. A
cell that holds any reported value (official or a reported estimate) is never estimated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.estimate import scales
from pipeline.estimate.cascade import Cascade, Step
from pipeline.estimate.grid import Grid, build
from pipeline.estimate.methods import KIND, REGISTRY, Context, Proposal

ESTIMATE_COLUMNS = (
    "economy", "indicator", "year", "value", "low", "high", "method", "kind", "horizon",
    "inputs", "cascade",
)  # fmt: skip
BACKTEST_COLUMNS = (
    "indicator", "method", "step", "horizon", "n", "mae", "bias", "mae_baseline", "mae_scale",
    "mae_scale_baseline", "q90", "coverage", "beats_baseline", "test",
)  # fmt: skip

#: Fewer leave-one-out errors than this and an interval borrows the widest measured one.
MIN_ERRORS = 10


@dataclass(frozen=True)
class Estimation:
    """Estimates (long, ESTIMATE_COLUMNS) and the leave-one-out back-test (BACKTEST_COLUMNS)."""

    estimates: pd.DataFrame
    backtest: pd.DataFrame


def _context(
    frame: pd.DataFrame,
    cascades: Sequence[Cascade],
    economies: np.ndarray,
    years: np.ndarray,
    categories: dict[str, np.ndarray],
) -> Context:
    codes = {str(c) for cascade in cascades for s in cascade.steps
             for c in s.params.get("covariates", [])}  # fmt: skip
    scale_of = {c.indicator: c.scale for c in cascades}
    covariates = {}
    for code in sorted(codes):
        covariates[code] = _reported(frame, code, economies, years)
    return Context(covariates, {c: scale_of.get(c, "log") for c in codes}, categories)


def _horizon_bucket(h: np.ndarray) -> np.ndarray:
    return np.minimum(h, 3)


def naive(grid: Grid, context: Context) -> np.ndarray:
    """The baseline a method must beat: the latest earlier official value, however old; for an
    economy with none, the median official value of its income group that year (the year's
    median without a group). Every official cell gets a baseline prediction."""
    carried = REGISTRY["carry_forward"](grid, context, {"max_years": 10_000}).value
    labels = context.categories.get("income_group")
    frame = pd.DataFrame(grid.official)
    fallback = np.broadcast_to(frame.median(axis=0).to_numpy(), grid.shape).copy()
    if labels is not None:
        frame = pd.DataFrame({"label": labels.ravel().astype(str),
                              "year": np.tile(np.arange(grid.shape[1]), grid.shape[0]),
                              "value": grid.official.ravel()})  # fmt: skip
        group = frame.groupby(["label", "year"])["value"].transform("median").to_numpy()
        fallback = np.where(
            np.isnan(group.reshape(grid.shape)), fallback, group.reshape(grid.shape)
        )
    return np.where(np.isnan(carried), fallback, carried)


def _backtest(
    grid: Grid, cascade: Cascade, proposals: list[tuple[Step, Proposal]], baseline: np.ndarray
) -> tuple[pd.DataFrame, dict[tuple[str, int], float]]:
    """Leave-one-out errors of each step on the official cells it would fill if they were
    missing (the first step of the cascade that reaches them), beside the naive baseline on
    the same cells; and the interval half-widths (q90 of |error| on the scale)."""
    official = ~np.isnan(grid.official)
    claimed = np.zeros(grid.shape, dtype=bool)
    rows, widths = [], {}
    for number, (step, proposal) in enumerate(proposals, start=1):
        mask = official & ~np.isnan(proposal.value) & ~claimed
        claimed |= mask
        truth = grid.official[mask]
        z_err = scales.forward(cascade.scale, proposal.value[mask]) - scales.forward(
            cascade.scale, truth
        )
        err = proposal.value[mask] - truth
        base_err = baseline[mask] - truth
        base_z = scales.forward(cascade.scale, baseline[mask]) - scales.forward(
            cascade.scale, truth
        )
        buckets = _horizon_bucket(proposal.horizon[mask])
        for bucket in [None, *sorted(set(buckets.tolist()))]:
            pick = np.ones(len(err), bool) if bucket is None else buckets == bucket
            if not pick.any():
                continue
            q90 = float(np.quantile(np.abs(z_err[pick]), 0.9))
            rows.append({
                "indicator": grid.indicator, "method": step.label, "step": number,
                "horizon": "all" if bucket is None else str(int(bucket)), "n": int(pick.sum()),
                "mae": float(np.mean(np.abs(err[pick]))), "bias": float(np.mean(err[pick])),
                "mae_baseline": float(np.nanmean(np.abs(base_err[pick]))),
                "mae_scale": float(np.mean(np.abs(z_err[pick]))),
                "mae_scale_baseline": float(np.nanmean(np.abs(base_z[pick]))), "q90": q90,
                # carry-forward is the baseline's own first half: not a contender
                "beats_baseline": None if step.method == "carry_forward" else bool(
                    np.mean(np.abs(z_err[pick])) < np.nanmean(np.abs(base_z[pick]))),
                "coverage": float(np.mean(np.abs(z_err[pick]) <= q90)),
                "test": "leave-one-out",
            })  # fmt: skip
            if pick.sum() >= MIN_ERRORS:
                widths[(step.label, -1 if bucket is None else int(bucket))] = q90
    return pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS)), widths


def _width(widths: dict[tuple[str, int], float], label: str, h: np.ndarray) -> np.ndarray:
    """Half-width per cell: the step's measured q90 at the horizon, else overall, else widest."""
    widest = max(widths.values(), default=np.nan)
    overall = widths.get((label, -1), widest)
    out = np.full(h.shape, overall, dtype=float)
    for bucket in (1, 2, 3):
        if (label, bucket) in widths:
            out[_horizon_bucket(h) == bucket] = widths[(label, bucket)]
    return out


def estimate(
    frame: pd.DataFrame,
    cascades: Sequence[Cascade],
    economies: Sequence[str],
    years: Sequence[int],
    categories: dict[str, np.ndarray] | None = None,
    targets: Sequence[int] | None = None,
    use: str | None = None,
) -> Estimation:
    """Estimates for the gaps of ``targets`` years (default: all) and the back-test.

    ``frame``: long rows ``economy, indicator, year, value, estimate`` (totals only).
    ``categories``: name -> (E, Y) labels aligned with ``economies`` × ``years``.
    ``use``: only cascades declared for this use ("index" or "aggregates").
    """
    economies = np.asarray(sorted(set(economies)))
    years = np.arange(min(years), max(years) + 1)
    categories = categories or {}
    chosen = [c for c in cascades if use is None or use in c.use]
    context = _context(frame, chosen, economies, years, categories)
    target = np.isin(years, list(targets) if targets is not None else years)[None, :]
    parts, tests = [], []
    filled_values: dict[str, np.ndarray] = {}
    for cascade in chosen:
        grid = build(frame, cascade.indicator, economies, years)
        context = _with_estimates(context, filled_values)
        proposals = [(s, REGISTRY[s.method](grid, context, s.params)) for s in cascade.steps]
        table, widths = _backtest(grid, cascade, proposals, naive(grid, context))
        tests.append(table)
        todo = ~grid.present & target
        value = np.where(grid.present, _reported(frame, grid.indicator, economies, years), np.nan)
        for step, proposal in proposals:
            take = todo & ~np.isnan(proposal.value)
            if not take.any():
                continue
            estimates = _clip(proposal.value[take], cascade)
            if cascade.at_most and cascade.at_most in filled_values:
                cap = filled_values[cascade.at_most][take]
                estimates = np.where(np.isnan(cap), estimates, np.minimum(estimates, cap))
            half = _width(widths, step.label, proposal.horizon[take])
            z = scales.forward(cascade.scale, estimates)
            low = _clip(scales.inverse(cascade.scale, z - half), cascade)
            high = _clip(scales.inverse(cascade.scale, z + half), cascade)
            e_idx, y_idx = np.nonzero(take)
            parts.append(pd.DataFrame({
                "economy": economies[e_idx], "indicator": cascade.indicator,
                "year": years[y_idx], "value": estimates, "low": np.minimum(low, estimates),
                "high": np.maximum(high, estimates), "method": step.label,
                "kind": KIND[step.method], "horizon": proposal.horizon[take],
                "inputs": proposal.describe(take), "cascade": cascade.source,
            }))  # fmt: skip
            value[take] = estimates
            todo &= ~take
        filled_values[cascade.indicator] = value
    estimates = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ESTIMATE_COLUMNS)
    )
    backtest = pd.concat([t for t in tests if not t.empty], ignore_index=True) if any(
        not t.empty for t in tests
    ) else pd.DataFrame(columns=BACKTEST_COLUMNS)  # fmt: skip
    return Estimation(estimates[list(ESTIMATE_COLUMNS)], backtest)


def _with_estimates(context: Context, filled: dict[str, np.ndarray]) -> Context:
    """Covariates that an earlier cascade estimated include its estimates (ownership leans
    on Internet use, estimated first), reported values elsewhere."""
    if not filled:
        return context
    merged = dict(context.covariates)
    for code, values in filled.items():
        if code in merged:
            merged[code] = np.where(np.isnan(merged[code]), values, merged[code])
    return Context(merged, context.covariate_scales, context.categories)


def _reported(
    frame: pd.DataFrame, code: str, economies: np.ndarray, years: np.ndarray
) -> np.ndarray:
    """Every reported value of an indicator (official or estimate) as an (E, Y) matrix."""
    rows = frame[frame["indicator"] == code].assign(estimate=False)
    return build(rows, code, economies, years).official


def _clip(values: np.ndarray, cascade: Cascade) -> np.ndarray:
    low, high = cascade.bounds
    out = np.asarray(values, dtype=float)
    if low is not None:
        out = np.maximum(out, low)
    if high is not None:
        out = np.minimum(out, high)
    return out
