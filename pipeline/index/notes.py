"""Why an economy with data has no index score: one note per missing input (``notes`` table).

An economy-year with some data but no score is either below the edition's inclusion rule (the
``excluded`` table) or misses an input the aggregation needs (``min_share`` = 1 for every IDI
node). The note names the indicator and the reason, so a reader comparing with a published
table sees, per economy, why a figure cannot be reproduced: no value for the year; or only an
ITU estimate for the year before, which IDI 2023+ Box 2 never lags (IDI 2024 report, Annex 1).
"""

from __future__ import annotations

import pandas as pd

NOTE_COLUMNS = ("edition", "economy", "year", "indicator", "reason")


def _missing_reason(missing: pd.DataFrame, panel: pd.DataFrame) -> pd.Series:
    """Reason text for each missing (economy, indicator, year) cell of ``missing``."""
    prior = panel.assign(year=panel["year"] + 1)
    prior = prior.assign(
        reported_estimate=prior["value"].notna() & prior["estimate"] & ~prior["lagged"]
        & ~prior["imputed"]
    )[["economy", "indicator", "year", "reported_estimate"]]  # fmt: skip
    joined = missing[["economy", "indicator", "year"]].merge(
        prior, on=["economy", "indicator", "year"], how="left"
    )
    year = joined["year"].astype(int)
    text = "no value for " + year.astype(str)
    estimate = joined["reported_estimate"].fillna(False).astype(bool)
    lagged = text + "; the " + (year - 1).astype(str) + " value is an estimate, never lagged"
    return text.where(~estimate, lagged)


def notes_table(
    edition: str,
    panel: pd.DataFrame,
    years: list[int],
    top: pd.DataFrame,
    excluded: pd.DataFrame,
) -> pd.DataFrame:
    """Notes for every economy-year of ``years`` with some data but no score in ``top``.

    ``panel``: the imputed panel (``build_panel``) over ``years`` and the look-back years
    before them. ``top``: the index node's scores. ``excluded``: the economy-years below the
    inclusion rule (one note each, indicator "").
    """
    below = excluded[["economy", "year"]].assign(indicator="")
    below["reason"] = (
        "inclusion rule: " + excluded["official_indicators"].astype(str) + " official of "
        + excluded["available_indicators"].astype(str) + " available values, "
        + excluded["min_indicators"].astype(str) + " needed"
    ).to_numpy()  # fmt: skip
    cells = panel[panel["year"].isin(years)]
    present = cells.groupby(["economy", "year"])["value"].transform("count")
    cells = cells[present.gt(0) & cells["value"].isna()]
    done = pd.concat([top[["economy", "year"]], below[["economy", "year"]]])
    done = pd.MultiIndex.from_frame(done.astype({"year": "int64"}))
    missing = cells[~pd.MultiIndex.from_frame(cells[["economy", "year"]]).isin(done)]
    gaps = missing[["economy", "year", "indicator"]].assign(
        reason=_missing_reason(missing, panel).to_numpy()
    )
    notes = pd.concat([below, gaps], ignore_index=True).assign(edition=edition)
    notes = notes[list(NOTE_COLUMNS)].sort_values(["year", "economy", "indicator"])
    return notes.reset_index(drop=True)
