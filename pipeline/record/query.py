"""Questions a statistician asks the store of record, in SQL (the README shows the same SQL).

* :func:`as_of` — every key's value as known at a date: the rule of :func:`pipeline.vintage.as_of`
  (latest ``submitted`` on or before the date, undated values known from the start, ties to the
  later round, then the later submission), here over every vintage the store holds.
* :func:`history` — one economy-indicator's revision history: each value with its round,
  submission, source cell and known-from date, the revision from the value before it, and
  whether it is current or superseded at the as-of date.
* :func:`triangle` — a revision triangle, reference year × release, where a release is a
  vintage (run) and a known-from date within it, in that order.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pipeline.observations import INGESTED_COLUMNS, TOTAL
from pipeline.record.schema import KEY_SQL, UNDATED
from pipeline.vintage import LATEST, iso_date

#: ``submitted`` as the ingested table writes it: ISO text, '' when undated.
AS_TEXT = "coalesce(CAST(submitted AS VARCHAR), '') AS submitted"
#: The vintages of one key, earliest first (the as-of rule's order).
VINTAGE_ORDER = "known_from(submitted), round, sequence"

HISTORY_SQL = f"""
SELECT {KEY_SQL}, value,
       value - lag(value) OVER earlier AS revision,
       CASE WHEN lag(value) OVER earlier IS NULL THEN 'first published'
            WHEN value = lag(value) OVER earlier THEN 'confirmed' ELSE 'revised' END AS event,
       CASE WHEN row_number() OVER later = 1 THEN 'current' ELSE 'superseded' END AS status,
       estimate, round, submission, vintage, source_file, sheet, cell,
       coalesce(CAST(submitted AS VARCHAR), 'undated') AS known_from
FROM observations
WHERE economy = $economy AND indicator = $indicator
  AND ($year IS NULL OR year = $year) AND known_from(submitted) <= CAST($cutoff AS DATE)
WINDOW earlier AS (PARTITION BY {KEY_SQL} ORDER BY {VINTAGE_ORDER}),
       later AS (PARTITION BY {KEY_SQL} ORDER BY {VINTAGE_ORDER.replace(",", " DESC,")} DESC)
ORDER BY {KEY_SQL}, {VINTAGE_ORDER}
"""

TOTALS = " AND ".join(f"{name} = '{TOTAL}'" for name in KEY_SQL.split(", ")[3:])
TRIANGLE_SQL = f"""
WITH series AS (
    SELECT * FROM observations
    WHERE indicator = $indicator AND {TOTALS} AND ($economy IS NULL OR economy = $economy)
), releases AS (
    SELECT vintage, known, row_number() OVER (ORDER BY vintage, known) AS release
    FROM (SELECT DISTINCT vintage, known_from(submitted) AS known FROM series)
), tagged AS (
    SELECT s.*, r.release FROM series s
    JOIN releases r ON s.vintage = r.vintage AND known_from(s.submitted) = r.known
), state AS (
    SELECT r.release, t.economy, t.year, t.value
    FROM releases r JOIN tagged t ON t.release <= r.release
    QUALIFY row_number() OVER (
        PARTITION BY r.release, t.economy, t.year
        ORDER BY known_from(t.submitted) DESC, t.round DESC, t.sequence DESC) = 1
)
SELECT s.release, r.vintage,
       'v' || r.vintage || ' ' || CASE WHEN r.known = {UNDATED} THEN 'undated'
                                       ELSE CAST(r.known AS VARCHAR) END AS label,
       s.economy, s.year, s.value,
       first_value(s.value) OVER (PARTITION BY s.economy, s.year ORDER BY s.release) AS first
FROM state s JOIN releases r USING (release)
ORDER BY s.year, s.release, s.economy
"""


def as_of(connection: duckdb.DuckDBPyConnection, date: str | dt.date) -> pd.DataFrame:
    """Every key's value as known at ``date`` (the store's ``as_of`` table macro)."""
    sql = f"SELECT * REPLACE ({AS_TEXT}) FROM as_of($cutoff)"
    return _as_ingested(_frame(connection.sql(sql, params={"cutoff": iso_date(date)})))


def observations(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored value in the ingested table's form plus ``sequence`` and ``vintage``."""
    sql = f"SELECT * REPLACE ({AS_TEXT}) FROM observations"
    return _as_ingested(_frame(connection.sql(sql)))


def _frame(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """A query result as pandas through Arrow (text columns convert several times faster than
    with ``fetchdf``); newer DuckDB calls it ``to_arrow_table``, older ones ``arrow``."""
    if hasattr(relation, "to_arrow_table"):
        return relation.to_arrow_table().to_pandas()
    return relation.arrow().to_pandas()


def _as_ingested(frame: pd.DataFrame) -> pd.DataFrame:
    """Store rows in ingest's column order (``submitted`` as ISO text, '' when undated)."""
    return frame.astype({"year": "int64"})[[*INGESTED_COLUMNS, "vintage", "sequence"]]


def history(
    connection: duckdb.DuckDBPyConnection,
    economy: str,
    indicator: str,
    year: int | None = None,
    date: str | dt.date | None = None,
) -> pd.DataFrame:
    """The revision history of one economy and indicator (all breakdowns), known at ``date``."""
    parameters = {
        "economy": economy,
        "indicator": indicator,
        "year": year,
        "cutoff": iso_date(date or LATEST),
    }
    return connection.execute(HISTORY_SQL, parameters).fetchdf()


def triangle(
    connection: duckdb.DuckDBPyConnection, indicator: str, economy: str | None = None
) -> pd.DataFrame:
    """Reference year × release: the value known then (one economy), or for all economies the
    number whose value then differs from the first one published."""
    frame = connection.execute(TRIANGLE_SQL, {"indicator": indicator, "economy": economy}).fetchdf()
    if frame.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(frame.sort_values("release")["label"]))
    if economy is not None:
        table = frame.pivot_table("value", "year", "label", aggfunc="first")
    else:
        frame["revised"] = (frame["value"] != frame["first"]).astype(int)
        table = frame.pivot_table("revised", "year", "label", aggfunc="sum")
    return table.reindex(columns=order).rename_axis(columns="release")
