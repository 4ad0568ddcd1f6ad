"""Indicator and SDG tables of the publication: latest values by economy, SDG aggregates.

MISR annex tables print one economy per row and one indicator per column, with the latest
value available and a marker when it refers to an earlier year; this module does the same from
the observation table and the SDG stage's series and aggregates (ARCHITECTURE.md contracts).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pipeline.dictionary import indicators
from pipeline.observations import TOTAL, totals
from pipeline.publish.bundle import Bundle
from pipeline.publish.datapackage import datahub_codes
from pipeline.publish.layout import PublicationTable, make_table, marker, text
from pipeline.rounding import round_half_up
from pipeline.sdg.definitions import load_methodology

COUNT_UNITS = frozenset({"subscriptions"})


def latest(frame: pd.DataFrame, keys: list[str], year: int) -> pd.DataFrame:
    """Row with the latest ``year`` up to ``year`` for each ``keys`` combination."""
    frame = frame[frame["year"] <= year].sort_values([*keys, "year"], kind="stable")
    return frame.drop_duplicates(keys, keep="last")


def value_markers(rows: pd.DataFrame, year: int | None = None) -> pd.Series:
    """Marker string per row: estimate, break in series (and earlier year when ``year`` is
    given; long tables show the year in a column instead)."""
    estimate = np.where(rows["estimate"].astype(bool), marker("estimate"), "")
    earlier = np.where(rows["year"] < year, marker("earlier_year"), "") if year else ""
    broken = np.where(rows["break_in_series"].astype(bool), marker("break"), "")
    return pd.Series(estimate + earlier + broken, index=rows.index, dtype=str)


def _by_economy(rows: pd.DataFrame, names: pd.Series, order: list[str]) -> pd.DataFrame:
    """Rows sorted by economy name, then by ``order`` (indicator or series order)."""
    rows = rows.assign(
        _name=rows["economy"].map(names).fillna(rows["economy"]),
        _order=rows["_key"].map({code: i for i, code in enumerate(order)}),
    )
    return rows.sort_values(["_name", "_order", "_key"], kind="stable")


def indicator_table(bundle: Bundle, questionnaire: str, year: int) -> PublicationTable | None:
    """Latest national value per economy and indicator of one questionnaire kind, one row per
    economy and indicator (Analysis Function guidance: a year column where values come from
    different years; readable indicator names with the code in its own column)."""
    dictionary = indicators()
    codes = list(dictionary.loc[dictionary["questionnaire"] == questionnaire, "code"])
    obs = bundle.observations
    national = totals(obs[obs["indicator"].isin(codes)])
    if national.empty:
        return None
    rows = latest(national, ["economy", "indicator"], year).assign(_key=lambda r: r["indicator"])
    rows = _by_economy(rows, bundle.names(), codes)
    units = rows["indicator"].map(dictionary["unit"])
    frame = pd.DataFrame(
        {
            "Economy": rows["_name"].to_numpy(),
            "ISO3": rows["economy"].to_numpy(),
            "Indicator": rows["indicator"].map(dictionary["name"]).to_numpy(),
            "Indicator code": rows["indicator"].to_numpy(),
            "DataHub code": rows["indicator"].map(datahub_codes()).fillna("").to_numpy(),
            "Unit": units.to_numpy(),
            "Year": rows["year"].astype("int64").to_numpy(),
            "Value": rows["value"].to_numpy(dtype=float),
        }
    )
    markers = pd.DataFrame({"Value": value_markers(rows).to_numpy()})
    row_formats = {"Value": tuple(np.where(units.isin(COUNT_UNITS), "#,##0", "#,##0.0"))}
    label = text()["groups"]["questionnaire"].get(questionnaire, questionnaire)
    table = make_table(
        "indicators",
        f"indicators_{questionnaire}",
        frame,
        markers,
        {"Year": "0"},
        group=label,
        year=year,
    )
    return replace(table, row_formats=row_formats)


def breakdown_label(rows: pd.DataFrame) -> pd.Series:
    """The age, speed or skill breakdown of a row in words ("" for national totals)."""
    names = text()["breakdowns"]
    label = pd.Series("", index=rows.index, dtype=object)
    for dimension in ("age", "speed", "skill"):
        detail = rows[dimension].ne(TOTAL)
        words = rows[dimension].map(names.get(dimension, {})).fillna(rows[dimension])
        label = label.where(~detail, words)
    return label


def sdg_economies(bundle: Bundle, year: int) -> PublicationTable | None:
    """Latest value per economy of every SDG series, national totals by sex and area; one row
    per economy, series and breakdown, with the series name, its code and the year."""
    series = bundle.sdg_series
    if series.empty:
        return None
    rows = series[(series["sex"] == TOTAL) & (series["area"] == TOTAL)]
    rows = rows.assign(breakdown=breakdown_label(rows))
    rows = latest(rows, ["economy", "series", "breakdown"], year)
    definitions = {d.code: d for d in load_methodology().series}
    rows = _by_economy(rows.assign(_key=rows["series"]), bundle.names(), list(definitions))
    frame = pd.DataFrame(
        {
            "Economy": rows["_name"].to_numpy(),
            "ISO3": rows["economy"].to_numpy(),
            "SDG indicator": rows["indicator_sdg"].to_numpy(),
            "Series": rows["series"].map({k: d.name for k, d in definitions.items()}).to_numpy(),
            "Series code": rows["series"].to_numpy(),
            "Breakdown": rows["breakdown"].to_numpy(),
            "Year": rows["year"].astype("int64").to_numpy(),
            "Value": rows["value"].to_numpy(dtype=float),
        }
    )
    markers = pd.DataFrame({"Value": np.where(rows["obs_status"].eq("E"), marker("estimate"), "")})
    counts = rows["unit"].eq("NUMBER").to_numpy()
    row_formats = {"Value": tuple(np.where(counts, "#,##0", "#,##0.0"))}
    table = make_table("sdg_economies", "sdg_economies", frame, markers, {"Year": "0"}, year=year)
    return replace(table, row_formats=row_formats)


def sdg_aggregates(bundle: Bundle, year: int) -> PublicationTable | None:
    """Published group aggregates of the latest year, national totals by sex and area."""
    aggregates = bundle.sdg_aggregates
    if aggregates.empty:
        return None
    rows = aggregates[aggregates["published"].astype(bool) & (aggregates["year"] <= year)]
    rows = rows[(rows["sex"] == TOTAL) & (rows["area"] == TOTAL)]
    rows = rows.assign(breakdown=breakdown_label(rows))
    rows = rows.assign(column=rows["series"] + " " + rows["breakdown"])
    rows = rows[rows["year"] == rows.groupby("column")["year"].transform("max")]
    kinds, income = text()["groups"]["sdg_group_type"], text()["groups"]["income"]
    order = {kind: position for position, kind in enumerate(kinds)}
    rows = rows.assign(
        _o=rows["group_type"].map(order),
        _i=rows["group"].map({code: position for position, code in enumerate(income)}),
    ).sort_values(["column", "_o", "_i", "group"], kind="stable", na_position="first")
    names = {d.code: d.name for d in load_methodology().series}
    frame = pd.DataFrame(
        {
            "Series": rows["series"].map(names),
            "Series code": rows["series"],
            "Breakdown": rows["breakdown"],
            "Grouping": rows["group_type"].map(kinds).fillna(rows["group_type"]),
            "Group": rows["group"].where(
                ~rows["group_type"].isin(["income_group", "low_middle_income"]),
                rows["group"].map(income),
            ),
            # ITU regions have no M49 code: not applicable, not missing
            "M49 code": rows["m49"]
            .astype("Int64")
            .astype("string")
            .fillna(text()["workbook"]["not_applicable"]),
            "Year": rows["year"].astype("Int64"),
            "Value": pd.Series(round_half_up(rows["value"], 1), index=rows.index),
            "Coverage (%)": pd.Series(round_half_up(100 * rows["coverage"], 1), index=rows.index),
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
