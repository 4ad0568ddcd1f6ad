"""COINr's ASEM sensitivity design: the shipped design end to end.

COINr 1.1.14 on this design reports first-order indices outside [0, 1] at N = 200; here the
indices must stay within [0, 1] within their confidence intervals, the rank intervals must
contain the nominal rank, and a fixed seed must give the same tables.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.store import read_table
from pipeline.uncertainty import charts, coinr, design
from pipeline.uncertainty.analysis import INDEX_TARGET, analyse
from pipeline.uncertainty.spec import load

DATA = Path(__file__).parent / "data" / "uncertainty"
#: Sobol' points spread discrete alternatives evenly: shares within this of 1/n at N = 1024.
BALANCE_TOLERANCE = 0.01


@pytest.fixture(scope="module")
def model():
    return coinr.asem_model(DATA)


@pytest.fixture(scope="module")
def shipped(model):
    return load("coinr_asem", model)


@pytest.fixture(scope="module")
def result(model, shipped):
    return analyse(model, shipped)


def test_runs_follow_the_radial_design(result, shipped) -> None:
    n = design.base_size(shipped.settings["samples"])
    assert result.values.shape == (n * (len(shipped.assumptions) + 2), 13)
    assert result.scores.shape == (len(result.values), 51)
    assert not np.isnan(result.scores).any()


def test_issue_5_indices_lie_in_unit_interval_within_confidence_intervals(result) -> None:
    table = result.sensitivity.dropna(subset=["first_order", "total"])
    assert (table["first_order_low"] <= 1).all() and (table["first_order_high"] >= 0).all()
    assert (table["total_low"] <= 1).all() and (table["total_high"] >= 0).all()
    assert (table["first_order_low"] <= table["first_order"]).all()
    assert (table["total"] <= table["total_high"]).all()


def test_aggregation_dominates_the_rank_shift_as_in_coinr(result) -> None:
    index = result.sensitivity[result.sensitivity["target"] == INDEX_TARGET]
    index = index.set_index("assumption")
    assert index["total"].idxmax() == "aggregation"
    assert (index["total"] >= index["first_order"] - 0.05).all()  # interactions are not negative


def test_issue_5_rank_intervals_contain_the_nominal_rank(result) -> None:
    ranks = result.ranks
    assert (ranks["p05_rank"] <= ranks["nominal_rank"]).all()
    assert (ranks["nominal_rank"] <= ranks["p95_rank"]).all()
    assert (ranks["p05_rank"] <= ranks["median_rank"]).all()
    assert (ranks["median_rank"] <= ranks["p95_rank"]).all()
    assert ranks["nominal_rank"].tolist() == list(range(1, 52))


def test_fixed_seed_gives_identical_tables(model, shipped, result) -> None:
    again = analyse(model, shipped)
    pd.testing.assert_frame_equal(again.ranks, result.ranks)
    pd.testing.assert_frame_equal(again.sensitivity, result.sensitivity)
    reseeded = replace(shipped, settings={**shipped.settings, "seed": 1})
    other = analyse(model, reseeded, 64)
    assert not np.array_equal(other.values[:10], result.values[:10])


def test_discrete_alternatives_are_equiprobable(result, shipped) -> None:
    n = design.base_size(shipped.settings["samples"])
    limit = result.values[:n, 0]
    shares = np.bincount(limit.astype(int), minlength=5) / n
    np.testing.assert_allclose(shares, 0.2, atol=BALANCE_TOLERANCE)
    weights = result.values[:, 2:12]
    assert weights.min() >= 0.75 and weights.max() <= 1.25


def test_sample_size_rounds_up_to_a_power_of_two() -> None:
    assert [design.base_size(n) for n in (2, 3, 1000, 1024, 1025)] == [2, 4, 1024, 1024, 2048]


def test_charts_are_png_even_without_defined_indices(result) -> None:
    blank = result.sensitivity.assign(first_order=np.nan, first_order_low=np.nan)
    for picture in (
        charts.rank_intervals(result.ranks, "ranks"),
        charts.sensitivity_indices(blank, "indices"),
    ):
        assert picture[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_runs_the_asem_design_and_refuses_a_broken_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(coinr, "COINR_REFERENCE", DATA)
    args = ["uncertainty", "--edition", "coinr_asem", "--processed", str(tmp_path)]
    assert main([*args, "--n", "32"]) == 0
    out = tmp_path / "uncertainty" / "coinr_asem"
    assert len(read_table(out, "ranks")) == 51
    assert (out / "sensitivity.png").exists() and (out / "rank_intervals.png").exists()
    broken = tmp_path / "broken.uncertainty.toml"
    broken.write_text('[[assumptions]]\nname = "x"\nkind = "weights"\nlevels = [9]\n')
    assert main([*args, "--design", str(broken)]) == 2  # a broken design is a methodology error
