"""COINr iMeta / iData read as an edition and observations (pipeline/index/coinr.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.index.coinr import (
    methodology_from_imeta,
    methodology_from_meta,
    observations_from_idata,
)
from pipeline.observations import OBSERVATION_COLUMNS

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 2, 2, 3, np.nan],
        "iCode": ["a", "b", "c", "P1", "P2", "IDX", "GDP"],
        "iName": ["A", "B", "C", "Pillar 1", "Pillar 2", "Index", "GDP"],
        "Direction": [1, -1, 1, np.nan, np.nan, np.nan, np.nan],
        "Weight": [1, 3, 1, 2, 1, 1, np.nan],
        "Parent": ["P1", "P1", "P2", "IDX", "IDX", np.nan, np.nan],
        "Type": ["Indicator", "Indicator", "Indicator", "Aggregate", "Aggregate", "Aggregate",
                 "Denominator"],
    }
)  # fmt: skip


def test_meta_becomes_an_edition_with_coinr_defaults() -> None:
    methodology = methodology_from_meta(META)
    assert (methodology.name, methodology.index, methodology.source) == ("coinr", "IDX", "iMeta")
    assert methodology.edition["weights"] == "relative" and methodology.edition["scale"] == 100
    indicators = methodology.indicators.set_index("code")
    assert list(indicators.index) == ["a", "b", "c"], "the denominator is no indicator"
    assert indicators["direction"].tolist() == [1, -1, 1]
    assert indicators["weight"].tolist() == [1.0, 3.0, 1.0]
    assert indicators["name"].tolist() == ["A", "B", "C"]
    assert (
        indicators["normalisation"].tolist() == [{"method": "minmax", "lower": 0, "upper": 100}] * 3
    )
    nodes = methodology.nodes.set_index("code")
    assert nodes["parent"].fillna("-").to_dict() == {"P1": "IDX", "P2": "IDX", "IDX": "-"}
    assert nodes["level"].to_dict() == {"P1": 2, "P2": 2, "IDX": 3}
    assert nodes["aggregation"].tolist() == [{"method": "arithmetic"}] * 3


def test_given_normalisation_and_aggregation_replace_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    META.to_csv(path, index=False)
    methodology = methodology_from_imeta(
        path, "mine", {"method": "zscore"}, {"method": "geometric"}
    )
    assert (methodology.name, methodology.source) == ("mine", "meta.csv")
    assert methodology.indicators["normalisation"].tolist() == [{"method": "zscore"}] * 3
    assert methodology.nodes["aggregation"].tolist() == [{"method": "geometric"}] * 3


def test_data_becomes_totals_with_the_indicator_as_cell(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    pd.DataFrame(
        {"uCode": ["AAA", "BBB"], "Time": [2020, 2021], "a": [1.5, np.nan], "b": [2, 3],
         "GDP": [9, 9]}
    ).to_csv(path, index=False)  # fmt: skip
    frame = observations_from_idata(path, methodology_from_meta(META))
    assert tuple(frame.columns) == OBSERVATION_COLUMNS
    rows = frame[["economy", "year", "indicator", "value", "cell"]].values.tolist()
    assert rows == [
        ["AAA", 2020, "a", 1.5, "a"],
        ["AAA", 2020, "b", 2.0, "b"],
        ["BBB", 2021, "b", 3.0, "b"],
    ]
    assert set(frame["source_file"]) == {"data.csv"} and set(frame["kind"]) == {"external"}
    assert set(frame["sex"]) == {"_T"} and not frame["estimate"].any()
    assert not frame["break_in_series"].any()
    assert set(frame["unit"]) == set(frame["footnote"]) == set(frame["sheet"]) == {""}
    assert list(frame.index) == [0, 1, 2]
