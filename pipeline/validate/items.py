"""Items: what every rule kind returns, one row per thing checked.

Following R ``validate``, a rule is not a yes/no on the whole return: each item
it checks (a value, a pair of values, a breakdown group) gets one of three outcomes — pass,
fail, or not evaluable when an input is missing — and the counts are reported separately.
Each item keeps the economy, year, indicator and source cell of the value a focal point would
have to correct, so a failure can be traced to the questionnaire (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from pipeline.findings import FINDING_COLUMNS, LOCATION
from pipeline.observations import DIMENSION_NAMES, TOTAL, breakdown_text, total_flag, totals

PASS, FAIL, NOT_EVALUABLE = "pass", "fail", "not_evaluable"
OUTCOMES = (PASS, FAIL, NOT_EVALUABLE)

#: Columns of an items frame, as returned by every rule kind: the finding's location and
#: values (economy … expected, in the findings table's order) plus the outcome.
ITEM_COLUMNS = (
    *FINDING_COLUMNS[FINDING_COLUMNS.index("economy") : FINDING_COLUMNS.index("message")],
    "outcome",
)


def outcome(missing: np.ndarray | pd.Series, failed: np.ndarray | pd.Series) -> np.ndarray:
    """Pass unless an input is missing (not evaluable) or the check failed."""
    missing = np.asarray(missing, dtype=bool)
    failed = np.asarray(failed, dtype=bool) & ~missing
    return np.select([missing, failed], [NOT_EVALUABLE, FAIL], PASS)


Expected = Callable[[np.ndarray], list[str]]


def make_items(frame: pd.DataFrame, expected: Expected, result: np.ndarray) -> pd.DataFrame:
    """An items frame from ``frame`` (economy, year, indicator, location, value columns).

    ``expected(mask)`` renders the expected-value text of the rows selected by ``mask``; it is
    called for failed items only, since only findings show it (formatting every item of a
    batch would cost more than checking them).
    """
    result = np.asarray(result, dtype=object)
    failed = result == FAIL
    text = np.full(len(result), "", dtype=object)
    if failed.any():
        text[failed] = expected(failed)
    out = pd.DataFrame(
        {
            "economy": frame["economy"].to_numpy(object),
            "year": frame["year"].to_numpy("int64"),
            "indicator": frame["indicator"].to_numpy(object),
            "breakdown": breakdown_text(frame),
            **{c: frame[c].fillna("").to_numpy(object) for c in LOCATION},
            "value": frame["value"].to_numpy(float),
            "expected": text,
            "outcome": result,
        }
    )
    return out


def empty_items() -> pd.DataFrame:
    """No items (a rule whose indicators are absent from the batch)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ITEM_COLUMNS}).astype(
        {"year": "int64", "value": float}
    )


def select(
    observations: pd.DataFrame, indicators: list[str] | str, keep: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Rows of ``indicators`` whose breakdowns outside ``keep`` are all totals (``_T``)."""
    codes = [indicators] if isinstance(indicators, str) else list(indicators)
    return totals(observations[observations["indicator"].isin(codes)], keep)


def with_total_flags(observations: pd.DataFrame) -> pd.DataFrame:
    """Observations plus one boolean ``_T_<breakdown>`` column per breakdown (row is a total),
    computed once per batch instead of once per rule; :func:`select` uses them when present."""
    flags = {
        total_flag(name): observations[name].to_numpy(dtype=object) == TOTAL
        for name in DIMENSION_NAMES
    }
    return observations.assign(**flags)


def fmt(values: np.ndarray | pd.Series | list[float]) -> list[str]:
    """Numbers as people read them: integers without decimals, others to 4 decimals."""
    out = []
    for v in np.asarray(values, dtype=float):
        if not np.isfinite(v):
            out.append("")
        elif v == np.round(v) and abs(v) < 1e15:
            out.append(str(int(v)))
        else:
            out.append(np.format_float_positional(v, precision=4, trim="-"))
    return out
