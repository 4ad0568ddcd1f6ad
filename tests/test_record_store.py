"""The store of record: append-only vintages, supersession, and SQL as-of equal to pandas as-of."""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.observations import DIMENSION_NAMES, INGESTED_COLUMNS, INGESTED_SCHEMA, TOTAL
from pipeline.record import append, query
from pipeline.record.schema import create
from pipeline.vintage import as_of


def submission(name: str, round_id: str, submitted: str, values: dict[int, float], **kw) -> tuple:
    """An ingest result of one file: KEN HH7 for the given years (a fake but valid table)."""
    sha = hashlib.sha256(
        f"{name}{round_id}{submitted}{sorted(values.items())}".encode()
    ).hexdigest()
    rows = pd.DataFrame(
        {
            "economy": kw.get("economy", "KEN"),
            "year": list(values),
            "indicator": "HH7",
            **{name: TOTAL for name in DIMENSION_NAMES},
            "value": list(values.values()),
            "unit": "%",
            "estimate": False,
            "break_in_series": False,
            "footnote": "",
            "kind": "household",
            "source_file": name,
            "sheet": "Individuals",
            "cell": [f"L{9 + i}" for i in range(len(values))],
            "round": round_id,
            "submitted": submitted,
            "submission": sha[:16],
        }
    )
    files = pd.DataFrame(
        [
            {
                "source_file": name,
                "round": round_id,
                "submitted": submitted,
                "submission": sha[:16],
                "sha256": sha,
            }
        ]
    )
    return INGESTED_SCHEMA.validate(rows[list(INGESTED_COLUMNS)]), files


def combined(*parts: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        pd.concat([p[0] for p in parts], ignore_index=True),
        pd.concat([p[1] for p in parts], ignore_index=True),
    )


@pytest.fixture
def store() -> duckdb.DuckDBPyConnection:
    with duckdb.connect(":memory:") as connection:
        yield create(connection)


def count(store: duckdb.DuckDBPyConnection, table: str) -> int:
    return store.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_append_is_idempotent(store: duckdb.DuckDBPyConnection) -> None:
    batch = combined(submission("a.xlsx", "2023", "2023-06-30", {2021: 30.0, 2022: 31.0}))
    first = append(store, *batch)
    assert (first.vintage, first.submissions, first.observations) == (1, 1, 2)
    again = append(store, *batch)
    assert again.vintage is None and again.observations == 0
    assert [count(store, t) for t in ("vintages", "submissions", "observations")] == [1, 1, 2]
    assert store.execute("SELECT round, closed FROM rounds").fetchall() == [("2023", None)]


def test_same_bytes_elsewhere_add_nothing(store: duckdb.DuckDBPyConnection) -> None:
    observations, files = combined(submission("a.xlsx", "2023", "2023-06-30", {2021: 30.0}))
    append(store, observations, files)
    moved = files.assign(source_file="moved/a.xlsx")
    assert append(store, observations.assign(source_file="moved/a.xlsx"), moved).vintage is None


def test_corrected_resubmission_supersedes_and_both_stay(store: duckdb.DuckDBPyConnection) -> None:
    append(store, *combined(submission("a.xlsx", "2023", "2023-06-30", {2021: 30.0})))
    corrected = append(store, *combined(submission("a.xlsx", "2023", "2023-06-30", {2021: 32.0})))
    assert (corrected.vintage, corrected.superseded) == (2, 1)
    rows = store.execute(
        "SELECT submission, supersedes, vintage FROM submissions ORDER BY sequence"
    ).fetchall()
    assert rows[1][1] == rows[0][0] and [r[2] for r in rows] == [1, 2]
    history = query.history(store, "KEN", "HH7")
    assert history[["value", "status", "event"]].values.tolist() == [
        [30.0, "superseded", "first published"],
        [32.0, "current", "revised"],
    ]
    assert history["revision"].iloc[1] == pytest.approx(2.0)


def test_another_round_is_a_revision_not_a_supersession(store: duckdb.DuckDBPyConnection) -> None:
    batch = combined(
        submission("2023/a.xlsx", "2023", "2023-06-30", {2021: 30.0}),
        submission("2024/a.xlsx", "2024", "2024-06-30", {2021: 30.5, 2022: 33.0}),
    )
    rounds = pd.DataFrame({"round": ["2023", "2024"], "name": "", "closed": ["2023-06-30", ""]})
    assert append(store, *batch, rounds).superseded == 0
    assert store.execute("SELECT count(*) FROM rounds WHERE closed IS NOT NULL").fetchall()[0] == (
        1,
    )
    known = query.history(store, "KEN", "HH7", year=2021, date="2023-12-31")
    assert known[["value", "status", "known_from"]].values.tolist() == [
        [30.0, "current", "2023-06-30"]
    ]
    triangle = query.triangle(store, "HH7", "KEN")
    assert list(triangle.columns) == ["v1 2023-06-30", "v1 2024-06-30"]
    assert triangle.loc[2021].tolist() == [30.0, 30.5]
    assert pd.isna(triangle.loc[2022, "v1 2023-06-30"])
    assert query.triangle(store, "HH7").loc[2021].tolist() == [0, 1]


def test_a_failed_append_leaves_no_trace(store: duckdb.DuckDBPyConnection) -> None:
    observations, files = combined(submission("a.xlsx", "2023", "2023-06-30", {2021: 30.0}))
    with pytest.raises(duckdb.Error):
        append(store, observations.assign(year="not a year"), files)
    assert [count(store, t) for t in ("vintages", "submissions", "observations")] == [0, 0, 0]


DATES = ["", "2022-06-30", "2023-06-30", "2024-06-30"]
files = st.lists(
    st.tuples(
        st.sampled_from(["a.xlsx", "b.xlsx"]),
        st.sampled_from(["", "2023", "2024"]),
        st.sampled_from(DATES),
        st.dictionaries(st.integers(2019, 2022), st.floats(0, 100), min_size=1, max_size=3),
        st.integers(1, 3),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(files, st.sampled_from(["2021-01-01", *DATES[1:], "2030-12-31"]))
def test_sql_as_of_equals_pandas_as_of(specs: list[tuple], date: str) -> None:
    with duckdb.connect(":memory:") as store:
        create(store)
        for run in (1, 2, 3):
            chosen = [submission(*spec[:4]) for spec in specs if spec[4] == run]
            if chosen:
                append(store, *combined(*chosen))
        from_sql = query.as_of(store, date)
        from_pandas = as_of(query.observations(store), date)
    order = [*INGESTED_COLUMNS[:9]]
    pd.testing.assert_frame_equal(
        from_sql.sort_values(order).reset_index(drop=True),
        from_pandas.sort_values(order).reset_index(drop=True),
        check_dtype=False,
    )


def test_decisions_table_waits_for_the_validation_cycle(store: duckdb.DuckDBPyConnection) -> None:
    columns = store.execute("SELECT column_name FROM (DESCRIBE decisions)").fetchall()
    assert [c for (c,) in columns] == ["finding_id", "decision", "who", "when", "note", "source"]
    assert count(store, "decisions") == 0
