"""Builders shared by the index tests: observation rows and the panels imputation reads."""

from __future__ import annotations

import pandas as pd


def observation(
    economy: str, year: int, indicator: str, value: float, estimate: bool = False
) -> dict:
    """One observation row, its source cell named after the indicator and year."""
    return {
        "economy": economy, "year": year, "indicator": indicator, "value": value,
        "estimate": estimate, "source_file": f"{economy}.xlsx", "sheet": "S",
        "cell": f"{indicator}{year}",
    }  # fmt: skip


def imputation_panel(values: dict[str, list[float]], first: int = 2019) -> pd.DataFrame:
    """A panel of indicator ``x``: each economy's values for consecutive years from
    ``first`` (NaN = no value), each value its own source year, nothing lagged or imputed."""
    rows = [
        {"economy": e, "indicator": "x", "year": first + k, "value": v}
        for e, series in values.items()
        for k, v in enumerate(series)
    ]
    panel = pd.DataFrame(rows)
    return panel.assign(
        source_year=panel["year"].where(panel["value"].notna()).astype(float),
        lagged=False,
        imputed=False,
    )
