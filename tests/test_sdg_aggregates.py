"""Group aggregates: weighting, gap filling, coverage and the refusal below threshold (issue #6)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.sdg.aggregates import AGGREGATE_COLUMNS, AGGREGATIONS, WEIGHTS, aggregate
from pipeline.sdg.groups import GROUP_KINDS, membership, truthy

#: weighted means are a few float operations: agree to rounding error
MEAN_TOLERANCE = 1e-9

SETTINGS = {"carry_years": 3, "min_coverage": 0.5, "min_economies": 2}
DEFINITIONS = pd.DataFrame(
    {
        "weight": ["population", "population", "households"],
        "aggregation": ["weighted_mean", "sum", "weighted_mean"],
    },
    index=["RATE", "COUNT", "HOUSEHOLD_RATE"],
)
WORLD = [{"name": "world", "kind": "all", "groups": {"World": 1}}]


def series_rows(values: dict[str, float], series: str = "RATE", year: int = 2023) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": series,
            "economy": list(values),
            "year": year,
            "sex": "_T",
            "age": "_T",
            "area": "_T",
            "speed": "_T",
            "skill": "_T",
            "value": list(values.values()),
        }
    )


def population_of(weights: dict[str, float], years=(2020, 2021, 2022, 2023)) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"economy": e, "year": y, "population": w, "households": w / 4}
            for e, w in weights.items()
            for y in years
        ]
    )


def world(economies: list[str], years=(2023,)) -> pd.DataFrame:
    frame = pd.DataFrame({"economy": economies})
    return membership(frame, pd.DataFrame(columns=["economy", "year"]), years, WORLD)


def run(series: pd.DataFrame, weights: dict[str, float], **overrides: object) -> pd.DataFrame:
    members = world(list(weights), sorted(set(series["year"])))
    return aggregate(series, population_of(weights), members, DEFINITIONS, SETTINGS | overrides)


def test_population_weighted_mean_known_answer() -> None:
    result = run(series_rows({"A": 10.0, "B": 40.0}), {"A": 300.0, "B": 100.0})
    row = result.iloc[0]
    assert tuple(result.columns) == AGGREGATE_COLUMNS
    assert row["value"] == pytest.approx((10 * 300 + 40 * 100) / 400, abs=MEAN_TOLERANCE)
    assert row["coverage"] == 1.0 and bool(row["published"])
    assert (row["n_economies"], row["n_members"], row["m49"]) == (2, 2, 1)


def test_counts_are_summed_and_coverage_is_population_share() -> None:
    series = series_rows({"A": 1000.0, "B": 500.0}, series="COUNT")
    result = run(series, {"A": 300.0, "B": 100.0, "C": 100.0}).iloc[0]
    assert result["value"] == 1500.0
    assert result["coverage"] == pytest.approx(400 / 500)
    assert result["method"].startswith("sum of member values")


def test_a_series_may_demand_more_coverage_than_the_default() -> None:
    series = series_rows({"A": 1000.0, "B": 500.0}, series="COUNT")
    weights = {"A": 300.0, "B": 100.0, "C": 100.0}
    strict = DEFINITIONS.assign(min_coverage=[None, 0.95, None])
    members = world(list(weights))
    result = aggregate(series, population_of(weights), members, strict, SETTINGS).iloc[0]
    assert result["coverage"] == pytest.approx(0.8)
    assert not result["published"] and math.isnan(result["value"])


def test_household_indicators_weight_by_households() -> None:
    frame = series_rows({"A": 10.0, "B": 40.0}, series="HOUSEHOLD_RATE")
    population = population_of({"A": 300.0, "B": 100.0}).assign(households=[1.0] * 4 + [3.0] * 4)
    members = world(["A", "B"])
    result = aggregate(frame, population, members, DEFINITIONS, SETTINGS).iloc[0]
    assert result["value"] == pytest.approx((10 * 1 + 40 * 3) / 4)
    assert result["method"].startswith("households-weighted mean")


def test_refuses_to_publish_below_the_coverage_threshold() -> None:
    series = series_rows({"A": 10.0, "B": 40.0})
    result = run(series, {"A": 10.0, "B": 10.0, "C": 100.0}).iloc[0]
    assert result["coverage"] == pytest.approx(20 / 120)
    assert not result["published"] and math.isnan(result["value"])


def test_refuses_to_publish_with_too_few_economies() -> None:
    result = run(series_rows({"A": 10.0}), {"A": 100.0}).iloc[0]
    assert result["coverage"] == 1.0
    assert not result["published"] and math.isnan(result["value"])


def test_publishes_exactly_at_the_threshold() -> None:
    result = run(series_rows({"A": 10.0, "B": 20.0}), {"A": 50.0, "B": 50.0, "C": 100.0}).iloc[0]
    assert result["coverage"] == 0.5 and bool(result["published"])


def test_gaps_filled_with_latest_value_within_n_years() -> None:
    series = pd.concat(
        [
            series_rows({"A": 10.0, "B": 30.0}, year=2023),
            series_rows({"C": 50.0}, year=2021),
            series_rows({"D": 90.0}, year=2019),
        ]
    )
    weights = {"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0}
    members = world(list(weights), [2019, 2021, 2023])
    population = population_of(weights, years=range(2019, 2024))
    result = aggregate(series, population, members, DEFINITIONS, SETTINGS)
    row = result.loc[result["year"].eq(2023)].iloc[0]
    assert row["value"] == pytest.approx(30.0), "C (2 years old) in, D (4 years old) out"
    assert row["n_economies"] == 3 and row["coverage"] == pytest.approx(0.75)
    assert "within 3 years (1 of 3 members carried)" in row["method"]
    never_backwards = result.loc[result["year"].eq(2019)].iloc[0]
    assert never_backwards["n_economies"] == 1, "a later value never fills an earlier year"


def test_breakdowns_are_aggregated_separately() -> None:
    series = pd.concat(
        [series_rows({"A": 10.0, "B": 20.0}), series_rows({"A": 5.0, "B": 15.0}).assign(sex="F")]
    )
    result = run(series, {"A": 1.0, "B": 1.0}).set_index("sex")["value"]
    assert result.to_dict() == {"F": 10.0, "_T": 15.0}


def test_membership_kinds_flags_regions_and_income_by_year() -> None:
    economies = pd.DataFrame(
        {
            "economy": ["A", "B", "C"],
            "itu_region": ["Africa", "", "Europe"],
            "ldc": [True, False, False],
            "income_group": ["L", "LM", ""],
        }
    )
    history = pd.DataFrame(
        {"economy": ["A", "A"], "year": [2010, 2022], "income_group": ["L", "LM"]}
    )
    types = [
        {"name": "itu_region", "kind": "column", "column": "itu_region"},
        {"name": "ldc", "kind": "flag", "column": "ldc", "groups": {"LDC": 199}},
        {"name": "income_group", "kind": "income", "column": "income_group", "groups": {"L": 911}},
    ]
    table = membership(economies, history, [2021, 2023], types)
    got = set(table.itertuples(index=False, name=None))
    assert ("A", 2021, "income_group", "L", 911) in got
    assert ("A", 2023, "income_group", "LM", pd.NA) in {
        (e, y, t, g, pd.NA if pd.isna(m) else m) for e, y, t, g, m in got
    }
    assert {(e, g) for e, _, t, g, _ in got if t == "itu_region"} == {
        ("A", "Africa"),
        ("C", "Europe"),
    }
    assert {e for e, _, t, _, _ in got if t == "ldc"} == {"A"}
    assert {(e, g) for e, y, t, g, _ in got if t == "income_group" and y == 2021} == {
        ("A", "L"),
        ("B", "LM"),
    }


def test_registries_are_all_exercised() -> None:
    assert set(AGGREGATIONS) == {"weighted_mean", "sum"}
    assert set(DEFINITIONS["aggregation"]) == set(AGGREGATIONS)
    assert set(GROUP_KINDS) == {"all", "column", "flag", "income", "income_union"}
    assert {"population", "households"} <= set(WEIGHTS)
    assert list(truthy(pd.Series([True, "x", "False", 0, "1"]))) == [True, True, False, False, True]


members_strategy = st.dictionaries(
    st.sampled_from([f"E{i:02d}" for i in range(12)]),
    st.tuples(
        st.floats(0, 100, allow_nan=False),
        st.floats(1, 1e9, allow_nan=False),
        st.booleans(),
    ),
    min_size=1,
)


@settings(max_examples=60, deadline=None)
@given(members_strategy)
def test_weighted_mean_lies_within_members_and_coverage_in_unit_interval(members) -> None:
    values = {e: v for e, (v, _, has) in members.items() if has}
    weights = {e: w for e, (_, w, _) in members.items()}
    series = series_rows(values or {next(iter(members)): 1.0}).iloc[: len(values)]
    result = run(series, weights, min_coverage=0.0, min_economies=1)
    if not values:
        assert result.empty or not result["published"].any()
        return
    row = result.iloc[0]
    assert 0.0 <= row["coverage"] <= 1.0
    low, high = min(values.values()), max(values.values())
    assert low - 1e-7 <= row["value"] <= high + 1e-7


@settings(max_examples=40, deadline=None)
@given(members_strategy, st.randoms(use_true_random=False))
def test_aggregate_is_invariant_to_member_order(members, random) -> None:
    values = {e: v for e, (v, _, _) in members.items()}
    weights = {e: w for e, (_, w, _) in members.items()}
    order = list(values)
    random.shuffle(order)
    shuffled = {e: values[e] for e in order}
    first = run(series_rows(values), weights, min_economies=1)
    second = run(series_rows(shuffled), dict(reversed(list(weights.items()))), min_economies=1)
    np.testing.assert_allclose(first["value"], second["value"], rtol=1e-12)
    np.testing.assert_allclose(first["coverage"], second["coverage"], rtol=1e-12)
