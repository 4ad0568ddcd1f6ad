"""The SDG stage as one pure function: observations and reference in, three tables out."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.sdg.aggregates import aggregate
from pipeline.sdg.definitions import SDG_SCHEMAS, SdgMethodology, load_methodology
from pipeline.sdg.estimated import estimated_series
from pipeline.sdg.groups import membership, with_sdg_regions
from pipeline.sdg.sdmx import left_out, to_sdmx_csv
from pipeline.sdg.series import compute_series


@dataclass(frozen=True)
class SdgTables:
    """What ``ictstats sdg`` writes, plus the rows left out of SDMX (for the closing note)."""

    series: pd.DataFrame
    aggregates: pd.DataFrame
    sdmx: pd.DataFrame
    left_out: pd.DataFrame


def sdg_regions() -> pd.DataFrame:
    """Economy → SDG regional grouping of M49 (``schemas/sdg/sdg_regions.csv``)."""
    return pd.read_csv(SDG_SCHEMAS / "sdg_regions.csv", dtype={"m49": "Int64"})


def definitions_frame(methodology: SdgMethodology) -> pd.DataFrame:
    """Series definitions as a frame indexed by series code (weight, aggregation, unit, …)."""
    return pd.DataFrame(
        [
            {
                "series": s.code,
                "weight": s.weight,
                "aggregation": s.aggregation,
                "unit": s.unit,
                "min_coverage": s.min_coverage,
            }
            for s in methodology.series
        ]
    ).set_index("series")


def run(
    observations: pd.DataFrame,
    population: pd.DataFrame,
    economies: pd.DataFrame,
    income_groups: pd.DataFrame,
    methodology: SdgMethodology | None = None,
) -> SdgTables:
    """Series, aggregates and SDMX-CSV rows from the observation table and the reference."""
    methodology = methodology or load_methodology()
    economies = with_sdg_regions(economies, sdg_regions())
    series = compute_series(observations, population, economies, methodology)
    definitions = definitions_frame(methodology)
    members = membership(
        economies, income_groups, series["year"].unique(), methodology.aggregation["group_type"]
    )
    years = sorted(int(y) for y in series["year"].unique())
    estimates = estimated_series(observations, population, economies, methodology, years)
    aggregates = aggregate(
        series, population, members, definitions, methodology.aggregation, estimates
    )
    codes = frozenset(s.code for s in methodology.series if s.sdmx)
    formulas = pd.Series({s.code: s.formula for s in methodology.series})
    sdmx = to_sdmx_csv(series, aggregates, definitions["unit"], codes, methodology.sdmx, formulas)
    return SdgTables(series, aggregates, sdmx, left_out(series, codes, methodology.sdmx))
