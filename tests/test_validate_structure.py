"""Structure findings name the column a check is about, or only the check for a row-wise one
(pipeline/validate/structure.py)."""

from __future__ import annotations

import datetime as dt

from pipeline.validate.examples import observations
from pipeline.validate.structure import structure_findings


def test_column_checks_name_their_column_and_row_checks_do_not() -> None:
    future = dt.date.today().year + 1
    frame = observations(
        {
            "observations": [
                {"indicator": "NOPE", "value": 1},
                {"indicator": "i271", "value": 5, "year": future},
                {"indicator": "i271", "value": 5, "unit": "thousands", "economy": "BBB"},
                {"indicator": "i271", "value": 5, "economy": "CCC"},
            ]
        }
    )
    found = structure_findings(frame)
    by_cell = found.groupby("cell")["message"].agg(" | ".join)
    assert set(by_cell.index) == {"J9", "J10", "J11"}, "the sound row (J12) gives nothing"
    assert "check indicator: isin([" in by_cell["J9"], "an unknown code has no unit either"
    assert f"check year: less_than_or_equal_to({dt.date.today().year})" in by_cell["J10"]
    assert by_cell["J11"].endswith("fails the dictionary check unit_matches_dictionary")
    assert set(found["rule_id"]) == {"VAL-STRUCTURE"}


def test_a_sound_table_has_no_structure_findings() -> None:
    frame = observations({"observations": [{"indicator": "i271", "value": 5}]})
    assert structure_findings(frame).empty
