"""The scales estimation methods work on: logit for shares, log for counts, or the raw value.

A trend or a regression on the raw scale of a percentage can leave 0–100 and treats a move
from 95 to 99 like one from 45 to 49; on the logit scale both bounds hold by construction and
growth slows near saturation, which is how Internet use behaves (ITU's own tails flatten near
100). Counts and traffic grow multiplicatively, so their trends are linear in the log (traffic:
ln(x + 1), the IDI's own transform, so that a reported 0 stays finite).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: z of the 95th percentile of the standard normal: a 90 % interval is ±Z90 σ.
Z90 = 1.6448536269514722

#: Shares are clipped this far inside (0, 100) before the logit, so 0 % and 100 % stay finite.
EDGE = 0.05


def _logit(x: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(x, dtype=float), EDGE, 100.0 - EDGE) / 100.0
    return np.log(p / (1.0 - p))


def _expit(z: np.ndarray) -> np.ndarray:
    return 100.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.maximum(np.asarray(x, dtype=float), 0.0) + 1e-9)


def _log1p(x: np.ndarray) -> np.ndarray:
    return np.log1p(np.maximum(np.asarray(x, dtype=float), 0.0))


def _expm1(z: np.ndarray) -> np.ndarray:
    return np.expm1(np.asarray(z, dtype=float))


def _identity(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float)


#: name -> (forward, inverse)
SCALES: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "logit": (_logit, _expit),
    "log": (_log, np.exp),
    # ln(x + 1): traffic, where a reported 0 is real and the IDI itself scores ln(x + 1)
    "log1p": (_log1p, _expm1),
    "identity": (_identity, _identity),
}


def forward(scale: str, x: np.ndarray) -> np.ndarray:
    """Values on the estimation scale."""
    return SCALES[scale][0](x)


def inverse(scale: str, z: np.ndarray) -> np.ndarray:
    """Values back on the indicator's own scale."""
    return SCALES[scale][1](z)
