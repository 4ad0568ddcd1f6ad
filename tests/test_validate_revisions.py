"""Revisions at the tolerance: exactly at it a value is unchanged, beyond it revised; small
values are measured against 1, negative ones by size (pipeline/validate/revisions.py)."""

from __future__ import annotations

import pandas as pd

from pipeline.validate.examples import observations
from pipeline.validate.revisions import as_long, revisions

ECONOMIES = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]


def _current(values: list[float]) -> pd.DataFrame:
    pairs = zip(ECONOMIES[: len(values)], values, strict=True)
    rows = [{"economy": e, "indicator": "i271", "value": v} for e, v in pairs]
    return observations({"observations": rows})


def _previous(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"economy": ECONOMIES[: len(values)], "year": 2024, "indicator": "i271", "value": values}
    )


def test_change_exactly_at_the_tolerance_is_not_a_revision() -> None:
    # tolerance 0.5: 4 → 6 moves by exactly 0.5 × 4; 0.5 → 1 by exactly 0.5 × 1 (the floor
    # of the scale); −4 → −6 by 0.5 × |−4|
    current = _current([6.0, 6.5, 1.0, 1.25, -6.0, -6.5])
    previous = _previous([4.0, 4.0, 0.5, 0.5, -4.0, -4.0])
    found = revisions(current, previous, rel_tolerance=0.5)
    assert found["economy"].tolist() == ["BBB", "DDD", "FFF"]
    assert found["expected"].tolist() == ["4", "0.5", "-4"]
    assert found["value"].tolist() == ["6.5", "1.25", "-6.5"]
    assert set(found["rule_id"]) == {"REV-REVISED"}


def test_default_tolerance_is_one_in_a_million() -> None:
    current = _current([1_000_001.0, 1_000_001.5, 1.000001, 1.0000015])
    previous = _previous([1_000_000.0, 1_000_000.0, 1.0, 1.0])
    assert revisions(current, previous)["economy"].tolist() == ["BBB", "DDD"]


def test_nothing_revised_is_the_empty_findings_table() -> None:
    found = revisions(_current([5.0]), _previous([5.0]))
    assert found.empty and "rule_id" in found.columns


def test_long_vintage_without_breakdowns_or_numbers() -> None:
    previous = pd.DataFrame(
        {
            "economy": ["AAA", "AAA", "AAA"],
            "year": ["2024", None, "2023"],
            "indicator": ["i271", "i271", "i271"],
            "value": ["7", "8", "n/a"],
            "sex": ["F", None, None],
        }
    )
    long = as_long(previous)
    assert long[["year", "value", "sex", "age"]].values.tolist() == [[2024, 7.0, "F", "_T"]]
