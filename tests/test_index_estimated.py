"""estimated.fill: the index inputs still missing after the imputation chain, estimated.

Twelve economies on a linear trend (10 + 5·t + e) give the engine enough leave-one-out errors
for a measured interval; one hole per economy tests one rule of ``fill``: the gap is filled
(interpolated, carried forward), a lagged value is kept, an economy-year the inclusion rule
does not admit is left alone, data after the last year are not seen, a look-back year is seen.
"""

from __future__ import annotations

import itertools
import tomllib

import numpy as np
import pandas as pd
import pytest

from pipeline.estimate import cascade
from pipeline.index.estimated import ESTIMATED_COLUMNS, blank, fill
from pipeline.observations import observation_table

ECONOMIES = [f"XA{chr(65 + e)}" for e in range(12)]
LOOKBACK, YEARS = [2010, 2011], [2012, 2013, 2014, 2015]

CASCADES = """
[[cascade]]
indicators = ["S"]
scale = "identity"
use = ["index"]
steps = [{ method = "interpolate", form = "linear" }, { method = "carry_forward", max_years = 3 }]
[[cascade]]
indicators = ["T"]
scale = "logit"
bounds = [0, 100]
steps = [{ method = "carry_forward", max_years = 3 }]
[[cascade]]
indicators = ["U"]
scale = "log"
use = ["aggregates"]
steps = [{ method = "carry_forward", max_years = 3 }]
"""

#: Cells missing from the observations (economy, year).
HOLES = {("XAA", 2012), ("XAB", 2015), ("XAC", 2013), ("XAE", 2015), ("XAF", 2012),
         ("XAG", 2011), ("XAH", 2013)}  # fmt: skip
#: The imputation chain lagged XAC's 2012 value into 2013: the panel has it, the data not.
LAGGED = {("XAC", 2013): 22.0}
#: The inclusion rule does not admit XAH in 2013.
NOT_ADMITTED = {("XAH", 2013)}
#: An observation after the last computed year (the edition computes up to 2015).
LATER = ("XAE", 2016, 100.0)


def _trend(e: int, year: int) -> float:
    return 10.0 + 5.0 * (year - 2010) + e


def _cascades() -> list[cascade.Cascade]:
    return cascade.parse(tomllib.loads(CASCADES), "test.toml")


def _observation(economy: str, indicator: str, year: int, value: float) -> dict:
    return {
        "economy": economy, "indicator": indicator, "year": year, "value": value,
        "estimate": False, "source_file": "f.xlsx", "sheet": "S", "cell": "A1",
    }  # fmt: skip


def _observations(indicator: str = "S") -> pd.DataFrame:
    rows = [
        _observation(economy, indicator, year, _trend(e, year))
        for (e, economy), year in itertools.product(enumerate(ECONOMIES), LOOKBACK + YEARS)
        if (economy, year) not in HOLES
    ]
    rows.append(_observation(LATER[0], indicator, LATER[1], LATER[2]))
    return observation_table(rows)


def _panel(observations: pd.DataFrame) -> pd.DataFrame:
    """The edition's panel over the look-back and computed years, as ``build_panel`` lays it."""
    grid = pd.DataFrame(
        list(itertools.product(ECONOMIES, ["S"], LOOKBACK + YEARS)),
        columns=["economy", "indicator", "year"],
    )
    reported = observations[["economy", "indicator", "year", "value"]]
    panel = grid.merge(reported, on=["economy", "indicator", "year"], how="left")
    panel["lagged"] = False
    for (economy, year), value in LAGGED.items():
        cell = (panel["economy"] == economy) & (panel["year"] == year)
        panel.loc[cell, ["value", "lagged"]] = [value, True]
    return panel


def _admitted() -> pd.DataFrame:
    pairs = [(e, y) for e, y in itertools.product(ECONOMIES, YEARS) if (e, y) not in NOT_ADMITTED]
    return pd.DataFrame(pairs, columns=["economy", "year"])


@pytest.fixture(scope="module")
def filled():
    observations = _observations()
    panel = _panel(observations)
    out, scale = fill(panel, observations, ["S", "U"], None, ECONOMIES, YEARS, _cascades(),
                      _admitted())  # fmt: skip
    return panel, out.set_index(["economy", "year"]), scale


def test_blank_adds_the_estimation_columns_empty() -> None:
    panel = _panel(_observations())
    out = blank(panel)
    assert [c for c in out.columns if c not in panel.columns] == list(ESTIMATED_COLUMNS)
    assert not out["estimated"].any()
    assert (out["estimate_method"] == "").all()
    assert out["estimate_low"].isna().all() and out["estimate_high"].isna().all()
    pd.testing.assert_frame_equal(out[list(panel.columns)], panel)


def test_only_the_gaps_of_admitted_computed_years_are_estimated(filled) -> None:
    _, out, _ = filled
    estimated = set(out.index[out["estimated"]])
    assert estimated == {("XAA", 2012), ("XAB", 2015), ("XAE", 2015), ("XAF", 2012)}
    assert list(out.columns[-4:]) == list(ESTIMATED_COLUMNS)


def test_estimated_values_methods_and_intervals(filled) -> None:
    _, out, _ = filled
    assert out.loc[("XAA", 2012), "value"] == pytest.approx(_trend(0, 2012))  # interpolated
    assert out.loc[("XAB", 2015), "value"] == pytest.approx(_trend(1, 2014))  # carried
    # 2016's value is after the edition's years: carried from 2014, not interpolated to 2016
    assert out.loc[("XAE", 2015), "value"] == pytest.approx(_trend(4, 2014))
    # the look-back year 2011 is seen: 2012 is interpolated between 2011 and 2013
    assert out.loc[("XAF", 2012), "value"] == pytest.approx(_trend(5, 2012))
    method = out.loc[("XAA", 2012), "estimate_method"]
    assert method.startswith("interpolate (linear): ") and "2011" in method and "2013" in method
    assert out.loc[("XAB", 2015), "estimate_method"].startswith("carry_forward: ")
    rows = out[out["estimated"]]
    assert rows["estimate_low"].notna().all() and rows["estimate_high"].notna().all()
    assert (rows["estimate_low"] <= rows["value"] + 1e-9).all()
    assert (rows["value"] <= rows["estimate_high"] + 1e-9).all()
    assert rows.loc[("XAB", 2015), "estimate_low"] < rows.loc[("XAB", 2015), "estimate_high"]


def test_cells_not_estimated_keep_their_value_and_empty_estimation_columns(filled) -> None:
    panel, out, _ = filled
    rest = out[~out["estimated"]]
    assert (rest["estimate_method"] == "").all()
    assert rest["estimate_low"].isna().all() and rest["estimate_high"].isna().all()
    before = panel.set_index(["economy", "year"])["value"]
    pd.testing.assert_series_equal(rest["value"], before.loc[rest.index])
    assert out.loc[("XAC", 2013), "value"] == 22.0  # the lagged value is kept
    assert np.isnan(out.loc[("XAH", 2013), "value"])  # not admitted: left missing
    assert np.isnan(out.loc[("XAG", 2011), "value"])  # a look-back year is never estimated


def test_only_index_cascades_of_the_edition_s_indicators_run(filled) -> None:
    """T is not an input of the edition, U is estimated for aggregates only."""
    _, _, scale = filled
    assert scale == {"S": "identity"}


def test_without_an_admitted_table_every_gap_is_estimated() -> None:
    observations = _observations()
    out, _ = fill(_panel(observations), observations, ["S"], None, ECONOMIES, YEARS,
                  _cascades())  # fmt: skip
    out = out.set_index(["economy", "year"])
    assert out.loc[("XAH", 2013), "estimated"]
    assert out.loc[("XAH", 2013), "value"] == pytest.approx(_trend(7, 2013))


def test_no_years_or_no_cascade_leaves_the_panel_blank() -> None:
    observations = _observations()
    panel = _panel(observations)
    for codes, years in ((["S"], []), (["V"], YEARS)):
        out, scale = fill(panel, observations, codes, None, ECONOMIES, years, _cascades())
        assert scale == {}
        pd.testing.assert_frame_equal(out, blank(panel))


def test_no_data_of_the_estimated_indicator_estimates_nothing() -> None:
    panel = _panel(_observations())
    out, scale = fill(panel, _observations("W"), ["S"], None, ECONOMIES, YEARS, _cascades())
    assert scale == {"S": "identity"}
    pd.testing.assert_frame_equal(out, blank(panel))


def test_shipped_cascades_are_used_by_default() -> None:
    """Without ``cascades`` the shipped ones run: S has none, so nothing is estimated."""
    observations = _observations()
    panel = _panel(observations)
    out, scale = fill(panel, observations, ["S"], None, ECONOMIES, YEARS)
    assert scale == {}
    assert not out["estimated"].any()
