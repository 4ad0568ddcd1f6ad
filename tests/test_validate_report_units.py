"""The per-economy report workbook, built in memory from tiny frames and hand-made returns.

Fast own tests of :mod:`pipeline.validate.report` (no CLI, no shipped ``raw/``): the checklist,
the plain tables, the copies of the submitted questionnaires (values and cached results, never
formulas), the marks on failing cells, and what may never be live in a report (a text starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return stays text).
"""

from __future__ import annotations

import io
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from pipeline.findings import normalise_findings
from pipeline.paths import SCHEMAS
from pipeline.validate import report
from pipeline.validate.report import build_report, table_workbook

RED, AMBER, BLUE = "F8B4B4", "FCE6A4", "CFE2F3"
ADMIN = "admin/KEN_2023_admin.xlsx"
SURVEY = "survey/KEN_2023_household.xlsx"
LIVE = ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _rgb(cell) -> str | None:
    """The fill colour of a cell (last six hex digits), None when it has no fill."""
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None


def _summary(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """A rule summary of one economy: (rule_id, severity, fails) per rule."""
    return pd.DataFrame(
        {
            "economy": "KEN",
            "rule_id": [r[0] for r in rows],
            "label": [f"label of {r[0]}" for r in rows],
            "severity": [r[1] for r in rows],
            "items": [10 + i for i, _ in enumerate(rows)],
            "passes": [10 + i - r[2] for i, r in enumerate(rows)],
            "fails": [r[2] for r in rows],
            "not_evaluable": [i for i, _ in enumerate(rows)],
        }
    )


def _findings(rows: list[dict]) -> pd.DataFrame:
    base = {"stage": "validate", "economy": "KEN", "year": 2023, "indicator": "i112"}
    base |= {"source_file": ADMIN, "sheet": "Fixed", "breakdown": ""}
    return normalise_findings(pd.DataFrame([base | row for row in rows]))


def _save(path: Path, sheets: dict[str, dict[str, object]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, cells in sheets.items():
        sheet = book.create_sheet(title)
        for ref, value in cells.items():
            sheet[ref] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _with_cached_result(path: Path, formula: str, result: str) -> None:
    """Give a saved formula the cached result a spreadsheet program would have stored."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    xml = parts[name].decode()
    assert f"<f>{formula}</f><v></v>" in xml
    parts[name] = xml.replace(
        f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{result}</v>"
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)


def _build(tmp_path, findings=None, files=(), lang="en", summary=None, why=None):
    summary = _summary([("R-A", "warning", 1)]) if summary is None else summary
    findings = _findings([]) if findings is None else findings
    why = {"R-A": "a reason"} if why is None else why
    return build_report("KEN", "Kenya", summary, findings, why, list(files), tmp_path, lang)


def _rows(sheet, min_row: int) -> list[tuple]:
    return list(sheet.iter_rows(min_row=min_row, values_only=True))


# --- plain tables (batch summary) -------------------------------------------------------


def test_table_columns_get_their_widths_and_a_styled_frozen_header() -> None:
    """Known columns have their set widths; others fit their heading (at least 10)."""
    widths = {
        "rule_id": 22, "label": 72, "message": 60, "why": 50, "source_file": 30,
        "expected": 28, "value": 16, "name": 28, "severity": 15, "breakdown": 16,
        "finding_id": 15, "response": 28,
    }  # fmt: skip
    heading = {"kind": 10, "days_since_sent": len("Days since sent") + 2}
    frame = pd.DataFrame({name: ["x"] for name in [*widths, *heading]})
    sheet = table_workbook(frame, "Batch summary", "en").active
    assert sheet.title == "Batch summary"
    for position, name in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=1, column=position)
        assert cell.value == report.ui(name, "en")
        assert _rgb(cell) == "1F3864" and cell.font.bold and cell.font.color.rgb[-6:] == "FFFFFF"
        width = sheet.column_dimensions[cell.column_letter].width
        assert width == (widths | heading)[name], name
    assert sheet.cell(row=1, column=1).value == "Rule"
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)


def test_table_rows_keep_values_blank_missing_ones_and_clean_illegal_characters() -> None:
    frame = pd.DataFrame(
        {"economy": ["KEN", "UGA", "TZA"], "error": [2, None, 0], "note": ["a\x00b", pd.NA, "c"]}
    )
    sheet = table_workbook(frame, "Batch summary", "en").active
    assert _rows(sheet, 2) == [("KEN", 2, "a\ufffdb"), ("UGA", None, None), ("TZA", 0, "c")]
    assert sheet.max_column == 3, "the frame's index is not written"


def test_table_severity_coloured_on_failing_rows_only() -> None:
    """With a fails column only rules that failed (one fail is enough) are coloured."""
    frame = pd.DataFrame(
        {
            "rule_id": ["E", "W", "I", "P"],
            "severity": ["error", "warning", "info", "error"],
            "fails": [2, 1, 3, 0],
        }
    )
    sheet = table_workbook(frame, "Batch summary", "en").active
    assert [_rgb(sheet.cell(row=r, column=2)) for r in range(2, 6)] == [RED, AMBER, BLUE, None]
    assert _rgb(sheet.cell(row=1, column=2)) == "1F3864", "the header keeps its own fill"
    assert all(_rgb(sheet.cell(row=r, column=1)) is None for r in range(2, 6))


def test_table_severity_coloured_on_every_row_without_a_fails_column() -> None:
    frame = pd.DataFrame({"severity": ["warning", "info"], "rule_id": ["W", "I"]})
    sheet = table_workbook(frame, "Batch summary", "en").active
    assert [_rgb(sheet.cell(row=r, column=1)) for r in (2, 3)] == [AMBER, BLUE]


def test_table_without_severity_is_not_coloured() -> None:
    frame = pd.DataFrame({"economy": ["KEN"], "fails": [3]})
    sheet = table_workbook(frame, "Batch summary", "en").active
    assert _rgb(sheet["A2"]) is None and _rgb(sheet["B2"]) is None


def test_table_workbook_has_a_queries_sheet_only_when_given_and_titles_of_31_characters() -> None:
    frame = pd.DataFrame({"economy": ["KEN"]})
    alone = table_workbook(frame, "Batch summary", "fr")
    assert alone.sheetnames == ["Synthèse du lot"]
    queries = pd.DataFrame({"economy": ["KEN"], "sent": [3]})
    both = table_workbook(frame, "Batch summary", "fr", queries)
    assert both.sheetnames == ["Synthèse du lot", "Requêtes"]
    assert both["Requêtes"]["B1"].value == "Requêtes envoyées" and both["Requêtes"]["B2"].value == 3
    assert both["Requêtes"].freeze_panes == "A2"
    long = table_workbook(frame, "A title far longer than a sheet name may be", "en")
    assert long.sheetnames == ["A title far longer than a sheet"]


@pytest.mark.parametrize("text", LIVE)
def test_a_table_text_that_looks_like_a_formula_is_written_as_text(text: str) -> None:
    """Saved and read back, the cell holds the text itself, never a formula."""
    frame = pd.DataFrame({"economy": ["KEN"], "note": [text]})
    book = table_workbook(frame, "Batch summary", "en")
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)
    buffer = io.BytesIO()
    book.save(buffer)
    assert "<f>" not in zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml").decode()
    again = load_workbook(io.BytesIO(buffer.getvalue()))
    assert again.active["B2"].value == text and again.active["B2"].data_type == "s"


# --- the checklist and the sheets of a report ---------------------------------------------


def test_checklist_lists_failed_rules_first_by_severity_then_the_rest(tmp_path) -> None:
    summary = _summary(
        [("R-P", "error", 0), ("R-W", "warning", 1), ("R-E2", "error", 3), ("R-E1", "error", 2),
         ("R-I", "info", 0), ("R-A", "info", 4)]
    )  # fmt: skip
    book = _build(tmp_path, summary=summary)
    assert book.sheetnames == ["Summary", "Findings"]
    sheet = book["Summary"]
    assert sheet["A1"].value == "Validation report: Kenya (KEN)"
    assert sheet["A1"].font.bold and sheet["A1"].font.size == 14
    assert [c.value for c in sheet[3]] == [
        "Rule", "What is checked", "Severity", "Items", "Passes", "Fails", "Not evaluable"
    ]  # fmt: skip
    rows = _rows(sheet, 4)
    assert [r[0] for r in rows] == ["R-E1", "R-E2", "R-W", "R-A", "R-P", "R-I"]
    assert rows[0] == ("R-E1", "label of R-E1", "error", 13, 11, 2, 3)
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    colours = [_rgb(sheet.cell(row=r, column=3)) for r in range(4, 10)]
    assert colours == [RED, RED, AMBER, BLUE, None, None], "a rule that passed is not coloured"


def test_checklist_in_french_translates_and_still_colours_severities(tmp_path) -> None:
    summary = _summary([("R-E", "error", 1), ("R-W", "warning", 2), ("R-I", "info", 0)])
    book = _build(tmp_path, summary=summary, lang="fr")
    assert book.sheetnames == ["Résumé", "Constats"]
    sheet = book["Résumé"]
    assert sheet["A1"].value == "Rapport de validation: Kenya (KEN)"
    assert sheet["C3"].value == "Gravité"
    assert [r[2] for r in _rows(sheet, 4)] == ["erreur", "avertissement", "information"]
    assert [_rgb(sheet.cell(row=r, column=3)) for r in (4, 5, 6)] == [RED, AMBER, None]


def test_report_opens_on_the_summary_with_only_its_tab_selected(tmp_path) -> None:
    path = _save(tmp_path / ADMIN, {"Fixed": {"C5": 100}, "Mobile": {"C5": 5}})
    submitted = load_workbook(path)
    submitted["Fixed"].sheet_view.tabSelected = True  # the return was saved on its first sheet
    submitted.save(path)
    findings = _findings(
        [{"rule_id": "R-A", "severity": "warning", "cell": "C5", "message": "m"}]
    ).assign(state="explained", answer="confirm", note="")
    book = _build(tmp_path, findings=findings, files=[ADMIN])
    assert book.sheetnames == ["Summary", "Findings", "History", "Fixed", "Mobile"]
    assert book.active.title == "Summary"
    assert [s.sheet_view.tabSelected for s in book.worksheets] == [True] + [False] * 4


# --- copies of the submitted questionnaires -----------------------------------------------


def test_first_return_keeps_values_and_cached_results_never_formulas(tmp_path) -> None:
    path = _save(tmp_path / ADMIN, {"Fixed": {"B2": 42, "B3": "=B2*2", "B4": "text"}})
    _with_cached_result(path, "B2*2", "84")
    sheet = _build(tmp_path, files=[ADMIN])["Fixed"]
    assert (sheet["B2"].value, sheet["B3"].value, sheet["B4"].value) == (42, 84, "text")
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True


@pytest.mark.parametrize("position", [0, 1])
def test_no_cell_of_a_report_is_a_formula_even_from_a_copied_return(tmp_path, position) -> None:
    """A submitted text that looks like a formula, in the first or in a later return, and a
    finding message that does, are all text in the saved report."""
    cells = {f"A{i}": text for i, text in enumerate(LIVE, start=1)}
    _save(tmp_path / ADMIN, {"Fixed": {"C5": 1}})
    other = _save(tmp_path / SURVEY, {"Survey": {"B2": 7}})
    target = [ADMIN, SURVEY][position]
    _save(tmp_path / target, {"Texts": {"B2": 7}})
    book = load_workbook(tmp_path / target)
    for ref, text in cells.items():
        book["Texts"][ref].value = text
        book["Texts"][ref].data_type = "s"  # submitted as text, not as a formula
    book.save(tmp_path / target)
    assert other.exists()
    findings = _findings([{"rule_id": "R-A", "severity": "error", "cell": "C5", "message": t}
                          for t in LIVE])  # fmt: skip
    built = _build(tmp_path, findings=findings, files=[ADMIN, SURVEY])
    assert "Texts" in built.sheetnames
    for sheet in built.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), sheet.title
    buffer = io.BytesIO()
    built.save(buffer)
    again = load_workbook(io.BytesIO(buffer.getvalue()))
    assert [again["Texts"][ref].value for ref in cells] == LIVE
    assert sorted(r[9] for r in _rows(again["Findings"], 2)) == sorted(LIVE)


def test_later_returns_are_copied_with_styles_widths_merges_and_panes(tmp_path) -> None:
    _save(tmp_path / ADMIN, {"Fixed": {"C5": 1}})
    path = tmp_path / SURVEY
    book = Workbook()
    sheet = book.active
    sheet.title = "Fixed"
    grey = PatternFill("solid", fgColor="DDDDDD")
    sheet["A1"], sheet["B1"] = "Heading", "plain"
    sheet["A1"].font, sheet["A1"].fill = Font(bold=True), grey
    sheet["A2"].fill = grey  # styled, empty
    sheet["A3"] = "again"
    sheet["A3"].font, sheet["A3"].fill = Font(bold=True), grey  # the same style once more
    sheet["D1"], sheet["D1"].number_format = 0.25, "0.0%"
    sheet.column_dimensions["A"].width = 33
    sheet.merge_cells("E1:F1")
    sheet["E1"] = "merged"
    sheet.freeze_panes = "B2"
    book.create_sheet("Household")["A1"] = 5
    path.parent.mkdir(parents=True)
    book.save(path)
    report_book = _build(tmp_path, files=[ADMIN, SURVEY])
    assert report_book.sheetnames == ["Summary", "Findings", "Fixed", "Fixed (2)", "Household"]
    copy = report_book["Fixed (2)"]
    assert (copy["A1"].value, copy["B1"].value, copy["D1"].value) == ("Heading", "plain", 0.25)
    assert copy["A1"].font.bold and _rgb(copy["A1"]) == "DDDDDD"
    assert _rgb(copy["A2"]) == "DDDDDD" and copy["A2"].value is None
    assert copy["A3"].font.bold and _rgb(copy["A3"]) == "DDDDDD" and copy["A3"].value == "again"
    assert not copy["B1"].font.bold and _rgb(copy["B1"]) is None
    assert copy["D1"].number_format == "0.0%"
    assert copy.column_dimensions["A"].width == 33
    assert [str(r) for r in copy.merged_cells.ranges] == ["E1:F1"] and copy["E1"].value == "merged"
    assert copy.freeze_panes == "B2"
    assert copy.page_setup.orientation == "landscape"
    assert report_book["Household"]["A1"].value == 5


def test_a_copied_sheet_title_with_its_suffix_stays_within_31_characters(tmp_path) -> None:
    title = "A" * 29
    _save(tmp_path / ADMIN, {title: {"A1": 1}})
    _save(tmp_path / SURVEY, {title: {"A1": 2}})
    book = _build(tmp_path, files=[ADMIN, SURVEY])
    assert book.sheetnames[2:] == [title, title + " ("]
    assert book[title + " ("]["A1"].value == 2


def test_unreadable_or_unsuitable_returns_are_left_out_and_the_report_goes_on(tmp_path) -> None:
    good = _save(tmp_path / "admin" / "good.XLSX", {"Good": {"A1": 1}})
    (tmp_path / "admin" / "broken.xlsx").write_bytes(b"not a zip")
    (tmp_path / "admin" / "old.xls").write_bytes(good.read_bytes())
    (tmp_path / "admin" / "link.xlsx").symlink_to(good)
    (tmp_path / "admin" / "folder.xlsx").mkdir()
    files = ["admin/broken.xlsx", "admin/old.xls", "admin/link.xlsx", "admin/folder.xlsx",
             "admin/missing.xlsx"]  # fmt: skip
    assert _build(tmp_path, files=files).sheetnames == ["Summary", "Findings"]
    assert _build(tmp_path, files=[*files, "admin/good.XLSX"]).sheetnames[2:] == ["Good"]


def test_a_macro_workbook_is_copied_too(tmp_path) -> None:
    source = _save(tmp_path / "plain.xlsx", {"Macro": {"A1": 3}})
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "m.xlsm").write_bytes(source.read_bytes())
    book = _build(tmp_path, files=["admin/m.xlsm"])
    assert book.sheetnames[2:] == ["Macro"] and book["Macro"]["A1"].value == 3


def test_a_return_is_copied_up_to_the_worksheet_xml_budget_exactly(tmp_path, monkeypatch) -> None:
    path = _save(tmp_path / ADMIN, {"Fixed": {"A1": 1}})
    with zipfile.ZipFile(path) as archive:
        size = sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/"))
    monkeypatch.setattr(report, "_copy_budget", lambda: size)
    assert "Fixed" in _build(tmp_path, files=[ADMIN]).sheetnames
    monkeypatch.setattr(report, "_copy_budget", lambda: size - 1)
    assert "Fixed" not in _build(tmp_path, files=[ADMIN]).sheetnames


def test_copy_budget_is_the_ingest_budget_of_the_report() -> None:
    with (SCHEMAS / "ingest_budget.toml").open("rb") as handle:
        expected = tomllib.load(handle)["report"]["copy_xml_bytes"]
    assert report._copy_budget() == expected > 0


# --- marks on failing cells ---------------------------------------------------------------


def test_failing_cells_of_the_return_are_coloured_by_their_worst_severity(tmp_path) -> None:
    _save(tmp_path / ADMIN, {"Fixed": {"C5": 100, "C6": 7, "C7": 8}, "Mobile": {"C5": 1}})
    findings = _findings(
        [
            {"rule_id": "R-W", "severity": "warning", "cell": "C5", "message": "jump"},
            {"rule_id": "R-E", "severity": "error", "cell": "C5", "message": "negative"},
            {"rule_id": "R-I", "severity": "info", "cell": "C6", "message": "note"},
            {"rule_id": "R-X", "severity": "error", "cell": None, "message": "no cell"},
            {"rule_id": "R-Y", "severity": "error", "cell": "Fixed!C7", "message": "odd"},
        ]
    )
    book = _build(tmp_path, findings=findings, files=[ADMIN])
    fixed = book["Fixed"]
    assert [_rgb(fixed[r]) for r in ("C5", "C6", "C7")] == [RED, BLUE, None]
    assert fixed["C5"].comment.text in ("R-W: jump\nR-E: negative", "R-E: negative\nR-W: jump")
    assert fixed["C5"].comment.author == "ictstats validate"
    assert (fixed["C5"].comment.width, fixed["C5"].comment.height) == (320, 140)
    assert fixed["C7"].comment is None
    assert _rgb(book["Mobile"]["C5"]) is None and book["Mobile"]["C5"].comment is None


def test_marks_go_to_the_findings_own_file_and_sheet_only(tmp_path) -> None:
    _save(tmp_path / ADMIN, {"Fixed": {"C5": 1}, "Mobile": {"C5": 2}})
    _save(tmp_path / SURVEY, {"Fixed": {"C5": 3}})
    findings = _findings(
        [
            {"rule_id": "R-A", "severity": "error", "cell": "C5", "message": "a"},
            {"rule_id": "R-B", "severity": "info", "cell": "C5", "message": "b",
             "source_file": SURVEY},
        ]
    )  # fmt: skip
    book = _build(tmp_path, findings=findings, files=[ADMIN, SURVEY])
    assert _rgb(book["Fixed"]["C5"]) == RED and book["Fixed"]["C5"].comment.text == "R-A: a"
    assert _rgb(book["Mobile"]["C5"]) is None
    assert (
        _rgb(book["Fixed (2)"]["C5"]) == BLUE and book["Fixed (2)"]["C5"].comment.text == "R-B: b"
    )


def _marked(cells: dict[str, object], findings: pd.DataFrame, widths=None):
    sheet = Workbook().active
    for ref, value in cells.items():
        sheet[ref] = value
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
    report._mark(sheet, findings)
    return sheet


def _on(*cells: str, message: str = "m", severity: str = "warning") -> pd.DataFrame:
    return pd.DataFrame(
        {"cell": list(cells), "severity": severity, "rule_id": "R", "message": message}
    )


def test_marked_numbers_get_thousands_separators_and_a_column_wide_enough() -> None:
    cells = {"A1": 1234567, "B1": 1234.5, "C1": 1000.0, "D1": 5.0, "E1": "1234567", "F1": 9}
    sheet = _marked(cells, _on("A1", "B1", "C1", "D1", "E1"))
    sheet_formats = [sheet[r].number_format for r in ("A1", "B1", "C1", "D1", "E1", "F1")]
    assert sheet_formats == ["#,##0", "#,##0.0###", "#,##0", "#,##0", "General", "General"]
    kept = Workbook().active
    kept["A1"], kept["A1"].number_format = 5.5, "0.00"
    report._mark(kept, _on("A1"))
    assert kept["A1"].number_format == "0.00", "a submitter's own number format stays"


def test_marked_number_widens_its_column_only_when_needed() -> None:
    wide = _marked({"A1": 123456789, "B1": 123456789012}, _on("A1", "B1"))
    assert wide.column_dimensions["A"].width == 13, "the default width holds 123,456,789"
    assert wide.column_dimensions["B"].width == len("123,456,789,012")
    hidden = _marked({"A1": 12345678, "B1": 1}, _on("A1", "B1"), widths={"A": 0, "B": 0})
    assert hidden.column_dimensions["A"].width == len("12,345,678") == 10
    assert hidden.column_dimensions["B"].width == 10, "a zero width counts as 10"


def test_a_merged_cell_behind_the_first_is_not_marked() -> None:
    sheet = Workbook().active
    sheet["A1"] = 5
    sheet.merge_cells("A1:B1")
    report._mark(sheet, _on("B1", "A1"))
    assert _rgb(sheet["A1"]) == AMBER and sheet["A1"].comment is not None
    assert type(sheet["B1"]).__name__ == "MergedCell" and sheet["B1"].comment is None


def test_a_comment_is_cut_at_2000_characters_and_cleaned() -> None:
    sheet = _marked({"A1": 1}, _on("A1", message="x" * 3000))
    assert len(sheet["A1"].comment.text) == 2000
    assert sheet["A1"].comment.text.startswith("R: xxx")
    dirty = _marked({"A1": 1}, _on("A1", message="a\x01b"))
    assert dirty["A1"].comment.text == "R: a\ufffdb"


# --- what each report carries -----------------------------------------------------------


def test_a_report_carries_exactly_the_findings_and_counts_it_was_given(tmp_path) -> None:
    """The CLI passes one economy's rows; the report adds none and drops none: open ones on
    the findings sheet, closed (explained) ones on the history sheet, the rule counts as
    given."""
    findings = _findings(
        [{"rule_id": f"R-{i}", "severity": "warning", "cell": "C5", "message": f"m{i}",
          "year": 2020 + i} for i in range(5)]
    ).assign(state=["open", "explained", "open", "explained", "open"],
             answer=["", "confirm", "correct", "confirm", ""], note="")  # fmt: skip
    summary = _summary([("R-0", "warning", 3), ("R-9", "error", 0)])
    book = _build(tmp_path, findings=findings, summary=summary)
    assert sorted(r[1] for r in _rows(book["Findings"], 2)) == ["R-0", "R-2", "R-4"]
    assert sorted(r[0] for r in _rows(book["History"], 2)) == ["R-1", "R-3"]
    counts = {r[0]: r[3:] for r in _rows(book["Summary"], 4)}
    assert counts == {"R-0": (10, 7, 3, 0), "R-9": (11, 11, 0, 1)}


def test_each_economys_report_carries_only_its_rows_its_return_and_its_language(
    tmp_path,
) -> None:
    """Through the CLI's report jobs: Kenya's report (English) holds Kenya's findings, rule
    counts and return only; Senegal's is in French with Senegal's."""
    import argparse

    from pipeline.validate import Validation, cli

    sen = "admin/SEN_2023_admin.xlsx"
    _save(tmp_path / "raw" / ADMIN, {"Fixed": {"C5": -5}})
    _save(tmp_path / "raw" / sen, {"Fixe": {"C5": 7}})
    findings = pd.concat(
        [
            _findings([{"rule_id": "RNG-SUBS-NONNEG", "severity": "error", "cell": "C5",
                        "message": "KEN value", "finding_id": "k1"}]),
            _findings([{"rule_id": "RNG-SUBS-NONNEG", "severity": "error", "cell": "C5",
                        "message": "SEN value", "finding_id": "s1", "economy": "SEN",
                        "source_file": sen, "sheet": "Fixe"}]),
        ],
        ignore_index=True,
    )  # fmt: skip
    by_economy = pd.concat(
        [_summary([("RNG-SUBS-NONNEG", "error", 1)]),
         _summary([("RNG-SUBS-NONNEG", "error", 4)]).assign(economy="SEN")],
        ignore_index=True,
    )  # fmt: skip
    observations = pd.DataFrame({"economy": ["KEN", "SEN"], "source_file": [ADMIN, sen]})
    args = argparse.Namespace(lang=None, raw=tmp_path / "raw", processed=tmp_path)
    codes = ["KEN", "SEN"]
    result = Validation(findings, by_economy, by_economy)
    tasks = cli._report_tasks(
        args, result, findings, observations, cli.languages(codes, None), cli._names(codes)
    )
    for task in tasks:
        cli._write_report(task)
    reports = tmp_path / "validate" / "reports"
    kenya, senegal = (load_workbook(reports / f"{code}.xlsx") for code in codes)
    assert kenya.sheetnames == ["Summary", "Findings", "Fixed"]
    assert senegal.sheetnames == ["Résumé", "Constats", "Fixe"]
    assert [r[9] for r in _rows(kenya["Findings"], 2)] == ["KEN value"]
    assert [r[9] for r in _rows(senegal["Constats"], 2)] == ["SEN value"]
    assert [r[5] for r in _rows(kenya["Summary"], 4)] == [1]
    assert [r[5] for r in _rows(senegal["Résumé"], 4)] == [4]
    assert kenya["Fixed"]["C5"].comment.text == "RNG-SUBS-NONNEG: KEN value"
    assert senegal["Fixe"]["C5"].comment.text == "RNG-SUBS-NONNEG: SEN value"
    assert kenya["Summary"]["A1"].value.endswith("(KEN)")
    assert senegal["Résumé"]["A1"].value.startswith("Rapport de validation: ")
