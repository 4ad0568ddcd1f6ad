"""Scalar helpers shared by every stage.

Cells and table values arrive as ``None``, ``float('nan')``, ``pd.NA`` or ``pd.NaT``; the
idiom ``v != v`` catches NaN but raises on ``pd.NA`` (its truth value is ambiguous), which
once crashed a validation report on a file-level finding with an empty year.
"""

from __future__ import annotations

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, pd.NA and NaT; False for every other scalar or object."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
