"""Rule kinds (pipeline/validate/kinds*.py): every registered kind has a known-answer case,
and hypothesis checks the invariants that define them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.validate.examples import observations
from pipeline.validate.items import FAIL, ITEM_COLUMNS, NOT_EVALUABLE, PASS
from pipeline.validate.kinds import REGISTRY, Context

POP = pd.DataFrame({"economy": ["AAA"], "year": [2024], "population": [1_000_000.0]})

#: One known-answer case per kind: params, example observations, expected outcomes (in order).
KNOWN = {
    "range": (
        {"indicators": ["HH7"], "min": 0, "max": 100},
        [{"indicator": "HH7", "value": 50}, {"indicator": "HH7", "sex": "F", "value": 101}],
        [PASS, FAIL],
    ),
    "integer": ({"indicators": ["i271"]}, [{"indicator": "i271", "value": 10.5}], [FAIL]),
    "part_whole": (
        {"part": "i271p", "whole": "i271"},
        [{"indicator": "i271p", "value": 5}, {"indicator": "i271", "value": 4}],
        [FAIL],
    ),
    "order": (
        {"chain": ["i271GA", "i271G", "i271pop"], "tolerance": 0.1},
        [
            {"indicator": "i271GA", "value": 50},
            {"indicator": "i271G", "value": 60},
            {"indicator": "i271pop", "value": 59},
        ],
        [PASS, FAIL],
    ),
    "sum_total": (
        {"indicator": "i4213tfbb", "breakdown": "speed", "rel_tolerance": 0.01},
        [
            {"indicator": "i4213tfbb", "value": 100},
            {"indicator": "i4213tfbb", "speed": "IS_GE10M", "value": 60},
            {"indicator": "i4213tfbb", "speed": "IS_2MT10M", "value": 40.5},
        ],
        [PASS],
    ),
    "bracket": (
        {"indicator": "HH7", "breakdown": "sex", "tolerance": 0.1},
        [
            {"indicator": "HH7", "value": 50},
            {"indicator": "HH7", "sex": "F", "value": 40},
            {"indicator": "HH7", "sex": "M", "value": 49.8},
        ],
        [FAIL],
    ),
    "year_change": (
        {"indicators": ["i271"], "mode": "relative", "lower": -30, "upper": 30},
        [{"indicator": "i271", "year": 2023, "value": 100}, {"indicator": "i271", "value": 131}],
        [NOT_EVALUABLE, FAIL],
    ),
    "scale_slip": (
        {"indicators": ["i271"], "factor": 1000, "band": 3},
        [{"indicator": "i271", "year": 2023, "value": 5000}, {"indicator": "i271", "value": 5}],
        [NOT_EVALUABLE, FAIL],
    ),
    "per_capita": (
        {"indicator": "i271", "per": 100, "max": 250},
        [{"indicator": "i271", "value": 2_400_000}],
        [PASS],
    ),
    "required": (
        {"questionnaire": "household", "indicators": ["HH6", "HH7"]},
        [{"indicator": "HH7", "value": 50}],
        [FAIL, PASS],
    ),
}


def test_every_registered_kind_has_a_known_answer_case() -> None:
    assert set(KNOWN) == set(REGISTRY)


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_kind_known_answer(name: str) -> None:
    params, rows, expected = KNOWN[name]
    items = REGISTRY[name].function(observations({"observations": rows}), params, Context(POP))
    assert tuple(items.columns) == ITEM_COLUMNS
    assert sorted(items["outcome"]) == sorted(expected)
    failed = items[items["outcome"] == FAIL]
    assert (failed["expected"] != "").all() and (
        items.loc[items["outcome"] != FAIL, "expected"] == ""
    ).all()


def _pair(part: float, whole: float | None) -> pd.DataFrame:
    rows = [{"indicator": "i271p", "value": part}]
    if whole is not None:
        rows.append({"indicator": "i271", "value": whole})
    return observations({"observations": rows})


finite = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
shares = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(part=finite, whole=finite, tol=st.floats(min_value=0, max_value=1e3))
def test_part_whole_fails_iff_part_exceeds_whole_plus_tolerance(part, whole, tol) -> None:
    items = REGISTRY["part_whole"].function(
        _pair(part, whole), {"part": "i271p", "whole": "i271", "tolerance": tol}, Context()
    )
    assert list(items["outcome"]) == [FAIL if part > whole + tol else PASS]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(part=finite)
def test_part_without_whole_is_not_evaluable(part) -> None:
    items = REGISTRY["part_whole"].function(
        _pair(part, None), {"part": "i271p", "whole": "i271"}, Context()
    )
    assert list(items["outcome"]) == [NOT_EVALUABLE]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(female=shares, male=shares, total=shares)
def test_bracket_fails_iff_total_outside_categories(female, male, total) -> None:
    frame = observations(
        {
            "observations": [
                {"indicator": "HH7", "value": total},
                {"indicator": "HH7", "sex": "F", "value": female},
                {"indicator": "HH7", "sex": "M", "value": male},
            ]
        }
    )
    items = REGISTRY["bracket"].function(
        frame, {"indicator": "HH7", "breakdown": "sex", "tolerance": 0.1}, Context()
    )
    outside = total < min(female, male) - 0.1 or total > max(female, male) + 0.1
    assert list(items["outcome"]) == [FAIL if outside else PASS]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(parts=st.lists(finite, min_size=1, max_size=3), total=finite)
def test_sum_total_over_fails_iff_sum_exceeds_total(parts, total) -> None:
    tiers = ["IS_256KT2M", "IS_2MT10M", "IS_GE10M"]
    rows = [{"indicator": "i4213tfbb", "value": total}] + [
        {"indicator": "i4213tfbb", "speed": tier, "value": v}
        for tier, v in zip(tiers, parts, strict=False)
    ]
    params = {"indicator": "i4213tfbb", "breakdown": "speed", "direction": "over"}
    items = REGISTRY["sum_total"].function(observations({"observations": rows}), params, Context())
    assert list(items["outcome"]) == [FAIL if sum(parts) > total else PASS]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    before=st.floats(min_value=1, max_value=1e9),
    ratio=st.floats(min_value=1e-5, max_value=1e5),
)
def test_scale_slip_fails_iff_ratio_near_thousand(before, ratio) -> None:
    rows = [
        {"indicator": "i271", "year": 2023, "value": before},
        {"indicator": "i271", "value": before * ratio},
    ]
    params = {"indicators": ["i271"], "factor": 1000, "band": 3}
    items = REGISTRY["scale_slip"].function(observations({"observations": rows}), params, Context())
    current = items[items["year"] == 2024]["outcome"].iloc[0]
    actual = before * ratio / before
    slip = 1000 / 3 <= actual <= 3000 or 1 / 3000 <= actual <= 3 / 1000
    assert current == (FAIL if slip else PASS)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(value=st.floats(min_value=-1e6, max_value=1e6), low=shares, width=shares)
def test_range_fails_iff_outside(value, low, width) -> None:
    frame = observations({"observations": [{"indicator": "HH6", "value": value}]})
    params = {"indicators": ["HH6"], "min": low, "max": low + width}
    items = REGISTRY["range"].function(frame, params, Context())
    assert list(items["outcome"]) == [FAIL if not low <= value <= low + width else PASS]


def test_year_change_absolute_uses_points_and_breakdowns_only_when_kept() -> None:
    rows = [
        {"indicator": "HH15", "skill": "EMAIL", "year": 2023, "value": 40},
        {"indicator": "HH15", "skill": "EMAIL", "value": 75},
    ]
    frame = observations({"observations": rows})
    base = {"indicators": ["HH15"], "mode": "absolute", "lower": -10, "upper": 20}
    assert REGISTRY["year_change"].function(frame, base, Context()).empty
    kept = REGISTRY["year_change"].function(frame, {**base, "keep": ["skill"]}, Context())
    assert sorted(kept["outcome"]) == [FAIL, NOT_EVALUABLE]
    assert "Δ +35.0" in kept.loc[kept["outcome"] == FAIL, "expected"].iloc[0]
    assert np.isclose(kept["value"].max(), 75)
