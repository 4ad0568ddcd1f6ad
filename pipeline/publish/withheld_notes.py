"""What the publication tells its readers about withheld values (:mod:`pipeline.withheld`).

The values themselves never reach publish; this module says where they would have been: one
table listing them (a sheet of the workbook, a CSV), a note under every other table, and a line
in the economy's profile ("withheld pending a query with the national focal point").
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.publish.bundle import Bundle
from pipeline.publish.layout import PublicationTable, make_table
from pipeline.status import load_policy

COLUMNS = {
    "economy": "ISO3",
    "year": "Year",
    "indicator": "Indicator",
    "breakdown": "Breakdown",
    "since": "Query raised",
    "rule_ids": "Open query (rules)",
}


def _rows(bundle: Bundle) -> pd.DataFrame:
    held = bundle.withheld
    if held is None or held.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    return held.reindex(columns=list(COLUMNS)).sort_values(["economy", "year", "indicator"])


def withheld_table(bundle: Bundle, year: int) -> list[PublicationTable]:
    """The table of withheld values (none when nothing is withheld)."""
    rows = _rows(bundle)
    if rows.empty:
        return []
    names = bundle.names()
    frame = rows.rename(columns=COLUMNS)
    frame.insert(0, "Economy", rows["economy"].map(names).fillna(rows["economy"]).to_numpy())
    frame["Reason"] = load_policy().note
    return [make_table("withheld", "withheld", frame, year=year)]


def with_notes(tables: list[PublicationTable], bundle: Bundle) -> list[PublicationTable]:
    """Every table with one more note saying how many values were withheld."""
    count = len(_rows(bundle))
    if not count:
        return tables
    note = f"{count} value(s) {load_policy().note} are left out; the table withheld lists them."
    return [replace(t, notes=(*t.notes, note)) if t.name != "withheld" else t for t in tables]


def profile_lines(bundle: Bundle) -> dict[str, list[str]]:
    """Per economy, one sentence per withheld value for the profile's data-gaps list."""
    rows = _rows(bundle)
    names = indicators()["name"]
    label = rows["indicator"].map(names).fillna(rows["indicator"])
    detail = rows["breakdown"].fillna("").map(lambda b: f" ({b})" if b else "")
    text = label + detail + ", " + rows["year"].astype(str) + ": " + load_policy().note
    return text.groupby(rows["economy"]).agg(list).to_dict() if len(rows) else {}
