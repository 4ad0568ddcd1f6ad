"""Pick the value cells out of every planned data sheet of a batch in one vectorised pass.

The bodies of all sheets are stacked into one object array; per-sheet facts (which column is
the code, a breakdown, a year, its status, the note; hidden rows and columns; the economy and
unit multiplier) become small lookup arrays indexed by sheet number. Every non-empty cell
outside the descriptive columns is then either a value cell or a stray value (no year header
or no indicator code in its row), which is reported (conservation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from pipeline.ingest import layout
from pipeline.ingest.grids import whole_numbers
from pipeline.ingest.pending import pending
from pipeline.ingest.sheet import SheetPlan, is_blank
from pipeline.observations import DIMENSION_NAMES

#: Row numbers of different sheets are kept apart by this stride in hidden-cell keys.
SHEET_STRIDE = 10_000_000
NONE = -1


def _text(values: np.ndarray) -> pd.Series:
    """Stripped text of each cell ('' for an empty one, None or NaN).

    A column of a batch repeats few texts (indicator codes, breakdowns, status letters), so
    when every filled cell holds text each distinct text is stripped once; equal texts are
    equal values, so nothing that reads differently is merged. Otherwise only the filled
    cells are converted, one by one (a comprehension beats pandas' string conversion).
    """
    keys, distinct = pd.factorize(values)
    if all(type(value) is str for value in distinct):
        stripped = np.array([*(value.strip() for value in distinct), ""], dtype=object)
        return pd.Series(stripped[np.where(keys < 0, len(distinct), keys)], dtype=object)
    text = np.full(len(values), "", dtype=object)
    filled = ~pd.isna(values)
    text[filled] = [str(v).strip() for v in values[filled]]
    return pd.Series(text, dtype=object)


def _pick(values: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> pd.Series:
    """Text of ``values[rows, columns]``; '' where the column is NONE."""
    picked = _text(values[rows, np.where(columns == NONE, 0, columns)])
    return picked.where(columns != NONE, "")


def _lookups(plans: list[SheetPlan], width: int) -> dict[str, np.ndarray]:
    """Per-sheet column roles as arrays: sheet × column matrices and per-sheet vectors."""
    count = len(plans)
    roles = np.zeros((count, width), dtype=bool)
    years = np.zeros((count, width), dtype=np.int64)
    status = np.full((count, width), NONE, dtype=np.int64)
    vectors = {
        name: np.full(count, NONE, dtype=np.int64) for name in ("code", "note", *DIMENSION_NAMES)
    }
    for index, plan in enumerate(plans):
        columns = plan.columns
        roles[index, sorted(columns.roles())] = True
        for year, position in columns.years.items():
            years[index, position] = year
            status[index, position] = columns.status.get(year, NONE)
        vectors["code"][index] = columns.code
        vectors["note"][index] = NONE if columns.note is None else columns.note
        for name, position in columns.dimensions.items():
            vectors[name][index] = position
    return {"roles": roles, "years": years, "status": status, **vectors}


def _hidden_keys(plans: list[SheetPlan]) -> tuple[np.ndarray, np.ndarray]:
    rows = [i * SHEET_STRIDE + r for i, plan in enumerate(plans) for r in plan.scan.hidden_rows]
    columns = [
        i * SHEET_STRIDE + c for i, plan in enumerate(plans) for c in plan.scan.hidden_columns
    ]
    return np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64)


def _grid(plans: list[SheetPlan]) -> np.ndarray:
    """All body rows of all sheets, padded to one width that covers every role column."""
    described = (plan.columns.roles() | set(plan.columns.years.values()) for plan in plans)
    needed = max(max(columns) + 1 for columns in described)
    width = max(needed, *(len(row) for plan in plans for row in plan.body))
    padding = (None,) * width
    rows = [row + padding[len(row) :] for plan in plans for row in plan.body]
    return np.array(rows, dtype=object).reshape(len(rows), width)


def value_cells(plans: list[SheetPlan]) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Long table of the value cells of all ``plans`` and the stray-value findings."""
    plans = [plan for plan in plans if plan.body]
    if not plans:
        return pd.DataFrame(), []
    values = _grid(plans)
    sizes = np.array([len(plan.body) for plan in plans])
    sheet_of_row = np.repeat(np.arange(len(plans)), sizes)
    row_number = np.concatenate(
        [plan.header_index + 2 + np.arange(len(plan.body)) for plan in plans]
    )
    lookup = _lookups(plans, values.shape[1])
    rows, columns = np.nonzero(~pd.isna(values) & ~lookup["roles"][sheet_of_row])
    raw = whole_numbers(pd.Series(values[rows, columns], dtype=object))
    keep = ~is_blank(raw).to_numpy()
    rows, columns, raw = rows[keep], columns[keep], raw[keep].reset_index(drop=True)
    sheet = sheet_of_row[rows]
    letters = np.array([get_column_letter(c + 1) for c in range(values.shape[1])], dtype=object)
    cells = pd.DataFrame(
        {
            "raw": raw,
            "cell": pd.Series(letters[columns]) + pd.Series(row_number[rows]).astype(str),
            "year": lookup["years"][sheet, columns],
            "indicator_raw": _pick(values, rows, lookup["code"][sheet]),
            **{name: _pick(values, rows, lookup[name][sheet]) for name in DIMENSION_NAMES},
            "status_raw": _pick(values, rows, lookup["status"][sheet, columns]),
            "note": _pick(values, rows, lookup["note"][sheet]),
        }
    )
    note_column = lookup["note"][sheet]
    cells["note_cell"] = (
        pd.Series(letters[np.where(note_column == NONE, 0, note_column)])
        + pd.Series(row_number[rows]).astype(str)
    ).where(note_column != NONE, "")
    hidden_rows, hidden_columns = _hidden_keys(plans)
    cells["hidden"] = np.isin(sheet * SHEET_STRIDE + row_number[rows], hidden_rows) | np.isin(
        sheet * SHEET_STRIDE + columns + 1, hidden_columns
    )
    cells = cells.assign(**_sheet_facts(plans, sheet), typed_text=True)
    stray = (cells["year"] == 0) | (cells["indicator_raw"] == "")
    context = ["economy", "source_file", "sheet", "cell"]
    finding = pending(
        "ING-STRAY-VALUE", cells.loc[stray, context].assign(value=raw[stray].map(str))
    )
    cells = cells[~stray].astype({"year": "Int64"}).reset_index(drop=True)
    return cells, [finding]


def _sheet_facts(plans: list[SheetPlan], sheet: np.ndarray) -> dict[str, np.ndarray]:
    """Per-cell economy, file, sheet and unit multiplier from the cell's sheet."""
    texts = [
        "" if plan.block.get("multiplier") is None else str(plan.block["multiplier"]).strip()
        for plan in plans
    ]
    factors = [layout.MULTIPLIERS.get(text.lower() or "units", np.nan) for text in texts]
    facts = {
        "economy": [plan.economy for plan in plans],
        "source_file": [plan.source_file for plan in plans],
        "sheet": [plan.sheet for plan in plans],
        "multiplier": factors,
        "multiplier_text": texts,
    }
    return {
        key: np.asarray(column, dtype=object if key != "multiplier" else float)[sheet]
        for key, column in facts.items()
    }
