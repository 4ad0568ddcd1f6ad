"""Transforms and outlier treatment, vectorised over replications, economies and indicators.

ARRAY CONTRACT (shared with normalise.py): ``x`` is ``(..., n_economies, n_indicators)``;
parameters are per-indicator arrays ``(n_indicators,)``; the result has x's shape.

Transforms are fixed monotone maps chosen per indicator by the edition (IDI 2023+ Annex 1:
ln(x+1) for traffic; MISR 2017: log10 bandwidth). Outlier treatment follows COINr 1.1.14
``Treat``/``qTreat`` defaults: an indicator is an outlier case when |skew| > 2 *and* excess
kurtosis > 3.5; it is winsorised one point at a time at the end the skew points to (the extreme
value takes the next value in) up to ``winmax`` points; if that does not bring it within the
limits, the original values get COINr's ``log_CT`` instead: ln(x − min + 0.01·(max − min)).
Skew and kurtosis are the bias-corrected sample statistics G1 and G2 (as Excel's SKEW/KURT).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

import numpy as np

Params = Mapping[str, np.ndarray]
Transform = Callable[[np.ndarray], np.ndarray]

ECONOMY_AXIS = -2

TRANSFORMS: dict[str, Transform] = {
    "none": lambda values: values,
    "ln": np.log,
    "log10": np.log10,
    "ln1p": np.log1p,
}


def transform(name: str, values: np.ndarray) -> np.ndarray:
    """Apply a named monotone transform (``none``, ``ln``, ``log10``, ``ln1p`` = ln(x+1))."""
    if name not in TRANSFORMS:
        raise KeyError(f"unknown transform {name!r}; known: {sorted(TRANSFORMS)}")
    with np.errstate(divide="ignore", invalid="ignore"):
        return TRANSFORMS[name](np.asarray(values, dtype=float))


def skew_kurtosis(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected sample skewness G1 and excess kurtosis G2 over economies, NaN-aware."""
    n = np.sum(~np.isnan(x), axis=ECONOMY_AXIS)
    centred = x - np.nanmean(x, axis=ECONOMY_AXIS, keepdims=True)
    m2 = np.nanmean(centred**2, axis=ECONOMY_AXIS)
    m3 = np.nanmean(centred**3, axis=ECONOMY_AXIS)
    m4 = np.nanmean(centred**4, axis=ECONOMY_AXIS)
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = m3 / m2**1.5
        g2 = m4 / m2**2 - 3.0
        skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
        kurt = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6.0)
    return skew, kurt


def _outlying(x: np.ndarray, skew_limit: np.ndarray, kurt_limit: np.ndarray) -> np.ndarray:
    skew, kurt = skew_kurtosis(x)
    return (np.abs(skew) > skew_limit) & (kurt > kurt_limit)


def _winsorise_step(x: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Move the extreme value at the skewed end onto its neighbour, where ``active``."""
    skew, _ = skew_kurtosis(x)
    flip = np.where(skew < 0, -1.0, 1.0)[..., None, :]
    oriented = x * flip
    top = np.nanmax(oriented, axis=ECONOMY_AXIS, keepdims=True)
    below = np.where(oriented < top, oriented, np.nan)
    with np.errstate(invalid="ignore"):
        second = np.nanmax(
            np.where(np.isnan(below).all(ECONOMY_AXIS, keepdims=True), top, below),
            axis=ECONOMY_AXIS,
            keepdims=True,
        )
    hit = (oriented == top) & active[..., None, :]
    return np.where(hit, second * flip, x)


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr log_CT: ln(x − min + 0.01·(max − min)), per indicator over economies."""
    low = np.nanmin(x, axis=ECONOMY_AXIS, keepdims=True)
    high = np.nanmax(x, axis=ECONOMY_AXIS, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - low + 0.01 * (high - low))


def _limits(params: Params, k: int) -> tuple[np.ndarray, np.ndarray, int]:
    skew = np.broadcast_to(np.asarray(params.get("skew", 2.0), dtype=float), (k,))
    kurt = np.broadcast_to(np.asarray(params.get("kurtosis", 3.5), dtype=float), (k,))
    winmax = int(np.max(np.asarray(params.get("winmax", 5))))
    return skew, kurt, winmax


def winsorise(x: np.ndarray, params: Params) -> np.ndarray:
    """Winsorise outlying indicators up to ``winmax`` points; stop as soon as one passes."""
    x = np.asarray(x, dtype=float)
    skew_limit, kurt_limit, winmax = _limits(params, x.shape[-1])
    for _ in range(winmax):
        active = _outlying(x, skew_limit, kurt_limit)
        if not active.any():
            break
        x = _winsorise_step(x, active)
    return x


def skew_kurtosis_rule(x: np.ndarray, params: Params) -> np.ndarray:
    """COINr default treatment: winsorise; where that fails, log_CT of the original values."""
    x = np.asarray(x, dtype=float)
    skew_limit, kurt_limit, _ = _limits(params, x.shape[-1])
    treated = winsorise(x, params)
    failed = _outlying(treated, skew_limit, kurt_limit)[..., None, :]
    return np.where(failed, log_ct(x), treated)


def no_treatment(x: np.ndarray, params: Params) -> np.ndarray:
    """Leave values as they are (IDI editions: goalpost clamps handle outliers)."""
    return np.asarray(x, dtype=float)


REGISTRY: dict[str, Callable[[np.ndarray, Params], np.ndarray]] = {
    "none": no_treatment,
    "winsorise": winsorise,
    "skew_kurtosis": skew_kurtosis_rule,
    "log_ct": lambda x, params: log_ct(np.asarray(x, dtype=float)),
}

PARAMETERS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "winsorise": frozenset({"winmax", "skew", "kurtosis"}),
    "skew_kurtosis": frozenset({"winmax", "skew", "kurtosis"}),
    "log_ct": frozenset(),
}


def treat(method: str, x: np.ndarray, params: Params | None = None) -> np.ndarray:
    """Apply the treatment registered as ``method`` (KeyError names the known methods)."""
    if method not in REGISTRY:
        raise KeyError(f"unknown treatment {method!r}; known: {sorted(REGISTRY)}")
    # an indicator with no value in a year is all-NaN: its statistics are NaN, quietly
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return REGISTRY[method](x, params or {})
