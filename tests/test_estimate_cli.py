"""``ictstats estimate`` (``pipeline.estimate.cli``): the years it estimates, the "next round"
test on the store's vintages and the closing note. A small cascade declared here (linear
interpolation, a trend, carry-forward) over three economies, so every figure can be worked out
by hand; the shipped cascades are tested in ``test_estimate.py``."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.estimate import cascade, cli
from pipeline.estimate.engine import Estimation
from pipeline.observations import observation_table
from pipeline.status import STATUS_COLUMNS
from pipeline.store import read_table, write_table

CASCADE = """
[[cascade]]
indicators = ["HH7"]
scale = "identity"
steps = [
  { method = "interpolate", form = "linear" },
  { method = "extrapolate", points = 2 },
  { method = "carry_forward", max_years = 5 },
]
"""
INTERPOLATE_AND_CARRY = """
[[cascade]]
indicators = ["HH7"]
scale = "identity"
steps = [{ method = "interpolate", form = "linear" }, { method = "carry_forward", max_years = 5 }]
"""


def _cascades(text: str) -> list[cascade.Cascade]:
    return cascade.parse(tomllib.loads(text), "test.toml")


def _round(name: str, date: str, cells: list[tuple], flagged: tuple = ()) -> pd.DataFrame:
    """Rows of HH7 submitted in one collection round: (economy, year, value); ``flagged``:
    the (economy, year) the return marks as estimates."""
    rows = [
        {"economy": e, "year": y, "indicator": "HH7", "value": v, "estimate": (e, y) in flagged}
        for e, y, v in cells
    ]
    return observation_table(rows).assign(round=name, submitted=date, submission="")


FIRST = [("KEN", 2019, 30.0), ("KEN", 2021, 40.0), ("GHA", 2019, 20.0), ("IND", 2019, 10.0)]


def _vintages() -> pd.DataFrame:
    """Three rounds. 2021: KEN 2019 and 2021, GHA and IND 2019. 2022: KEN 2020 (the gap
    interpolated a year before), GHA 2021. 2023: GHA 2020, and an ITU-flagged estimate of IND
    2021, which is no official value to test against."""
    return pd.concat(
        [
            _round("2021", "2021-03-01", FIRST),
            _round("2022", "2022-03-01", [("KEN", 2020, 36.0), ("GHA", 2021, 26.0)]),
            _round(
                "2023",
                "2023-03-01",
                [("GHA", 2020, 22.0), ("IND", 2021, 15.0)],
                flagged=(("IND", 2021),),
            ),
        ],
        ignore_index=True,
    )


def test_run_all_estimates_every_year_from_the_first_to_the_last_of_the_data() -> None:
    known = _vintages().query("submitted == '2021-03-01'")
    estimates = cli.run_all(known, _cascades(INTERPOLATE_AND_CARRY)).estimates
    got = estimates.set_index(["economy", "year"])[["value", "method"]]
    assert got.to_dict("index") == {
        ("KEN", 2020): {"value": 35.0, "method": "interpolate (linear)"},
        ("GHA", 2020): {"value": 20.0, "method": "carry_forward"},
        ("GHA", 2021): {"value": 20.0, "method": "carry_forward"},  # the last year of the data
        ("IND", 2020): {"value": 10.0, "method": "carry_forward"},
        ("IND", 2021): {"value": 10.0, "method": "carry_forward"},
    }


def test_run_all_of_no_data_estimates_nothing() -> None:
    result = cli.run_all(observation_table([]), _cascades(INTERPOLATE_AND_CARRY))
    assert result.estimates.empty and result.backtest.empty


def test_next_round_scores_each_vintage_but_the_last_against_later_official_values() -> None:
    """Vintage 2021-03-01: KEN 2020 interpolated 35 (official 36: error −1), GHA 2020 and
    2021 carried at 20 (official 22 and 26: −2, −6), IND 2021 carried (later value only an
    estimate: not scored). Vintage 2022-03-01: GHA 2020 interpolated 23 (official 22: +1).
    The last round has nothing after it."""
    table = cli.next_round(_vintages(), _cascades(INTERPOLATE_AND_CARRY))
    got = table.set_index("method")
    assert sorted(got.index) == ["carry_forward", "interpolate (linear)"]
    assert got.loc["interpolate (linear)", ["n", "mae", "bias"]].tolist() == [2, 1.0, 0.0]
    assert got.loc["carry_forward", ["n", "mae", "bias"]].tolist() == [2, 4.0, -4.0]
    assert set(table["indicator"]) == {"HH7"}
    assert set(table["horizon"]) == {"all"} and set(table["test"]) == {"next round (vintages)"}


def test_next_round_coverage_counts_a_value_on_either_bound_as_inside(monkeypatch) -> None:
    """Interval coverage of the official values: exactly on the low or the high bound is
    inside, one step beyond either is outside."""
    made = pd.DataFrame(
        {
            "economy": ["KEN", "GHA", "IND", "ZAF"],
            "indicator": "HH7",
            "year": 2020,
            "value": [50.0, 50.0, 50.0, 50.0],
            "low": [40.0, 30.0, 45.0, 20.0],
            "high": [60.0, 70.0, 55.0, 24.0],
            "method": "regression",
        }
    )
    monkeypatch.setattr(cli, "run_all", lambda known, cascades: Estimation(made, pd.DataFrame()))
    truths = [("KEN", 2020, 40.0), ("GHA", 2020, 70.0), ("IND", 2020, 44.0), ("ZAF", 2020, 24.5)]
    obs = pd.concat(
        [_round("2021", "2021-03-01", [("KEN", 2019, 1.0)]), _round("2022", "2022-03-01", truths)],
        ignore_index=True,
    )
    (row,) = cli.next_round(obs, _cascades(INTERPOLATE_AND_CARRY)).to_dict("records")
    assert row["n"] == 4 and row["coverage"] == 0.5
    assert row["bias"] == pytest.approx((10.0 - 20.0 + 6.0 + 25.5) / 4)
    assert row["mae"] == pytest.approx((10.0 + 20.0 + 6.0 + 25.5) / 4)


def test_next_round_needs_submission_dates() -> None:
    cascades = _cascades(INTERPOLATE_AND_CARRY)
    undated = observation_table([{"economy": "KEN", "year": 2019, "indicator": "HH7", "value": 3}])
    assert cli.next_round(undated, cascades).empty
    blank = _vintages().assign(submitted=float("nan"))
    assert cli.next_round(blank, cascades).empty


def test_estimate_command_writes_both_tables_and_says_what_it_did(
    tmp_path, monkeypatch, capsys
) -> None:
    """KEN complete; GHA's 2020 gap interpolated, its 2022 on the 2019–2021 trend; IND's one
    value carried to 2020–2022. Two of the methods are not carry-forward and both beat the
    naive baseline in the leave-one-out test."""
    folder = tmp_path / "estimation"
    folder.mkdir()
    (folder / "test.toml").write_text(CASCADE, encoding="utf-8")
    monkeypatch.setattr(cascade, "ESTIMATION", folder)
    first = [*FIRST[:3], ("KEN", 2018, 28.0), ("GHA", 2018, 18.0), ("IND", 2019, 10.0)]
    second = [("KEN", 2020, 36.0), ("GHA", 2021, 26.0), ("KEN", 2022, 41.0)]
    obs = pd.concat(
        [_round("2021", "2021-03-01", first), _round("2022", "2022-03-01", second)],
        ignore_index=True,
    )
    processed = tmp_path / "processed"
    write_table(obs, processed / "ingest", "observations")
    assert main(["estimate", "--processed", str(processed)]) == 0
    estimates = read_table(processed / "estimate", "estimates")
    cells = estimates.set_index(["economy", "year"])["kind"].to_dict()
    assert cells == {
        ("GHA", 2020): "interpolated",
        ("GHA", 2022): "extrapolated",
        ("IND", 2020): "extrapolated",
        ("IND", 2021): "extrapolated",
        ("IND", 2022): "extrapolated",
    }
    backtest = read_table(processed / "estimate", "backtest")
    assert set(backtest["test"]) == {"leave-one-out", "next round (vintages)"}
    loo = backtest.query("test == 'leave-one-out' and horizon == 'all'")
    assert sorted(loo["method"]) == ["extrapolate", "interpolate (linear)"]
    assert loo["beats_baseline"].astype(bool).all()
    note = capsys.readouterr().err.strip().splitlines()[-1]
    assert note == (
        "estimate: 5 estimates (4 extrapolated, 1 interpolated) for 1 indicators; back-test: "
        f"2 of 2 methods beat the naive baseline; wrote {processed / 'estimate'}"
    )


def test_the_next_round_test_uses_each_rounds_values_but_never_a_withheld_one(
    tmp_path, monkeypatch
) -> None:
    """KEN 2020 was reported in 2021 (34) and revised in 2022 (36): validate calls the first
    figure superseded, yet it was known when the 2021 round closed, so KEN 2020 is no gap of
    that vintage. GHA 2021 (26) is withheld by an open query: it is neither an input nor a
    truth. What is left to score is GHA 2020, carried at 20 from 2019 and official at 22."""
    folder = tmp_path / "estimation"
    folder.mkdir()
    (folder / "test.toml").write_text(CASCADE, encoding="utf-8")
    monkeypatch.setattr(cascade, "ESTIMATION", folder)
    first = [*FIRST[:3], ("KEN", 2020, 34.0), ("GHA", 2021, 26.0)]
    obs = pd.concat(
        [
            _round("2021", "2021-03-01", first),
            _round("2022", "2022-03-01", [("KEN", 2020, 36.0), ("GHA", 2020, 22.0)]),
        ],
        ignore_index=True,
    )
    processed = tmp_path / "processed"
    write_table(obs, processed / "ingest", "observations")
    flagged = obs.set_index(["economy", "year", "value"]).loc[
        [("KEN", 2020, 34.0), ("GHA", 2021, 26.0)]
    ]
    status = flagged.reset_index().assign(
        breakdown="", status=["superseded", "withheld"], since="", rule_ids=["", "HH-RANGE"],
        finding_ids="", cell="",
    )[list(STATUS_COLUMNS)]  # fmt: skip
    write_table(status, processed / "validate", "status")
    assert main(["-q", "estimate", "--processed", str(processed)]) == 0
    backtest = read_table(processed / "estimate", "backtest")
    vintages = backtest.loc[backtest["test"].eq("next round (vintages)")]
    assert vintages[["method", "n", "bias"]].values.tolist() == [["carry_forward", 1, -2.0]]
    estimates = read_table(processed / "estimate", "estimates")
    assert ("GHA", 2021) in set(zip(estimates["economy"], estimates["year"], strict=True))
