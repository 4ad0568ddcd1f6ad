"""Questionnaire template writer: the workbook an economy fills in.

The template is generated from the indicator dictionary, so a new indicator in
``schemas/indicators.csv`` appears in next year's questionnaire without code changes. The layout
is fixed in :mod:`pipeline.ingest.layout`; the reader in :mod:`pipeline.ingest.workbook` reads
exactly that layout. Breakdown blocks follow the ITU Handbook (2020) and the ITU Household
Manual (2020): the total row first, then one row per category of each allowed breakdown.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.dictionary import collected
from pipeline.ingest import layout
from pipeline.observations import DIMENSION_NAMES, DIMENSIONS, TOTAL
from pipeline.paths import SCHEMAS

BOLD = Font(bold=True)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
#: Prefill columns in lookup order: the row key and year, then what is written.
PREFILL_COLUMNS = (
    "indicator",
    *DIMENSION_NAMES,
    "year",
    "value",
    "estimate",
    "break_in_series",
    "footnote",
)

LANGUAGES = ("en", "fr", "es")


@cache
def _texts(lang: str) -> dict:
    """The instructions of ``schemas/messages/<lang>.toml`` ``[template]`` (English fallback)."""
    path = SCHEMAS / "messages" / f"{lang if lang in LANGUAGES else 'en'}.toml"
    with path.open("rb") as handle:
        return tomllib.load(handle)["template"]


def instructions(lang: str, collection_round: str, prefilled: bool) -> list[str]:
    """Lines of the instructions sheet in ``lang``: title, how to fill in, the round cell
    when the header names one, a note on prefilled values, then the breakdown codes."""
    text = _texts(lang)
    lines = [text["title"], *text["lines"]]
    lines += [text["round"]] if collection_round else []
    lines += ["", text["prefilled"]] if prefilled else []
    codes = [f"{name}: {', '.join(categories)}" for name, categories in DIMENSIONS.items()]
    return [*lines, "", text["codes"], *codes, text["total"]]


def _block_rows(indicators: pd.DataFrame) -> list[tuple[str, dict[str, str]]]:
    """Template rows per indicator: total first, then each category of each breakdown, then
    each pair of categories of the crossed breakdowns (``sex*skill``: women's skills, men's)."""
    rows: list[tuple[str, dict[str, str]]] = []
    crossed = indicators.get("crossed", pd.Series(dtype=object))
    for code in indicators.index:
        rows.append((code, {}))
        for dimension in indicators.at[code, "breakdowns"]:
            rows.extend((code, {dimension: category}) for category in DIMENSIONS[dimension][1:])
        for outer, inner in crossed.get(code, ()):
            rows.extend(
                (code, {outer: a, inner: b})
                for a in DIMENSIONS[outer][1:]
                for b in DIMENSIONS[inner][1:]
            )
    return rows


def _normalise_values(values: pd.DataFrame | None, economy: str, years: list[int]) -> pd.DataFrame:
    """Prefill values of this economy and these years, breakdowns filled with ``_T``."""
    columns = ["indicator", "year", *DIMENSION_NAMES, "value"]
    if values is None or values.empty:
        return pd.DataFrame(columns=[*columns, "estimate", "break_in_series", "footnote"])
    frame = values.copy()
    if "economy" in frame:
        frame = frame[frame["economy"] == economy]
    for column in DIMENSION_NAMES:
        frame[column] = frame[column].fillna(TOTAL) if column in frame else TOTAL
    for column in ("estimate", "break_in_series"):
        frame[column] = frame[column].fillna(False).astype(bool) if column in frame else False
    frame["footnote"] = frame["footnote"].fillna("").astype(str) if "footnote" in frame else ""
    frame = frame[frame["value"].notna() & frame["year"].astype(int).isin(years)]
    return frame.astype({"year": int})


def _row_key(code: str, dims: dict[str, str]) -> tuple[str, ...]:
    return (code, *(dims.get(name, TOTAL) for name in DIMENSION_NAMES))


def _extra_rows(prefill: pd.DataFrame, known: set[tuple[str, ...]], code: str) -> list[tuple]:
    """Breakdown combinations in the prefill values that the standard block lacks."""
    mine = prefill[prefill["indicator"] == code]
    keys = mine[["indicator", *DIMENSION_NAMES]].drop_duplicates().itertuples(index=False)
    return [tuple(key) for key in keys if tuple(key) not in known]


def _write_header_block(sheet: Worksheet, title: str, block: dict[str, object]) -> None:
    sheet.cell(row=layout.TITLE_ROW, column=1, value=title).font = Font(bold=True, size=13)
    for key, (label, row) in layout.BLOCK_ROWS.items():
        if key == "round" and not block[key]:
            continue
        sheet.cell(row=row, column=1, value=label).font = BOLD
        sheet.cell(row=row, column=2, value=block[key])
    multiplier = DataValidation(type="list", formula1='"units,thousands,millions"')
    sheet.add_data_validation(multiplier)
    multiplier_cell = sheet.cell(row=layout.BLOCK_ROWS["multiplier"][1], column=2)
    multiplier_cell.fill = INPUT_FILL
    multiplier.add(multiplier_cell)


def _write_sheet(
    sheet: Worksheet, indicators: pd.DataFrame, years: list[int], prefill: pd.DataFrame
) -> None:
    header = layout.header_row(years)
    for column, text in enumerate(header, start=1):
        sheet.cell(row=layout.HEADER_ROW, column=column, value=text).font = BOLD
    year_column = {year: header.index(year) + 1 for year in years}
    note_column = len(header)
    lookup = {
        key[:-4]: key[-4:]
        for key in prefill[list(PREFILL_COLUMNS)].itertuples(index=False, name=None)
    }
    order = {code: position for position, code in enumerate(indicators.index)}
    rows = _block_rows(indicators)
    known = {_row_key(code, dims) for code, dims in rows}
    keys = [_row_key(code, dims) for code, dims in rows]
    for code in indicators.index:
        keys.extend(_extra_rows(prefill, known, code))
    keys.sort(key=lambda key: order[key[0]])
    for offset, key in enumerate(keys):
        row = layout.FIRST_DATA_ROW + offset
        code = key[0]
        labels = [code, indicators.at[code, "name"], indicators.at[code, "unit"], *key[1:]]
        for column, text in enumerate(labels, start=1):
            sheet.cell(row=row, column=column, value=text)
        notes: list[str] = []
        for year in years:
            if (*key, year) not in lookup:
                continue
            value, estimate, break_in_series, footnote = lookup[(*key, year)]
            sheet.cell(row=row, column=year_column[year], value=float(value))
            status = layout.status_code(bool(estimate), bool(break_in_series))
            sheet.cell(row=row, column=year_column[year] + 1, value=status or None)
            if footnote and footnote not in notes:
                notes.append(footnote)
        sheet.cell(row=row, column=note_column, value="; ".join(notes) or None)
    sheet.freeze_panes = sheet.cell(row=layout.FIRST_DATA_ROW, column=len(layout.LABEL_COLUMNS) + 1)
    sheet.column_dimensions["B"].width = 48


def write_questionnaire(
    path: Path,
    economy: str,
    years: Sequence[int],
    kind: str,
    values: pd.DataFrame | None = None,
    collection_round: str | None = None,
    lang: str | None = None,
    revision: bool = False,
) -> Path:
    """Write a questionnaire workbook for ``economy`` and ``years`` of questionnaire ``kind``.

    kind: 'admin' | 'household'. ``values`` (optional) prefills the answers: columns economy,
    year, indicator, sex, age, area, speed, technology, skill (missing dims = '_T'), value, and
    optional estimate (bool), break_in_series (bool), footnote (str). Values of other
    economies, years or questionnaires, and missing values, are left out. Numbers are stored
    with 16 significant digits (openpyxl; Excel itself keeps 15). ``collection_round`` goes
    to the header block (default: the year after the reference year, since ITU collects the
    data of year t in a round run in year t + 1; ``""`` leaves the round row out, as in
    workbooks made before rounds). ``lang`` (en, fr, es; default English; ``ictstats
    template`` uses :func:`economy_language`) is the language of the instructions;
    ``revision`` tells the focal point that the values filled in are last round's, to check
    and revise. Returns ``path``.
    """
    if kind not in layout.KINDS:
        raise ValueError(f"kind must be one of {layout.KINDS}, not {kind!r}")
    years = sorted({int(year) for year in years})
    indicators = collected(kind)
    prefill = _normalise_values(values, economy, years)
    prefill = prefill[prefill["indicator"].isin(indicators.index)]
    name = _economy_name(economy)
    block = {
        "economy": economy,
        "economy_name": name,
        "kind": kind,
        "reference_year": years[-1],
        "multiplier": "units",
        "round": str(years[-1] + 1) if collection_round is None else str(collection_round),
    }
    book = Workbook()
    intro = book.active
    intro.title = layout.INSTRUCTIONS_SHEET
    lines = instructions(lang or "en", block["round"], revision)
    for row, text in enumerate(lines, start=1):
        line = text.format(kind=kind, name=name, economy=economy, year=years[-1])
        intro.cell(row=row, column=1, value=line)
    intro["A1"].font = Font(bold=True, size=13)
    for sheet_name, group in indicators.groupby("sheet", sort=False):
        sheet = book.create_sheet(str(sheet_name))
        _write_header_block(sheet, f"{sheet_name} — {name} ({economy})", block)
        _write_sheet(sheet, group, years, prefill)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def economy_language(economy: str) -> str:
    """The economy's report language in the reference (English when unknown)."""
    from pipeline.reference import economies

    try:
        table = economies()
    except FileNotFoundError:
        return "en"
    match = table.loc[table["economy"] == economy, "language"] if "language" in table else []
    return str(match.iloc[0]) if len(match) and match.iloc[0] in LANGUAGES else "en"


def _economy_name(economy: str) -> str:
    """The economy's name from the reference, or '' when the reference does not know it."""
    from pipeline.reference import economies

    try:
        table = economies()
    except FileNotFoundError:
        return ""
    match = table.loc[table["economy"] == economy, "name"]
    return str(match.iloc[0]) if len(match) else ""
