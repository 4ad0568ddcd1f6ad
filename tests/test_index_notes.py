"""notes_table: one note per input an unscored economy-year misses, and the inclusion-rule note.

The panels here are written by hand (the columns ``build_panel`` hands over: value, estimate,
lagged, imputed), so that each reason is tied to the one flag of the year before it depends on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.index.notes import NOTE_COLUMNS, notes_table

CODES = ("X", "Y", "Z")
NAN = np.nan
ESTIMATE = "; the {} value is an estimate, never lagged"


def _panel(economies: list[str], years: list[int], cells: dict) -> pd.DataFrame:
    """A complete economy × indicator × year grid; ``cells`` maps (economy, indicator, year)
    to (value, estimate, lagged, imputed); every other cell is missing."""
    rows = []
    for economy in economies:
        for code in CODES:
            for year in years:
                value, estimate, lagged, imputed = cells.get(
                    (economy, code, year), (NAN, False, False, False)
                )
                rows.append({
                    "economy": economy, "indicator": code, "year": year, "value": value,
                    "estimate": estimate, "lagged": lagged, "imputed": imputed,
                })  # fmt: skip
    return pd.DataFrame(rows)


def _official(value: float) -> tuple:
    return (value, False, False, False)


def _estimate(value: float, lagged: bool = False, imputed: bool = False) -> tuple:
    return (value, True, lagged, imputed)


def _excluded(rows: list[tuple]) -> pd.DataFrame:
    columns = ["economy", "year", "official_indicators", "available_indicators",
               "min_indicators"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _top(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["economy", "year"]).assign(node="T", score=50.0)


CELLS = {
    ("A", "X", 2022): _official(1.0), ("A", "Z", 2022): _official(1.0),  # scored: no note
    ("A", "X", 2020): _official(1.0),  # a look-back year is never noted
    ("B", "X", 2022): _official(5.0),
    ("B", "X", 2021): _official(4.0), ("B", "Y", 2021): _estimate(3.0),
    ("B", "Z", 2021): _official(2.0),
    ("C", "X", 2022): _official(1.0),  # one value present: still some data
    ("C", "Y", 2021): _estimate(2.0, lagged=True), ("C", "Z", 2021): _estimate(3.0, imputed=True),
    ("E", "X", 2022): _official(1.0), ("E", "Y", 2022): _estimate(2.0),
    ("F", "X", 2022): _official(1.0), ("F", "Z", 2022): _official(1.0),
    ("F", "Y", 2020): _estimate(7.0),  # two years before: not the year before
}  # fmt: skip


@pytest.fixture(scope="module")
def notes() -> pd.DataFrame:
    panel = _panel(["F", "E", "D", "C", "B", "A"], [2020, 2021, 2022], CELLS)
    top = _top([("A", 2022), ("B", 2021)])
    excluded = _excluded([("E", 2022, 1, 2, 3)])
    return notes_table("toy", panel, [2021, 2022], top, excluded)


def test_every_note_with_its_reason_in_key_order(notes) -> None:
    expected = pd.DataFrame(
        [
            ("C", 2021, "X", "no value for 2021"),
            ("B", 2022, "Y", "no value for 2022" + ESTIMATE.format(2021)),
            ("B", 2022, "Z", "no value for 2022"),
            ("C", 2022, "Y", "no value for 2022"),
            ("C", 2022, "Z", "no value for 2022"),
            ("E", 2022, "", "inclusion rule: 1 official of 2 available values, 3 needed"),
            ("F", 2022, "Y", "no value for 2022"),
        ],
        columns=["economy", "year", "indicator", "reason"],
    ).assign(edition="toy")[list(NOTE_COLUMNS)]
    assert list(notes.columns) == list(NOTE_COLUMNS)
    assert isinstance(notes.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(notes, expected, check_dtype=False)


def test_only_the_year_before_as_a_reported_estimate_names_it(notes) -> None:
    """The estimate note needs a value of t−1 that is an estimate, reported (not lagged, not
    imputed); an official t−1 value, an estimate two years back, a lagged or an imputed
    estimate give the plain note."""
    with_estimate = notes[notes["reason"].str.contains("estimate")]
    assert list(zip(with_estimate["economy"], with_estimate["indicator"], strict=True)) == [
        ("B", "Y")
    ]


def test_scored_economies_and_years_without_data_have_no_note(notes) -> None:
    assert "A" not in set(notes["economy"])  # scored in 2022, no data in 2021
    assert "D" not in set(notes["economy"])  # no data at all
    assert 2020 not in set(notes["year"])  # look-back year
    assert not ((notes["economy"] == "B") & (notes["year"] == 2021)).any()  # scored


def test_an_excluded_economy_year_has_only_its_inclusion_note(notes) -> None:
    rows = notes[notes["economy"] == "E"]
    assert list(rows["indicator"]) == [""]


def test_first_year_without_a_look_back_year_gives_the_plain_note() -> None:
    """An edition without imputation has no look-back year: the first year's missing cell
    has no row for t−1 and is simply missing."""
    cells = {("G", "X", 2021): _official(1.0), ("G", "X", 2022): _official(1.0)}
    panel = _panel(["G"], [2021, 2022], cells)
    notes = notes_table("toy", panel, [2021], _top([]), _excluded([]))
    assert list(notes["indicator"]) == ["Y", "Z"]
    assert set(notes["reason"]) == {"no value for 2021"}
    assert set(notes["edition"]) == {"toy"}


def test_several_inclusion_notes_keep_each_economy_s_counts() -> None:
    panel = _panel(["H", "K"], [2022], {("H", "X", 2022): _official(1.0),
                                        ("K", "Y", 2022): _estimate(1.0)})  # fmt: skip
    excluded = _excluded([("K", 2022, 0, 1, 2), ("H", 2022, 1, 1, 3)])
    notes = notes_table("toy", panel, [2022], _top([]), excluded)
    assert list(notes["economy"]) == ["H", "K"]
    assert list(notes["reason"]) == [
        "inclusion rule: 1 official of 1 available values, 3 needed",
        "inclusion rule: 0 official of 1 available values, 2 needed",
    ]
