"""Group membership at its edges: every flag spelling, every income group, the empty table
(pipeline/sdg/groups.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.sdg.groups import membership, truthy


@pytest.mark.parametrize("text", ["true", "1", "x", "yes", "y", "t", " Y ", "TRUE", "X"])
def test_each_flag_spelling_counts_as_true(text: str) -> None:
    assert truthy(pd.Series([text])).tolist() == [True]


@pytest.mark.parametrize("text", ["false", "0", "", "no", "n", "f", "xx", "nan"])
def test_other_texts_are_false(text: str) -> None:
    assert truthy(pd.Series([text])).tolist() == [False]


def test_no_group_types_gives_the_empty_table_with_its_columns() -> None:
    table = membership(pd.DataFrame({"economy": ["A"]}), pd.DataFrame(), [2023], [])
    assert list(table.columns) == ["economy", "year", "group_type", "group", "m49"]
    assert table.empty


def test_every_income_group_is_kept_dated_or_current_and_rows_are_numbered() -> None:
    economies = pd.DataFrame(
        {"economy": ["A", "B", "C", "D", "E"], "income_group": ["L", "LM", "UM", "H", "?"]}
    )
    history = pd.DataFrame(
        {"economy": ["A", "D"], "year": [2020, 2020], "income_group": ["UM", "H"]}
    )
    types = [
        {"name": "world", "kind": "all", "groups": {"World": 1}},
        {"name": "income_group", "kind": "income", "column": "income_group"},
    ]
    table = membership(economies, history, [2023], types)
    assert list(table.index) == list(range(len(table))), "one label per row across types"
    income = table[table["group_type"] == "income_group"].set_index("economy")["group"]
    assert income.to_dict() == {"A": "UM", "B": "LM", "C": "UM", "D": "H"}, "E: unknown group"
