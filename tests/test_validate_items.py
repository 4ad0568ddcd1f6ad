"""Items, the common currency of rule kinds: outcomes, expected texts for failures only, the
empty table, total selection and number formatting (pipeline/validate/items.py)."""

from __future__ import annotations

import numpy as np

from pipeline.validate.examples import observations
from pipeline.validate.items import (
    FAIL,
    ITEM_COLUMNS,
    NOT_EVALUABLE,
    PASS,
    empty_items,
    fmt,
    make_items,
    outcome,
    select,
    with_total_flags,
)


def test_missing_wins_over_failed() -> None:
    missing = np.array([False, False, True, True])
    failed = np.array([False, True, False, True])
    assert outcome(missing, failed).tolist() == [PASS, FAIL, NOT_EVALUABLE, NOT_EVALUABLE]


def test_expected_text_is_rendered_for_failed_items_only() -> None:
    frame = observations(
        {"observations": [{"indicator": "i271", "value": v, "economy": e}
                          for e, v in (("AAA", 1.0), ("BBB", 2.0), ("CCC", 3.0))]}
    )  # fmt: skip
    asked: list[list[bool]] = []

    def expected(mask: np.ndarray) -> list[str]:
        asked.append(mask.tolist())
        return ["≤ 0"] * int(mask.sum())

    items = make_items(frame, expected, np.array([PASS, FAIL, NOT_EVALUABLE]))
    assert asked == [[False, True, False]]
    assert items["expected"].tolist() == ["", "≤ 0", ""]
    assert tuple(items.columns) == ITEM_COLUMNS
    assert items["cell"].tolist() == ["J9", "J10", "J11"]
    make_items(frame, expected, np.array([PASS, PASS, NOT_EVALUABLE]))
    assert len(asked) == 1, "not called when nothing failed"


def test_empty_items_have_the_item_columns_and_types() -> None:
    empty = empty_items()
    assert tuple(empty.columns) == ITEM_COLUMNS and empty.empty
    assert str(empty["year"].dtype) == "int64" and str(empty["value"].dtype) == "float64"


def test_select_keeps_totals_and_the_breakdowns_asked_for() -> None:
    frame = observations(
        {
            "observations": [
                {"indicator": "HH7", "value": 60.0},
                {"indicator": "HH7", "sex": "F", "value": 61.0},
                {"indicator": "HH7", "sex": "F", "area": "U", "value": 62.0},
                {"indicator": "HH18", "value": 70.0},
            ]
        }
    )
    for table in (frame, with_total_flags(frame)):
        assert select(table, "HH7")["value"].tolist() == [60.0]
        assert select(table, ["HH7", "HH18"])["value"].tolist() == [60.0, 70.0]
        assert select(table, "HH7", keep=("sex",))["value"].tolist() == [60.0, 61.0]
    flags = with_total_flags(frame)
    assert flags["_T_sex"].tolist() == [True, False, False, True]
    assert flags["_T_area"].tolist() == [True, True, False, True]


def test_numbers_as_people_read_them() -> None:
    values = [5.0, -3.0, 0.0, 2.5, 1 / 3, 123456.78951, np.nan, np.inf, 999999999999999.0,
              1.2345678901234567e20]  # fmt: skip
    assert fmt(values) == [
        "5", "-3", "0", "2.5", "0.3333", "123456.7895", "", "", "999999999999999",
        "123456789012345670000",  # beyond 1e15 the float's shortest digits, not int()'s
    ]  # fmt: skip


def test_outcome_words_are_the_ones_reports_count() -> None:
    """The rule summaries count items by these words (engine._COUNTS) and the reports show
    them: they are part of the output format."""
    from pipeline.validate.engine import _COUNTS
    from pipeline.validate.items import OUTCOMES

    assert (PASS, FAIL, NOT_EVALUABLE) == OUTCOMES == ("pass", "fail", "not_evaluable")
    assert set(_COUNTS) == set(OUTCOMES)
