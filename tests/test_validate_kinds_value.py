"""Value rule kinds at their limits, in the style of R validate's own test files: a value exactly
on a bound passes, one step beyond fails, a missing input is not evaluable, and every parameter
is exercised at a value other than its default (pipeline/validate/kinds_value.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.validate.examples import observations
from pipeline.validate.items import FAIL, NOT_EVALUABLE, PASS
from pipeline.validate.kinds_value import (
    Context,
    check_integer,
    check_per_capita,
    check_range,
    check_required,
    check_scale_slip,
    check_year_change,
)


def _obs(*rows: dict) -> pd.DataFrame:
    return observations({"observations": list(rows)})


def _outcomes(items: pd.DataFrame) -> list[str]:
    return list(items["outcome"])


ECONOMIES = ["AAA", "BBB", "CCC", "DDD", "EEE"]


def _values(code: str, values: list[float]) -> pd.DataFrame:
    """One value of ``code`` per economy: the same check on several values at once. A NaN
    (which the observation schema refuses) is set afterwards, as a kind may meet one in a
    frame joined from several tables."""
    frame = _obs(*({"indicator": code, "economy": e, "value": 0.0}
                   for e in ECONOMIES[: len(values)]))  # fmt: skip
    return frame.assign(value=values)


def _series(code: str, values: dict[int, float], **fields: object) -> list[dict]:
    return [{"indicator": code, "year": y, "value": v, **fields} for y, v in values.items()]


def test_range_exactly_at_both_bounds_passes_and_beyond_fails() -> None:
    frame = _values("HH7", [0.0, 100.0, -1e-9, 100.000001, np.nan])
    items = check_range(frame, {"indicators": ["HH7"], "min": 0, "max": 100}, Context())
    assert _outcomes(items) == [PASS, PASS, FAIL, FAIL, NOT_EVALUABLE]
    assert set(items.loc[items["outcome"] == FAIL, "expected"]) == {"[0, 100]"}


def test_range_tolerance_widens_both_bounds_exactly() -> None:
    frame = _values("HH7", [-0.5, 100.5, -0.75, 100.75])
    params = {"indicators": ["HH7"], "min": 0, "max": 100, "tolerance": 0.5}
    assert _outcomes(check_range(frame, params, Context())) == [PASS, PASS, FAIL, FAIL]


def test_range_with_one_bound_and_only_its_indicators_and_every_breakdown() -> None:
    frame = _obs(
        {"indicator": "i271", "value": -1.0},
        {"indicator": "i271", "sex": "F", "value": -2.0},
        {"indicator": "i112", "value": -5.0},
    )
    items = check_range(frame, {"indicators": ["i271"], "min": 0}, Context())
    assert _outcomes(items) == [FAIL, FAIL]
    assert set(items["expected"]) == {"≥ 0"}
    upper = check_range(frame, {"indicators": ["i112"], "max": -6}, Context())
    assert list(upper["expected"]) == ["≤ -6"]


def test_integer_tolerance_default_and_non_default() -> None:
    frame = _values("i271", [10.0, 10.0000001, 10.5, 0.0, np.nan])
    items = check_integer(frame, {"indicators": ["i271"]}, Context())
    assert _outcomes(items) == [PASS, PASS, FAIL, PASS, NOT_EVALUABLE]
    assert items.loc[2, "expected"] in ("10", "11")
    loose = check_integer(frame, {"indicators": ["i271"], "tolerance": 0.5}, Context())
    assert _outcomes(loose) == [PASS, PASS, PASS, PASS, NOT_EVALUABLE]


def test_relative_year_change_exactly_at_both_limits() -> None:
    frame = _obs(
        *_series("i271", {2022: 100.0, 2023: 125.0, 2024: 62.5}),
        *_series("i112", {2022: 100.0, 2023: 126.0, 2024: 62.0}),
    )
    params = {"indicators": ["i271", "i112"], "lower": -50, "upper": 25}
    items = check_year_change(frame, params, Context()).sort_values(["indicator", "year"])
    assert _outcomes(items) == [NOT_EVALUABLE, FAIL, FAIL, NOT_EVALUABLE, PASS, PASS]
    failed = items.loc[items["outcome"] == FAIL, "expected"]
    assert list(failed) == ["2022: 100; Δ +26.0%; [-50, 25]", "2023: 126; Δ -50.8%; [-50, 25]"]


def test_absolute_year_change_is_in_the_indicators_unit() -> None:
    frame = _obs(*_series("HH7", {2022: 40.0, 2023: 45.0, 2024: 39.5}))
    params = {"indicators": ["HH7"], "mode": "absolute", "lower": -5, "upper": 5}
    items = check_year_change(frame, params, Context())
    assert _outcomes(items) == [NOT_EVALUABLE, PASS, FAIL]
    assert items["expected"].iloc[2] == "2023: 45; Δ -5.5; [-5, 5]"


def test_year_change_from_zero_is_not_evaluable_and_a_gap_year_is_not_bridged() -> None:
    frame = _obs(*_series("i271", {2020: 5.0, 2022: 0.0, 2023: 10.0}))
    items = check_year_change(frame, {"indicators": ["i271"], "upper": 10}, Context())
    assert _outcomes(items) == [NOT_EVALUABLE] * 3


def test_year_change_compares_breakdowns_only_when_kept() -> None:
    rows = [*_series("HH7", {2022: 10.0, 2023: 30.0}, sex="F"), *_series("HH7", {2023: 1.0})]
    params = {"indicators": ["HH7"], "mode": "absolute", "lower": -5, "upper": 5}
    assert _outcomes(check_year_change(_obs(*rows), params, Context())) == [NOT_EVALUABLE]
    kept = check_year_change(_obs(*rows), params | {"keep": ["sex"]}, Context())
    assert sorted(_outcomes(kept)) == sorted([NOT_EVALUABLE, FAIL, NOT_EVALUABLE])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5000.0, FAIL),  # ratio 50 = factor / band: on the band, a slip
        (4999.0, PASS),
        (20000.0, FAIL),  # ratio 200 = factor × band
        (20001.0, PASS),
        (2.0, FAIL),  # ratio 0.02 = band / factor
        (2.01, PASS),
        (0.5, FAIL),  # ratio 0.005 = 1 / (factor × band)
        (0.49, PASS),
        (100.0, PASS),
        (0.0, NOT_EVALUABLE),
        (-100.0, NOT_EVALUABLE),
    ],
)
def test_scale_slip_band_edges(value: float, expected: str) -> None:
    frame = _obs(*_series("i271", {2022: 100.0, 2023: value}))
    items = check_scale_slip(frame, {"indicators": ["i271"], "factor": 100, "band": 2}, Context())
    assert _outcomes(items) == [NOT_EVALUABLE, expected]
    if expected == FAIL:
        assert items["expected"].iloc[1] == "≈ 100 (2022)"


def test_scale_slip_default_is_a_thousandfold_within_three() -> None:
    frame = _obs(*_series("i271", {2022: 3.0, 2023: 1000.0, 2024: 1.0}))
    assert _outcomes(check_scale_slip(frame, {"indicators": ["i271"]}, Context())) == [
        NOT_EVALUABLE,
        FAIL,
        FAIL,
    ]


def test_scale_slip_default_band_ends_at_three() -> None:
    """Ratios 3001 and 330 lie just outside [1000/3, 3000]: not a slip with the default band
    (a band of 4 would flag both)."""
    frame = _obs(*_series("i271", {2022: 1.0, 2023: 3001.0, 2024: 1.0, 2025: 330.0}))
    assert _outcomes(check_scale_slip(frame, {"indicators": ["i271"]}, Context())) == [
        NOT_EVALUABLE,
        PASS,
        PASS,
        PASS,
    ]


POPULATION = pd.DataFrame({"economy": ECONOMIES, "year": 2024, "population": 2000.0})


def test_per_capita_exactly_at_the_limits_with_a_non_default_base() -> None:
    frame = _values("i271", [1000.0, 4000.0, 999.0, 4002.0])
    params = {"indicator": "i271", "per": 1000, "min": 500, "max": 2000}
    items = check_per_capita(frame, params, Context(population=POPULATION))
    assert _outcomes(items) == [PASS, PASS, FAIL, FAIL]
    assert items["expected"].iloc[3] == "2001 per 1000; [500, 2000]"


def test_per_capita_without_population_is_not_evaluable_and_default_base_is_100() -> None:
    frame = _obs({"indicator": "i271", "value": 5000.0})
    params = {"indicator": "i271", "max": 200}
    assert _outcomes(check_per_capita(frame, params, Context())) == [NOT_EVALUABLE]
    items = check_per_capita(frame, params, Context(population=POPULATION))
    assert _outcomes(items) == [FAIL]
    assert items["expected"].iloc[0] == "250 per 100; ≤ 200"


def test_required_looks_at_the_latest_year_of_the_questionnaire_only() -> None:
    frame = _obs(
        {"indicator": "HH7", "year": 2022, "value": 50.0},
        {"indicator": "HH6", "year": 2022, "value": 40.0},
        {"indicator": "HH7", "year": 2023, "value": 55.0},
        {"indicator": "i271", "year": 2024, "value": 9.0},
    )
    params = {"questionnaire": "household", "indicators": ["HH6", "HH7"]}
    items = check_required(frame, params, Context()).sort_values("indicator")
    assert list(zip(items["indicator"], items["year"], items["outcome"], strict=True)) == [
        ("HH6", 2023, FAIL),
        ("HH7", 2023, PASS),
    ]
    assert list(items["sheet"]) != ["", ""]
    assert items["expected"].iloc[0] == "reported"


def test_required_ignores_breakdown_rows_and_other_economies() -> None:
    frame = _obs(
        {"indicator": "HH7", "value": 50.0},
        {"indicator": "HH6", "sex": "F", "value": 40.0},
        {"indicator": "HH6", "economy": "BBB", "value": 40.0},
        {"indicator": "HH7", "economy": "BBB", "value": 40.0},
    )
    params = {"questionnaire": "household", "indicators": ["HH6", "HH7"]}
    items = check_required(frame, params, Context()).sort_values(["economy", "indicator"])
    assert _outcomes(items) == [FAIL, PASS, PASS, PASS]


def test_the_context_shared_by_every_rule_cannot_be_reassigned() -> None:
    context = Context(population=POPULATION)
    with pytest.raises(AttributeError):
        context.population = pd.DataFrame()  # type: ignore[misc]
    assert list(Context().population.columns) == ["economy", "year", "population"]


def test_year_change_with_only_an_upper_limit_lets_any_fall_pass() -> None:
    frame = _obs(*_series("i271", {2022: 100.0, 2023: 1.0, 2024: 500.0}))
    items = check_year_change(frame, {"indicators": ["i271"], "upper": 50}, Context())
    assert _outcomes(items) == [NOT_EVALUABLE, PASS, FAIL]
    assert items["expected"].iloc[2].endswith("; ≤ 50")
