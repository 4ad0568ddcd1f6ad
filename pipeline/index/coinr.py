"""Read COINr-style metadata and data tables (``iMeta``/``iData``) as an ictstats edition.

COINr (R, Becker et al.; version 1.1.14) describes a composite indicator with one metadata
table: ``Level`` (1 = indicator … top = index), ``iCode``, ``iName``, ``Direction``,
``Weight`` (relative within the parent), ``Parent`` and ``Type`` (Indicator / Aggregate /
Group / Denominator / Other), and one wide data table (``uCode``, ``Time``, one column per
indicator). Reading them directly lets ictstats reproduce COINr's outputs (peer
parity) and lets users bring an existing COINr index over unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.index.methodology import Methodology, build
from pipeline.observations import DIMENSION_NAMES, OBSERVATION_COLUMNS, TOTAL


def methodology_from_imeta(
    path: Path | str,
    name: str = "coinr",
    normalisation: dict | None = None,
    aggregation: dict | None = None,
) -> Methodology:
    """An edition from an iMeta CSV file (see :func:`methodology_from_meta`)."""
    return methodology_from_meta(
        pd.read_csv(path), name, Path(path).name, normalisation, aggregation
    )


def methodology_from_meta(
    meta: pd.DataFrame,
    name: str = "coinr",
    source: str = "iMeta",
    normalisation: dict | None = None,
    aggregation: dict | None = None,
) -> Methodology:
    """An edition from an iMeta table; COINr's relative weights are renormalised per parent.

    Defaults match ``Normalise(f_n = "n_minmax", f_n_para = list(c(0, 100)))`` and
    ``Aggregate(f_ag = "a_amean")`` with no imputation or treatment.
    """
    indicators = meta[meta["Type"] == "Indicator"]
    aggregates = meta[meta["Type"] == "Aggregate"]
    top = aggregates.loc[aggregates["Level"].idxmax(), "iCode"]
    raw = {
        "edition": {"name": name, "index": top, "weights": "relative", "scale": 100},
        "defaults": {
            "normalisation": normalisation or {"method": "minmax", "lower": 0, "upper": 100},
            "aggregation": aggregation or {"method": "arithmetic"},
        },
        "nodes": [_entry(row) for row in aggregates.to_dict("records")],
        "indicators": [
            {**_entry(row), "direction": int(row["Direction"])}
            for row in indicators.to_dict("records")
        ],
    }
    return build(raw, source, known_indicators=None)


def _entry(row: dict) -> dict:
    entry = {"code": row["iCode"], "name": row["iName"], "weight": float(row["Weight"])}
    if isinstance(row["Parent"], str):
        entry["parent"] = row["Parent"]
    return entry


def observations_from_idata(path: Path | str, methodology: Methodology) -> pd.DataFrame:
    """The iData table in the observation layout (indicator columns melted, totals only)."""
    data = pd.read_csv(path)
    codes = [c for c in methodology.indicators["code"] if c in data.columns]
    long = data.melt(id_vars=["uCode", "Time"], value_vars=codes, var_name="indicator")
    long = long[long["value"].notna()]
    frame = pd.DataFrame(
        {
            "economy": long["uCode"].astype(str),
            "year": long["Time"].astype("int64"),
            "indicator": long["indicator"],
            **{dimension: TOTAL for dimension in DIMENSION_NAMES},
            "value": long["value"].astype(float),
            "unit": "",
            "estimate": False,
            "break_in_series": False,
            "footnote": "",
            "kind": "external",
            "source_file": Path(path).name,
            "sheet": "",
            "cell": long["indicator"],
        }
    )
    return frame[list(OBSERVATION_COLUMNS)].reset_index(drop=True)
