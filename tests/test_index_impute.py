"""Imputation registry: each method's declared parameters, its defaults, group edge cases.

``tests/test_index_registries.py`` holds the known answer of each method; here the parts that
answer leaves open: what the methodology checker accepts per method (``PARAMETERS``), the
default of ``max_years``, economies without a group, and mean against median.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from index_helpers import imputation_panel as _panel

from pipeline.index import impute
from pipeline.index.methodology import MethodologyError, build

#: Every parameter each method reads, at a non-default value.
EVERY_PARAMETER = {
    "latest": {"max_years": 2, "official_only": True},
    "interpolate": {},
    "group_mean": {"by": "income_group"},
    "group_median": {"by": "income_group"},
}

TOY = {
    "edition": {"name": "toy", "index": "T", "ties": "min", "min_indicators": 1},
    "nodes": [{"code": "T", "aggregation": "arithmetic"}],
    "indicators": [
        {"code": "HH7", "parent": "T", "weight": 1.0,
         "normalisation": {"method": "goalposts", "threshold": 0, "goalpost": 100}},
    ],
}  # fmt: skip


def _with_chain(step: dict) -> dict:
    raw = copy.deepcopy(TOY)
    raw["indicators"][0]["imputation"] = [step]
    return raw


def test_registry_and_parameters_name_the_same_methods() -> None:
    assert set(impute.PARAMETERS) == set(impute.REGISTRY) == set(EVERY_PARAMETER)


@pytest.mark.parametrize("method", sorted(EVERY_PARAMETER))
def test_the_checker_accepts_every_parameter_a_method_reads(method: str) -> None:
    assert set(EVERY_PARAMETER[method]) == impute.PARAMETERS[method]
    step = {"method": method, **EVERY_PARAMETER[method]}
    methodology = build(_with_chain(step), "toy.toml", None)
    assert methodology.indicators["imputation"].iloc[0] == [step]


@pytest.mark.parametrize("method", sorted(EVERY_PARAMETER))
def test_the_checker_refuses_a_parameter_a_method_does_not_read(method: str) -> None:
    with pytest.raises(MethodologyError, match="window"):
        build(_with_chain({"method": method, "window": 3}), "toy.toml", None)


def test_latest_carries_one_year_by_default() -> None:
    panel = _panel({"AAA": [1.0, np.nan, np.nan]})
    result = impute.impute("latest", panel)
    np.testing.assert_allclose(result["value"], [1.0, 1.0, np.nan])
    assert result["lagged"].tolist() == [False, True, False]
    assert result["source_year"].tolist()[:2] == [2019.0, 2019.0]


def test_latest_carries_as_many_years_as_max_years() -> None:
    panel = _panel({"AAA": [1.0, np.nan, np.nan, np.nan]})
    result = impute.impute("latest", panel, None, {"max_years": 2})
    np.testing.assert_allclose(result["value"], [1.0, 1.0, 1.0, np.nan])


def test_official_only_without_an_estimate_column_carries_every_value() -> None:
    panel = _panel({"AAA": [1.0, np.nan]})
    result = impute.impute("latest", panel, None, {"official_only": True})
    np.testing.assert_allclose(result["value"], [1.0, 1.0])


def test_a_reported_value_is_never_replaced() -> None:
    panel = _panel({"AAA": [1.0, 2.0]})
    for method, params in (("latest", {}), ("interpolate", {})):
        result = impute.impute(method, panel, None, params)
        np.testing.assert_allclose(result["value"], [1.0, 2.0])
        assert not result["lagged"].any() and not result["imputed"].any()


def test_group_mean_and_median_differ_and_skip_economies_without_a_group() -> None:
    panel = _panel({"AAA": [1.0], "BBB": [2.0], "CCC": [6.0], "DDD": [np.nan],
                    "EEE": [4.0], "FFF": [np.nan], "GGG": [np.nan]})  # fmt: skip
    groups = pd.DataFrame({
        "economy": ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"],
        "itu_region": ["R", "R", "R", "R", None, None],
    })  # fmt: skip
    mean = impute.impute("group_mean", panel, groups, {"by": "itu_region"})
    median = impute.impute("group_median", panel, groups, {"by": "itu_region"})
    assert mean["value"].tolist()[3] == pytest.approx(3.0)
    assert median["value"].tolist()[3] == pytest.approx(2.0)
    # EEE has a value but no region, FFF neither; GGG is not in the reference at all
    for result in (mean, median):
        assert np.isnan(result["value"].tolist()[5]) and np.isnan(result["value"].tolist()[6])
        assert result["imputed"].tolist() == [False, False, False, True, False, False, False]
        assert np.isnan(result["source_year"].tolist()[3])


def test_group_imputation_defaults_to_the_itu_region() -> None:
    panel = _panel({"AAA": [1.0], "BBB": [np.nan]})
    groups = pd.DataFrame({"economy": ["AAA", "BBB"], "itu_region": ["R", "R"]})
    result = impute.impute("group_mean", panel, groups)
    assert result["value"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="itu_region"):
        impute.impute("group_mean", panel, None)


def test_unknown_method_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="group_median"):
        impute.impute("hot_deck", _panel({"AAA": [1.0]}))


def test_interpolation_stays_between_reported_years() -> None:
    panel = _panel({"AAA": [np.nan, 1.0, np.nan, np.nan, 4.0, np.nan]})
    result = impute.impute("interpolate", panel)
    np.testing.assert_allclose(result["value"], [np.nan, 1.0, 2.0, 3.0, 4.0, np.nan])
    assert result["imputed"].tolist() == [False, False, True, True, False, False]
