"""Indicator and SDG tables of the publication: latest values by economy, SDG aggregates.

MISR annex tables print one economy per row and one indicator per column, with the latest
value available and a marker when it refers to an earlier year; this module does the same from
the observation table and the SDG stage's series and aggregates (ARCHITECTURE.md contracts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.dictionary import indicators
from pipeline.observations import DIMENSION_NAMES, TOTAL
from pipeline.publish.bundle import Bundle
from pipeline.publish.layout import PublicationTable, make_table, marker, text

COUNT_UNITS = frozenset({"subscriptions"})


def latest(frame: pd.DataFrame, keys: list[str], year: int) -> pd.DataFrame:
    """Row with the latest ``year`` up to ``year`` for each ``keys`` combination."""
    frame = frame[frame["year"] <= year].sort_values([*keys, "year"], kind="stable")
    return frame.drop_duplicates(keys, keep="last")


def value_markers(rows: pd.DataFrame, year: int) -> pd.Series:
    """Marker string per row: estimate, earlier year, break in series."""
    estimate = np.where(rows["estimate"].astype(bool), marker("estimate"), "")
    earlier = np.where(rows["year"] < year, marker("earlier_year"), "")
    broken = np.where(rows["break_in_series"].astype(bool), marker("break"), "")
    return pd.Series(estimate + earlier + broken, index=rows.index, dtype=str)


def _wide(rows: pd.DataFrame, column: str, names: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """economy × ``column`` pivots of ``value`` and of the markers (same shape and order),
    with the economy name first."""
    values = rows.pivot(index="economy", columns=column, values="value")
    notes = rows.pivot(index="economy", columns=column, values="note").fillna("")
    codes = values.index.to_series()
    values.insert(0, "Economy", codes.map(names).fillna(codes).to_numpy())
    values = values.reset_index().rename(columns={"economy": "ISO3"})
    values = values[["Economy", "ISO3", *values.columns[2:]]]
    notes = notes.reset_index(drop=True).reindex(columns=values.columns, fill_value="")
    order = values["Economy"].argsort(kind="stable")
    return values.iloc[order], notes.iloc[order]


def indicator_table(bundle: Bundle, questionnaire: str, year: int) -> PublicationTable | None:
    """Latest national value per economy for every indicator of one questionnaire kind."""
    dictionary = indicators()
    codes = dictionary.loc[dictionary["questionnaire"] == questionnaire, "code"]
    obs = bundle.observations
    totals = obs[obs["indicator"].isin(codes)]
    totals = totals[(totals[list(DIMENSION_NAMES)] == TOTAL).all(axis=1)]
    if totals.empty:
        return None
    rows = latest(totals, ["economy", "indicator"], year)
    rows = rows.assign(note=value_markers(rows, year))
    headers = dictionary["name"] + " (" + dictionary["unit"] + ")"
    rows = rows.assign(header=rows["indicator"].map(headers))
    values, notes = _wide(rows, "header", bundle.names())
    present = [headers[c] for c in codes if headers[c] in values.columns]
    values, notes = values[["Economy", "ISO3", *present]], notes[["Economy", "ISO3", *present]]
    units = dictionary.set_index(headers)["unit"]
    formats = {h: "#,##0" if units[h] in COUNT_UNITS else "#,##0.0" for h in present}
    label = text()["groups"]["questionnaire"].get(questionnaire, questionnaire)
    return make_table(
        "indicators", f"indicators_{questionnaire}", values, notes, formats, group=label, year=year
    )


def _sdg_column(rows: pd.DataFrame) -> pd.Series:
    """Series code, plus the age, speed or skill breakdown when it is not a total."""
    column = rows["series"].astype(str)
    for dimension in ("age", "speed", "skill"):
        detail = rows[dimension].ne(TOTAL)
        column = column.where(~detail, column + " " + rows[dimension].astype(str))
    return column


def sdg_economies(bundle: Bundle, year: int) -> PublicationTable | None:
    """Latest value per economy of every SDG series, national totals by sex and area."""
    series = bundle.sdg_series
    if series.empty:
        return None
    rows = series[(series["sex"] == TOTAL) & (series["area"] == TOTAL)]
    rows = rows.assign(column=_sdg_column(rows))
    rows = latest(rows, ["economy", "column"], year)
    estimate = np.where(rows["obs_status"].eq("E"), marker("estimate"), "")
    earlier = np.where(rows["year"] < year, marker("earlier_year"), "")
    rows = rows.assign(note=pd.Series(estimate + earlier, index=rows.index, dtype=str))
    values, notes = _wide(rows, "column", bundle.names())
    formats = dict.fromkeys(values.columns[2:], "0.0")
    return make_table("sdg_economies", "sdg_economies", values, notes, formats, year=year)


def sdg_aggregates(bundle: Bundle, year: int) -> PublicationTable | None:
    """Published group aggregates of the latest year, national totals by sex and area."""
    aggregates = bundle.sdg_aggregates
    if aggregates.empty:
        return None
    rows = aggregates[aggregates["published"].astype(bool) & (aggregates["year"] <= year)]
    rows = rows[(rows["sex"] == TOTAL) & (rows["area"] == TOTAL)]
    rows = rows.assign(column=_sdg_column(rows))
    rows = rows[rows["year"] == rows.groupby("column")["year"].transform("max")]
    kinds, income = text()["groups"]["sdg_group_type"], text()["groups"]["income"]
    order = {kind: position for position, kind in enumerate(kinds)}
    rows = rows.assign(
        _o=rows["group_type"].map(order),
        _i=rows["group"].map({code: position for position, code in enumerate(income)}),
    ).sort_values(["column", "_o", "_i", "group"], kind="stable", na_position="first")
    frame = pd.DataFrame(
        {
            "Series": rows["column"],
            "Grouping": rows["group_type"].map(kinds).fillna(rows["group_type"]),
            "Group": rows["group"].where(
                rows["group_type"] != "income_group", rows["group"].map(income)
            ),
            "Year": rows["year"].astype("Int64"),
            "Value": rows["value"].round(1),
            "Coverage (%)": (100 * rows["coverage"]).round(1),
            "Economies with data": rows["n_economies"].astype("Int64"),
            "Economies in group": rows["n_members"].astype("Int64"),
        }
    )
    formats = {"Value": "0.0", "Coverage (%)": "0.0", "Year": "0"}
    formats |= {"Economies with data": "0", "Economies in group": "0"}
    return make_table("sdg_aggregates", "sdg_aggregates", frame, None, formats, year=year)


def data_tables(bundle: Bundle, year: int) -> list[PublicationTable]:
    """Indicator tables by questionnaire kind, then the SDG tables (absent parts skipped)."""
    kinds = text()["groups"]["questionnaire"]
    tables = [indicator_table(bundle, kind, year) for kind in kinds]
    tables += [sdg_economies(bundle, year), sdg_aggregates(bundle, year)]
    return [table for table in tables if table is not None]
