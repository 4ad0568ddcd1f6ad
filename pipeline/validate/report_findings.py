"""The findings and history sheets of a report workbook: the focal point's to-do list.

Open findings come first, one row each, grouped by root cause: a finding that is the
consequence of another on the same value (a per-capita bound tripped by a scale slip) follows
its cause, marked "↳", so the focal point answers the cause once. Each row names the value
exactly (indicator, breakdown, year, sheet, cell), shows numbers with thousands separators,
and ends with the response drop-down (:mod:`pipeline.validate.responses`). Findings closed by
an answer move to the history sheet with the answer, so the to-do list only holds what is left.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.findings import SEVERITY_ORDER
from pipeline.validate.messages import translate_finding, ui
from pipeline.validate.responses import add_response_validation, label

COLUMNS = (
    "severity",
    "rule_id",
    "indicator",
    "breakdown",
    "year",
    "sheet",
    "cell",
    "value",
    "expected",
    "message",
    "why",
    "source_file",
    "finding_id",
    "response",
    "explanation",
)
HISTORY_COLUMNS = (
    "rule_id",
    "indicator",
    "breakdown",
    "year",
    "value",
    "message",
    "answer",
    "note",
)
WRAPPED = {"message": 60, "why": 50, "explanation": 40, "note": 40}
#: Thousands separator per language (French and Spanish: a narrow no-break space, SI style).
GROUPING = {"en": ",", "fr": "\u202f", "es": "\u202f"}
_LONG_NUMBER = re.compile(r"(?<![\w.,])(\d{5,})((?:\.\d+)?)(?![\w])")


def group_digits(text: str, lang: str) -> str:
    """Numbers of five digits or more in ``text`` with thousands separators (years and
    four-digit numbers stay as they are, as style guides advise)."""
    sep = GROUPING.get(lang, ",")
    return _LONG_NUMBER.sub(lambda m: f"{int(m.group(1)):,}".replace(",", sep) + m.group(2), text)


def number(text: object) -> float | str | None:
    """A finding's value as a number when it is one (written as a number, formatted)."""
    try:
        return float(str(text))
    except (TypeError, ValueError):
        return None if text is None or pd.isna(text) else str(text)


def localised(findings: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Findings whose catalogue messages (written in English by ingest) are in ``lang``."""
    if lang == "en" or findings.empty:
        return findings
    message = [
        translate_finding(code, text, lang)
        for code, text in zip(findings["rule_id"], findings["message"], strict=True)
    ]
    return findings.assign(message=message)


def ordered(findings: pd.DataFrame) -> pd.DataFrame:
    """Open findings by severity of their cause, each cause followed by its consequences."""
    cause = findings["cause"] if "cause" in findings else findings["finding_id"]
    severity = findings["severity"].map(SEVERITY_ORDER)
    worst = severity.groupby(cause).transform("min")
    out = findings.assign(
        _worst=worst, _cause=cause, _own=(cause != findings["finding_id"]).astype(int)
    )
    out["_sev"] = severity
    keys = ["_worst", "_cause", "_own", "_sev", "rule_id", "indicator", "year"]
    return out.sort_values(keys, kind="stable").drop(columns=["_worst", "_own", "_sev"])


def _rows(findings: pd.DataFrame, why: Mapping[str, str], lang: str) -> pd.DataFrame:
    table = ordered(findings)
    consequence = table["_cause"] != table["finding_id"]
    cause_rule = table.set_index("finding_id")["rule_id"]
    cause_rule = cause_rule[~cause_rule.index.duplicated()]
    prefix = table["_cause"].map(cause_rule).map(lambda r: f"↳ {ui('consequence', lang)} {r}: ")
    message = table["message"].fillna("").map(lambda t: group_digits(t, lang))
    answer = table.get("answer", pd.Series("", index=table.index)).fillna("")
    return table.assign(
        severity=table["severity"].map(lambda s: ui(f"severity.{s}", lang)),
        message=message.where(~consequence, prefix + message),
        why=table["rule_id"].map(why).fillna(""),
        expected=table["expected"].fillna("").map(lambda t: group_digits(t, lang)),
        value=table["value"].map(number),
        response=answer.map(lambda a: label(a, lang) if a in ("correct", "other") else ""),
        explanation=table.get("note", pd.Series("", index=table.index)).fillna(""),
    ).reindex(columns=list(COLUMNS))


def _format(sheet: Worksheet, columns: tuple[str, ...]) -> None:
    """Wrap long texts, thousands separators on values, row heights for the wrapped text."""
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for row in sheet.iter_rows(min_row=2, max_col=len(columns)):
        lines = 1
        for cell in row:
            name = columns[cell.column - 1]
            cell.alignment = wrap if name in WRAPPED else top
            if name == "value" and isinstance(cell.value, float):
                whole = cell.value == int(cell.value)
                cell.number_format = "#,##0" if whole else "#,##0.0###"
            if name in WRAPPED:
                width = int(WRAPPED[name] * 0.9)
                lines = max(lines, -(-len(str(cell.value or "")) // width))
        sheet.row_dimensions[row[0].row].height = 15 * lines


def findings_sheets(
    findings: pd.DataFrame, why: Mapping[str, str], lang: str, wb: Workbook, table
) -> None:
    """Write the findings sheet (open) and, when any finding was closed, the history sheet.

    ``table`` is the report's plain-table writer (header row styled and frozen)."""
    state = findings["state"] if "state" in findings else pd.Series("open", index=findings.index)
    sheet = wb.create_sheet(ui("Findings", lang), 1)
    rows = _rows(findings[state != "explained"], why, lang)
    table(sheet, rows, lang)
    for name, width in WRAPPED.items():
        if name in COLUMNS:
            sheet.column_dimensions[get_column_letter(COLUMNS.index(name) + 1)].width = width
    _format(sheet, COLUMNS)
    add_response_validation(sheet, COLUMNS.index("response") + 1, len(rows), lang)
    closed = findings[state == "explained"]
    if len(closed):
        history = wb.create_sheet(ui("History", lang), 2)
        answers = closed.assign(
            answer=closed["answer"].map(lambda a: ui(f"decision.{a}", lang) if a else ""),
            message=closed["message"].fillna("").map(lambda t: group_digits(t, lang)),
            value=closed["value"].map(number),
        )
        table(history, answers.reindex(columns=list(HISTORY_COLUMNS)), lang)
        _format(history, HISTORY_COLUMNS)
