"""Every registered method has a known-answer case, plus array-contract checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from index_helpers import imputation_panel as _panel

from pipeline.index import aggregate, impute, normalise, treat

#: Known answers are exact arithmetic; allow only float rounding.
ATOL = 1e-12

X = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])  # 3 economies × 2 indicators
UP = np.array([1.0, 1.0])

NORMALISE_CASES = {
    "reference": (
        {"reference": np.array([4.0, 40.0]), "cap": np.array([1.0, 1.0])},
        [[0.25, 0.25], [0.75, 0.75], [1.0, 1.0]],
    ),
    "goalposts": (
        {"threshold": np.array([1.0, 50.0]), "goalpost": np.array([5.0, 10.0])},
        [[0.0, 100.0], [50.0, 50.0], [100.0, 0.0]],
    ),
    "minmax": ({}, [[0.0, 0.0], [50.0, 50.0], [100.0, 100.0]]),
    "zscore": ({}, [[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]]),
    "rank": ({}, [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]),
    "percentile_rank": ({}, [[100 / 6, 100 / 6], [50.0, 50.0], [500 / 6, 500 / 6]]),
    "distance_to_target": (
        {"target": np.array([3.0, 50.0]), "cap": np.array([1.0, 1.0])},
        [[0.0, 0.0], [1.0, 0.5], [1.0, 1.0]],
    ),
    "distance_to_frontier": ({}, [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]),
    "fraction_of_max": ({}, [[0.2, 0.2], [0.6, 0.6], [1.0, 1.0]]),
}


def test_every_normalisation_has_a_known_answer() -> None:
    assert set(NORMALISE_CASES) == set(normalise.REGISTRY)


@pytest.mark.parametrize("method", sorted(NORMALISE_CASES))
def test_normalisation_known_answer(method: str) -> None:
    params, expected = NORMALISE_CASES[method]
    result = normalise.normalise(method, X, UP, params)
    np.testing.assert_allclose(result, expected, atol=ATOL)


@pytest.mark.parametrize("method", sorted(normalise.REGISTRY))
def test_normalisation_keeps_shape_with_replication_axes_and_nan(method: str) -> None:
    params = NORMALISE_CASES[method][0]
    stacked = np.stack([X, X * 2.0, X])
    stacked[1, 0, 0] = np.nan
    result = normalise.normalise(method, stacked, UP, params)
    assert result.shape == stacked.shape
    assert np.isnan(result[1, 0, 0])
    np.testing.assert_allclose(result[0], result[2], atol=ATOL)


def test_unknown_method_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="minmax"):
        normalise.normalise("nope", X, UP)
    with pytest.raises(KeyError, match="arithmetic"):
        aggregate.aggregate("nope", X, UP)
    with pytest.raises(KeyError, match="winsorise"):
        treat.treat("nope", X)
    with pytest.raises(KeyError, match="ln1p"):
        treat.transform("nope", X)


CHILDREN = np.array([[1.0, 4.0], [2.0, np.nan], [np.nan, np.nan]])
WEIGHTS = np.array([1.0, 3.0])
AGGREGATE_CASES = {
    "arithmetic": ({}, [(1 + 12) / 4, 2.0, np.nan]),
    "geometric": ({}, [4.0 ** (3 / 4), 2.0, np.nan]),
    "harmonic": ({}, [4 / (1 + 3 / 4), 2.0, np.nan]),
    "generalised": ({"p": 2.0}, [math.sqrt((1 + 3 * 16) / 4), 2.0, np.nan]),
}


def test_every_aggregation_has_a_known_answer() -> None:
    assert set(AGGREGATE_CASES) == set(aggregate.REGISTRY)


@pytest.mark.parametrize("method", sorted(AGGREGATE_CASES))
def test_aggregation_known_answer_renormalises_over_present_children(method: str) -> None:
    params, expected = AGGREGATE_CASES[method]
    result = aggregate.aggregate(method, CHILDREN, WEIGHTS, params)
    np.testing.assert_allclose(result, expected, atol=ATOL)


def test_aggregation_broadcasts_replicated_weights() -> None:
    stacked = np.stack([CHILDREN, CHILDREN])
    weights = np.array([[1.0, 3.0], [1.0, 1.0]])
    result = aggregate.aggregate("arithmetic", stacked, weights)
    assert result.shape == (2, 3)
    assert result[1, 0] == pytest.approx(2.5)


def test_generalised_mean_of_order_zero_is_geometric() -> None:
    np.testing.assert_allclose(
        aggregate.aggregate("generalised", CHILDREN, WEIGHTS, {"p": 0.0}),
        aggregate.aggregate("geometric", CHILDREN, WEIGHTS),
    )


#: COINr vignette "Outlier Treatment": x = 1..10, 30, 100.
SKEWED = np.array([*range(1, 11), 30.0, 100.0])[:, None]
TREAT_CASES = {
    "none": ({}, SKEWED[:, 0]),
    "winsorise": ({"winmax": 5}, [*range(1, 11), 30.0, 30.0]),
    "skew_kurtosis": ({"winmax": 5}, [*range(1, 11), 30.0, 30.0]),
    "log_ct": ({}, np.log(SKEWED[:, 0] - 1 + 0.99)),
}


def test_every_treatment_has_a_known_answer() -> None:
    assert set(TREAT_CASES) == set(treat.REGISTRY)


@pytest.mark.parametrize("method", sorted(TREAT_CASES))
def test_treatment_known_answer(method: str) -> None:
    params, expected = TREAT_CASES[method]
    np.testing.assert_allclose(treat.treat(method, SKEWED, params)[:, 0], expected, atol=ATOL)


def test_skew_kurtosis_rule_falls_back_to_log_when_winsorising_is_not_enough() -> None:
    heavy = np.array([*([1.0] * 20), 2.0, 3.0, 50.0, 500.0, 5000.0, 50000.0])[:, None]
    result = treat.treat("skew_kurtosis", heavy, {"winmax": 1})
    np.testing.assert_allclose(result, treat.log_ct(heavy), atol=ATOL)


def test_skew_kurtosis_match_excel_skew_and_kurt() -> None:
    skew, kurt = treat.skew_kurtosis(SKEWED)
    assert skew[0] == pytest.approx(3.06324103, abs=1e-8)  # Excel SKEW / scipy bias=False
    assert kurt[0] == pytest.approx(9.74139083, abs=1e-8)  # Excel KURT


TRANSFORM_CASES = {
    "none": 9.0,
    "ln": math.log(9.0),
    "log10": math.log10(9.0),
    "ln1p": math.log(10.0),
}


@pytest.mark.parametrize("name", sorted(treat.TRANSFORMS))
def test_every_transform_known_answer(name: str) -> None:
    assert treat.transform(name, np.array([9.0]))[0] == pytest.approx(TRANSFORM_CASES[name])


PANEL = _panel({"AAA": [1.0, np.nan, 3.0, np.nan], "BBB": [np.nan, 5.0, np.nan, np.nan]})
GROUPS = pd.DataFrame({"economy": ["AAA", "BBB"], "itu_region": ["R", "R"]})
IMPUTE_CASES = {
    "latest": ({"max_years": 1}, [1, 1, 3, 3, np.nan, 5, 5, np.nan], "lagged"),
    "interpolate": ({}, [1, 2, 3, np.nan, np.nan, 5, np.nan, np.nan], "imputed"),
    "group_mean": ({"by": "itu_region"}, [1, 5, 3, np.nan, 1, 5, 3, np.nan], "imputed"),
    "group_median": ({"by": "itu_region"}, [1, 5, 3, np.nan, 1, 5, 3, np.nan], "imputed"),
}


def test_every_imputation_has_a_known_answer() -> None:
    assert set(IMPUTE_CASES) == set(impute.REGISTRY)


@pytest.mark.parametrize("method", sorted(IMPUTE_CASES))
def test_imputation_known_answer_and_flags(method: str) -> None:
    params, expected, flag = IMPUTE_CASES[method]
    result = impute.impute(method, PANEL, GROUPS, params)
    np.testing.assert_allclose(result["value"], expected)
    filled = PANEL["value"].isna() & result["value"].notna()
    assert (result[flag] == filled).all()


def test_latest_records_the_source_year_of_a_lagged_value() -> None:
    result = impute.impute("latest", PANEL, None, {"max_years": 1})
    assert result.loc[1, "source_year"] == 2019.0


def test_group_imputation_needs_the_group_column() -> None:
    with pytest.raises(ValueError, match="income_group"):
        impute.impute("group_mean", PANEL, GROUPS, {"by": "income_group"})


def test_latest_official_only_lags_official_values_and_never_an_estimate() -> None:
    """IDI 2023+ Box 2: the t−2 value, official or estimate, is used as it is; a missing t−2
    value takes the *official* t−3 value (‡); an estimate is never carried forward."""
    panel = _panel({"AAA": [1.0, np.nan, 3.0, np.nan], "BBB": [np.nan, 5.0, 6.0, np.nan]})
    panel["estimate"] = [False, False, True, False, False, False, True, False]
    result = impute.impute("latest", panel, None, {"max_years": 1, "official_only": True})
    np.testing.assert_allclose(result["value"], [1, 1, 3, np.nan, np.nan, 5, 6, np.nan])
    assert result["lagged"].tolist() == [False, True, False, False, False, False, False, False]
    assert result.loc[1, "source_year"] == 2019.0
    anything = impute.impute("latest", panel, None, {"max_years": 1})
    np.testing.assert_allclose(anything["value"], [1, 1, 3, 3, np.nan, 5, 6, 6])


def test_prefer_official_is_no_longer_a_parameter() -> None:
    """Box 2 uses the t−2 estimate over an official t−3 value: the old option is rejected."""
    assert "prefer_official" not in impute.PARAMETERS["latest"]


def test_latest_counts_years_not_panel_columns_when_a_year_is_absent() -> None:
    """A panel without 2020 carried 2019 into 2021 with ``max_years = 1`` (the forward fill's
    limit counted columns), e.g. ``compute_edition(years=[2019, 2021])``."""
    panel = _panel({"AAA": [1.0, 9.0, np.nan, 4.0]})
    panel = panel[panel["year"] != 2020].reset_index(drop=True)
    result = impute.impute("latest", panel, None, {"max_years": 1})
    np.testing.assert_allclose(result["value"], [1, np.nan, 4])
    assert not result["lagged"].any()


@pytest.mark.parametrize("method", sorted(normalise.REGISTRY))
def test_normalisation_of_an_indicator_without_data_in_a_year_is_quiet_nan(method: str) -> None:
    """An indicator with no value in a year (all-NaN column) raised numpy's "All-NaN slice" /
    "Mean of empty slice" RuntimeWarnings from minmax, zscore and the frontier methods."""
    x = np.array([[np.nan, 1.0], [np.nan, 3.0], [np.nan, 2.0]])
    params = {name: np.array([1.0, 5.0]) for name in normalise.REQUIRED.get(method, ())}
    out = normalise.normalise(method, x, np.array([1.0, 1.0]), params)
    assert np.isnan(out[:, 0]).all() and not np.isnan(out[:, 1]).any()


@pytest.mark.parametrize("method", sorted(treat.REGISTRY))
def test_treatment_of_an_indicator_without_data_in_a_year_is_quiet_nan(method: str) -> None:
    """Same as above for treatments (skew/kurtosis and log_CT take NaN-aware statistics)."""
    x = np.array([[np.nan, 1.0], [np.nan, 3.0], [np.nan, 2.0], [np.nan, 9.0]])
    out = treat.treat(method, x)
    assert np.isnan(out[:, 0]).all() and not np.isnan(out[:, 1]).any()
