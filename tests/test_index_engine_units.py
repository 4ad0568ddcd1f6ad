"""compute_edition's parts: the capped flag, node parameters, the look-back years, the
excluded table and notes, and the interval that estimated inputs carry into the scores.

The interval is checked against a stratified normal sample (each draw at a quantile of the
normal) put in place of the seeded generator, so that the 5th and 95th percentiles of the
scores are known: an input drawn from N(centre, σ) with its prediction interval's half-width
= 1.645 σ puts the score's 5th percentile where the input is at the interval's low end.
"""

from __future__ import annotations

import dataclasses
import itertools
import tomllib
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from index_helpers import observation as _obs

from pipeline.estimate import cascade
from pipeline.index.engine import aggregate_tree, compute_edition, normalise_values
from pipeline.index.methodology import build
from pipeline.index.tables import EXCLUDED_COLUMNS
from pipeline.observations import observation_table


def _edition(imputation: list | None = None, **edition) -> dict:
    """T = mean of HH7 (goalpost 50) and HH6 (goalpost 100), both inputs needed."""
    return {
        "edition": {"name": "toy", "index": "T", "ties": "min", "min_indicators": 1, **edition},
        "nodes": [{"code": "T", "aggregation": "arithmetic", "min_share": 1.0}],
        "indicators": [
            {"code": "HH7", "parent": "T", "weight": 0.5,
             "normalisation": {"method": "goalposts", "threshold": 0, "goalpost": 50}},
            {"code": "HH6", "parent": "T", "weight": 0.5,
             "normalisation": {"method": "goalposts", "threshold": 0, "goalpost": 100},
             "imputation": imputation or []},
        ],
    }  # fmt: skip


def _indicators(*specs: tuple[int, dict]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "direction": [d for d, _ in specs],
            "transform": ["none"] * len(specs),
            "normalisation": [s for _, s in specs],
        }
    )


# --- capped flag -------------------------------------------------------------------------


def test_goalposts_cap_only_beyond_either_goalpost() -> None:
    indicators = _indicators((1, {"method": "goalposts", "threshold": 10, "goalpost": 100}))
    x = np.array([10.0, 100.0, 9.9, 100.1]).reshape(1, 4, 1)
    _, capped = normalise_values(x, indicators)
    assert capped[0, :, 0].tolist() == [False, False, True, True]


WITH_THRESHOLD = (1, {"method": "goalposts", "threshold": 5, "goalpost": 9})


@pytest.mark.parametrize("others", [[], [WITH_THRESHOLD]])
def test_goalposts_without_threshold_cap_below_zero(others) -> None:
    """Threshold 0 by default, also when another goalpost indicator sets one."""
    indicators = _indicators((1, {"method": "goalposts", "goalpost": 100}), *others)
    x = np.array([0.0, 0.5, -0.5]).reshape(1, 3, 1).repeat(1 + len(others), axis=-1)
    _, capped = normalise_values(x, indicators)
    assert capped[0, :, 0].tolist() == [False, False, True]


def test_reference_caps_the_ratio_in_the_indicator_s_direction() -> None:
    indicators = _indicators(
        (1, {"method": "reference", "reference": 10, "cap": 2}),
        (-1, {"method": "reference", "reference": 10, "cap": 2}),
    )
    x = np.array([[5.0, 5.0], [20.0, 4.0], [25.0, 20.0]])[None, ...]
    _, capped = normalise_values(x, indicators)
    # higher is better: x / 10 > 2; lower is better: 10 / x > 2
    assert capped[0].tolist() == [[False, False], [False, True], [True, False]]


def test_reference_without_cap_and_other_methods_never_cap() -> None:
    indicators = _indicators(
        (1, {"method": "reference", "reference": 10}),
        (1, {"method": "minmax", "lower": 0, "upper": 1}),
    )
    x = np.array([[1000.0, 1000.0], [-5.0, -5.0]])[None, ...]
    _, capped = normalise_values(x, indicators)
    assert not capped.any()


def test_node_aggregation_parameters_reach_the_aggregation() -> None:
    spec = _edition()
    spec["nodes"][0]["aggregation"] = {"method": "generalised", "p": 2}
    methodology = build(spec, "toy.toml", None)
    out = aggregate_tree({"HH7": np.array([80.0]), "HH6": np.array([60.0])}, methodology)
    assert out["T"][0] == pytest.approx(np.sqrt((80.0**2 + 60.0**2) / 2))


# --- look-back years, excluded table, notes --------------------------------------------


def test_the_first_computed_year_lags_the_year_before_by_latest_s_default() -> None:
    """``latest`` without ``max_years`` carries one year: the year before the first computed
    year is in the panel, so computing 2021 alone scores what computing 2020-2021 does."""
    methodology = build(_edition([{"method": "latest"}]), "toy.toml", None)
    rows = [_obs("AAA", 2020, "HH7", 40.0), _obs("AAA", 2020, "HH6", 60.0),
            _obs("AAA", 2021, "HH7", 30.0)]  # fmt: skip
    alone = compute_edition(observation_table(rows), methodology, years=[2021])
    both = compute_edition(observation_table(rows), methodology)
    score = alone.scores.set_index(["economy", "year", "node"])["score"]
    assert score[("AAA", 2021, "T")] == pytest.approx((60.0 + 60.0) / 2)
    again = both.scores.set_index(["economy", "year", "node"])["score"]
    assert again[("AAA", 2021, "T")] == score[("AAA", 2021, "T")]
    assert bool(alone.normalised.set_index("indicator").loc["HH6", "lagged"])


def test_max_years_sets_how_far_back_the_panel_reaches() -> None:
    methodology = build(_edition([{"method": "latest", "max_years": 2}]), "toy.toml", None)
    rows = [_obs("AAA", 2019, "HH6", 60.0), _obs("AAA", 2021, "HH7", 30.0)]
    result = compute_edition(observation_table(rows), methodology, years=[2021])
    row = result.normalised.set_index("indicator").loc["HH6"]
    assert row["value"] == 60.0 and row["cell"] == "HH62019"


def test_an_edition_that_lags_nothing_has_no_look_back_year() -> None:
    """Without a ``latest`` step the year before is not in the panel: the note of a missing
    input does not cite it (it could not have been used)."""
    methodology = build(_edition([{"method": "interpolate"}]), "toy.toml", None)
    rows = [_obs("AAA", 2020, "HH7", 40.0), _obs("AAA", 2020, "HH6", 60.0, estimate=True),
            _obs("AAA", 2021, "HH7", 30.0)]  # fmt: skip
    result = compute_edition(observation_table(rows), methodology, years=[2021])
    assert result.notes["reason"].tolist() == ["no value for 2021"]


@pytest.fixture(scope="module")
def toy():
    methodology = build(_edition([{"method": "latest"}]), "toy.toml", None)
    rows = [
        _obs("AAA", 2020, "HH7", 40.0), _obs("AAA", 2020, "HH6", 60.0),
        _obs("AAA", 2021, "HH7", 30.0),  # HH6 lagged from 2020
        _obs("BBB", 2021, "HH7", 20.0),  # admitted, but T needs both inputs
        _obs("CCC", 2021, "HH6", 70.0, estimate=True),  # no official value: excluded
    ]  # fmt: skip
    economies = pd.DataFrame({"economy": ["AAA", "BBB", "CCC", "DDD"], "itu_region": "R"})
    return compute_edition(observation_table(rows), methodology, economies=economies, years=[2021])


def test_excluded_are_the_economy_years_with_data_below_the_rule(toy) -> None:
    excluded = toy.excluded
    assert list(excluded.columns) == list(EXCLUDED_COLUMNS)
    assert isinstance(excluded.index, pd.RangeIndex)
    assert list(zip(excluded["economy"], excluded["year"], strict=True)) == [("CCC", 2021)]
    assert excluded[["official_indicators", "available_indicators", "min_indicators"]].iloc[
        0
    ].tolist() == [0, 1, 1]


def test_notes_explain_each_unscored_economy_year_with_data(toy) -> None:
    notes = toy.notes
    assert notes[["economy", "indicator", "reason"]].values.tolist() == [
        ["BBB", "HH6", "no value for 2021"],
        ["CCC", "", "inclusion rule: 0 official of 1 available values, 1 needed"],
    ]
    top = toy.scores[toy.scores["node"] == "T"]
    assert top["economy"].tolist() == ["AAA"]


def test_arrays_hold_the_raw_values_of_included_economies(toy) -> None:
    arrays = toy.arrays
    assert arrays["economies"] == ["AAA", "BBB", "CCC", "DDD"]
    assert arrays["years"] == [2021] and arrays["indicators"] == ["HH7", "HH6"]
    expected = [[30.0, 60.0], [20.0, np.nan], [np.nan, np.nan], [np.nan, np.nan]]
    np.testing.assert_array_equal(arrays["raw"][0], expected)  # CCC excluded: no raw value
    assert {"transformed", "treated", "normalised"} <= set(arrays)


def test_an_edition_s_result_cannot_be_changed(toy) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        toy.scores = toy.scores.head(0)


# --- estimated inputs and the score interval --------------------------------------------

ECONOMIES = [f"XA{chr(65 + e)}" for e in range(12)]
YEARS = [2013, 2014, 2015]
#: S1 missing here: XAA 2014 is interpolated (an exact fit, so a zero-width interval), XAB
#: 2015 is carried forward from 2014 (a measured interval).
HOLES = {("XAA", 2014), ("XAB", 2015)}
CASCADES = """
[[cascade]]
indicators = ["S1"]
scale = "identity"
steps = [{ method = "interpolate", form = "linear" }, { method = "carry_forward", max_years = 3 }]
[[cascade]]
indicators = ["S2"]
scale = "logit"
bounds = [0, 100]
steps = [{ method = "carry_forward", max_years = 3 }]
"""


def _estimating(estimation: bool) -> dict:
    goalposts = {"method": "goalposts", "threshold": 0, "goalpost": 100}
    return {
        "edition": {"name": "est", "index": "T", "ties": "min", "min_indicators": 1,
                    "estimation": estimation},
        "nodes": [{"code": "T", "aggregation": "arithmetic", "min_share": 1.0}],
        "indicators": [
            {"code": "S1", "parent": "T", "weight": 0.5, "normalisation": goalposts},
            {"code": "S2", "parent": "T", "weight": 0.5, "normalisation": goalposts},
        ],
    }  # fmt: skip


def _trend_rows() -> pd.DataFrame:
    rows = []
    for (e, economy), year in itertools.product(enumerate(ECONOMIES), range(2010, 2016)):
        t = year - 2010
        if (economy, year) not in HOLES:
            rows.append(_obs(economy, year, "S1", 10.0 + 5.0 * t + e))
        rows.append(_obs(economy, year, "S2", 50.0 + 2.0 * t + e))
    return observation_table(rows)


class _Stratified:
    """A stand-in for the seeded generator: each column of draws at the normal's quantiles."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def standard_normal(self, size: tuple[int, int]) -> np.ndarray:
        n, k = size
        z = np.array([NormalDist().inv_cdf((i + 0.5) / n) for i in range(n)])
        return np.repeat(z[:, None], k, axis=1)


def _run(estimation: bool = True):
    cascades = cascade.parse(tomllib.loads(CASCADES), "test.toml")
    methodology = build(_estimating(estimation), "est.toml", None)
    return compute_edition(_trend_rows(), methodology, years=YEARS, cascades=cascades)


@pytest.fixture(scope="module")
def stratified():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(np.random, "default_rng", _Stratified)
        return _run()


@pytest.fixture(scope="module")
def seeded():
    return _run()


def _bounds(result, economy: str, year: int, node: str) -> tuple[float, float, float]:
    row = result.scores.set_index(["economy", "year", "node"]).loc[(economy, year, node)]
    return row["score"], row["score_low"], row["score_high"]


def _input(result, economy: str, year: int, code: str) -> pd.Series:
    return result.normalised.set_index(["economy", "year", "indicator"]).loc[(economy, year, code)]


def test_gaps_of_admitted_economies_are_estimated(stratified) -> None:
    frame = stratified.normalised
    flagged = frame[frame["estimated"]]
    assert set(zip(flagged["economy"], flagged["year"], flagged["indicator"], strict=True)) == {
        ("XAA", 2014, "S1"), ("XAB", 2015, "S1")
    }  # fmt: skip
    assert _input(stratified, "XAB", 2015, "S1")["value"] == pytest.approx(10.0 + 20.0 + 1.0)


def test_without_estimation_the_gaps_stay_and_are_noted() -> None:
    result = _run(estimation=False)
    assert not result.normalised["estimated"].any()
    assert result.scores["score_low"].isna().all()
    noted = set(zip(result.notes["economy"], result.notes["year"], strict=True))
    assert noted == HOLES


def test_the_interval_is_the_5th_to_95th_percentile_of_the_drawn_scores(stratified) -> None:
    estimate = _input(stratified, "XAB", 2015, "S1")
    other = _input(stratified, "XAB", 2015, "S2")["normalised"]
    low, high = estimate["estimate_low"], estimate["estimate_high"]
    assert low < estimate["value"] < high
    tolerance = 0.01 * (high - low)
    score, score_low, score_high = _bounds(stratified, "XAB", 2015, "S1")
    assert (score_low, score_high) == (pytest.approx(low, abs=tolerance),
                                       pytest.approx(high, abs=tolerance))  # fmt: skip
    score, score_low, score_high = _bounds(stratified, "XAB", 2015, "T")
    assert score == pytest.approx((estimate["value"] + other) / 2)
    assert score_low == pytest.approx((low + other) / 2, abs=tolerance)
    assert score_high == pytest.approx((high + other) / 2, abs=tolerance)
    # the reported input of the same economy-year is not drawn
    assert _bounds(stratified, "XAB", 2015, "S2")[1:] == (other, other)


def test_a_reported_input_is_never_drawn(stratified) -> None:
    """S2 is reported wherever S1 is estimated: its score's bounds are its score exactly (a
    value sent through the logit scale and back could move in its last digit)."""
    for economy, year in sorted(HOLES):
        score, score_low, score_high = _bounds(stratified, economy, year, "S2")
        assert (score_low, score_high) == (score, score)


def test_an_interval_of_zero_width_gives_the_score_itself(stratified) -> None:
    estimate = _input(stratified, "XAA", 2014, "S1")
    assert estimate["estimate_low"] == pytest.approx(estimate["estimate_high"])
    score, score_low, score_high = _bounds(stratified, "XAA", 2014, "T")
    assert score_low == pytest.approx(score) and score_high == pytest.approx(score)


def test_economy_years_without_an_estimated_input_have_no_interval(stratified) -> None:
    scores = stratified.scores
    with_interval = scores[scores["score_low"].notna()]
    keys = set(zip(with_interval["economy"], with_interval["year"], strict=True))
    assert keys == HOLES
    assert with_interval["score_high"].notna().all()


def test_seeded_draws_give_a_reproducible_interval_of_the_expected_width(seeded) -> None:
    estimate = _input(seeded, "XAB", 2015, "S1")
    score, score_low, score_high = _bounds(seeded, "XAB", 2015, "T")
    assert score_low < score < score_high
    # half the input's interval (weight 0.5), within the sampling error of 400 draws
    sigma = (estimate["estimate_high"] - estimate["estimate_low"]) / (2 * 1.645) / 2
    assert score_high - score_low == pytest.approx(2 * 1.645 * sigma, abs=0.6 * sigma)
    again = _run()
    pd.testing.assert_frame_equal(again.scores, seeded.scores)


def test_an_estimate_without_a_measured_interval_adds_no_spread() -> None:
    """Two economies give fewer than ten leave-one-out errors: no interval is measured, and
    the estimate enters every draw as it is."""
    cascades = cascade.parse(tomllib.loads(CASCADES), "test.toml")
    methodology = build(_estimating(True), "est.toml", None)
    rows = [_obs(e, y, "S2", 50.0) for e in ("XAA", "XAB") for y in (2013, 2014)]
    rows += [_obs("XAA", 2013, "S1", 20.0), _obs("XAA", 2014, "S1", 30.0),
             _obs("XAB", 2013, "S1", 40.0)]  # fmt: skip
    result = compute_edition(observation_table(rows), methodology, years=[2013, 2014],
                             cascades=cascades)  # fmt: skip
    estimate = _input(result, "XAB", 2014, "S1")
    assert bool(estimate["estimated"]) and np.isnan(estimate["estimate_low"])
    score, score_low, score_high = _bounds(result, "XAB", 2014, "T")
    assert score == pytest.approx((40.0 + 50.0) / 2)
    assert score_low == pytest.approx(score) and score_high == pytest.approx(score)
