"""Focal points' answers read back from returned reports and CSV forms
(pipeline/validate/responses.py), and the drop-down that constrains them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from pipeline.validate import responses
from pipeline.validate.messages import ui
from pipeline.validate.responses import add_response_validation, label, read_responses

DECISION_COLUMNS = ["finding_id", "decision", "who", "note", "source"]


def report(path: Path, rows: list[tuple], lang: str = "en", extra: bool = True) -> Path:
    """A returned report: a findings sheet with (finding_id, response, explanation) rows, in
    that language's headings (with a column before them unless ``extra`` is False)."""
    wb = Workbook()
    sheet = wb.active
    names = [ui(c, lang) for c in ("finding_id", "response", "explanation")]
    sheet.append((["Rule"] if extra else []) + names)
    for row in rows:
        sheet.append((["R"] if extra else []) + list(row))
    wb.create_sheet("Summary").append(["no answers here"])
    wb.save(path)
    return path


def test_labels_of_every_language_and_the_codes_are_read(tmp_path: Path) -> None:
    report(
        tmp_path / "AAA.xlsx",
        [("f1", "Confirm with explanation", "the jump is real"), ("f2", " will correct ", None),
         ("f3", "other", "see e-mail")],
    )  # fmt: skip
    report(tmp_path / "BBB.xlsx", [("f4", "sera corrigé", "oui"), ("f5", "AUTRE", "")], "fr")
    answers, problems = read_responses(tmp_path)
    assert problems == []
    assert list(answers.columns) == DECISION_COLUMNS
    assert answers.index.is_unique, "one row label per answer across files"
    assert answers.values.tolist() == [
        ["f1", "confirm", "focal point (AAA)", "the jump is real", "AAA.xlsx"],
        ["f2", "correct", "focal point (AAA)", "", "AAA.xlsx"],
        ["f3", "other", "focal point (AAA)", "see e-mail", "AAA.xlsx"],
        ["f4", "correct", "focal point (BBB)", "oui", "BBB.xlsx"],
        ["f5", "other", "focal point (BBB)", "", "BBB.xlsx"],
    ]


def test_spanish_and_plain_codes(tmp_path: Path) -> None:
    report(tmp_path / "CCC.xlsx", [("f1", label("confirm", "es"), "x"), ("f2", "confirm", "y")],
           "es", extra=False)  # fmt: skip
    answers, _ = read_responses(tmp_path / "CCC.xlsx")
    assert answers["decision"].tolist() == ["confirm", "confirm"]
    assert label("correct", "fr") == "sera corrigé" and label("other", "en") == "other"


def test_blank_unknown_and_unidentified_answers(tmp_path: Path) -> None:
    report(
        tmp_path / "AAA.xlsx",
        [("f1", None, "no answer"), ("f2", "   ", ""), ("f3", "maybe", ""), (None, "other", "?"),
         ("f4", "other", "")],
    )  # fmt: skip
    answers, problems = read_responses(tmp_path)
    assert answers["finding_id"].tolist() == ["f4"]
    assert problems == ["AAA.xlsx: finding f3: unknown answer 'maybe'"]


def test_a_short_row_reads_as_empty_cells() -> None:
    class Sheet:
        def iter_rows(self, values_only: bool):
            assert values_only
            names = [ui(c, "en") for c in ("finding_id", "response", "explanation")]
            return iter([tuple(names), ("f1", "other")])

    frame = responses._sheet_answers(Sheet())
    assert frame.values.tolist() == [["f1", "other", None]]


def test_formulas_are_never_read_only_saved_values(tmp_path: Path) -> None:
    report(tmp_path / "AAA.xlsx", [("f1", '="other"', "")])
    answers, problems = read_responses(tmp_path)
    assert answers.empty and problems == [], "a formula without a saved value is no answer"


def test_csv_forms_with_and_without_who(tmp_path: Path) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "KEN.csv").write_text(
        "finding_id,response,explanation\nf1,will correct,NA\nf2,,\n", encoding="utf-8"
    )
    (tmp_path / "forms" / "UGA.CSV").write_text(
        "finding_id,response,explanation,who\nf3,other,n/a,Jane\n", encoding="utf-8"
    )
    (tmp_path / "forms" / "notes.txt").write_text("finding_id,response\nf9,other\n")
    answers, problems = read_responses(tmp_path)
    assert problems == []
    assert answers.values.tolist() == [
        ["f1", "correct", "focal point (KEN)", "NA", "KEN.csv"],
        ["f3", "other", "Jane", "n/a", "UGA.CSV"],
    ]


def test_a_broken_return_is_a_problem_and_the_others_count(tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    report(tmp_path / "good.xlsx", [("f1", "other", "")])
    answers, problems = read_responses(tmp_path)
    assert answers["finding_id"].tolist() == ["f1"]
    assert len(problems) == 1 and problems[0].startswith("broken.xlsx: not read (")


def test_nothing_to_read_gives_an_empty_log(tmp_path: Path) -> None:
    answers, problems = read_responses(tmp_path)
    assert answers.empty and problems == []
    assert list(answers.columns) == DECISION_COLUMNS
    wb = Workbook()
    wb.active.append(["no", "response", "column"])
    wb.save(tmp_path / "plain.xlsx")
    answers, problems = read_responses(tmp_path)
    assert answers.empty and problems == [] and list(answers.columns) == DECISION_COLUMNS


def test_drop_down_covers_exactly_the_finding_rows() -> None:
    sheet = Workbook().active
    sheet.append(["a", "b", "c", "response"])
    add_response_validation(sheet, 4, 3, "fr")
    (check,) = sheet.data_validations.dataValidation
    assert str(check.sqref) == "D2:D4"
    assert check.type == "list"
    assert check.formula1 == '"confirmer avec explication,sera corrigé,autre"'
    assert check.allow_blank and check.showInputMessage and check.showErrorMessage
    assert check.promptTitle == ui("response", "fr")
    assert check.prompt == ui("response.prompt", "fr")
    assert sheet.max_row == 1, "no cell is created"
    one = Workbook().active
    one.append(["response"])
    add_response_validation(one, 1, 1, "en")
    assert [str(c.sqref) for c in one.data_validations.dataValidation] == ["A2"]
    none = Workbook().active
    add_response_validation(none, 1, 0, "en")
    assert none.data_validations.dataValidation == []


def test_prompt_texts_are_cut_to_excel_limits(monkeypatch) -> None:
    monkeypatch.setattr(responses, "ui", lambda key, lang: key + "x" * 300)
    sheet = Workbook().active
    add_response_validation(sheet, 1, 1, "en")
    (check,) = sheet.data_validations.dataValidation
    assert len(check.promptTitle) == 32 and len(check.prompt) == 255


def test_labels_come_from_the_language_file() -> None:
    assert [label(c, "en") for c in responses.RESPONSES] == [
        "confirm with explanation", "will correct", "other",
    ]  # fmt: skip
    assert pd.Series(responses.RESPONSE_COLUMNS).tolist() == ["finding_id", "response",
                                                              "explanation"]  # fmt: skip
