"""The batch summary: counts by severity, explained findings apart, status and order, and the
Markdown and HTML versions (pipeline/validate/batch.py)."""

from __future__ import annotations

import pandas as pd

from pipeline.validate.batch import SUMMARY_COLUMNS, batch_summary, html, markdown

ECONOMIES = pd.DataFrame(
    {"economy": ["AAA", "BBB", "CCC", "DDD", "EEE"], "name": ["A", "B", "C", "D", "E"]}
)
FINDINGS = pd.DataFrame(
    {
        "economy": ["AAA", "AAA", "AAA", "BBB", "BBB", "CCC", "DDD", None],
        "severity": ["error", "warning", "warning", "warning", "info", "error", "warning", "error"],
        "rule_id": ["R1", "R2", "R2", "R2", "R3", "R1", "R2", "R9"],
        "state": ["open", "open", "open", "open", "open", "open", "explained", "open"],
    }
)


def test_counts_status_and_order() -> None:
    summary = batch_summary(FINDINGS, ECONOMIES)
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    rows = summary.set_index("economy")
    assert list(summary["economy"]) == ["AAA", "CCC", "BBB", "DDD", "EEE"]
    assert rows.loc["AAA", ["error", "warning", "info", "findings", "rules_failed"]].tolist() == [
        1, 2, 0, 3, 2
    ]  # fmt: skip
    assert rows.loc["BBB", ["warning", "info", "findings", "status"]].tolist() == [
        1, 1, 2, "queries"
    ]  # fmt: skip
    assert rows.loc["DDD", ["warning", "explained", "findings", "status"]].tolist() == [
        0, 1, 0, "clean"
    ]  # fmt: skip
    assert rows["status"].to_dict() == {
        "AAA": "errors", "BBB": "queries", "CCC": "errors", "DDD": "clean", "EEE": "clean"
    }  # fmt: skip
    assert str(rows["error"].dtype) == "int64"


def test_without_a_state_column_every_finding_is_open() -> None:
    summary = batch_summary(FINDINGS.drop(columns="state"), ECONOMIES).set_index("economy")
    assert summary.loc["DDD", ["warning", "explained", "status"]].tolist() == [1, 0, "queries"]


def test_errors_first_then_more_errors_then_more_warnings() -> None:
    findings = pd.DataFrame(
        {
            "economy": ["AAA", "BBB", "BBB", "CCC", "CCC", "DDD"],
            "severity": ["error", "error", "error", "warning", "warning", "warning"],
            "rule_id": ["R1", "R1", "R2", "R2", "R3", "R2"],
        }
    )
    summary = batch_summary(findings, ECONOMIES)
    assert list(summary["economy"]) == ["BBB", "AAA", "CCC", "DDD", "EEE"]
    assert summary["info"].tolist() == [0] * 5, "a severity nobody has counts 0"


RULES = pd.DataFrame(
    {
        "rule_id": ["R1", "R2", "R3"],
        "label": ["One", "Two", "Three"],
        "severity": ["error", "warning", "info"],
        "items": [10, 20, 5],
        "fails": [2, 3, 0],
    }
)


def test_markdown_lists_economies_with_findings_and_rules_that_failed_most_first() -> None:
    summary = batch_summary(FINDINGS, ECONOMIES)
    queries = pd.DataFrame({"economy": ["AAA"], "question": ["why?"], "value": [None]})
    lines = markdown(summary, RULES, queries).splitlines()
    assert lines[0] == "# Validation batch summary"
    assert lines[2] == (
        "5 economies: 2 with errors, 1 with warnings only, 2 clean. "
        "Findings: 2 errors, 3 warnings, 1 info."
    )
    table = [line for line in lines if line.startswith("| AAA") or line.startswith("| CCC")]
    assert table[:2] == ["| AAA | A | 1 | 2 | 0 | errors |", "| CCC | C | 1 | 0 | 0 | errors |"]
    assert not any(line.startswith("| DDD") for line in lines), "no findings, not listed"
    at = lines.index("## Rules that failed")
    assert lines[at - 1 : at + 4] == [
        "", "## Rules that failed", "", "| rule | severity | items | fails |", "|---|---|--:|--:|"
    ]  # fmt: skip
    assert lines[1] == lines[3] == "", "blank lines around the totals"
    rules = lines[at + 4 :]
    assert rules[:2] == ["| R2 | warning | 20 | 3 |", "| R1 | error | 10 | 2 |"]
    assert "| R3 |" not in "\n".join(lines)
    assert lines[-6:] == [
        "", "## Queries to focal points", "", "| economy | question | value |", "|---|--:|--:|",
        "| AAA | why? |  |",
    ]  # fmt: skip
    assert "Queries" not in markdown(summary, RULES)
    assert "Queries" not in markdown(summary, RULES, queries.iloc[:0])


def test_html_has_the_same_content() -> None:
    summary = batch_summary(FINDINGS, ECONOMIES)
    page = html(summary, RULES, pd.DataFrame({"economy": ["AAA"], "note": [None]}))
    assert page.startswith("<!doctype html>") and page.endswith("</html>\n")
    assert "5 economies: 2 with errors" in page
    assert "<td>AAA</td>" in page and "<td>CCC</td>" in page, "one finding is enough to show"
    assert "<td>DDD</td>" not in page
    assert "<th>0</th>" not in page, "no row numbers"
    assert page.index("<td>R2</td>") < page.index("<td>R1</td>") and "<td>R3</td>" not in page
    assert "<h2>Queries to focal points</h2>" in page
    assert "Queries" not in html(summary, RULES)


def test_totals_count_zero_for_a_status_nobody_has() -> None:
    clean = batch_summary(FINDINGS.iloc[:0], ECONOMIES.iloc[:2])
    first = markdown(clean, RULES.iloc[:0]).splitlines()[2]
    assert first == (
        "2 economies: 0 with errors, 0 with warnings only, 2 clean. "
        "Findings: 0 errors, 0 warnings, 0 info."
    )
    errors = batch_summary(FINDINGS.iloc[[0]], ECONOMIES.iloc[:1])
    assert (
        markdown(errors, RULES)
        .splitlines()[2]
        .startswith("1 economies: 1 with errors, 0 with warnings only, 0 clean.")
    )


def test_markdown_table_heads_and_a_rule_that_failed_once() -> None:
    summary = batch_summary(FINDINGS, ECONOMIES)
    rules = RULES.assign(fails=[2, 3, 1])
    lines = markdown(summary, rules).splitlines()
    assert lines[4:6] == [
        "| economy | name | errors | warnings | info | status |", "|---|---|--:|--:|--:|---|"
    ]  # fmt: skip
    assert "| R3 | info | 5 | 1 |" in lines, "one failure is enough to list a rule"
    assert "<td>R3</td>" in html(summary, rules)


def test_html_escapes_names_labels_and_queries_and_draws_no_borders() -> None:
    economies = ECONOMIES.assign(name=["<A>", "B", "C", "D", "E"])
    summary = batch_summary(FINDINGS, economies)
    rules = RULES.assign(label=["<One>", "Two", "Three"])
    page = html(summary, rules, pd.DataFrame({"economy": ["AAA"], "note": ["<why>"]}))
    for raw, escaped in (("<A>", "&lt;A&gt;"), ("<One>", "&lt;One&gt;"), ("<why>", "&lt;why&gt;")):
        assert raw not in page and escaped in page
    assert 'border="1"' not in page
