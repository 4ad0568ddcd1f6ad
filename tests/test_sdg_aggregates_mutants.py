"""Regional aggregates at their exact limits: estimates, shares by kind, intervals, publication."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_sdg_aggregates import DEFINITIONS, SETTINGS, population_of, series_rows, world

from pipeline.sdg.aggregates import INTERVAL_DRAWS, KINDS, aggregate


def _estimates(rows: dict[str, tuple[float, float, float, str]], year: int = 2023) -> pd.DataFrame:
    return pd.DataFrame(
        [{"series": "RATE", "economy": e, "year": year, "value": v, "low": lo, "high": hi,
          "kind": kind, "method": "test"} for e, (v, lo, hi, kind) in rows.items()]
    )  # fmt: skip


def _row(
    reported: dict[str, float],
    weights: dict[str, float],
    estimated: dict[str, tuple[float, float, float, str]],
    rule: dict[str, object] | None = None,
    **overrides: object,
) -> pd.Series:
    settings = {**SETTINGS, **overrides}
    if rule is not None:
        settings["estimates"] = rule
    result = aggregate(
        series_rows(reported),
        population_of(weights),
        world(list(weights)),
        DEFINITIONS,
        settings,
        _estimates(estimated),
    )
    return result[result["series"] == "RATE"].iloc[0]


def test_kinds_and_draws() -> None:
    assert KINDS == ("reported", "interpolated", "extrapolated", "modelled")
    assert INTERVAL_DRAWS == 400


def test_reported_share_exactly_two_thirds_is_normal_by_default() -> None:
    row = _row({"A": 10.0, "B": 20.0}, {"A": 20.0, "B": 20.0, "C": 20.0},
               {"C": (30.0, 25.0, 35.0, "modelled")}, rule={})  # fmt: skip
    assert bool(row["published"]) and row["flag"] == ""
    assert row["share_reported"] == pytest.approx(2 / 3) and row["share_modelled"] == pytest.approx(
        1 / 3
    )
    assert row["share_interpolated"] == 0.0 and row["share_extrapolated"] == 0.0
    assert row["value"] == pytest.approx(20.0) and row["n_economies"] == 3
    stricter = _row({"A": 10.0, "B": 20.0}, {"A": 20.0, "B": 20.0, "C": 20.0},
                    {"C": (30.0, 25.0, 35.0, "modelled")},
                    rule={"normal": 0.7, "caution": 0.6})  # fmt: skip
    assert bool(stricter["published"]) and stricter["flag"] == "caution"
    assert np.isnan(_row({"A": 10.0, "B": 20.0}, {"A": 20.0, "B": 20.0, "C": 20.0},
                         {"C": (30.0, 25.0, 35.0, "modelled")},
                         rule={"normal": 0.7, "caution": 0.7})["value"])  # fmt: skip


def test_reported_and_interpolated_exactly_half_is_caution_by_default() -> None:
    weights = {"A": 25.0, "B": 25.0, "C": 50.0}
    interpolated = _row(
        {"A": 10.0, "B": 20.0}, weights, {"C": (30.0, 25.0, 35.0, "modelled")}, rule={}
    )
    assert bool(interpolated["published"]) and interpolated["flag"] == "caution"
    assert interpolated["value"] == pytest.approx(22.5)
    below = _row({"A": 10.0}, weights | {"B": 0.0} | {"A": 49.0, "C": 51.0},
                 {"C": (30.0, 25.0, 35.0, "interpolated")}, rule={})  # fmt: skip
    assert bool(below["published"]) and below["flag"] == "caution"  # 49 % + 51 % interpolated
    withheld = _row({"A": 10.0}, {"A": 49.0, "C": 51.0}, {"C": (30.0, 25.0, 35.0, "modelled")},
                    rule={})  # fmt: skip
    assert not bool(withheld["published"]) and withheld["flag"] == ""
    assert np.isnan(withheld["value"]) and np.isnan(withheld["low"]) and np.isnan(withheld["high"])


def test_itu_mode_publishes_estimated_aggregates_only() -> None:
    row = _row({"A": 10.0}, {"A": 10.0, "C": 90.0}, {"C": (30.0, 25.0, 35.0, "modelled")},
               rule={"mode": "itu"})  # fmt: skip
    assert bool(row["published"]) and row["flag"] == "itu mode"
    assert row["value"] == pytest.approx(28.0)


def test_estimates_fill_only_total_rows_and_replace_a_carried_value() -> None:
    reported = pd.concat([series_rows({"A": 10.0}), series_rows({"B": 40.0}, year=2022),
                          series_rows({"A": 12.0}).assign(sex="F")])  # fmt: skip
    estimates = _estimates({"B": (44.0, 40.0, 48.0, "interpolated"),
                            "C": (60.0, 50.0, 70.0, "modelled")})  # fmt: skip
    result = aggregate(reported, population_of({"A": 10.0, "B": 10.0, "C": 20.0}),
                       world(["A", "B", "C"], (2022, 2023)), DEFINITIONS,
                       {**SETTINGS, "min_coverage": 0.0, "min_economies": 1},
                       estimates)  # fmt: skip
    year = result[(result["series"] == "RATE") & (result["year"] == 2023)].set_index("sex")
    total = year.loc["_T"]
    assert total["value"] == pytest.approx((10 * 10 + 44 * 10 + 60 * 20) / 40)
    assert total["n_carried"] == 2 and total["n_economies"] == 3
    assert total["share_interpolated"] == pytest.approx(0.25)
    assert total["share_extrapolated"] == 0.0  # the carried 2022 value was replaced
    female = year.loc["F"]
    assert female["value"] == pytest.approx(12.0) and female["n_economies"] == 1
    assert female["share_reported"] == pytest.approx(0.25) and np.isnan(female["low"])
    assert female["flag"] == ""
    assert "2 of 3 members carried" in total["method"]


def test_a_value_carried_without_estimates_is_extrapolated() -> None:
    reported = pd.concat([series_rows({"A": 10.0}), series_rows({"B": 40.0}, year=2022)])
    result = aggregate(reported, population_of({"A": 10.0, "B": 30.0}),
                       world(["A", "B"], (2022, 2023)), DEFINITIONS, SETTINGS)  # fmt: skip
    row = result[(result["series"] == "RATE") & (result["year"] == 2023)].iloc[0]
    assert row["share_extrapolated"] == pytest.approx(0.75)
    assert row["share_reported"] == pytest.approx(0.25) and row["flag"] == ""


def test_interval_of_one_estimated_member_is_its_own_interval() -> None:
    row = _row({"A": 50.0}, {"A": 0.0, "C": 10.0}, {"C": (50.0, 40.0, 60.0, "modelled")},
               rule={"mode": "itu"}, min_economies=1)  # fmt: skip
    assert row["value"] == pytest.approx(50.0)
    # every draw is C's: the 5th and 95th percentiles are its 90 % interval, ±0.7 (400 draws)
    assert row["low"] == pytest.approx(40.0, abs=0.7) and row["high"] == pytest.approx(
        60.0, abs=0.7
    )


def test_interval_draws_stay_within_0_and_100_and_reruns_agree() -> None:
    def high_of() -> pd.Series:
        return _row({"A": 99.0}, {"A": 0.0, "C": 10.0}, {"C": (99.0, 90.0, 100.0, "modelled")},
                    rule={"mode": "itu"}, min_economies=1)  # fmt: skip

    first, second = high_of(), high_of()
    assert first["high"] <= 100.0 and first["low"] < 99.0
    assert (first["low"], first["high"]) == (second["low"], second["high"])
    low = _row({"A": 1.0}, {"A": 0.0, "C": 10.0}, {"C": (1.0, 0.0, 10.0, "modelled")},
               rule={"mode": "itu"}, min_economies=1)  # fmt: skip
    assert low["low"] >= 0.0 and low["high"] > 1.0
    # 0.5 with a 90 % interval 0–5: over a third of the draws fall below 0 and are clipped
    floor = _row({"A": 0.5}, {"A": 0.0, "C": 10.0}, {"C": (0.5, 0.0, 5.0, "modelled")},
                 rule={"mode": "itu"}, min_economies=1)  # fmt: skip
    assert floor["low"] == 0.0 and floor["high"] > 0.5


def test_interval_only_for_aggregates_with_estimated_members() -> None:
    estimates = _estimates({"C": (30.0, 20.0, 40.0, "modelled")})
    two_years = pd.concat([series_rows({"A": 50.0, "C": 20.0}, year=2022),
                           series_rows({"A": 50.0})])  # fmt: skip
    result = aggregate(two_years, population_of({"A": 50.0, "C": 50.0}),
                       world(["A", "C"], (2022, 2023)), DEFINITIONS,
                       {**SETTINGS, "estimates": {"mode": "itu"}, "carry_years": 0},
                       estimates)  # fmt: skip
    rate = result[result["series"] == "RATE"].set_index("year")
    assert np.isnan(rate.loc[2022, "low"]) and rate.loc[2022, "flag"] == "itu mode"
    assert rate.loc[2023, "low"] < rate.loc[2023, "value"] < rate.loc[2023, "high"]
    assert rate.loc[2023, "high"] - rate.loc[2023, "low"] == pytest.approx(10.0, rel=0.15)


def test_itu_mode_publishes_an_estimated_aggregate_the_coverage_rule_would_withhold() -> None:
    rule = {"mode": "itu"}
    estimated = {"C": (30.0, 25.0, 35.0, "modelled")}
    row = _row({"A": 10.0}, {"A": 10.0, "C": 90.0}, estimated, rule=rule, min_economies=3)
    assert bool(row["published"]) and row["value"] == pytest.approx(28.0)
    held = _row({"A": 10.0}, {"A": 10.0, "C": 90.0}, estimated, rule={}, min_economies=3)
    assert not bool(held["published"]) and np.isnan(held["value"])


def test_shares_of_a_group_without_weight_are_zero() -> None:
    result = aggregate(series_rows({"A": 10.0}), population_of({"A": 0.0}), world(["A"]),
                       DEFINITIONS, {**SETTINGS, "min_economies": 1})  # fmt: skip
    row = result[result["series"] == "RATE"].iloc[0]
    assert row["coverage"] == 0.0 and not bool(row["published"])
    assert [row[f"share_{k}"] for k in KINDS] == [0.0, 0.0, 0.0, 0.0]


def test_interval_with_weights_below_one() -> None:
    row = _row({"A": 50.0}, {"A": 0.0, "C": 0.5}, {"C": (50.0, 40.0, 60.0, "modelled")},
               rule={"mode": "itu"}, min_economies=1)  # fmt: skip
    assert row["low"] == pytest.approx(40.0, abs=0.7) and row["high"] == pytest.approx(
        60.0, abs=0.7
    )


def test_shares_with_weights_below_one() -> None:
    row = _row({"A": 10.0}, {"A": 0.3, "C": 0.1}, {"C": (30.0, 25.0, 35.0, "interpolated")})
    assert row["share_reported"] == pytest.approx(0.75)
    assert row["share_interpolated"] == pytest.approx(0.25)
