"""Cross-value rule kinds at their limits: exactly at a tolerance passes, one step beyond
fails, a missing side is not evaluable, every parameter at a non-default value
(pipeline/validate/kinds_cross.py)."""

from __future__ import annotations

import pandas as pd

from pipeline.validate.examples import observations
from pipeline.validate.items import FAIL, NOT_EVALUABLE, PASS
from pipeline.validate.kinds_cross import (
    check_bracket,
    check_order,
    check_part_whole,
    check_sum_total,
)
from pipeline.validate.kinds_value import Context


def _obs(*rows: dict) -> pd.DataFrame:
    return observations({"observations": list(rows)})


def _by_economy(items: pd.DataFrame) -> dict[str, str]:
    return dict(zip(items["economy"], items["outcome"], strict=True))


def test_part_whole_at_relative_and_absolute_tolerance() -> None:
    # whole 100, rel 0.5, tolerance 2: the limit is 152
    rows = []
    for economy, part in (("AAA", 152.0), ("BBB", 153.0), ("CCC", 100.0)):
        rows += [{"economy": economy, "indicator": "i271", "value": 100.0},
                 {"economy": economy, "indicator": "i271p", "value": part}]  # fmt: skip
    rows += [{"economy": "DDD", "indicator": "i271", "value": 1.0},
             {"economy": "EEE", "indicator": "i271p", "value": 1.0}]  # fmt: skip
    params = {"part": "i271p", "whole": "i271", "rel_tolerance": 0.5, "tolerance": 2}
    items = check_part_whole(_obs(*rows), params, Context())
    assert _by_economy(items) == {
        "AAA": PASS, "BBB": FAIL, "CCC": PASS, "DDD": NOT_EVALUABLE, "EEE": NOT_EVALUABLE
    }  # fmt: skip
    assert items.loc[items["economy"] == "BBB", "expected"].item() == "≤ 100"
    whole_only = items[items["economy"] == "DDD"].iloc[0]
    assert (whole_only["indicator"], whole_only["cell"]) == ("i271p", "J15"), "the whole's cell"


def test_part_whole_defaults_are_no_tolerance() -> None:
    rows = [{"indicator": "i271", "value": 100.0}, {"indicator": "i271p", "value": 100.0},
            {"economy": "BBB", "indicator": "i271", "value": 100.0},
            {"economy": "BBB", "indicator": "i271p", "value": 100.0001}]  # fmt: skip
    items = check_part_whole(_obs(*rows), {"part": "i271p", "whole": "i271"}, Context())
    assert _by_economy(items) == {"AAA": PASS, "BBB": FAIL}


def test_part_whole_by_breakdown_against_its_own_total() -> None:
    rows = [{"indicator": "HH7", "value": 60.0},
            {"indicator": "HH7", "sex": "F", "value": 60.0},
            {"indicator": "HH7", "sex": "M", "value": 61.0}]  # fmt: skip
    items = check_part_whole(_obs(*rows), {"part": "HH7", "breakdown": "sex"}, Context())
    assert items["outcome"].tolist() == [PASS, FAIL]
    assert items["breakdown"].tolist() == ["sex=F", "sex=M"]


def test_order_chain_gives_one_item_per_adjacent_pair() -> None:
    rows = [{"indicator": "i271G5", "value": 20.0}, {"indicator": "i271GA", "value": 90.0},
            {"indicator": "i271G", "value": 80.0}]  # fmt: skip
    items = check_order(_obs(*rows), {"chain": ["i271G5", "i271GA", "i271G"]}, Context())
    assert list(zip(items["indicator"], items["outcome"], strict=True)) == [
        ("i271G5", PASS), ("i271GA", FAIL)
    ]  # fmt: skip
    assert check_order(_obs(*rows), {"chain": ["i271G"]}, Context()).empty


def _sum_rows(economy: str, total: float, female: float, male: float) -> list[dict]:
    return [{"economy": economy, "indicator": "i271", "value": total},
            {"economy": economy, "indicator": "i271", "sex": "F", "value": female},
            {"economy": economy, "indicator": "i271", "sex": "M", "value": male}]  # fmt: skip


def test_sum_total_direction_and_tolerance_limits() -> None:
    # total 100, rel 0.25: the sum may lie within [75, 125]
    rows = [*_sum_rows("AAA", 100, 60, 65), *_sum_rows("BBB", 100, 60, 66),
            *_sum_rows("CCC", 100, 40, 35), *_sum_rows("DDD", 100, 40, 34)]  # fmt: skip
    frame = _obs(*rows)
    base = {"indicator": "i271", "breakdown": "sex", "rel_tolerance": 0.25}
    both = _by_economy(check_sum_total(frame, base, Context()))
    assert both == {"AAA": PASS, "BBB": FAIL, "CCC": PASS, "DDD": FAIL}
    over = _by_economy(check_sum_total(frame, base | {"direction": "over"}, Context()))
    assert over == {"AAA": PASS, "BBB": FAIL, "CCC": PASS, "DDD": PASS}
    under = _by_economy(check_sum_total(frame, base | {"direction": "under"}, Context()))
    assert under == {"AAA": PASS, "BBB": PASS, "CCC": PASS, "DDD": FAIL}
    items = check_sum_total(frame, base, Context())
    assert items.loc[items["economy"] == "BBB", "expected"].item() == "Σ sex = 126"


def test_sum_total_default_tolerance_is_none_and_a_missing_side_is_not_evaluable() -> None:
    rows = [*_sum_rows("AAA", 100, 50, 50), *_sum_rows("BBB", 100, 50, 50.5),
            {"economy": "CCC", "indicator": "i271", "value": 10.0}]  # fmt: skip
    items = check_sum_total(_obs(*rows), {"indicator": "i271", "breakdown": "sex"}, Context())
    assert _by_economy(items) == {"AAA": PASS, "BBB": FAIL, "CCC": NOT_EVALUABLE}


def test_bracket_at_tolerance_and_with_too_few_categories() -> None:
    # categories 40 and 60, tolerance 5: the total may lie within [35, 65]
    rows = [*_sum_rows("AAA", 35, 40, 60), *_sum_rows("BBB", 34.5, 40, 60),
            *_sum_rows("CCC", 65, 40, 60), *_sum_rows("DDD", 65.5, 40, 60),
            {"economy": "EEE", "indicator": "i271", "value": 50.0},
            {"economy": "EEE", "indicator": "i271", "sex": "F", "value": 50.0}]  # fmt: skip
    params = {"indicator": "i271", "breakdown": "sex", "tolerance": 5}
    items = check_bracket(_obs(*rows), params, Context())
    assert _by_economy(items) == {
        "AAA": PASS, "BBB": FAIL, "CCC": PASS, "DDD": FAIL, "EEE": NOT_EVALUABLE
    }  # fmt: skip
    assert items.loc[items["economy"] == "BBB", "expected"].item() == "[40, 60]"
    near = _obs(*_sum_rows("AAA", 39.5, 40, 60), *_sum_rows("BBB", 60.5, 40, 60))
    strict = check_bracket(near, {"indicator": "i271", "breakdown": "sex"}, Context())
    assert _by_economy(strict) == {"AAA": FAIL, "BBB": FAIL}, "no tolerance by default"
