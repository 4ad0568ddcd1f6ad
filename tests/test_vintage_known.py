"""pipeline.vintage.known: what the stages after ingest read (one row per key, as known now)."""

from __future__ import annotations

import pandas as pd

from pipeline.observations import DIMENSION_NAMES, TOTAL
from pipeline.vintage import known


def _frame(**columns) -> pd.DataFrame:
    base = {"economy": "KEN", "year": 2022, "indicator": "HH7", "value": [30.0, 31.5]}
    return pd.DataFrame({**base, **columns}).assign(**{d: TOTAL for d in DIMENSION_NAMES})


def test_known_keeps_the_latest_vintage_of_each_key() -> None:
    vintages = _frame(round=["2023", "2024"], submitted=["2023-09-30", "2024-03-31"])
    assert known(vintages)["value"].tolist() == [31.5]
    assert known(vintages, "2023-12-31")["value"].tolist() == [30.0]


def test_a_table_without_vintage_columns_is_used_as_it_is() -> None:
    plain = _frame().iloc[:1]
    assert known(plain) is plain
