"""The findings and history sheets of a report, written into an in-memory workbook.

Fast own tests of :mod:`pipeline.validate.report_findings`: numbers with thousands
separators per language, values written as numbers, causes before their consequences, the
response drop-down, the closed findings on the history sheet, and the layout (columns,
widths, wrapping, row heights) the focal point reads.
"""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from pipeline.findings import coded_findings, normalise_findings
from pipeline.validate import report_findings as rf
from pipeline.validate.messages import ui
from pipeline.validate.report import _table

NNBSP = "\u202f"
FINDINGS_HEADER = (
    "severity", "rule_id", "indicator", "breakdown", "year", "sheet", "cell", "value",
    "expected", "message", "why", "source_file", "finding_id", "response", "explanation",
)  # fmt: skip
HISTORY_HEADER = ("rule_id", "indicator", "breakdown", "year", "value", "message", "answer", "note")


def _findings(rows: list[dict], **extra) -> pd.DataFrame:
    base = {"stage": "validate", "economy": "KEN", "year": 2023, "indicator": "i112"}
    base |= {"source_file": "admin/KEN_2023_admin.xlsx", "sheet": "Fixed", "cell": "C5"}
    base |= {"severity": "warning", "message": "m"}
    frame = normalise_findings(pd.DataFrame([base | r for r in rows]))
    return frame.assign(**extra)


def _sheets(findings: pd.DataFrame, lang: str = "en", why=None) -> Workbook:
    """A workbook with three sheets already there; the findings sheets go in at 1 and 2."""
    book = Workbook()
    book.active.title = "S0"
    book.create_sheet("S1")
    book.create_sheet("S2")
    rf.findings_sheets(findings, why or {"R-OTHER": "other reason"}, lang, book, _table)
    return book


def _column(sheet, name: str, header=FINDINGS_HEADER) -> list:
    position = header.index(name) + 1
    return [sheet.cell(row=r, column=position).value for r in range(2, sheet.max_row + 1)]


# --- texts and numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1234567 users", "en", "1,234,567 users"),
        ("from 12345.5 to 99999", "en", "from 12,345.5 to 99,999"),
        ("in 2023 and 1234", "en", "in 2023 and 1234"),
        ("code abc123456, 1.234567 or 123456x", "en", "code abc123456, 1.234567 or 123456x"),
        ("1234567 users", "fr", f"1{NNBSP}234{NNBSP}567 users"),
        ("12345.5", "es", f"12{NNBSP}345.5"),
        ("1234567", "de", "1,234,567"),
    ],
)
def test_long_numbers_get_the_thousands_separator_of_the_language(text, lang, expected) -> None:
    assert rf.group_digits(text, lang) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.5", 12.5), ("1e3", 1000.0), (7, 7.0), ("abc", "abc"), (None, None), (pd.NA, None)],
)
def test_a_value_is_a_number_when_it_is_one_else_its_text_or_nothing(value, expected) -> None:
    got = rf.number(value)
    assert got == expected and type(got) is type(expected)


def test_english_findings_and_empty_tables_pass_through_untouched() -> None:
    findings = _findings([{"rule_id": "R-A"}])
    assert rf.localised(findings, "en") is findings
    empty = findings.iloc[:0]
    assert rf.localised(empty, "fr") is empty


def test_catalogue_messages_are_translated_and_others_kept() -> None:
    row = {"economy": "KEN", "source_file": "admin/KEN.xlsx", "detail": "no codes"}
    coded = coded_findings("ingest", "ING-UNKNOWN-LAYOUT", [row])
    own = _findings([{"rule_id": "R-A", "message": "own text"}])
    both = pd.concat([coded, own], ignore_index=True)
    out = rf.localised(both, "fr")
    assert out["message"].tolist() == [
        "admin/KEN.xlsx : aucune feuille du questionnaire trouvée (no codes)",
        "own text",
    ]
    assert both["message"].iloc[0] == "admin/KEN.xlsx: no questionnaire sheet found (no codes)"


# --- order: causes first, then their consequences ------------------------------------------


def _chain() -> pd.DataFrame:
    """A scale slip (warning) whose consequences include an error, an unrelated error and an
    unrelated info, given in shuffled order."""
    rows = [
        {"finding_id": "e5", "rule_id": "R-INFO", "severity": "info"},
        {"finding_id": "c3", "rule_id": "R-YOY", "severity": "warning", "message": "jump"},
        {"finding_id": "d4", "rule_id": "R-NEG", "severity": "error"},
        {"finding_id": "b2", "rule_id": "R-PCAP", "severity": "error", "message": "too high"},
        {"finding_id": "a1", "rule_id": "R-SCALE", "severity": "warning",
         "message": "168016000000 is 1000 times the previous"},
    ]  # fmt: skip
    return _findings(rows, cause=["e5", "a1", "d4", "a1", "a1"])


def test_each_cause_is_followed_by_its_consequences_in_severity_order() -> None:
    out = rf.ordered(_chain())
    assert out["finding_id"].tolist() == ["a1", "b2", "c3", "d4", "e5"]
    assert {"_worst", "_own", "_sev"}.isdisjoint(out.columns)


def test_without_causes_each_finding_is_its_own_and_severity_orders() -> None:
    rows = [
        {"finding_id": "x1", "rule_id": "R-B", "severity": "warning", "year": 2021},
        {"finding_id": "x2", "rule_id": "R-B", "severity": "warning", "year": 2020},
        {"finding_id": "x3", "rule_id": "R-A", "severity": "error", "indicator": "i911"},
        {"finding_id": "x0", "rule_id": "R-A", "severity": "error", "indicator": "i271"},
    ]
    frame = _findings(rows)
    assert "cause" not in frame
    # one cause per finding: ordered by severity, then (within a cause, here each alone) id
    assert rf.ordered(frame)["finding_id"].tolist() == ["x0", "x3", "x1", "x2"]


def test_same_cause_rows_are_ordered_by_rule_indicator_and_year() -> None:
    rows = [
        {"finding_id": "k", "rule_id": "R-ROOT", "severity": "error"},
        {"finding_id": "m1", "rule_id": "R-B", "severity": "warning", "year": 2021},
        {"finding_id": "m2", "rule_id": "R-B", "severity": "warning", "year": 2020},
        {"finding_id": "m3", "rule_id": "R-B", "severity": "warning", "indicator": "i100"},
        {"finding_id": "m4", "rule_id": "R-A", "severity": "warning", "indicator": "i999"},
    ]
    frame = _findings(rows, cause="k")
    assert rf.ordered(frame)["finding_id"].tolist() == ["k", "m4", "m3", "m2", "m1"]


def test_findings_sheet_marks_consequences_with_their_cause_rule() -> None:
    sheet = _sheets(_chain())["Findings"]
    messages = _column(sheet, "message")
    assert messages == [
        "168,016,000,000 is 1000 times the previous",
        "↳ consequence of R-SCALE: too high",
        "↳ consequence of R-SCALE: jump",
        "m",
        "m",
    ]
    french = _sheets(_chain(), "fr")["Constats"]
    assert _column(french, "message")[1] == "↳ conséquence de R-SCALE: too high"
    assert _column(french, "message")[0].startswith(f"168{NNBSP}016{NNBSP}000{NNBSP}000 ")


# --- the findings sheet --------------------------------------------------------------------


def _open_rows() -> pd.DataFrame:
    rows = [
        {"rule_id": "R-A", "severity": "error", "value": "1234567", "expected": "at most 1000000",
         "message": "x" * 109, "finding_id": "f1"},
        {"rule_id": "R-B", "severity": "warning", "value": "12.5", "finding_id": "f2",
         "source_file": "s" * 200},
        {"rule_id": "R-C", "severity": "info", "value": "abc", "finding_id": "f3"},
        {"rule_id": "R-D", "severity": "info", "value": None, "finding_id": "f4"},
        {"rule_id": "R-E", "severity": "info", "value": "1000.0", "finding_id": "f5"},
    ]  # fmt: skip
    return _findings(
        rows,
        state="open",
        answer=["correct", "other", "confirm", "", None],
        note=["", "y" * 37, "", None, ""],
    )


def test_findings_sheet_columns_in_the_order_the_focal_point_reads_them() -> None:
    book = _sheets(_open_rows())
    assert book.sheetnames == ["S0", "Findings", "S1", "S2"], "no history: nothing was closed"
    sheet = book["Findings"]
    assert [c.value for c in sheet[1]] == [ui(name, "en") for name in FINDINGS_HEADER]
    assert [c.value for c in sheet[1]][-2:] == ["Your response", "Explanation"]
    assert sheet.freeze_panes == "A2"


def test_findings_sheet_rows_hold_translated_severity_numbers_and_answers() -> None:
    why = {"R-A": "because A", "R-B": "because B"}
    sheet = _sheets(_open_rows(), why=why)["Findings"]
    assert _column(sheet, "rule_id") == ["R-A", "R-B", "R-C", "R-D", "R-E"]
    assert _column(sheet, "severity") == ["error", "warning", "info", "info", "info"]
    assert _column(sheet, "value") == [1234567.0, 12.5, "abc", None, 1000.0]
    assert _column(sheet, "expected") == ["at most 1,000,000", "", "", "", ""]
    assert _column(sheet, "why") == ["because A", "because B", "", "", ""]
    assert _column(sheet, "response") == ["will correct", "other", "", "", ""]
    assert _column(sheet, "explanation") == ["", "y" * 37, "", "", ""]
    assert _column(sheet, "finding_id") == ["f1", "f2", "f3", "f4", "f5"]
    french = _sheets(_open_rows(), "fr", why)["Constats"]
    assert _column(french, "severity")[:2] == ["erreur", "avertissement"]
    assert _column(french, "response")[:2] == ["sera corrigé", "autre"]


def test_findings_sheet_values_are_formatted_numbers() -> None:
    sheet = _sheets(_open_rows())["Findings"]
    formats = [sheet.cell(row=r, column=8).number_format for r in range(2, 7)]
    assert formats == ["#,##0", "#,##0.0###", "General", "General", "#,##0"]


def test_findings_sheet_widths_wrapping_and_row_heights() -> None:
    sheet = _sheets(_open_rows())["Findings"]
    widths = [sheet.column_dimensions[chr(64 + i)].width for i in range(1, 16)]
    assert widths == [15, 22, 11, 16, 10, 10, 10, 16, 28, 60, 50, 30, 15, 28, 40]
    wrapped = {"message", "why", "explanation"}
    for row in range(2, 7):
        for position, name in enumerate(FINDINGS_HEADER, start=1):
            alignment = sheet.cell(row=row, column=position).alignment
            assert alignment.vertical == "top"
            assert bool(alignment.wrap_text) == (name in wrapped), (row, name)
    # 109 characters in a 60-wide column (54 per line) take 3 lines; 37 in a 40-wide one, 2;
    # a long file name is not wrapped and adds none.
    heights = [sheet.row_dimensions[r].height for r in range(2, 7)]
    assert heights == [45, 30, 15, 15, 15]


def test_a_long_why_sets_the_row_height_too() -> None:
    findings = _findings([{"rule_id": "R-A"}], state="open", answer="", note="")
    sheet = _sheets(findings, why={"R-A": "w" * 46})["Findings"]
    assert sheet.row_dimensions[2].height == 30, "46 characters at 45 per line: 2 lines"


def test_findings_sheet_response_drop_down_covers_each_row_of_the_response_column() -> None:
    sheet = _sheets(_open_rows())["Findings"]
    (check,) = sheet.data_validations.dataValidation
    assert str(check.sqref) == "N2:N6"
    assert check.formula1 == '"confirm with explanation,will correct,other"'


def test_every_open_finding_of_a_rule_gets_its_own_row_and_response_cell() -> None:
    """No cap per rule: each finding needs its own answer, so sixty findings of one rule are
    sixty rows, each with its own identifier and a response cell under the drop-down."""
    rows = [{"rule_id": "R-YOY", "finding_id": f"f{i:02d}", "year": 1960 + i} for i in range(60)]
    sheet = _sheets(_findings(rows, state="open"))["Findings"]
    assert sorted(_column(sheet, "finding_id")) == [f"f{i:02d}" for i in range(60)]
    (check,) = sheet.data_validations.dataValidation
    assert str(check.sqref) == "N2:N61"


def test_findings_without_state_are_all_open() -> None:
    frame = _open_rows().drop(columns=["state"])
    book = _sheets(frame)
    assert "History" not in book.sheetnames
    assert len(_column(book["Findings"], "rule_id")) == 5


# --- the history sheet ---------------------------------------------------------------------


def _mixed() -> pd.DataFrame:
    rows = [
        {"rule_id": "R-OPEN", "finding_id": "o1"},
        {"rule_id": "R-DONE", "finding_id": "d1", "value": "2500000", "year": 2021,
         "message": "rose to 2500000 from 1000"},
        {"rule_id": "R-ACC", "finding_id": "d2", "value": "0.5", "year": 2022,
         "message": "y" * 109},
    ]  # fmt: skip
    return _findings(
        rows,
        state=["open", "explained", "explained"],
        answer=["", "confirm", "accept"],
        note=["", "new operator", "n" * 37],
    )


def test_closed_findings_move_to_the_history_sheet_with_their_answer() -> None:
    book = _sheets(_mixed())
    assert book.sheetnames == ["S0", "Findings", "History", "S1", "S2"]
    assert _column(book["Findings"], "rule_id") == ["R-OPEN"]
    history = book["History"]
    assert [c.value for c in history[1]] == [ui(name, "en") for name in HISTORY_HEADER]
    rows = list(history.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("R-DONE", "i112", "", 2021, 2500000.0, "rose to 2,500,000 from 1000",
         "confirmed by the focal point", "new operator"),
        ("R-ACC", "i112", "", 2022, 0.5, "y" * 109, "accepted by ITU", "n" * 37),
    ]  # fmt: skip
    assert [history.cell(row=r, column=5).number_format for r in (2, 3)] == ["#,##0", "#,##0.0###"]
    assert history.freeze_panes == "A2"


def test_history_wraps_messages_and_notes() -> None:
    history = _sheets(_mixed())["History"]
    for position, name in enumerate(HISTORY_HEADER, start=1):
        wrap = bool(history.cell(row=3, column=position).alignment.wrap_text)
        assert wrap == (name in ("message", "note")), name
    assert [history.row_dimensions[r].height for r in (2, 3)] == [15, 45]


def test_history_answers_in_french() -> None:
    history = _sheets(_mixed(), "fr")["Historique"]
    assert _column(history, "answer", HISTORY_HEADER) == [
        "confirmé par le point focal",
        "accepté par l'UIT",
    ]
    assert (
        _column(history, "message", HISTORY_HEADER)[0] == f"rose to 2{NNBSP}500{NNBSP}000 from 1000"
    )
