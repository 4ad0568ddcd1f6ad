"""Normalisation methods, vectorised over replications, economies and indicators.

ARRAY CONTRACT (pipeline.uncertainty builds on it): every method takes ``x`` shaped
``(..., n_economies, n_indicators)`` — leading axes are replications — a ``direction`` array
``(n_indicators,)`` of +1/−1 and per-indicator parameter arrays ``(n_indicators,)``, and returns
an array of the same shape as ``x``. Missing values (NaN) stay missing; statistics over
economies (min, max, mean…) ignore them, as COINr does.

Methods with fixed bounds (``reference``, ``goalposts``) carry direction in their parameters
(a goalpost below the threshold is a "lower is better" indicator, IDI 2023+ Annex 1 footnote 5);
data-driven methods multiply ``x`` by ``direction`` first, as COINr's ``Normalise`` does.
Names follow COINr 1.1.14 (``n_minmax``, ``n_zscore``, ``n_rank``, ``n_prank``, ``n_dist2targ``,
``n_dist2max``, ``n_fracmax``) where one exists.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

import numpy as np
from scipy.stats import rankdata

Params = Mapping[str, np.ndarray]
Normaliser = Callable[[np.ndarray, np.ndarray, Params], np.ndarray]

ECONOMY_AXIS = -2


def _p(params: Params, name: str, default: float, k: int) -> np.ndarray:
    """Parameter ``name`` as a float array of length ``k`` (missing entries → default)."""
    value = np.asarray(params.get(name, np.full(k, default)), dtype=float)
    return np.where(np.isnan(value), default, value) if value.ndim else np.full(k, value)


def reference(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """x / reference, capped (old IDI: min(x/ref, 1), MIS 2011 Annex Box 1.1); × scale."""
    k = x.shape[-1]
    ratio = x / _p(params, "reference", np.nan, k)
    ratio = np.where(direction < 0, 1.0 / ratio, ratio)
    return np.minimum(ratio, _p(params, "cap", np.inf, k)) * _p(params, "scale", 1.0, k)


def goalposts(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """(x − threshold)/(goalpost − threshold) clamped to [0, 1] × scale (IDI 2023+ Annex 1)."""
    k = x.shape[-1]
    low, high = _p(params, "threshold", 0.0, k), _p(params, "goalpost", np.nan, k)
    share = np.clip((x - low) / (high - low), 0.0, 1.0)
    return share * _p(params, "scale", 100.0, k) + 0.0


def _oriented(x: np.ndarray, direction: np.ndarray) -> np.ndarray:
    return x * np.asarray(direction, dtype=float)


def _range(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low = np.nanmin(values, axis=ECONOMY_AXIS, keepdims=True)
    high = np.nanmax(values, axis=ECONOMY_AXIS, keepdims=True)
    return low, high


def minmax(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """Rescale to [lower, upper] between the observed min and max (COINr n_minmax)."""
    k = x.shape[-1]
    values = _oriented(x, direction)
    low, high = _range(values)
    lower, upper = _p(params, "lower", 0.0, k), _p(params, "upper", 100.0, k)
    return (values - low) / (high - low) * (upper - lower) + lower


def zscore(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """(x − mean)/sd × sd_target + mean_target, sample sd (COINr n_zscore, m = 0, s = 1)."""
    k = x.shape[-1]
    values = _oriented(x, direction)
    mean = np.nanmean(values, axis=ECONOMY_AXIS, keepdims=True)
    sd = np.nanstd(values, axis=ECONOMY_AXIS, ddof=1, keepdims=True)
    return (values - mean) / sd * _p(params, "sd", 1.0, k) + _p(params, "mean", 0.0, k)


def rank(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """Rank among economies, 1 = lowest oriented value, ties averaged (COINr n_rank)."""
    values = _oriented(x, direction)
    ranks = rankdata(values, axis=ECONOMY_AXIS, nan_policy="omit")
    return np.where(np.isnan(values), np.nan, ranks)


def percentile_rank(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """Mid-rank percentile: share of economies below plus half the ties, × scale."""
    k = x.shape[-1]
    ranks = rank(x, direction, params)
    count = np.sum(~np.isnan(ranks), axis=ECONOMY_AXIS, keepdims=True)
    return (ranks - 0.5) / count * _p(params, "scale", 100.0, k)


def distance_to_target(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """1 − (target − x)/(target − min), capped at 1 when ``cap`` (COINr n_dist2targ) × scale."""
    k = x.shape[-1]
    values = _oriented(x, direction)
    target = _p(params, "target", np.nan, k) * direction
    low, _ = _range(values)
    score = 1.0 - (target - values) / (target - low)
    score = np.minimum(score, _p(params, "cap", np.inf, k))
    return score * _p(params, "scale", 1.0, k)


def distance_to_frontier(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """1 − (best − x)/(best − worst): distance to the best performer (COINr n_dist2max)."""
    k = x.shape[-1]
    values = _oriented(x, direction)
    low, high = _range(values)
    return (1.0 - (high - values) / (high - low)) * _p(params, "scale", 1.0, k)


def fraction_of_max(x: np.ndarray, direction: np.ndarray, params: Params) -> np.ndarray:
    """x / max over economies (COINr n_fracmax) × scale; best/x when lower is better."""
    k = x.shape[-1]
    low, high = _range(x)
    share = np.where(np.asarray(direction) < 0, low / x, x / high)
    return share * _p(params, "scale", 1.0, k)


REGISTRY: dict[str, Normaliser] = {
    "reference": reference,
    "goalposts": goalposts,
    "minmax": minmax,
    "zscore": zscore,
    "rank": rank,
    "percentile_rank": percentile_rank,
    "distance_to_target": distance_to_target,
    "distance_to_frontier": distance_to_frontier,
    "fraction_of_max": fraction_of_max,
}

#: Parameters each method reads, for the methodology checker (unknown keys are reported).
PARAMETERS: dict[str, frozenset[str]] = {
    "reference": frozenset({"reference", "cap", "scale"}),
    "goalposts": frozenset({"threshold", "goalpost", "scale"}),
    "minmax": frozenset({"lower", "upper"}),
    "zscore": frozenset({"mean", "sd"}),
    "rank": frozenset(),
    "percentile_rank": frozenset({"scale"}),
    "distance_to_target": frozenset({"target", "cap", "scale"}),
    "distance_to_frontier": frozenset({"scale"}),
    "fraction_of_max": frozenset({"scale"}),
}

#: Parameters expressed in the indicator's own units, transformed like the values (so that
#: ln(x+1) traffic uses ln(goalpost+1), IDI 2023+ Annex 1; log10 bandwidth, MISR 2017).
VALUE_PARAMETERS = frozenset({"reference", "threshold", "goalpost", "target"})

#: Parameters a method cannot do without.
REQUIRED: dict[str, frozenset[str]] = {
    "reference": frozenset({"reference"}),
    "goalposts": frozenset({"goalpost"}),
    "distance_to_target": frozenset({"target"}),
}


def normalise(
    method: str, x: np.ndarray, direction: np.ndarray, params: Params | None = None
) -> np.ndarray:
    """Apply the method registered as ``method`` (KeyError names the known methods)."""
    if method not in REGISTRY:
        raise KeyError(f"unknown normalisation {method!r}; known: {sorted(REGISTRY)}")
    x = np.asarray(x, dtype=float)
    # an indicator with no value in a year is all-NaN: its statistics are NaN, quietly
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return REGISTRY[method](x, np.asarray(direction, dtype=float), params or {})
