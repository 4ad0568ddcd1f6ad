"""Focal points answer findings in the report workbook itself, and ictstats reads the answers.

The findings sheet of each report ends with a ``response`` column (a drop-down: confirm with
explanation / will correct / other, in the report's language, enforced by Excel data
validation) and an ``explanation`` column. :func:`read_responses` reads returned reports (or
a CSV form with ``finding_id, response, explanation[, who]``) into rows of the decisions log
(:mod:`pipeline.decisions`), recognising the labels of every language.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.validate.messages import LANGUAGES, ui

#: Decision codes of the answers a focal point can give, in drop-down order.
RESPONSES = ("confirm", "correct", "other")
RESPONSE_COLUMNS = ("finding_id", "response", "explanation")


def label(code: str, lang: str) -> str:
    """The drop-down text of a response code in ``lang``."""
    return ui(f"response.{code}", lang)


def _codes() -> dict[str, str]:
    """Every language's label (and the code itself), lower-cased → response code."""
    names = {code: code for code in RESPONSES}
    names |= {label(code, lang).lower(): code for code in RESPONSES for lang in LANGUAGES}
    return names


def add_response_validation(sheet: Worksheet, column: int, rows: int, lang: str) -> None:
    """A drop-down of the three answers on ``column`` (rows 2 … rows + 1), nothing else
    accepted; the prompt tells the focal point to explain in the next column."""
    if rows <= 0:
        return
    letter = sheet.cell(row=1, column=column).column_letter
    choices = ",".join(label(code, lang) for code in RESPONSES)
    check = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    check.promptTitle = ui("response", lang)[:32]
    check.prompt = ui("response.prompt", lang)[:255]
    check.showInputMessage = check.showErrorMessage = True
    check.add(f"{letter}2:{letter}{rows + 1}")
    sheet.add_data_validation(check)


def _header_names() -> dict[str, str]:
    return {ui(key, lang): key for key in RESPONSE_COLUMNS for lang in LANGUAGES}


def _sheet_answers(sheet: Worksheet) -> pd.DataFrame | None:
    """The answered rows of a findings sheet (None when the sheet has no response column)."""
    rows = sheet.iter_rows(values_only=True)
    header = [_header_names().get(str(v), "") for v in next(rows, ())]
    if not set(RESPONSE_COLUMNS) <= set(header):
        return None
    position = {name: header.index(name) for name in RESPONSE_COLUMNS}
    records = [{k: row[i] if i < len(row) else None for k, i in position.items()} for row in rows]
    return pd.DataFrame(records, columns=list(RESPONSE_COLUMNS))


def _from_workbook(path: Path) -> pd.DataFrame:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        parts = [frame for sheet in book.worksheets if (frame := _sheet_answers(sheet)) is not None]
    finally:
        book.close()
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return frame.assign(who=f"focal point ({path.stem})")


def _from_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "who" not in frame:
        frame["who"] = f"focal point ({path.stem})"
    return frame


def read_responses(folder: Path) -> tuple[pd.DataFrame, list[str]]:
    """Decisions from every returned report (.xlsx) and CSV form under ``folder``, and the
    problems met (an unreadable file, an answer that is none of the three)."""
    folder = Path(folder)
    files = [folder] if folder.is_file() else sorted(folder.rglob("*"))
    parts, problems = [], []
    for path in (p for p in files if p.suffix.lower() in (".xlsx", ".csv")):
        try:
            frame = _from_csv(path) if path.suffix.lower() == ".csv" else _from_workbook(path)
        except Exception as error:  # a broken return is reported, the others still count
            problems.append(f"{path.name}: not read ({type(error).__name__}: {error})")
            continue
        parts.append(frame.reindex(columns=[*RESPONSE_COLUMNS, "who"]).assign(source=path.name))
    if not parts:
        return pd.DataFrame(columns=["finding_id", "decision", "who", "note", "source"]), problems
    answers = pd.concat(parts, ignore_index=True)
    answers = answers[answers["response"].fillna("").astype(str).str.strip() != ""]
    decision = answers["response"].astype(str).str.strip().str.lower().map(_codes())
    for row in answers[decision.isna()].itertuples():
        problems.append(f"{row.source}: finding {row.finding_id}: unknown answer {row.response!r}")
    answers = answers.assign(decision=decision, note=answers["explanation"].fillna(""))
    answers = answers[decision.notna() & answers["finding_id"].notna()]
    return answers[["finding_id", "decision", "who", "note", "source"]], problems
