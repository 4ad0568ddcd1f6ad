"""Rank change against the previous year (pipeline/index/rank.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.index.rank import with_previous


def test_previous_year_score_rank_and_change_per_economy_and_node() -> None:
    scores = pd.DataFrame(
        {
            "economy": ["AAA", "BBB", "AAA", "BBB", "AAA"],
            "node": ["I", "I", "I", "I", "P"],
            "year": [2023, 2023, 2024, 2024, 2024],
            "score": [50.0, 60.0, 70.0, 65.0, 10.0],
            "rank": [2.0, 1.0, 1.0, 2.0, 1.0],
        }
    )
    out = with_previous(scores).set_index(["economy", "node", "year"])
    aaa = out.loc[("AAA", "I", 2024)]
    assert (aaa["previous_score"], aaa["previous_rank"], aaa["rank_change"]) == (50.0, 2.0, 1.0)
    bbb = out.loc[("BBB", "I", 2024)]
    assert (bbb["previous_score"], bbb["previous_rank"], bbb["rank_change"]) == (60.0, 1.0, -1.0)
    first = out.loc[("AAA", "I", 2023)]
    assert np.isnan(first["previous_score"]) and np.isnan(first["rank_change"])
    assert np.isnan(out.loc[("AAA", "P", 2024), "previous_rank"]), "no previous year of P"
