"""How an SDG series value is computed from its source observations: a small registry.

Three kinds cover the ITU-custodian series: percentages the returns already carry
(17.8.1, 5.b.1, 4.4.1, 9.c.1 — household percentages are computed from counts at ingest),
rates per 100 inhabitants (17.6.1: subscriptions ÷ population × 100, ITU DataHub i992b) and
counts passed through (IT_NET_BBNDN). Each formula is vectorised over all rows of its source.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pipeline.rates import per_inhabitants
from pipeline.reference import population_of

#: formula(source_rows, population) -> values aligned on source_rows.index (NaN = not computable)
Formula = Callable[[pd.DataFrame, pd.DataFrame], pd.Series]


def as_is(rows: pd.DataFrame, population: pd.DataFrame) -> pd.Series:
    """The reported value itself (percentages and counts need no arithmetic)."""
    return rows["value"].astype(float)


def per100(rows: pd.DataFrame, population: pd.DataFrame) -> pd.Series:
    """Value ÷ population of the economy and year × 100 (ITU: per 100 inhabitants).

    Rows whose economy-year has no population get NaN, so they are dropped, never guessed.
    """
    denominators = pd.Series(population_of(rows, population), index=rows.index)
    return per_inhabitants(rows["value"].astype(float), denominators)


#: Registry of formulas keyed by the names used in schemas/sdg/series.toml.
FORMULAS: dict[str, Formula] = {"as_is": as_is, "per100": per100, "count": as_is}


def cell_label(formula: str, source: str, cell: pd.Series) -> pd.Series:
    """The ``cell`` column of a series row: the source cell, or the formula around it."""
    if formula == "per100":
        return f"per100({source}@" + cell.astype(str) + ")"
    return cell.astype(str)
