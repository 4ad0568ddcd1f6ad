"""Publication rounding: half away from zero, on the decimal a value is written as.

Published tables round ties up (0.25 → 0.3, 97.45 → 97.5), as ITU's MISR and most statistical
offices do; numpy and pandas round half to even on the *binary* value, so 0.25 → 0.2 and
2.675 → 2.67 (2.675 is stored as 2.67499999999999982…). Every published number — index scores,
regional means, SDG aggregates and their coverage, audit shares — goes through
:func:`round_half_up` so that one value is never shown rounded two ways.

Decimal-safe for values written with up to 15 significant digits: scaling by 10**decimals is
off from the decimal value by at most about one unit in the last place, so a scaled value
within two units in the last place of ``k + 0.5`` *is* the decimal tie (the nearest non-tie
such a value can have lies at least 10**-15 of its magnitude away, farther than two units).
From 10**14 on a value of 15 digits has no digit left below the rounding place, so it is a
whole number there and never a tie (two units in the last place reach 0.5 near 10**15).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Scaled values from here on are whole numbers when written with 15 digits: never a tie.
TIE_LIMIT = 1e14


def round_half_up(values: pd.Series | np.ndarray | float, decimals: int) -> np.ndarray:
    """``values`` rounded to ``decimals`` places, ties away from zero; NaN stays NaN."""
    factor = 10.0**decimals
    array = np.asarray(values, dtype=float)
    scaled = np.abs(array) * factor
    below = np.floor(scaled)
    tie = (scaled < TIE_LIMIT) & (np.abs(scaled - (below + 0.5)) <= 2 * np.spacing(scaled))
    rounded = np.where(tie, below + 1.0, np.floor(scaled + 0.5))
    return np.sign(array) * rounded / factor
