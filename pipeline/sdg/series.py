"""SDG series per economy and year, computed from the observation table (issue #6, item 2).

Every series row keeps the flags and the source cell of the observation it comes from, so a
figure sent to the UN SDG Global Database can be traced to the return that reported it.
Observation status follows SDMX CL_OBS_STATUS: ``E`` estimated (the return's estimate flag),
``B`` break in series, ``A`` normal. ictstats imputes no economy value: values filled for
aggregates (latest earlier value) exist only inside the aggregates table (NOTES §4.1, §5.3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.sdg.definitions import SdgMethodology, SeriesDefinition
from pipeline.sdg.formulas import FORMULAS, cell_label

SERIES_DIMENSIONS = ("sex", "age", "area", "speed", "skill")

SERIES_COLUMNS = (
    "series",
    "indicator_sdg",
    "economy",
    "m49",
    "year",
    *SERIES_DIMENSIONS,
    "value",
    "unit",
    "obs_status",
    "footnote",
    "source_file",
    "sheet",
    "cell",
)


#: Collection-round columns of the observation table, carried when present (the SDMX file's
#: DATA_LAST_UPDATE is the latest ``submitted`` date of a series' values).
VINTAGE_COLUMNS = ("round", "submitted")


def obs_status(rows: pd.DataFrame) -> np.ndarray:
    """SDMX OBS_STATUS of each row: E (estimate) before B (break in series) before A."""
    estimate = rows["estimate"].astype(bool).to_numpy()
    broken = rows["break_in_series"].astype(bool).to_numpy()
    return np.select([estimate, broken], ["E", "B"], default="A")


def source_rows(observations: pd.DataFrame, definition: SeriesDefinition) -> pd.DataFrame:
    """The observations a series is computed from: its indicator, at its breakdowns only."""
    keep = observations["indicator"].eq(definition.source)
    for dimension in definition.totals_only:
        keep &= observations[dimension].eq("_T")
    for dimension in definition.detail_only:
        keep &= observations[dimension].ne("_T")
    return observations.loc[keep]


def one_series(
    observations: pd.DataFrame, population: pd.DataFrame, definition: SeriesDefinition
) -> pd.DataFrame:
    """Rows of one series: the formula applied to its source rows, flags carried over."""
    rows = source_rows(observations, definition)
    values = FORMULAS[definition.formula](rows, population)
    computable = np.isfinite(values.to_numpy(dtype=float))  # a zero population gives inf
    rows, values = rows.loc[computable], values.loc[computable]
    return pd.DataFrame(
        {
            "series": definition.code,
            "indicator_sdg": definition.indicator_sdg,
            "economy": rows["economy"],
            "year": rows["year"].astype("int64"),
            **{d: rows[d] for d in SERIES_DIMENSIONS},
            "value": values,
            "unit": definition.unit,
            "obs_status": obs_status(rows),
            "footnote": rows["footnote"].fillna("").astype(str),
            "source_file": rows["source_file"],
            "sheet": rows["sheet"],
            "cell": cell_label(definition.formula, definition.source, rows["cell"]),
            **{c: rows[c] for c in VINTAGE_COLUMNS if c in rows},
        }
    )


def empty_series() -> pd.DataFrame:
    """A series table with no rows (and the right dtypes)."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in SERIES_COLUMNS})
    return frame.astype({"year": "int64", "value": float, "m49": "Int64"})


def compute_series(
    observations: pd.DataFrame,
    population: pd.DataFrame,
    economies: pd.DataFrame,
    methodology: SdgMethodology,
) -> pd.DataFrame:
    """All SDG series for every economy and year the observations allow (columns SERIES_COLUMNS).

    ``population``: economy, year, population (for per-100 rates); ``economies``: economy, m49.
    """
    parts = [one_series(observations, population, d) for d in methodology.series]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_series()
    frame = pd.concat(parts, ignore_index=True)
    m49 = economies.set_index("economy")["m49"]
    frame["m49"] = frame["economy"].map(m49).astype("Int64")
    order = {code: i for i, code in enumerate(d.code for d in methodology.series)}
    frame = frame.sort_values(
        ["series", "economy", "year", *SERIES_DIMENSIONS],
        key=lambda col: col.map(order) if col.name == "series" else col,
        kind="stable",
    )
    extra = [c for c in VINTAGE_COLUMNS if c in frame]
    return frame.loc[:, [*SERIES_COLUMNS, *extra]].reset_index(drop=True)


def series_counts(series: pd.DataFrame) -> pd.DataFrame:
    """Series × economies produced: economies, years and rows per series (the closing note)."""
    grouped = series.groupby(["indicator_sdg", "series"], sort=True)
    return grouped.agg(
        economies=("economy", "nunique"),
        years=("year", "nunique"),
        first_year=("year", "min"),
        last_year=("year", "max"),
        rows=("value", "size"),
    ).reset_index()
