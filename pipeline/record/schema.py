"""The tables of the store of record and how to open it.

The store is one DuckDB file, ``<workdir>/store/ictstats.duckdb``, kept beside ``processed/``
and never inside it: a run replaces ``processed/`` but only ever *adds* to the store, so every
vintage survives. DuckDB is an embedded, single-file SQL database that reads pandas frames
without copies (https://duckdb.org/docs/stable/clients/python/overview), so a statistician can
query the file with the ``duckdb`` CLI or from Python without a server.

Tables (``observations.submitted`` is NULL for an undated return, known from the start):

* ``vintages`` — one row per run that added data;
* ``rounds`` — the collection rounds met so far (id, name, closed date);
* ``submissions`` — one row per distinct returned file (by SHA-256) with its round, date,
  economy, questionnaire kind, the vintage that ingested it, its ingestion ``sequence`` and the
  earlier submission it ``supersedes`` (same economy, kind and round, different bytes);
* ``observations`` — every ingested value with its round, submission and source cell;
* ``decisions`` — decisions on validation findings (filled by a later stage; schema only).

The ``as_of(date)`` table macro picks each key's latest vintage with ``arg_max`` over a
``GROUP BY`` and joins the winning rows back by ``rowid`` (rows are never deleted, so row ids are
stable): on 2 M rows that is several times faster than a ``row_number()`` window, which has
to sort every column, and a join is faster than ``rowid IN (…)``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.observations import DIMENSION_NAMES

STORE_FILE = "ictstats.duckdb"
#: The columns that identify an observation's key, in SQL.
KEY_SQL = ", ".join(("economy", "year", "indicator", *DIMENSION_NAMES))
#: The date an undated value counts as known from (the start of time, as in pipeline.vintage).
UNDATED = "DATE '0001-01-01'"

DDL = f"""
CREATE TABLE IF NOT EXISTS vintages (
    vintage INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    raw_folder VARCHAR,
    submissions INTEGER NOT NULL,
    observations BIGINT NOT NULL,
    ictstats_version VARCHAR
);
CREATE TABLE IF NOT EXISTS rounds (
    round VARCHAR PRIMARY KEY,
    name VARCHAR,
    closed DATE,
    first_vintage INTEGER
);
CREATE TABLE IF NOT EXISTS submissions (
    submission VARCHAR PRIMARY KEY,
    sha256 VARCHAR NOT NULL UNIQUE,
    source_file VARCHAR NOT NULL,
    economy VARCHAR,
    kind VARCHAR,
    round VARCHAR NOT NULL,
    submitted DATE,
    vintage INTEGER NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    sequence BIGINT NOT NULL,
    supersedes VARCHAR
);
CREATE TABLE IF NOT EXISTS observations (
    economy VARCHAR NOT NULL, year INTEGER NOT NULL, indicator VARCHAR NOT NULL,
    {", ".join(f"{name} VARCHAR NOT NULL" for name in DIMENSION_NAMES)},
    value DOUBLE NOT NULL, unit VARCHAR, estimate BOOLEAN, break_in_series BOOLEAN,
    footnote VARCHAR, kind VARCHAR, source_file VARCHAR, sheet VARCHAR, cell VARCHAR,
    round VARCHAR NOT NULL, submitted DATE, submission VARCHAR NOT NULL,
    vintage INTEGER NOT NULL, sequence BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    finding_id VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    who VARCHAR,
    "when" TIMESTAMP,
    note VARCHAR,
    source VARCHAR
);
CREATE OR REPLACE MACRO known_from(submitted) AS coalesce(submitted, {UNDATED});
CREATE OR REPLACE MACRO as_of(cutoff) AS TABLE
    SELECT o.* FROM observations o JOIN (
        SELECT arg_max(rowid, (known_from(submitted), round, sequence)) AS latest
        FROM observations
        WHERE known_from(submitted) <= CAST(cutoff AS DATE)
        GROUP BY {KEY_SQL}
    ) AS chosen ON o.rowid = chosen.latest;
"""


def store_file(store_dir: Path) -> Path:
    """The database file inside a store folder."""
    return Path(store_dir) / STORE_FILE


def connect(store_dir: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating when writable) the store in ``store_dir`` with its tables in place.

    Raises FileNotFoundError for a read-only open of a store that does not exist yet, so the
    CLI reports it as an IO error (exit code 2) instead of creating an empty database.
    """
    path = store_file(store_dir)
    if read_only:
        if not path.is_file():
            raise FileNotFoundError(f"no store of record at {path} (run `ictstats ingest` first)")
        return quiet(duckdb.connect(str(path), read_only=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    return create(quiet(duckdb.connect(str(path))))


def quiet(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No DuckDB progress bar: it would print into the command's stdout on a slow query."""
    connection.execute("SET enable_progress_bar = false").fetchall()
    return connection


def create(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Create the tables and macros that are missing (an existing store is left as it is)."""
    connection.execute(DDL).fetchall()
    return connection
