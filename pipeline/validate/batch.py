"""The batch summary: economies × severity counts, as a table, Markdown and HTML.

One glance for the team lead of a data-collection round: which returns are clean, which need
queries, which are blocked by errors. The frame is written as workbook and
CSV by the CLI; :func:`markdown` and :func:`html` give the short text versions.
"""

from __future__ import annotations

import html as html_lib

import pandas as pd

from pipeline.findings import SEVERITIES

SUMMARY_COLUMNS = (
    "economy",
    "name",
    *SEVERITIES,
    "findings",
    "explained",
    "rules_failed",
    "status",
)


def batch_summary(findings: pd.DataFrame, economies: pd.DataFrame) -> pd.DataFrame:
    """One row per economy in ``economies`` (economy, name): counts of open findings by
    severity, findings explained by an answer (``state``, :mod:`pipeline.status`), a status."""
    state = findings["state"] if "state" in findings else pd.Series("open", index=findings.index)
    explained = findings[state == "explained"].groupby("economy").size().rename("explained")
    located = findings[findings["economy"].notna() & (state != "explained")]
    counts = (
        located.groupby(["economy", "severity"])
        .size()
        .unstack("severity", fill_value=0)
        .reindex(columns=list(SEVERITIES), fill_value=0)
    )
    counts.columns.name = None
    rules = located.groupby("economy")["rule_id"].nunique().rename("rules_failed")
    out = economies[["economy", "name"]].merge(counts.reset_index(), on="economy", how="left")
    out = out.merge(rules.reset_index(), on="economy", how="left")
    out = out.merge(explained.reset_index(), on="economy", how="left")
    numbers = [*SEVERITIES, "rules_failed", "explained"]
    out[numbers] = out[numbers].fillna(0).astype("int64")
    out["findings"] = out[list(SEVERITIES)].sum(axis=1)
    out["status"] = "clean"
    out.loc[out["warning"] > 0, "status"] = "queries"
    out.loc[out["error"] > 0, "status"] = "errors"
    order = {"errors": 0, "queries": 1, "clean": 2}
    out = out.sort_values(
        ["status", "error", "warning", "economy"],
        key=lambda s: s.map(order) if s.name == "status" else s,
        ascending=[True, False, False, True],
        kind="stable",
    )
    return out[list(SUMMARY_COLUMNS)].reset_index(drop=True)


def _totals(summary: pd.DataFrame) -> str:
    status = summary["status"].value_counts()
    return (
        f"{len(summary)} economies: {status.get('errors', 0)} with errors, "
        f"{status.get('queries', 0)} with warnings only, {status.get('clean', 0)} clean. "
        f"Findings: {summary['error'].sum()} errors, {summary['warning'].sum()} warnings, "
        f"{summary['info'].sum()} info."
    )


def markdown(
    summary: pd.DataFrame, rules: pd.DataFrame, queries: pd.DataFrame | None = None
) -> str:
    """A short Markdown report: totals, economies with errors, rules that failed most."""
    lines = ["# Validation batch summary", "", _totals(summary), ""]
    lines += ["| economy | name | errors | warnings | info | status |", "|---|---|--:|--:|--:|---|"]
    for row in summary[summary["findings"] > 0].itertuples(index=False):
        cells = (row.economy, row.name, row.error, row.warning, row.info, row.status)
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    failing = rules[rules["fails"] > 0].sort_values("fails", ascending=False)
    lines += [
        "",
        "## Rules that failed",
        "",
        "| rule | severity | items | fails |",
        "|---|---|--:|--:|",
    ]
    lines += [
        f"| {r.rule_id} | {r.severity} | {r.items} | {r.fails} |" for r in failing.itertuples()
    ]
    if queries is not None and len(queries):
        lines += ["", "## Queries to focal points", "", "| " + " | ".join(queries.columns) + " |"]
        lines.append("|---|" + "--:|" * (len(queries.columns) - 1))
        for row in queries.itertuples(index=False):
            lines.append("| " + " | ".join("" if pd.isna(c) else str(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def html(summary: pd.DataFrame, rules: pd.DataFrame, queries: pd.DataFrame | None = None) -> str:
    """The same content as a standalone HTML page (tables styled by severity)."""
    shown = summary[summary["findings"] > 0]
    table = shown.to_html(index=False, classes="summary", border=0, escape=True)
    failing = rules[rules["fails"] > 0].sort_values("fails", ascending=False)
    rule_table = failing[["rule_id", "label", "severity", "items", "fails"]].to_html(
        index=False, border=0, escape=True
    )
    style = (
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd}"
        "th{background:#1f3864;color:#fff;text-align:left}"
    )
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>Validation batch summary</title><style>{style}</style>"
        f"<h1>Validation batch summary</h1><p>{html_lib.escape(_totals(summary))}</p>"
        f"{table}<h2>Rules that failed</h2>{rule_table}"
        + (
            "<h2>Queries to focal points</h2>"
            + queries.to_html(index=False, border=0, escape=True, na_rep="")
            if queries is not None and len(queries)
            else ""
        )
        + "</html>\n"
    )
