"""The shared population lookup used by every rate (SDG per 100, per-capita rules)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.reference import population_of


def test_population_is_aligned_by_position_and_missing_is_nan() -> None:
    table = pd.DataFrame(
        {
            "economy": ["KEN", "KEN", "FIN"],
            "year": [2022, 2023, 2023],
            "population": [5e7, 5.1e7, 5.6e6],
        }
    )
    rows = pd.DataFrame(
        {"economy": ["FIN", "KEN", "XXX"], "year": ["2023", 2022, 2023]}, index=[10, 3, 7]
    )
    np.testing.assert_array_equal(population_of(rows, table), [5.6e6, 5e7, np.nan])
