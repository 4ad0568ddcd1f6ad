"""The index stage's output tables on a small tree with distinct axis sizes
(pipeline/index/tables.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.index.methodology import build
from pipeline.index.tables import (
    NORMALISED_COLUMNS,
    normalised_table,
    scores_table,
    weights_table,
)

RAW = {
    "edition": {"name": "t", "index": "IDX", "weights": "relative"},
    "nodes": [
        {"code": "IDX", "name": "Index"},
        {"code": "P1", "name": "Pillar one", "parent": "IDX", "weight": 2},
        {"code": "P2", "name": "Pillar two", "parent": "IDX", "weight": 1},
        {"code": "S", "name": "Sub-pillar", "parent": "P2", "weight": 1},
    ],
    "indicators": [
        {"code": "i1", "name": "One", "parent": "P1", "weight": 1, "normalisation": "minmax"},
        {"code": "i2", "name": "Two", "parent": "P1", "weight": 3, "normalisation": "minmax"},
        {"code": "i3", "name": "Three", "parent": "S", "weight": 1, "normalisation": "minmax"},
        {"code": "i4", "name": "Four", "parent": "S", "weight": 1, "normalisation": "minmax"},
    ],
}


@pytest.fixture(scope="module")
def methodology():
    return build(RAW, "t.toml", None)


def test_effective_weights_multiply_renormalised_shares_along_the_path(methodology) -> None:
    table = weights_table(methodology).set_index("indicator")
    assert table["weight"].tolist() == [1.0, 3.0, 1.0, 1.0], "nominal, as written"
    np.testing.assert_allclose(table["effective_weight"], [1 / 6, 1 / 2, 1 / 6, 1 / 6])
    assert table["effective_weight"].sum() == pytest.approx(1.0)
    assert table["parent"].tolist() == ["P1", "P1", "S", "S"]
    assert set(table["edition"]) == {"t"}


YEARS, ECONOMIES, CODES = [2021, 2022], ["AAA", "BBB", "CCC"], ["i1", "i2", "i3", "i4"]


def _panel() -> pd.DataFrame:
    index = pd.MultiIndex.from_product(
        [ECONOMIES, CODES, YEARS], names=["economy", "indicator", "year"]
    )
    panel = index.to_frame(index=False)
    e, k, y = (panel[c].map({v: i for i, v in enumerate(vals)}) for c, vals in
               (("economy", ECONOMIES), ("indicator", CODES), ("year", YEARS)))  # fmt: skip
    return panel.assign(
        value=(100 * y + 10 * e + k).astype(float).where(~((e == 2) & (k == 3)), np.nan),
        imputed=False, lagged=0, estimate=False, source_file="f.xlsx", sheet="S", cell="A1",
        estimated=False, estimate_method="", estimate_low=np.nan, estimate_high=np.nan,
    )  # fmt: skip


def test_normalised_rows_follow_the_panel_and_flag_treated_values(methodology) -> None:
    shape = (len(YEARS), len(ECONOMIES), len(CODES))
    y, e, k = np.indices(shape)
    transformed = (100 * y + 10 * e + k).astype(float)
    treated = transformed.copy()
    treated[1, 0, 2] += 1.0  # 2022, AAA, i3 winsorised
    treated[:, 2, 3] = transformed[:, 2, 3] = np.nan  # CCC has no i4: dropped, not flagged
    treated[0, 1, 3] = transformed[0, 1, 3] = np.nan  # BBB's 2021 i4 cannot be transformed
    normalised = transformed / 1000
    capped = np.zeros(shape, dtype=bool)
    capped[0, 1, 0] = True  # 2021, BBB, i1
    arrays = {"transformed": transformed, "treated": treated, "normalised": normalised}
    frame = normalised_table(methodology, _panel(), arrays, capped, shape)
    assert tuple(frame.columns) == NORMALISED_COLUMNS
    assert len(frame) == 2 * 3 * 4 - 2
    bbb = (frame["economy"] == "BBB") & (frame["indicator"] == "i4") & (frame["year"] == 2021)
    assert frame.loc[bbb, "transformed"].isna().all() and not frame.loc[bbb, "treated"].any()
    np.testing.assert_array_equal(frame.loc[~bbb, "transformed"], frame.loc[~bbb, "value"])
    np.testing.assert_allclose(frame.loc[~bbb, "normalised"], frame.loc[~bbb, "value"] / 1000)
    flagged = frame.loc[frame["treated"], ["economy", "indicator", "year"]].values.tolist()
    assert flagged == [["AAA", "i3", 2022]]
    capped_rows = frame.loc[frame["capped"], ["economy", "indicator", "year"]].values.tolist()
    assert capped_rows == [["BBB", "i1", 2021]]


def test_scores_leave_out_missing_and_carry_names_and_levels(methodology) -> None:
    nodes = {
        "i1": np.array([[1.0, 2.0, np.nan], [4.0, 5.0, 6.0]]),
        "P1": np.array([[7.0, np.nan, np.nan], [8.0, 9.0, 10.0]]),
        "IDX": np.array([[11.0, 12.0, 13.0], [14.0, 15.0, 16.0]]),
    }
    frame = scores_table(methodology, nodes, ECONOMIES, YEARS)
    assert list(frame.columns) == [
        "edition",
        "economy",
        "year",
        "node",
        "node_name",
        "level",
        "score",
    ]
    assert len(frame) == 6 * 3 - 3
    assert str(frame["level"].dtype) == "int64" and str(frame["year"].dtype) == "int64"
    named = frame.drop_duplicates("node").set_index("node")
    assert named["node_name"].to_dict() == {"i1": "One", "P1": "Pillar one", "IDX": "Index"}
    assert named["level"].to_dict() == {"i1": 1, "P1": 2, "IDX": 4}
    ccc = frame[(frame["economy"] == "CCC") & (frame["year"] == 2022)]
    assert ccc.set_index("node")["score"].to_dict() == {"i1": 6.0, "P1": 10.0, "IDX": 16.0}
    assert frame[(frame["economy"] == "BBB") & (frame["year"] == 2021)]["node"].tolist() == [
        "i1",
        "IDX",
    ]
