"""Rates shared by derivation, SDG series and validation (pipeline/rates.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.rates import PER_100, per_inhabitants, ratio


def test_per_100_inhabitants_and_another_base() -> None:
    assert per_inhabitants(2_500.0, 10_000.0) == 25.0
    assert per_inhabitants(2_500.0, 10_000.0, base=1000.0) == 250.0
    assert PER_100 == 100.0


def test_an_uncomputable_rate_is_inf_or_nan_quietly_and_keeps_the_index() -> None:
    counts = pd.Series([1.0, 0.0, 3.0], index=["a", "b", "c"])
    population = pd.Series([0.0, 0.0, np.nan], index=["a", "b", "c"])
    rates = per_inhabitants(counts, population)
    assert list(rates.index) == ["a", "b", "c"]
    assert np.isinf(rates["a"]) and np.isnan(rates["b"]) and np.isnan(rates["c"])


def test_ratio_is_numerator_over_denominator() -> None:
    np.testing.assert_array_equal(ratio(np.array([6.0, 1.0]), np.array([3.0, 4.0])), [2.0, 0.25])
