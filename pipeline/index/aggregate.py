"""Aggregation methods: children of a node (indicators or pillars) → the node's score.

ARRAY CONTRACT (pipeline.uncertainty builds on it): every method takes ``x`` shaped
``(..., n_economies, n_children)`` and ``weights`` shaped ``(..., n_children)`` (broadcast
against x's leading axes) and returns ``(..., n_economies)``.

Missing children are skipped and the weights renormalised over the children present, which is
COINr's default (``Aggregate(..., f_ag = "a_amean")`` computes ``sum(w·x)/sum(w)`` over non-NA
x). An economy with no child present gets NaN. Whether a node needs a minimum share of its
children is decided by the engine (availability threshold), not here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

Aggregator = Callable[[np.ndarray, np.ndarray, Mapping[str, float]], np.ndarray]


def _masked(x: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights zeroed where x is missing, broadcast to x's shape, and their sum per economy."""
    w = np.broadcast_to(np.expand_dims(np.asarray(weights, dtype=float), -2), x.shape)
    w = np.where(np.isnan(x), 0.0, w)
    total = w.sum(axis=-1)
    return w, np.where(total > 0, total, np.nan)


def arithmetic(x: np.ndarray, weights: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    """Σ w·x / Σ w over present children (COINr a_amean; IDI 2023+ Annex 1; MISR 2017)."""
    w, total = _masked(x, weights)
    return np.nansum(w * np.nan_to_num(x), axis=-1) / total


def geometric(x: np.ndarray, weights: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    """Π x^(w/Σw) over present children (COINr a_gmean); needs x > 0, else NaN."""
    w, total = _masked(x, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(w > 0, np.log(np.where(x > 0, x, np.nan)), 0.0)
    return np.exp(np.sum(w * logs, axis=-1) / total)


def harmonic(x: np.ndarray, weights: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    """Σ w / Σ (w/x) over present children (COINr a_hmean); needs x > 0, else NaN."""
    w, total = _masked(x, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.where(w > 0, w / np.where(x > 0, x, np.nan), 0.0)
    return total / np.sum(inverse, axis=-1)


def generalised(x: np.ndarray, weights: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    """(Σ w·x^p / Σ w)^(1/p), the power mean of order ``p`` (p → 0 is the geometric mean)."""
    power = float(params.get("p", 1.0))
    if power == 0:
        return geometric(x, weights, params)
    w, total = _masked(x, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        powered = np.where(w > 0, np.power(np.where(x > 0, x, np.nan), power), 0.0)
    return (np.sum(w * powered, axis=-1) / total) ** (1.0 / power)


def present_share(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Share of the children's weight held by children present, (..., n_economies): what a
    node's ``min_share`` availability threshold is compared with (IDI 2023+ Box 2)."""
    w = np.expand_dims(np.asarray(weights, dtype=float), -2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (~np.isnan(x) * w).sum(axis=-1) / w.sum(axis=-1)


def available(
    value: np.ndarray, x: np.ndarray, weights: np.ndarray, min_share: float
) -> np.ndarray:
    """``value`` where the children present hold at least ``min_share`` of the weight, else NaN."""
    if min_share <= 0:
        return value
    return np.where(present_share(x, weights) + 1e-12 >= min_share, value, np.nan)


REGISTRY: dict[str, Aggregator] = {
    "arithmetic": arithmetic,
    "geometric": geometric,
    "harmonic": harmonic,
    "generalised": generalised,
}

PARAMETERS: dict[str, frozenset[str]] = {
    "arithmetic": frozenset(),
    "geometric": frozenset(),
    "harmonic": frozenset(),
    "generalised": frozenset({"p"}),
}


def aggregate(
    method: str, x: np.ndarray, weights: np.ndarray, params: Mapping[str, float] | None = None
) -> np.ndarray:
    """Apply the aggregation registered as ``method`` (KeyError names the known methods)."""
    if method not in REGISTRY:
        raise KeyError(f"unknown aggregation {method!r}; known: {sorted(REGISTRY)}")
    return REGISTRY[method](np.asarray(x, dtype=float), np.asarray(weights), params or {})
