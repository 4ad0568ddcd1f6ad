"""Rates: a count per so many inhabitants, and plain ratios — one definition for every stage.

ITU publishes subscriptions "per 100 inhabitants": the count ÷ the population × 100 (ITU
Handbook for the Collection of Administrative Data on Telecommunications/ICT, 2020). The same
arithmetic derives indicators (:mod:`pipeline.derive`), computes SDG 17.6.1 (:mod:`pipeline.sdg
.formulas`) and checks a count against the population (:mod:`pipeline.validate.kinds_value`),
so it lives here once. A zero or missing denominator gives inf or NaN, never an exception:
callers decide what an uncomputable rate means (dropped, not evaluable).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

Values = TypeVar("Values", np.ndarray, pd.Series, float)

#: "per 100 inhabitants", the base of ITU's per-capita indicators.
PER_100 = 100.0


def ratio(numerator: Values, denominator: Values) -> Values:
    """numerator ÷ denominator, e.g. annual traffic per subscription (IDI 2023+ Annex 1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return numerator / denominator


def per_inhabitants(count: Values, population: Values, base: float = PER_100) -> Values:
    """count ÷ population × ``base`` (Handbook 2020: subscriptions per 100 inhabitants)."""
    return ratio(count, population) * base
