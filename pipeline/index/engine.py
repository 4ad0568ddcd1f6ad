"""Compute one index edition: panel → transform → treat → normalise → aggregate → rank.

:func:`compute_edition` is the pure entry point that the CLI, publish and uncertainty call.
It works on arrays shaped (n_years, n_economies, n_indicators): years are the leading
"replication" axis of the array contract, so data-driven normalisations (min-max, z-score…)
use each year's economies, and the whole panel is one vectorised pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipeline.derive import with_derived
from pipeline.estimate import scales as estimate_scales
from pipeline.estimate.scales import Z90
from pipeline.index import aggregate, normalise, treat, tree
from pipeline.index.impute import LATEST_MAX_YEARS
from pipeline.index.methodology import Methodology, load
from pipeline.index.notes import NOTE_COLUMNS, notes_table
from pipeline.index.panel import build_panel, official_counts, to_array
from pipeline.index.rank import rank_scores, round_half_up, with_previous
from pipeline.index.tables import (
    EXCLUDED_COLUMNS,
    SCORE_COLUMNS,
    normalised_table,
    scores_table,
    weights_table,
)


@dataclass(frozen=True)
class IndexResult:
    """Outputs of one edition (columns as in ARCHITECTURE.md, index stage)."""

    methodology: Methodology
    scores: pd.DataFrame
    normalised: pd.DataFrame
    weights: pd.DataFrame
    excluded: pd.DataFrame
    #: (n_years, n_economies, n_indicators) arrays "raw", "transformed", "treated",
    #: "normalised", with their axis labels "years", "economies", "indicators" — the starting
    #: point for uncertainty analysis (replications on further leading axes).
    arrays: dict[str, Any] = field(default_factory=dict)
    #: Why an economy-year with data has no index score (``pipeline/index/notes.py``).
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(NOTE_COLUMNS)))


def _params(specs: pd.Series) -> dict[str, np.ndarray]:
    """Per-indicator parameter arrays (NaN where an indicator does not set one)."""
    names = sorted({key for spec in specs for key in spec if key != "method"})
    return {
        name: np.array([float(spec.get(name, np.nan)) for spec in specs], dtype=float)
        for name in names
    }


def _transformed_params(indicators: pd.DataFrame, columns: np.ndarray) -> dict[str, np.ndarray]:
    """Normalisation parameters, with value-unit ones (goalposts…) transformed like the data."""
    params = _params(indicators["normalisation"].iloc[columns])
    for name in normalise.VALUE_PARAMETERS & set(params):
        raw = params[name]
        params[name] = np.array(
            [
                treat.transform(indicators["transform"].iloc[j], np.array([v]))[0]
                for j, v in zip(columns, raw, strict=True)
            ]
        )
    return params


def transform_values(x: np.ndarray, indicators: pd.DataFrame) -> np.ndarray:
    """Apply each indicator's transform to its column (IDI: ln(x+1) traffic)."""
    out = np.array(x, dtype=float)
    for j, name in enumerate(indicators["transform"]):
        out[..., j] = treat.transform(name, out[..., j])
    return out


def _by_method(indicators: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    methods = indicators[column].map(lambda spec: spec["method"]).to_numpy()
    return {name: np.flatnonzero(methods == name) for name in dict.fromkeys(methods)}


def treat_values(x: np.ndarray, indicators: pd.DataFrame) -> np.ndarray:
    """Apply each indicator's outlier treatment (IDI editions: none; COINr-style otherwise)."""
    out = np.array(x, dtype=float)
    for method, columns in _by_method(indicators, "treatment").items():
        params = _params(indicators["treatment"].iloc[columns])
        out[..., columns] = treat.treat(method, out[..., columns], params)
    return out


def normalise_values(x: np.ndarray, indicators: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Normalised values and a ``capped`` flag (value beyond a goalpost or reference cap)."""
    out = np.full_like(x, np.nan)
    capped = np.zeros(x.shape, dtype=bool)
    direction = indicators["direction"].to_numpy(dtype=float)
    for method, columns in _by_method(indicators, "normalisation").items():
        params = _transformed_params(indicators, columns)
        out[..., columns] = normalise.normalise(method, x[..., columns], direction[columns], params)
        capped[..., columns] = _capped(method, x[..., columns], direction[columns], params)
    return out, capped


def _capped(method: str, x: np.ndarray, direction: np.ndarray, params: dict) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "goalposts":
            # an indicator without its own threshold has NaN here when another one sets it
            threshold = np.nan_to_num(params.get("threshold", 0.0), nan=0.0)
            low = np.minimum(threshold, params["goalpost"])
            high = np.maximum(threshold, params["goalpost"])
            return (x < low) | (x > high)
        if method == "reference" and "cap" in params:
            ratio = np.where(direction < 0, params["reference"] / x, x / params["reference"])
            return ratio > params["cap"]
    return np.zeros(x.shape, dtype=bool)


def _child_weights(children: pd.DataFrame, override: Mapping[str, Any]) -> np.ndarray:
    """Weights (..., n_children): nominal, or per-replication arrays given in ``override``."""
    values = [np.asarray(override.get(c, w), dtype=float) for c, w in
              zip(children["code"], children["weight"], strict=True)]  # fmt: skip
    lead = np.broadcast_shapes(*(v.shape for v in values))
    return np.stack([np.broadcast_to(v, lead) for v in values], axis=-1)


def aggregate_tree(
    scores: dict[str, np.ndarray],
    methodology: Methodology,
    weights: Mapping[str, Any] | None = None,
    aggregation: Mapping[str, str] | None = None,
) -> dict[str, np.ndarray]:
    """Aggregate bottom-up; a node below its ``min_share`` of child weight present is NaN.

    ``scores`` maps indicator codes to arrays (..., n_economies). ``weights`` may replace the
    weight of any node or indicator by a number or an array shaped like the scores without
    their economy axis (e.g. (n_replications, 1)), ``aggregation`` the
    method of any node (uncertainty analysis varies both).
    """
    override, methods = weights or {}, aggregation or {}
    out = dict(scores)
    for node, children in tree.bottom_up(methodology):
        stacked = np.stack([out[c] for c in children["code"]], axis=-1)
        w = _child_weights(children, override)
        spec = node.aggregation
        params = {k: v for k, v in spec.items() if k != "method"}
        value = aggregate.aggregate(methods.get(node.code, spec["method"]), stacked, w, params)
        out[node.code] = aggregate.available(value, stacked, w, node.min_share)
    return out


def compute_edition(
    observations: pd.DataFrame,
    edition: str | Methodology,
    population: pd.DataFrame | None = None,
    economies: pd.DataFrame | None = None,
    years: list[int] | None = None,
    cascades: list | None = None,
) -> IndexResult:
    """Scores, normalised values and weights of one edition for every economy and year.

    ``economies`` (the economy reference: economy, itu_region, income_group…) adds economies
    without data (for imputation) and feeds group imputation; every economy with data is kept.
    ``population`` enables derived indicators (per 100 inhabitants, per subscription).
    ``cascades`` replaces the estimation cascades of ``schemas/estimation/`` (editions that
    declare ``estimation = true``).
    """
    methodology = edition if isinstance(edition, Methodology) else load(edition)
    codes = list(methodology.indicators["code"])
    reported = observations
    if population is not None:
        observations = with_derived(observations, population, only=codes)
    relevant = observations[observations["indicator"].isin(codes)]
    listed = set(economies["economy"]) if economies is not None else set()
    economy_list = sorted(listed | set(relevant["economy"]))  # no reported economy is dropped
    year_list = sorted(years) if years else _year_span(relevant)
    span = list(
        range(min(year_list, default=0) - _lookback(methodology), min(year_list, default=0))
    )
    full = build_panel(relevant, methodology, economy_list, span + year_list, economies)
    from pipeline.index import estimated  # the estimation engine imports the methodology

    minimum = int(methodology.edition["min_indicators"])
    scale: dict[str, str] = {}
    if methodology.edition.get("estimation"):
        # ITU estimates inputs of the economies its inclusion rule admits, and only those
        counts = official_counts(full[full["year"].isin(year_list)])
        admitted = counts.loc[counts["official_indicators"] >= minimum, ["economy", "year"]]
        full, scale = estimated.fill(
            full, reported, codes, population, economy_list, year_list, cascades, admitted
        )
    else:
        full = estimated.blank(full)
    panel = full[full["year"].isin(year_list)].reset_index(drop=True)
    counts = official_counts(panel)
    included = counts["official_indicators"] >= minimum
    shape = (len(year_list), len(economy_list), len(codes))
    keep = included.to_numpy().reshape(len(economy_list), len(year_list)).T[..., None]
    raw = np.where(keep, to_array(panel, "value", shape), np.nan)
    transformed = transform_values(raw, methodology.indicators)
    treated = treat_values(transformed, methodology.indicators)
    normalised, capped = normalise_values(treated, methodology.indicators)
    columns = {code: normalised[..., j] for j, code in enumerate(codes)}
    nodes = aggregate_tree(columns, methodology)
    arrays = {"transformed": transformed, "treated": treated, "normalised": normalised}
    frame = normalised_table(methodology, panel, arrays, capped, shape)
    scores = scores_table(methodology, nodes, economy_list, year_list)
    scores = _with_interval(scores, raw, panel, shape, scale, methodology, economy_list, year_list)
    scores["rank"] = rank_scores(scores, ["year", "node"], methodology.edition["ties"])
    scores = with_previous(scores)
    scores["score_rounded"] = round_half_up(scores["score"], int(methodology.edition["rounding"]))
    scores = scores[list(SCORE_COLUMNS)]
    excluded = counts[~included & (counts["available_indicators"] > 0)]
    excluded = excluded.assign(edition=methodology.name, min_indicators=minimum)
    excluded = excluded[list(EXCLUDED_COLUMNS)].reset_index(drop=True)
    arrays |= {"raw": raw, "years": year_list, "economies": economy_list, "indicators": codes}
    top = scores[scores["node"] == methodology.index]
    notes = notes_table(methodology.name, full, year_list, top, excluded)
    weights = weights_table(methodology)
    return IndexResult(methodology, scores, frame, weights, excluded, arrays, notes)


#: Draws of the Monte Carlo that carries estimated inputs' intervals into the scores.
INTERVAL_DRAWS = 400


def _with_interval(
    scores: pd.DataFrame,
    raw: np.ndarray,
    panel: pd.DataFrame,
    shape: tuple[int, int, int],
    scale: Mapping[str, str],
    methodology: Methodology,
    economies: list[str],
    years: list[int],
) -> pd.DataFrame:
    """``score_low``/``score_high``: 5th and 95th percentiles of each node's score when every
    estimated input is drawn from its prediction interval (normal on the estimation scale,
    the interval's half-width = 1.645 σ); empty where no input of the economy-year is
    estimated. Seeded, so a rerun gives the same interval."""
    scores = scores.assign(score_low=np.nan, score_high=np.nan)
    is_estimated = to_array(panel, "estimated", shape) > 0
    if not is_estimated.any():
        return scores
    rng = np.random.default_rng(20231130)
    codes = list(methodology.indicators["code"])
    draws = np.repeat(raw[None, ...], INTERVAL_DRAWS, axis=0)
    low, high = to_array(panel, "estimate_low", shape), to_array(panel, "estimate_high", shape)
    for j, code in enumerate(codes):
        cells = is_estimated[..., j] & ~np.isnan(raw[..., j])
        if not cells.any():
            continue
        name = scale.get(code, "identity")
        centre = estimate_scales.forward(name, raw[..., j][cells])
        spread = (estimate_scales.forward(name, high[..., j][cells])
                  - estimate_scales.forward(name, low[..., j][cells])) / (2 * Z90)  # fmt: skip
        spread = np.nan_to_num(spread, nan=0.0)  # an estimate without a measured interval
        noise = rng.standard_normal((INTERVAL_DRAWS, int(cells.sum()))) * spread
        column = draws[..., j]
        column[:, cells] = estimate_scales.inverse(name, centre + noise)
        draws[..., j] = column
    treated = treat_values(transform_values(draws, methodology.indicators), methodology.indicators)
    normalised, _ = normalise_values(treated, methodology.indicators)
    nodes = aggregate_tree({c: normalised[..., j] for j, c in enumerate(codes)}, methodology)
    touched = is_estimated.any(axis=-1)  # (years, economies)
    bounds = {
        node: (np.where(touched, _percentile(v, 5), np.nan),
               np.where(touched, _percentile(v, 95), np.nan))
        for node, v in nodes.items()
    }  # fmt: skip
    keyed = scores.set_index(["year", "economy", "node"]).index
    year_pos = pd.Index(years).get_indexer(keyed.get_level_values(0))
    economy_pos = pd.Index(economies).get_indexer(keyed.get_level_values(1))
    for node, (lo, hi) in bounds.items():
        rows = np.asarray(keyed.get_level_values(2) == node)
        scores.loc[rows, "score_low"] = lo[year_pos[rows], economy_pos[rows]]
        scores.loc[rows, "score_high"] = hi[year_pos[rows], economy_pos[rows]]
    return scores


def _percentile(values: np.ndarray, q: float) -> np.ndarray:
    """Percentile over the draws; NaN (no warning) where a node has no score in any draw."""
    empty = np.isnan(values).all(axis=0)
    out = np.nanpercentile(np.where(empty, 0.0, values), q, axis=0)
    return np.where(empty, np.nan, out)


def _lookback(methodology: Methodology) -> int:
    """Years before the first computed year that imputation may draw on: the ``max_years``
    of each ``latest`` step (its default when the step leaves it out)."""
    steps = [step for chain in methodology.indicators["imputation"] for step in chain]
    reach = [int(step.get("max_years", LATEST_MAX_YEARS)) for step in steps
             if step["method"] == "latest"]  # fmt: skip
    return max(reach, default=0)


def _year_span(rows: pd.DataFrame) -> list[int]:
    if rows.empty:
        return []
    return list(range(int(rows["year"].min()), int(rows["year"].max()) + 1))
