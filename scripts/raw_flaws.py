"""Deliberately flawed submissions for ``raw/``, used by build_raw.py.

Each flaw is a record (file, economy, questionnaire kind, defect slug, expected finding codes,
plain description) in ``FLAWS``; the defect slug names a function in one of two registries:
``VALUE_FLAWS`` edit the values before the workbook is written (methodology problems that the
validate stage must find), ``BOOK_FLAWS`` edit the written workbook (messy input the ingest
stage must read or report). Expected codes come from ``schemas/finding_codes.toml``; an empty
code list means the defect is for the validate stage (or, for a control, for no one).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

DIMENSIONS = ("sex", "age", "area", "speed", "technology", "skill")
TOTAL = "_T"


@dataclass(frozen=True)
class Flaw:
    """One flawed return: which file replaces which economy's clean return, and why."""

    file: str
    economy: str
    kind: str
    defect: str
    expected_codes: str
    description: str


# fmt: off
FLAWS = (
    Flaw("2025-12/admin/GHA_2023_admin.xlsx", "GHA", "admin", "coverage-3g-above-2g",
         "",
         "3G population coverage above 2G coverage in 2023 (2G lowered by 12 pp)"),
    Flaw("2025-12/admin/PER_2023_admin.xlsx", "PER", "admin", "fbb-tiers-over-total",
         "",
         "fixed-broadband speed tiers sum to 130 % of the total in 2023"),
    Flaw("2025-12/admin/PHL_2023_admin.xlsx", "PHL", "admin", "scale-slip-1000x",
         "",
         "mobile-cellular subscriptions 2023 are 1000x 2022 (entered in units, not thousands)"),
    Flaw("2025-12/admin/VNM_2023_admin.xlsx", "VNM", "admin", "yoy-jump",
         "",
         "mobile-cellular subscriptions up 60 % from 2022 to 2023"),
    Flaw("2025-12/admin/COL_2023_admin.xlsx", "COL", "admin", "part-above-whole",
         "",
         "prepaid subscriptions 2023 above total mobile-cellular subscriptions (115 %)"),
    Flaw("2025-12/household/EGY_2023_household.xlsx", "EGY", "household", "share-above-100",
         "",
         "female Internet use 140 % in 2023"),
    Flaw("2025-12/household/BTN_2023_household.xlsx", "BTN", "household", "missing-required",
         "",
         "Internet-use total (HH7) left empty in every year while its breakdowns are filled"),
    Flaw("2025-12/household/MAR_2023_household.xlsx", "MAR", "household", "control-hh6-above-hh4",
         "",
         "NOT an error: households with Internet 40 pp above households with a computer in "
         "2023 (mobile access at home); no rule should fire"),
    Flaw("2025-12/admin/KEN_2023_admin.xlsx", "KEN", "admin", "messy-cells",
         "ING-TEXT-NUMBER;ING-MISSING-MARKER;ING-FOOTNOTE-MARKER;ING-AMBIGUOUS-NUMBER",
         "numbers typed as text (mobile subscriptions 2023 with space separators, 5G coverage "
         "2023 with a decimal comma), '..', 'n/a' and '-', a footnote marker on 2G coverage "
         "2022 and an ambiguous '1,234' (data-only basket 2023)"),
    Flaw("2025-12/admin/BRA_2023_admin.xlsx", "BRA", "admin", "thousands-multiplier",
         "ING-SCALED",
         "Mobile sheet declares values in thousands; the counts are entered in thousands"),
    Flaw("2025-12/household/FRA_2023_household.xlsx", "FRA", "household", "merged-hidden",
         "ING-MERGED-CELL;ING-HIDDEN-ROW",
         "HH18 total 2021-2022 cells merged; the HH7 female row is hidden"),
    Flaw("2025-12/admin/THA_2023_admin.xlsx", "THA", "admin", "extra-renamed-sheet",
         "ING-EXTRA-SHEET;ING-UNKNOWN-INDICATOR",
         "an extra 'Comments' sheet, the Prices sheet renamed 'Prices 2023', an unknown code"),
    Flaw("2025-12/admin/MEX_2023_admin.xlsx", "MEX", "admin", "formulas",
         "ING-FORMULA-NO-CACHE",
         "fixed-broadband total 2023 is a SUM formula with its cached value (reads fine); the "
         "2022 total is a formula without a cached value"),
    Flaw("2025-12/household/GER_2023_household.xlsx", "DEU", "household", "economy-mismatch",
         "ING-ECONOMY-MISMATCH",
         "file named GER (IOC code) but the questionnaire says DEU (Germany)"),
    Flaw("2025-12/household/IDN_2023_household.xlsx", "IDN", "household", "duplicate-rows",
         "ING-DUPLICATE;ING-DUPLICATE-SAME",
         "HH6 total repeated with a different 2023 value; HH4 total repeated unchanged"),
    Flaw("2025-12/admin/TGO_2023_admin.xlsx", "TGO", "admin", "truncated-file",
         "ING-NOT-WORKBOOK",
         "workbook cut after 1500 bytes (interrupted upload)"),
    Flaw("2025-12/admin/JAM_2023_admin.xls", "JAM", "admin", "legacy-xls",
         "ING-LEGACY-XLS",
         "Excel 97-2003 (OLE2) file instead of .xlsx"),
)
# fmt: on


def _total(values: pd.DataFrame, indicator: str) -> pd.Series:
    """Mask of the total rows (no breakdown) of one indicator."""
    return values["indicator"].eq(indicator) & values[list(DIMENSIONS)].eq(TOTAL).all(axis=1)


def _value(values: pd.DataFrame, indicator: str, year: int) -> float:
    return float(values.loc[_total(values, indicator) & values["year"].eq(year), "value"].iloc[0])


def _set(values: pd.DataFrame, mask: pd.Series, value) -> pd.DataFrame:
    out = values.copy()
    out.loc[mask, "value"] = value
    return out


def _coverage(values: pd.DataFrame) -> pd.DataFrame:
    mask = _total(values, "i271pop") & values["year"].eq(2023)
    return _set(values, mask, round(_value(values, "i271G", 2023) - 12, 1))


def _tiers(values: pd.DataFrame) -> pd.DataFrame:
    mask = values["indicator"].eq("i4213tfbb") & values["speed"].ne(TOTAL) & values["year"].eq(2023)
    return _set(values, mask, (values.loc[mask, "value"] * 1.3).round())


def _times(factor: float) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def apply(values: pd.DataFrame) -> pd.DataFrame:
        mask = _total(values, "i271") & values["year"].eq(2023)
        return _set(values, mask, round(_value(values, "i271", 2022) * factor))

    return apply


def _prepaid(values: pd.DataFrame) -> pd.DataFrame:
    totals = values[_total(values, "i271")]
    share = totals["year"].map({2021: 0.82, 2022: 0.83, 2023: 1.15})
    prepaid = totals.assign(indicator="i271p", value=(totals["value"] * share).round())
    return pd.concat([values, prepaid], ignore_index=True)


def _female_share(values: pd.DataFrame) -> pd.DataFrame:
    mask = values["indicator"].eq("HH7") & values["sex"].eq("F") & values["year"].eq(2023)
    return _set(values, mask, 140.0)


def _drop_hh7_total(values: pd.DataFrame) -> pd.DataFrame:
    return values[~_total(values, "HH7")]


def _computer_gap(values: pd.DataFrame) -> pd.DataFrame:
    hh4_2023 = values["indicator"].eq("HH4") & values["year"].eq(2023)
    kept = values[~(hh4_2023 & values["area"].ne(TOTAL))]
    mask = _total(kept, "HH4") & kept["year"].eq(2023)
    return _set(kept, mask, round(_value(kept, "HH6", 2023) - 40, 1))


VALUE_FLAWS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "coverage-3g-above-2g": _coverage,
    "fbb-tiers-over-total": _tiers,
    "scale-slip-1000x": _times(1000),
    "yoy-jump": _times(1.6),
    "part-above-whole": _prepaid,
    "share-above-100": _female_share,
    "missing-required": _drop_hh7_total,
    "control-hh6-above-hh4": _computer_gap,
}


def _row(sheet: Worksheet, code: str, **dims: str) -> int:
    """Row number of an indicator row (``dims`` picks a breakdown row; default the total)."""
    headers = [cell.value for cell in sheet[8]]
    wanted = [dims.get(name, TOTAL) for name in DIMENSIONS]
    positions = [headers.index(name.capitalize()) for name in DIMENSIONS]
    for row in sheet.iter_rows(min_row=9):
        if row[0].value == code and [row[p].value for p in positions] == wanted:
            return row[0].row
    raise KeyError(f"{sheet.title}: no row {code} {dims}")


def _col(sheet: Worksheet, year: int) -> int:
    return [cell.value for cell in sheet[8]].index(year) + 1


def _cell(sheet: Worksheet, code: str, year: int, **dims: str):
    return sheet.cell(row=_row(sheet, code, **dims), column=_col(sheet, year))


def _messy(book) -> None:
    mobile, coverage, prices = book["Mobile"], book["Coverage"], book["Prices"]
    cell = _cell(mobile, "i271", 2023)
    cell.value = f"{int(cell.value):,}".replace(",", " ")
    g5 = _cell(coverage, "i271G5", 2023)
    g5.value = f"{g5.value:.1f}".replace(".", ",")
    _cell(coverage, "i271G5", 2021).value = ".."
    _cell(coverage, "i271pop", 2021).value = "n/a"
    _cell(mobile, "i271mw", 2021).value = "-"
    pop = _cell(coverage, "i271pop", 2022)
    pop.value = f"{pop.value:.1f}*"
    _cell(prices, "i271mb_5GB_GNI", 2023).value = "1,234"


def _thousands(book) -> None:
    sheet = book["Mobile"]
    sheet["B6"] = "thousands"
    for row in sheet.iter_rows(min_row=9):
        for cell in row:
            number = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
            if cell.column > 9 and number:
                cell.value = round(cell.value / 1000, 3)


def _merged_hidden(book) -> None:
    sheet = book["Individuals"]
    first = _cell(sheet, "HH18", 2021)
    last = _cell(sheet, "HH18", 2022)
    sheet.merge_cells(f"{first.coordinate}:{last.coordinate}")
    sheet.row_dimensions[_row(sheet, "HH7", sex="F")].hidden = True


def _extra_sheet(book) -> None:
    comments = book.create_sheet("Comments")
    comments["A1"] = "Figures for 2023 are provisional; the regulator will revise them in May."
    book["Prices"].title = "Prices 2023"
    mobile = book["Mobile"]
    row = mobile.max_row + 1
    mobile.cell(row=row, column=1, value="i999")
    mobile.cell(row=row, column=2, value="Machine-to-machine SIM cards")
    mobile.cell(row=row, column=_col(mobile, 2023), value=1234567.0)


def _formulas(book) -> list[tuple[str, str, float]]:
    """Turn two totals into SUM formulas; the 2023 one is to get its cached value back."""
    sheet = book["Broadband"]
    cached = []
    for year in (2022, 2023):
        total = _cell(sheet, "i4213tfbb", year)
        first = _cell(sheet, "i4213tfbb", year, speed="IS_256KT2M").coordinate
        last = _cell(sheet, "i4213tfbb", year, speed="IS_GE10M").coordinate
        if year == 2023:
            cached.append((sheet.title, total.coordinate, float(total.value)))
        total.value = f"=SUM({first}:{last})"
    return cached


def _duplicates(book) -> None:
    sheet = book["Households"]
    for code, change in (("HH6", 1.5), ("HH4", 0.0)):
        source = _row(sheet, code)
        row = sheet.max_row + 1
        for cell in sheet[source]:
            value = cell.value
            if cell.column == _col(sheet, 2023) and isinstance(value, float):
                value = round(value + change, 1)
            sheet.cell(row=row, column=cell.column, value=value)


BOOK_FLAWS: dict[str, Callable] = {
    "messy-cells": _messy,
    "thousands-multiplier": _thousands,
    "merged-hidden": _merged_hidden,
    "extra-renamed-sheet": _extra_sheet,
    "formulas": _formulas,
    "duplicate-rows": _duplicates,
}
#: Flaws made by the file itself (its name or its bytes), in build_raw.py.
FILE_FLAWS = ("economy-mismatch", "truncated-file", "legacy-xls")
#: Minimal OLE2 compound-file header: what a legacy .xls file starts with.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def cache_formula(path: Path, sheet_title: str, coordinate: str, value: float) -> None:
    """Give one formula cell a cached result, as Excel would save it (openpyxl cannot)."""
    book = load_workbook(path, read_only=True)
    index = book.sheetnames.index(sheet_title) + 1
    book.close()
    member = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    for info, data in parts.items():
        if info.filename == member:
            pattern = rf'(<c r="{coordinate}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/?>(</v>)?'
            text = re.sub(pattern, rf"\1<v>{value!r}</v>", data.decode("utf-8"))
            parts[info] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            archive.writestr(info, data)
