"""compute_edition: flags, inclusion rule, derived inputs, ranks, rank change, weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from index_helpers import observation as _obs

from pipeline.index.engine import compute_edition, normalise_values
from pipeline.index.methodology import build, load
from pipeline.index.rank import group_ranks, rank_scores
from pipeline.observations import observation_table

#: Scores here are exact arithmetic on small numbers.
ATOL = 1e-9


def _frame(rows: list[dict]) -> pd.DataFrame:
    return observation_table(rows)


TOY = {
    "edition": {"name": "toy", "index": "T", "ties": "min", "min_indicators": 2},
    "nodes": [{"code": "T", "aggregation": "arithmetic"}],
    "indicators": [
        {"code": "HH7", "parent": "T", "weight": 0.5,
         "normalisation": {"method": "goalposts", "threshold": 0, "goalpost": 50}},
        {"code": "HH6", "parent": "T", "weight": 0.5,
         "normalisation": {"method": "goalposts", "threshold": 0, "goalpost": 100},
         "imputation": [{"method": "latest", "max_years": 1}]},
    ],
}  # fmt: skip


def _toy() -> pd.DataFrame:
    rows = [
        _obs("AAA", 2020, "HH7", 40.0), _obs("AAA", 2020, "HH6", 60.0),
        _obs("AAA", 2021, "HH7", 80.0),                      # HH6 2021 missing → lagged 2020
        _obs("BBB", 2020, "HH7", 10.0), _obs("BBB", 2020, "HH6", 90.0, estimate=True),
        _obs("BBB", 2021, "HH7", 20.0), _obs("BBB", 2021, "HH6", 100.0),
        _obs("CCC", 2021, "HH7", 30.0),                      # one indicator only → excluded
    ]  # fmt: skip
    return _frame(rows)


@pytest.fixture(scope="module")
def toy_result():
    return compute_edition(_toy(), build(TOY, "toy.toml", None))


def _score(result, economy: str, year: int, node: str = "T") -> pd.Series:
    scores = result.scores
    row = scores[(scores["economy"] == economy) & (scores["year"] == year)]
    return row[row["node"] == node].iloc[0]


def test_scores_capped_lagged_and_estimate_flags(toy_result) -> None:
    assert _score(toy_result, "AAA", 2021)["score"] == pytest.approx((100 + 60) / 2, abs=ATOL)
    frame = toy_result.normalised.set_index(["economy", "year", "indicator"])
    lagged = frame.loc[("AAA", 2021, "HH6")]
    assert bool(lagged["lagged"]) and lagged["cell"] == "HH62020"
    assert bool(frame.loc[("AAA", 2021, "HH7"), "capped"])
    assert not bool(frame.loc[("AAA", 2020, "HH7"), "capped"])
    assert bool(frame.loc[("BBB", 2020, "HH6"), "estimate"])


def test_inclusion_rule_counts_official_values(toy_result) -> None:
    excluded = toy_result.excluded.set_index(["economy", "year"])["official_indicators"]
    assert excluded[("CCC", 2021)] == 1
    assert excluded[("BBB", 2020)] == 1  # the estimate is not official
    assert not (toy_result.scores["economy"] == "CCC").any()


def test_ranks_and_rank_change(toy_result) -> None:
    aaa_2021 = _score(toy_result, "AAA", 2021)
    bbb_2021 = _score(toy_result, "BBB", 2021)
    assert (aaa_2021["rank"], bbb_2021["rank"]) == (1.0, 2.0)
    assert aaa_2021["previous_rank"] == 1.0 and aaa_2021["rank_change"] == 0.0
    assert np.isnan(bbb_2021["previous_rank"])  # BBB was excluded in 2020
    assert aaa_2021["score_rounded"] == pytest.approx(80.0)


def test_weights_table(toy_result) -> None:
    weights = toy_result.weights.set_index("indicator")
    assert weights["effective_weight"].tolist() == [0.5, 0.5]
    assert list(toy_result.weights.columns) == [
        "edition", "indicator", "parent", "weight", "effective_weight",
    ]  # fmt: skip


def test_rank_ties_rules() -> None:
    frame = pd.DataFrame(
        {"economy": ["B", "A", "C", "D"], "year": 1, "node": "I", "score": [5.0, 5.0, 7.0, 1.0]}
    )
    by = ["year", "node"]
    assert rank_scores(frame, by, "distinct").tolist() == [3.0, 2.0, 1.0, 4.0]
    assert rank_scores(frame, by, "min").tolist() == [2.0, 2.0, 1.0, 4.0]
    assert rank_scores(frame, by, "average").tolist() == [2.5, 2.5, 1.0, 4.0]
    groups = pd.DataFrame({"economy": ["A", "B", "C", "D"], "region": ["x", "y", "x", "y"]})
    assert group_ranks(frame, groups, "region").tolist() == [1.0, 2.0, 1.0, 2.0]


def test_derived_inputs_come_from_population_and_carry_their_formula() -> None:
    population = pd.DataFrame({"economy": ["AAA"], "year": [2022], "population": [1000.0]})
    rows = [_obs("AAA", 2022, "i271mw", 750.0)]
    result = compute_edition(_frame(rows), load("idi_2024"), population=population)
    frame = result.normalised.set_index("indicator")
    assert frame.loc["i911mw", "value"] == pytest.approx(75.0)
    assert frame.loc["i911mw", "cell"] == "per100(i271mw)"
    # one indicator: below the 5-of-10 inclusion threshold, so neither normalised nor scored
    assert np.isnan(frame.loc["i911mw", "normalised"])
    assert result.scores.empty
    assert result.excluded["official_indicators"].tolist() == [1]


def test_empty_observations_give_empty_tables() -> None:
    result = compute_edition(_frame([]), load("idi_2024"))
    assert result.scores.empty and result.normalised.empty
    assert len(result.weights) == 10


def test_aggregate_tree_takes_replicated_weights_and_methods(toy_result) -> None:
    """The uncertainty stage varies weights and aggregation per replication (array contract)."""
    from pipeline.index.engine import aggregate_tree

    arrays = toy_result.arrays
    normalised = np.stack([arrays["normalised"]] * 2)  # (2 replications, years, economies, k)
    columns = {code: normalised[..., j] for j, code in enumerate(arrays["indicators"])}
    weights = {"HH7": np.array([[0.5], [1.0]]), "HH6": np.array([[0.5], [0.0]])}  # (2, 1 year)
    out = aggregate_tree(columns, toy_result.methodology, weights)["T"]
    year, economy = arrays["years"].index(2021), arrays["economies"].index("AAA")
    assert out[0, year, economy] == pytest.approx(80.0)
    assert out[1, year, economy] == pytest.approx(100.0)
    geometric = aggregate_tree(columns, toy_result.methodology, aggregation={"T": "geometric"})
    assert geometric["T"][0, year, economy] == pytest.approx(np.sqrt(100.0 * 60.0))


def test_group_imputation_uses_the_economy_reference() -> None:
    spec = {
        **TOY,
        "edition": {**TOY["edition"], "min_indicators": 1},
        "indicators": [
            TOY["indicators"][0],
            {**TOY["indicators"][1], "imputation": [{"method": "group_median", "by": "region"}]},
        ],
    }
    rows = [
        _obs("AAA", 2021, "HH7", 10.0), _obs("AAA", 2021, "HH6", 40.0),
        _obs("BBB", 2021, "HH7", 20.0), _obs("BBB", 2021, "HH6", 60.0),
        _obs("CCC", 2021, "HH7", 30.0),
    ]  # fmt: skip
    groups = pd.DataFrame({"economy": ["AAA", "BBB", "CCC"], "region": ["R", "R", "R"]})
    result = compute_edition(_frame(rows), build(spec, "toy.toml", None), economies=groups)
    frame = result.normalised.set_index(["economy", "indicator"])
    imputed = frame.loc[("CCC", "HH6")]
    assert imputed["value"] == pytest.approx(50.0)
    assert bool(imputed["imputed"]) and imputed["source_file"] == ""
    assert _score(result, "CCC", 2021)["score"] == pytest.approx((60.0 + 50.0) / 2)


def test_capped_flag_when_only_some_goalpost_indicators_set_a_threshold() -> None:
    """An indicator without ``threshold`` (default 0) lost its capped flag when another
    goalpost indicator of the edition set one (its threshold was NaN in the comparison)."""
    indicators = pd.DataFrame(
        {
            "direction": [1, 1],
            "transform": ["none", "none"],
            "normalisation": [
                {"method": "goalposts", "goalpost": 100},
                {"method": "goalposts", "threshold": 10, "goalpost": 100},
            ],
        }
    )
    x = np.array([[[120.0, 120.0], [50.0, 5.0]]])
    normalised, capped = normalise_values(x, indicators)
    assert normalised[0, 0].tolist() == [100.0, 100.0]
    assert capped[0].tolist() == [[True, True], [False, True]]
