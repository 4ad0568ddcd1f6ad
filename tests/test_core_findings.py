"""Findings table: closed catalogue, schema, ordering and exit codes."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.findings import (
    EXIT_FINDINGS,
    EXIT_OK,
    FINDING_COLUMNS,
    SEVERITIES,
    catalogue,
    coded_findings,
    concat_findings,
    empty_findings,
    exit_code,
)


def test_catalogue_entries_are_complete() -> None:
    entries = catalogue()
    assert len(entries) >= 20
    for code, entry in entries.items():
        assert entry.severity in SEVERITIES, code
        assert entry.title and entry.description and entry.template, code


def test_unknown_code_is_refused() -> None:
    with pytest.raises(KeyError):
        coded_findings("ingest", "ING-NO-SUCH-CODE", [{"source_file": "x.xlsx"}])


def test_message_is_rendered_from_row_context() -> None:
    table = coded_findings(
        "ingest",
        "ING-UNPARSEABLE",
        [{"source_file": "KEN.xlsx", "sheet": "Mobile", "cell": "D7", "value": "abc"}],
    )
    assert list(table.columns) == list(FINDING_COLUMNS)
    row = table.iloc[0]
    assert row["message"] == "Mobile!D7: 'abc' is not a number"
    assert row["severity"] == "error"
    assert row["stage"] == "ingest"


def test_missing_placeholders_render_empty() -> None:
    table = coded_findings("ingest", "ING-NOT-WORKBOOK", [{"source_file": "a.xlsx"}])
    assert table.iloc[0]["message"] == "a.xlsx could not be opened as an .xlsx workbook: "


def test_concat_sorts_errors_first_and_exit_code() -> None:
    info = coded_findings("ingest", "ING-TEXT-NUMBER", [{"value": "1 234", "expected": 1234}])
    error = coded_findings("ingest", "ING-DUPLICATE", [{"indicator": "i271", "year": 2023}])
    both = concat_findings(info, error)
    assert list(both["severity"]) == ["error", "info"]
    assert exit_code(both) == EXIT_FINDINGS
    assert exit_code(info) == EXIT_OK
    assert exit_code(empty_findings()) == EXIT_OK


def test_values_are_kept_as_text() -> None:
    table = coded_findings("ingest", "ING-TEXT-NUMBER", [{"value": "12,5", "expected": 12.5}])
    assert table.iloc[0]["expected"] == "12.5"
    assert pd.isna(coded_findings("ingest", "ING-TEXT-NUMBER", [{}]).iloc[0]["value"])


def test_missing_values_of_every_kind_render_empty() -> None:
    """Regression: ``pd.NA`` in a findings row (file-level findings have no year) crashed."""
    import numpy as np

    from pipeline.findings import render_message
    from pipeline.values import is_missing

    assert all(is_missing(v) for v in (None, float("nan"), pd.NA, pd.NaT, np.nan))
    assert not any(is_missing(v) for v in (0, "", "x", [1, 2], 1.5))
    assert render_message("{year}|{economy}", {"year": pd.NA, "economy": None}) == "|"
