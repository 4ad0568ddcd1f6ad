"""Group aggregates: weighting, gap filling, coverage and the refusal below threshold."""

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


def test_a_group_without_population_data_is_not_covered_nor_published() -> None:
    series = series_rows({"A": 10.0, "B": 40.0})
    members = world(["A", "B"])
    no_population = population_of({"A": 1.0, "B": 1.0}).iloc[0:0]
    result = aggregate(series, no_population, members, DEFINITIONS, SETTINGS).iloc[0]
    assert result["coverage"] == 0.0
    assert not result["published"] and math.isnan(result["value"])
    assert result["n_economies"] == 0 and result["n_members"] == 2


def test_publishes_exactly_at_the_minimum_number_of_economies() -> None:
    weights = {"A": 1.0, "B": 1.0, "C": 1.0}
    at_limit = run(series_rows({"A": 10.0, "B": 20.0, "C": 30.0}), weights, min_economies=3)
    assert bool(at_limit.iloc[0]["published"]) and at_limit.iloc[0]["value"] == 20.0
    below = run(series_rows({"A": 10.0, "B": 20.0}), weights, min_economies=3, min_coverage=0.1)
    assert not below.iloc[0]["published"]


def test_a_value_exactly_carry_years_old_is_carried_one_year_older_is_not() -> None:
    series = pd.concat(
        [
            series_rows({"A": 10.0}, year=2023),
            series_rows({"B": 30.0}, year=2021),
            series_rows({"C": 70.0}, year=2020),
        ]
    )
    weights = {"A": 1.0, "B": 1.0, "C": 1.0}
    members = world(list(weights), [2020, 2021, 2023])
    population = population_of(weights, years=range(2020, 2024))
    settings = SETTINGS | {"carry_years": 2, "min_coverage": 0.1, "min_economies": 1}
    result = aggregate(series, population, members, DEFINITIONS, settings)
    row = result.loc[result["year"].eq(2023)].iloc[0]
    assert row["value"] == 20.0, "B (2 years old) in, C (3 years old) out"
    assert (row["n_economies"], row["n_carried"], row["n_members"]) == (2, 1, 3)
    assert row["method"] == (
        "population-weighted mean; gaps filled with the latest value within 2 years "
        "(1 of 2 members carried)"
    )
    first = result.loc[result["year"].eq(2020)].iloc[0]
    assert first["n_carried"] == 0 and first["n_economies"] == 1


def test_coverage_counts_members_with_a_zero_value_and_weights_by_households() -> None:
    frame = series_rows({"A": 0.0, "B": 40.0, "C": np.nan}, series="HOUSEHOLD_RATE")
    population = population_of({"A": 8.0, "B": 4.0, "C": 4.0})
    members = world(["A", "B", "C"])
    result = aggregate(frame, population, members, DEFINITIONS, SETTINGS).iloc[0]
    assert result["coverage"] == pytest.approx(3 / 4)
    assert result["value"] == pytest.approx(40.0 * 1 / 3)
    assert result["method"].startswith("households-weighted mean;")


def test_a_member_without_population_is_left_out_of_a_sum_and_its_coverage() -> None:
    series = series_rows({"A": 1000.0, "B": 500.0}, series="COUNT")
    members = world(["A", "B"])
    population = population_of({"A": 100.0})
    one = SETTINGS | {"min_economies": 1}
    result = aggregate(series, population, members, DEFINITIONS, one).iloc[0]
    assert (result["value"], result["coverage"], result["n_economies"]) == (1000.0, 1.0, 1)
    assert result["method"].startswith("sum of member values;")


def test_aggregates_of_several_series_groups_and_years_keep_their_order() -> None:
    series = pd.concat(
        [
            series_rows({"A": 10.0, "B": 20.0}, series="RATE", year=2022),
            series_rows({"A": 1.0, "B": 2.0}, series="COUNT", year=2023),
        ]
    )
    result = run(series, {"A": 1.0, "B": 3.0})
    assert list(zip(result["series"], result["year"], strict=True)) == [
        ("COUNT", 2023),
        ("RATE", 2022),
    ]
    assert list(result["value"]) == [3.0, 17.5]
    assert list(result["m49"]) == [1, 1]


def test_individuals_are_weighted_by_the_whole_population() -> None:
    definitions = pd.DataFrame(
        {"weight": ["individuals"], "aggregation": ["weighted_mean"]}, index=["RATE"]
    )
    weights = {"A": 300.0, "B": 100.0}
    series = series_rows({"A": 10.0, "B": 40.0})
    result = aggregate(series, population_of(weights), world(list(weights)), definitions, SETTINGS)
    assert result.iloc[0]["value"] == pytest.approx((10 * 300 + 40 * 100) / 400)
    assert result.iloc[0]["method"].startswith("individuals-weighted mean;")


def test_weights_below_one_are_weights_like_any_other() -> None:
    """A denominator may be small (households in millions): only zero weight means no data."""
    result = run(series_rows({"A": 10.0, "B": 40.0}), {"A": 0.3, "B": 0.1}).iloc[0]
    assert result["value"] == pytest.approx((10 * 0.3 + 40 * 0.1) / 0.4)
    assert result["coverage"] == pytest.approx(1.0) and bool(result["published"])


def _estimated(values: dict[str, tuple[float, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"series": "RATE", "economy": e, "year": 2023, "value": v, "low": lo, "high": hi,
             "kind": kind, "method": "test"}
            for e, (v, lo, hi, kind) in values.items()
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "mode", "published", "flag"),
    [
        ("interpolated", "coverage", True, "caution"),  # 40 % reported + 60 % interpolated
        ("modelled", "coverage", False, ""),  # 40 % reported: withheld
        ("modelled", "itu", True, "itu mode"),
    ],
)
def test_estimates_complete_an_aggregate_under_the_declared_rule(kind, mode, published, flag):
    series = series_rows({"A": 50.0, "B": 70.0})
    population = population_of({"A": 20.0, "B": 20.0, "C": 60.0})
    estimates = _estimated({"C": (30.0, 20.0, 40.0, kind)})
    settings_ = {**SETTINGS, "estimates": {"mode": mode, "normal": 2 / 3, "caution": 0.5}}
    row = aggregate(series, population, world(["A", "B", "C"]), DEFINITIONS, settings_, estimates)
    row = row[row["series"] == "RATE"].iloc[0]
    assert bool(row["published"]) is published and row["flag"] == flag
    assert row["share_reported"] == pytest.approx(0.4)
    assert row[f"share_{kind}"] == pytest.approx(0.6)
    if published:
        assert row["value"] == pytest.approx((50 * 20 + 70 * 20 + 30 * 60) / 100)
        assert row["low"] < row["value"] < row["high"]
        # only C varies (its 90 % interval 20–40); it carries 60 % of the base, so the
        # aggregate's 90 % interval is 60 % as wide, up to Monte Carlo noise (400 draws)
        assert row["high"] - row["low"] == pytest.approx(0.6 * (40 - 20), rel=0.15)


def test_an_aggregate_of_reported_members_only_has_no_interval():
    series = series_rows({"A": 50.0, "B": 70.0})
    population = population_of({"A": 50.0, "B": 50.0})
    estimates = _estimated({})
    row = aggregate(series, population, world(["A", "B"]), DEFINITIONS, SETTINGS, estimates)
    row = row[row["series"] == "RATE"].iloc[0]
    assert row["share_reported"] == pytest.approx(1.0) and math.isnan(row["low"])
