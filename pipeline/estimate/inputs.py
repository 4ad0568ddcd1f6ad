"""What the estimation engine reads: total rows of the estimated indicators and covariates
(derived ones computed from the observations; reference series such as GNI per capita, named
in ``pipeline.reference.COVARIATES``, read from ``schemas/reference/``), and the categories
of each economy and year.

Income groups are those of the year itself (World Bank classification on that year's GNI,
``schemas/reference/income_groups.csv``): an economy that moved up since is compared with the
economies it resembled then. A year after the last classified one takes the latest group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline import reference
from pipeline.derive import with_derived
from pipeline.estimate.cascade import Cascade
from pipeline.observations import totals

FRAME_COLUMNS = ["economy", "indicator", "year", "value", "estimate"]


def codes_of(cascades: Sequence[Cascade]) -> list[str]:
    """Estimated indicators and every covariate they name."""
    codes = {c.indicator for c in cascades}
    for cascade in cascades:
        for step in cascade.steps:
            codes |= {str(code) for code in step.params.get("covariates", [])}
    return sorted(codes)


def long_frame(
    observations: pd.DataFrame, cascades: Sequence[Cascade], population: pd.DataFrame | None
) -> pd.DataFrame:
    """Total rows (economy, indicator, year, value, estimate) of the cascades' indicators."""
    codes = codes_of(cascades)
    if population is not None:
        observations = with_derived(observations, population, only=codes)
    rows = totals(observations[observations["indicator"].isin(codes)])
    rows = rows[FRAME_COLUMNS].copy()
    rows["estimate"] = rows["estimate"].astype("boolean").fillna(False).astype(bool)
    rows = rows.drop_duplicates(["economy", "indicator", "year"], keep="last")
    return pd.concat([rows, *_reference_rows(codes, rows)], ignore_index=True)


def _reference_rows(codes: Sequence[str], rows: pd.DataFrame) -> list[pd.DataFrame]:
    """Reference covariates the cascades name, within the years of the returns (a reference
    year beyond them must not widen the span estimated), as official rows."""
    wanted = [code for code in codes if code in reference.COVARIATES]
    if not wanted or rows.empty:
        return []
    first, last = int(rows["year"].min()), int(rows["year"].max())
    out = []
    for code in wanted:
        table = reference.covariate(code)
        table = table[table["year"].between(first, last)]
        out.append(table.assign(indicator=code, estimate=False)[FRAME_COLUMNS])
    return out


def categories(economies: Sequence[str], years: Sequence[int]) -> dict[str, np.ndarray]:
    """(E, Y) labels: ``income_group`` of the year and ``itu_region`` of the economy."""
    economies = np.asarray(sorted(set(economies)))
    span = np.arange(min(years), max(years) + 1)
    history = reference.income_groups()
    history = history[history["economy"].isin(economies)]
    wide = history.pivot_table(
        index="economy", columns="year", values="income_group", aggfunc="last"
    )
    wide = wide.reindex(columns=sorted(set(wide.columns) | set(span))).ffill(axis=1)
    wide = wide.reindex(index=economies, columns=span).astype(object)
    regions = reference.economies().set_index("economy")["itu_region"].reindex(economies)
    region = np.broadcast_to(regions.fillna("").to_numpy(dtype=object)[:, None], wide.shape)
    return {
        "income_group": wide.fillna("").to_numpy(dtype=object),
        "itu_region": np.array(region),
    }
