"""build_panel, official_counts and to_array: the grid an edition is computed on.

Axis sizes differ (4 years, 3 economies, 2 indicators) so that a wrong reshape or transpose
fails; each imputation chain has a non-default parameter, so that dropping it shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.index.methodology import build
from pipeline.index.panel import PROVENANCE, build_panel, grid, official_counts, to_array
from pipeline.observations import observation_table

YEARS = [2019, 2020, 2021, 2022]
ECONOMIES = ["AAA", "BBB", "CCC"]
CODES = ["HH7", "HH6"]

TOY = {
    "edition": {"name": "toy", "index": "T", "ties": "min", "min_indicators": 1},
    "nodes": [{"code": "T", "aggregation": "arithmetic"}],
    "indicators": [
        {"code": "HH7", "parent": "T", "weight": 0.5,
         "normalisation": {"method": "goalposts", "threshold": 0, "goalpost": 100},
         "imputation": [{"method": "latest", "max_years": 2, "official_only": True}]},
        {"code": "HH6", "parent": "T", "weight": 0.5,
         "normalisation": {"method": "goalposts", "threshold": 0, "goalpost": 100},
         "imputation": [{"method": "latest", "max_years": 1}]},
    ],
}  # fmt: skip


def _obs(economy: str, year: int, indicator: str, value: float, estimate: bool = False) -> dict:
    return {
        "economy": economy, "year": year, "indicator": indicator, "value": value,
        "estimate": estimate, "source_file": f"{economy}.xlsx", "sheet": f"S{year}",
        "cell": f"{indicator}{year}",
    }  # fmt: skip


OBSERVATIONS = [
    _obs("AAA", 2019, "HH7", 10.0), _obs("AAA", 2021, "HH7", 30.0),
    _obs("AAA", 2019, "HH6", 1.0, estimate=True), _obs("AAA", 2022, "HH6", 4.0),
    _obs("BBB", 2019, "HH7", 5.0),  # lagged two years (max_years = 2), not three
    _obs("CCC", 2019, "HH7", 6.0), _obs("CCC", 2020, "HH7", 7.0, estimate=True),
    _obs("CCC", 2021, "HH6", 8.0),
    _obs("CCC", 2021, "i271", 99.0),  # not an input of the edition
]  # fmt: skip


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    methodology = build(TOY, "toy.toml", None)
    rows = pd.DataFrame(OBSERVATIONS)
    observations = observation_table(rows.to_dict("records"))
    return build_panel(observations, methodology, ECONOMIES, YEARS, None)


def _cell(panel: pd.DataFrame, economy: str, indicator: str, year: int) -> pd.Series:
    rows = panel[(panel["economy"] == economy) & (panel["indicator"] == indicator)]
    return rows[rows["year"] == year].iloc[0]


def test_panel_is_the_complete_grid_in_grid_order(panel) -> None:
    expected = grid(ECONOMIES, CODES, YEARS)
    assert list(expected.columns) == ["economy", "indicator", "year"]
    assert isinstance(expected.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(panel[["economy", "indicator", "year"]], expected)
    assert list(panel.columns) == [
        "economy", "indicator", "year", "value", "source_year", "lagged", "imputed",
        *PROVENANCE,
    ]  # fmt: skip


def test_reported_values_keep_their_own_cell_and_no_flag(panel) -> None:
    cell = _cell(panel, "AAA", "HH7", 2021)
    assert cell["value"] == 30.0 and cell["source_year"] == 2021.0
    assert not cell["lagged"] and not cell["imputed"] and not cell["estimate"]
    assert (cell["source_file"], cell["sheet"], cell["cell"]) == ("AAA.xlsx", "S2021", "HH72021")
    estimate = _cell(panel, "AAA", "HH6", 2019)
    assert estimate["value"] == 1.0 and estimate["estimate"] and not estimate["lagged"]


def test_a_lagged_value_brings_the_earlier_year_s_cell(panel) -> None:
    cell = _cell(panel, "AAA", "HH7", 2020)
    assert cell["value"] == 10.0 and cell["lagged"] and cell["source_year"] == 2019.0
    assert (cell["source_file"], cell["sheet"], cell["cell"]) == ("AAA.xlsx", "S2019", "HH72019")
    assert not cell["estimate"] and not cell["imputed"]
    # HH6 lags estimates too (no official_only), and the flag travels with the value
    lagged = _cell(panel, "AAA", "HH6", 2020)
    assert lagged["value"] == 1.0 and lagged["lagged"] and lagged["estimate"]
    assert lagged["cell"] == "HH62019"


def test_each_chain_keeps_its_own_parameters(panel) -> None:
    """HH7: two years back, official values only; HH6: one year back."""
    two_back = _cell(panel, "BBB", "HH7", 2021)
    assert two_back["value"] == 5.0 and two_back["source_year"] == 2019.0
    assert np.isnan(_cell(panel, "BBB", "HH7", 2022)["value"])
    # CCC's 2020 HH7 is an estimate: 2021 lags the official 2019 value past it
    past_estimate = _cell(panel, "CCC", "HH7", 2021)
    assert past_estimate["value"] == 6.0 and past_estimate["source_year"] == 2019.0
    assert not past_estimate["estimate"]
    assert np.isnan(_cell(panel, "AAA", "HH6", 2021)["value"])  # 2019 is two years back


def test_a_cell_without_any_value_is_empty_and_unflagged(panel) -> None:
    cell = _cell(panel, "BBB", "HH6", 2019)
    assert np.isnan(cell["value"]) and np.isnan(cell["source_year"])
    assert not cell["lagged"] and not cell["imputed"] and not cell["estimate"]
    assert (cell["source_file"], cell["sheet"], cell["cell"]) == ("", "", "")
    assert panel["estimate"].dtype == bool and panel["lagged"].dtype == bool


def test_to_array_is_years_by_economies_by_indicators(panel) -> None:
    values = to_array(panel, "value", (len(YEARS), len(ECONOMIES), len(CODES)))
    assert values.shape == (4, 3, 2)
    for row in panel.itertuples():
        where = (YEARS.index(row.year), ECONOMIES.index(row.economy), CODES.index(row.indicator))
        got = values[where]
        assert got == row.value or (np.isnan(got) and np.isnan(row.value))


def _counted(panel: pd.DataFrame) -> dict:
    counts = official_counts(panel)
    columns = ["economy", "year", "official_indicators", "available_indicators"]
    assert list(counts.columns) == columns
    keyed = counts.set_index(["economy", "year"])
    return {k: tuple(v) for k, v in keyed.iterrows()}


def _flags(rows: list[tuple]) -> pd.DataFrame:
    columns = ["economy", "year", "value", "imputed", "estimate"]
    return pd.DataFrame(rows, columns=columns)


FLAGS = [
    ("AAA", 2020, 1.0, False, False),  # official
    ("AAA", 2020, 2.0, True, False),  # imputed
    ("AAA", 2020, 3.0, False, True),  # reported estimate
    ("AAA", 2020, np.nan, False, False),  # missing
    ("BBB", 2020, 4.0, False, False),
    ("BBB", 2020, 5.0, False, False),
]  # fmt: skip


def test_official_counts_leave_out_imputed_values_and_estimates() -> None:
    assert _counted(_flags(FLAGS)) == {("AAA", 2020): (1, 3), ("BBB", 2020): (2, 2)}


def test_official_counts_leave_out_estimated_inputs_when_the_panel_has_them() -> None:
    panel = _flags(FLAGS).assign(estimated=[False, False, False, False, True, False])
    assert _counted(panel) == {("AAA", 2020): (1, 3), ("BBB", 2020): (1, 2)}


def test_official_counts_of_the_built_panel_count_lagged_values(panel) -> None:
    counts = _counted(panel)
    assert counts[("AAA", 2020)] == (1, 2)  # lagged official HH7; lagged estimate HH6
    assert counts[("CCC", 2021)] == (2, 2)
    assert counts[("BBB", 2022)] == (0, 0)
