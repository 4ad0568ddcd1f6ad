"""What the estimation engine reads (``pipeline.estimate.inputs``): the codes a cascade needs,
the long total rows of those codes, and the income group and ITU region of each economy and
year. Tiny in-memory tables with distinct values per column, so a swapped or lost column
fails; the reference tables are replaced by small ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.estimate import inputs
from pipeline.estimate.cascade import Cascade, Step
from pipeline.estimate.engine import estimate
from pipeline.observations import observation_table


def _cascade(indicator: str, *covariates: list[str]) -> Cascade:
    steps = tuple(Step("regression", {"covariates": list(c)}) for c in covariates)
    return Cascade(indicator, "identity", (None, None), (Step("interpolate"), *steps))


def test_codes_are_the_indicators_and_every_covariate_sorted_once() -> None:
    cascades = [
        _cascade("HH7", ["i911", "i992b"], ["i911"]),
        _cascade("HH6", ["HH7"]),
        _cascade("i271pop"),
    ]
    assert inputs.codes_of(cascades) == ["HH6", "HH7", "i271pop", "i911", "i992b"]


def test_long_frame_keeps_totals_of_the_codes_with_the_frame_columns() -> None:
    obs = observation_table(
        [
            {"economy": "KEN", "indicator": "HH7", "year": 2021, "value": 31.0},
            {"economy": "GHA", "indicator": "HH7", "year": 2022, "value": 42.0, "estimate": True},
            {"economy": "KEN", "indicator": "HH7", "year": 2021, "value": 7.0, "sex": "F"},
            {"economy": "KEN", "indicator": "HH15", "year": 2021, "value": 9.0},
        ]
    )
    rows = inputs.long_frame(obs, [_cascade("HH7")], None)
    assert list(rows.columns) == ["economy", "indicator", "year", "value", "estimate"]
    assert rows.to_dict("records") == [
        {"economy": "KEN", "indicator": "HH7", "year": 2021, "value": 31.0, "estimate": False},
        {"economy": "GHA", "indicator": "HH7", "year": 2022, "value": 42.0, "estimate": True},
    ]


def test_a_missing_estimate_flag_means_official_and_the_last_row_of_a_key_wins() -> None:
    first = observation_table(
        [
            {"economy": "KEN", "indicator": "HH7", "year": 2021, "value": 31.0},
            {"economy": "KEN", "indicator": "HH7", "year": 2022, "value": 35.0},
        ]
    )
    second = observation_table(
        [
            {"economy": "KEN", "indicator": "HH7", "year": 2022, "value": 36.0},
            {"economy": "GHA", "indicator": "HH7", "year": 2022, "value": 42.0},
        ]
    )
    obs = pd.concat([first, second], ignore_index=True)  # a key given twice (two returns)
    obs["estimate"] = pd.array([pd.NA, True, False, pd.NA], dtype="boolean")
    rows = inputs.long_frame(obs, [_cascade("HH7")], None)
    assert rows["estimate"].dtype == bool
    assert rows[["economy", "year", "value", "estimate"]].values.tolist() == [
        ["KEN", 2021, 31.0, False],
        ["KEN", 2022, 36.0, False],
        ["GHA", 2022, 42.0, False],
    ]


def test_derived_covariates_are_computed_only_when_a_population_is_given() -> None:
    obs = observation_table(
        [
            {"economy": "KEN", "indicator": "i271", "year": 2022, "value": 5e6},
            {"economy": "KEN", "indicator": "HH7", "year": 2022, "value": 40.0},
        ]
    )
    population = pd.DataFrame({"economy": ["KEN"], "year": [2022], "population": [4e7]})
    cascades = [_cascade("HH7", ["i911"])]
    derived = inputs.long_frame(obs, cascades, population).set_index("indicator")
    assert derived.loc["i911", "value"] == pytest.approx(12.5)  # 5 M per 40 M inhabitants
    assert derived.loc["HH7", "value"] == 40.0
    plain = inputs.long_frame(obs, cascades, None)
    assert list(plain["indicator"]) == ["HH7"]


@pytest.fixture
def reference(monkeypatch):
    """Income-group history and ITU regions of four economies (one not asked for)."""
    history = pd.DataFrame(
        {
            "economy": ["AAA", "AAA", "BBB", "DDD"],
            "year": [2015, 2018, 2019, 2017],
            "income_group": ["L", "LM", "UM", "H"],
        }
    )
    economies = pd.DataFrame(
        {"economy": ["AAA", "BBB", "DDD"], "itu_region": ["Africa", "Europe", "Americas"]}
    )
    monkeypatch.setattr(inputs.reference, "income_groups", lambda: history)
    monkeypatch.setattr(inputs.reference, "economies", lambda: economies)


def test_categories_are_the_group_of_each_year_carried_forward(reference) -> None:
    labels = inputs.categories(["BBB", "AAA", "CCC", "AAA"], [2020, 2017])
    assert sorted(labels) == ["income_group", "itu_region"]
    # rows AAA, BBB, CCC (sorted, once each); columns 2017..2020, the whole span of the years
    assert labels["income_group"].tolist() == [
        ["L", "LM", "LM", "LM"],  # 2015's group until the 2018 reclassification
        ["", "", "UM", "UM"],  # nothing before its first classification
        ["", "", "", ""],  # never classified
    ]
    assert labels["itu_region"].tolist() == [
        ["Africa"] * 4,
        ["Europe"] * 4,
        [""] * 4,
    ]
    assert labels["itu_region"].dtype == object and labels["income_group"].dtype == object


def test_categories_of_a_single_year(reference) -> None:
    labels = inputs.categories(["AAA"], [2016])
    assert labels["income_group"].tolist() == [["L"]]
    assert np.shape(labels["itu_region"]) == (1, 1)


def _fake_gni(monkeypatch: pytest.MonkeyPatch) -> None:
    table = pd.DataFrame({
        "economy": ["KEN", "KEN", "KEN", "GHA"], "year": [2020, 2021, 2023, 2021],
        "gni": [2000.0, 2100.0, 2300.0, 0.0],
    })  # fmt: skip
    monkeypatch.setattr(
        inputs.reference, "COVARIATES", {"gni_per_capita_usd": (lambda: table, "gni")}
    )


def test_a_reference_covariate_named_by_a_cascade_joins_as_official_rows(monkeypatch) -> None:
    """GNI per capita comes from the reference, not the returns: official rows within the
    years the returns span (2021–2022 here: 2020 and 2023 would widen the span), positive
    values only (GHA's 0 is no GNI)."""
    _fake_gni(monkeypatch)
    obs = observation_table(
        [
            {"economy": "KEN", "indicator": "HH7", "year": 2021, "value": 31.0},
            {"economy": "GHA", "indicator": "HH7", "year": 2022, "value": 42.0},
        ]
    )
    rows = inputs.long_frame(obs, [_cascade("HH7", ["gni_per_capita_usd"])], None)
    gni = rows[rows["indicator"] == "gni_per_capita_usd"]
    assert gni.to_dict("records") == [
        {"economy": "KEN", "indicator": "gni_per_capita_usd", "year": 2021, "value": 2100.0,
         "estimate": False},
    ]  # fmt: skip
    assert len(rows) == 3
    assert "gni_per_capita_usd" not in set(inputs.long_frame(obs, [_cascade("HH7")], None)[
        "indicator"
    ])  # fmt: skip


def test_the_shipped_gni_reference_is_a_declared_covariate() -> None:
    rows = inputs.reference.covariate("gni_per_capita_usd")
    assert list(rows.columns) == ["economy", "year", "value"]
    usa = rows[(rows["economy"] == "USA") & (rows["year"] == 2022)]["value"]
    assert 60_000 < float(usa.iloc[0]) < 90_000


def test_a_regression_on_the_reference_gni_fills_a_gap_along_log_gni(monkeypatch) -> None:
    """Traffic rising by 300 per doubling of GNI: the economy without a value of its own gets
    the value its GNI implies; only the reference holds the covariate."""
    economies = [f"E{chr(65 + k)}X" for k in range(12)]
    gni = {e: 500.0 * 2 ** (k / 2) for k, e in enumerate(economies)}
    table = pd.DataFrame({"economy": economies, "year": 2022, "gni": list(gni.values())})
    monkeypatch.setattr(
        inputs.reference, "COVARIATES", {"gni_per_capita_usd": (lambda: table, "gni")}
    )
    truth = {e: 100.0 + 300.0 * np.log2(gni[e]) for e in economies}
    rows = [{"economy": e, "indicator": "traffic", "year": 2022, "value": truth[e]}
            for e in economies if e != "EFX"]  # fmt: skip
    step = Step("regression", {"covariates": ["gni_per_capita_usd"], "min_donors": 5,
                               "ridge": 1e-6})  # fmt: skip
    cascade = Cascade("traffic", "identity", (None, None), (step,))
    frame = inputs.long_frame(observation_table(rows), [cascade], None)
    result = estimate(frame, [cascade], economies, [2022]).estimates
    assert result["economy"].tolist() == ["EFX"]
    assert result["value"].iloc[0] == pytest.approx(truth["EFX"], rel=1e-4)
    assert "gni_per_capita_usd" in result["inputs"].iloc[0]
