"""Builders of the ingest test corpus: filled questionnaires, edited copies, hostile files.

Every workbook the ingest tests use is generated here, in the test's tmp_path, from the
template writer (pipeline/ingest/template.py) plus small edits — nothing binary is committed.
Values are synthetic (see PROVENANCE.md).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd

from pipeline.ingest.template import write_questionnaire

YEARS = (2022, 2023)
#: Column letters of the template with two years: value 2022, status, value 2023, status, note.
COLUMN = {2022: "J", 2023: "L", "status2022": "K", "status2023": "M", "note": "N"}
#: Rows of the admin Mobile sheet: i271, i271p, i271mw.
MOBILE_ROW = {"i271": 9, "i271p": 10, "i271mw": 11}
KNOWN = {"KEN", "UGA", "TZA"}

VALUES = pd.DataFrame(
    [
        ("KEN", 2022, "i271", "_T", 65_000_000.0, False, False, ""),
        ("KEN", 2023, "i271", "_T", 66_745_700.0, True, False, "operator data"),
        ("KEN", 2022, "i271mw", "_T", 40_100_000.5, False, True, ""),
        ("KEN", 2023, "i271GA", "_T", 97.25, False, False, ""),
        ("KEN", 2023, "i4213tfbb", "_T", 1_000_000.0, False, False, ""),
        ("KEN", 2023, "i4213tfbb", "FIBRE", 250_000.0, True, True, "fibre"),
        ("KEN", 2023, "HH7", "_T", 40.5, False, False, ""),
        ("KEN", 2023, "HH7", "F", 38.0, True, False, "survey"),
    ],
    columns=[
        "economy",
        "year",
        "indicator",
        "category",
        "value",
        "estimate",
        "break_in_series",
        "footnote",
    ],
)


def values_frame() -> pd.DataFrame:
    """The sample values in the template writer's input form (breakdown columns)."""
    frame = VALUES.copy()
    frame["technology"] = frame["category"].where(frame["category"] == "FIBRE", "_T")
    frame["sex"] = frame["category"].where(frame["category"] == "F", "_T")
    return frame.drop(columns="category")


def filled(
    folder: Path, kind: str = "admin", economy: str = "KEN", name: str | None = None
) -> Path:
    """A questionnaire of ``kind`` prefilled with the sample values."""
    path = folder / (name or f"{economy}_2023_{kind}.xlsx")
    values = values_frame().assign(economy=economy)
    return write_questionnaire(path, economy, YEARS, kind, values)


def edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """Open a workbook with openpyxl, apply ``change`` and save it in place."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def patch_part(path: Path, part: str, old: bytes, new: bytes) -> Path:
    """Replace bytes inside one zip member (to write what openpyxl cannot, e.g. cached values)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                assert old in data, f"{old!r} not in {part}"
                data = data.replace(old, new)
            target.writestr(item, data)
    path.write_bytes(buffer.getvalue())
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """Zip member name of a worksheet."""
    with zipfile.ZipFile(path) as archive:
        from pipeline.ingest.sheetxml import sheet_parts

        return sheet_parts(archive)[sheet]


def add_part(path: Path, part: str, data: bytes) -> Path:
    """Append a member to a workbook's zip (e.g. a VBA project)."""
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(part, data)
    return path
