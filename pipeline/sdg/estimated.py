"""Estimates for the members that do not report, so that aggregates cover every member.

ITU computes its regional and world aggregates after estimating every country (SDG 17.8.1
metadata, REG_AGG: "country percentages are first estimated for all countries"); Facts and
Figures aggregates are Member States' data "supplemented by ITU estimates". ictstats does the
same with its declared cascades (``schemas/estimation/``, ``use`` containing "aggregates"):
each series computed *as is* from an estimated indicator gets, for every member and year
without a reported value, the cascade's estimate with its kind (interpolated, extrapolated,
modelled) and interval. Breakdowns (sex, age, area) are never estimated: ITU makes no
country-level estimate by sex, and ictstats makes none by age or area either.
"""

from __future__ import annotations

import pandas as pd

from pipeline.estimate import cascade as cascades_module
from pipeline.estimate.engine import estimate
from pipeline.estimate.inputs import categories, long_frame
from pipeline.sdg.definitions import SdgMethodology

ESTIMATED_SERIES_COLUMNS = ("series", "economy", "year", "value", "low", "high", "kind", "method")


def estimated_series(
    observations: pd.DataFrame,
    population: pd.DataFrame,
    economies: pd.DataFrame,
    methodology: SdgMethodology,
    years: list[int],
    cascades: list | None = None,
) -> pd.DataFrame:
    """Estimated total values of the series whose source indicator has a cascade."""
    empty = pd.DataFrame(columns=list(ESTIMATED_SERIES_COLUMNS))
    sources = {s.source: s.code for s in methodology.series if s.formula == "as_is"}
    chosen = [c for c in (cascades if cascades is not None else cascades_module.load())
              if c.indicator in sources and "aggregates" in c.use]  # fmt: skip
    if not chosen or not years:
        return empty
    frame = long_frame(observations, chosen, population)
    if frame.empty:
        return empty
    members = sorted(economies["economy"])
    span = list(range(min(int(frame["year"].min()), min(years)), max(years) + 1))
    result = estimate(
        frame, chosen, members, span, categories(members, span), targets=years, use="aggregates"
    ).estimates
    result = result.assign(series=result["indicator"].map(sources))
    return result[list(ESTIMATED_SERIES_COLUMNS)].reset_index(drop=True)
