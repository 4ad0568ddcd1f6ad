"""The rule engine: run every catalogue rule over an observation table and collect outcomes.

Each rule's kind returns items with pass / fail / not-evaluable outcomes (R ``validate``'s
confrontation). A rule that raises is caught, reported as a ``RULE-CRASHED`` finding against
the rule itself, and the other rules still run. Failures become findings in the
economy's language; outcomes are counted per rule overall and per economy (ARCHITECTURE.md,
validate outputs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pipeline.findings import coded_findings, concat_findings, empty_findings, normalise_findings
from pipeline.validate.catalogue import Rule
from pipeline.validate.items import FAIL, OUTCOMES, empty_items, fmt
from pipeline.validate.kinds import REGISTRY, Context
from pipeline.validate.messages import DEFAULT_LANGUAGE, render, rule_text

STAGE = "validate"
SUMMARY_COLUMNS = (
    "rule_id",
    "label",
    "kind",
    "severity",
    "items",
    "passes",
    "fails",
    "not_evaluable",
    "crashed",
)
_COUNTS = {"pass": "passes", "fail": "fails", "not_evaluable": "not_evaluable"}


@dataclass(frozen=True)
class RuleRun:
    """Outcome of running the catalogue: all items (with ``rule_id``) and crashed rules."""

    items: pd.DataFrame
    crashed: dict[str, str]


def run_rules(observations: pd.DataFrame, rules: tuple[Rule, ...], context: Context) -> RuleRun:
    """Evaluate every rule; a crash is recorded, not raised."""
    parts, crashed = [], {}
    for rule in rules:
        try:
            items = REGISTRY[rule.kind].function(observations, rule.params, context)
        except Exception as error:  # any fault in a rule is reported; the batch goes on
            crashed[rule.id] = f"{type(error).__name__}: {error}"
            continue
        parts.append(items.assign(rule_id=rule.id))
    items = pd.concat(parts, ignore_index=True) if parts else empty_items().assign(rule_id="")
    return RuleRun(items=items, crashed=crashed)


def _counts(items: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    table = items.groupby([*by, "outcome"]).size().unstack("outcome", fill_value=0)
    table = table.reindex(columns=list(OUTCOMES), fill_value=0).rename(columns=_COUNTS)
    table.columns.name = None
    table.insert(0, "items", table.sum(axis=1))
    return table.reset_index()


def _catalogue_frame(rules: tuple[Rule, ...], crashed: Mapping[str, str]) -> pd.DataFrame:
    columns = {
        "rule_id": [r.id for r in rules],
        "label": [r.label for r in rules],
        "kind": [r.kind for r in rules],
        "severity": [r.severity for r in rules],
    }
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    return frame.assign(crashed=pd.Series([r.id in crashed for r in rules], dtype=bool))


def rule_summary(run: RuleRun, rules: tuple[Rule, ...]) -> pd.DataFrame:
    """One row per rule: items, passes, fails, not evaluable, crashed (rules with 0 items too)."""
    counts = _counts(run.items, ["rule_id"])
    out = _catalogue_frame(rules, run.crashed).merge(counts, on="rule_id", how="left")
    numbers = ["items", "passes", "fails", "not_evaluable"]
    out[numbers] = out[numbers].fillna(0).astype("int64")
    return out[list(SUMMARY_COLUMNS)]


def rule_summary_by_economy(
    run: RuleRun, rules: tuple[Rule, ...], economies: list[str]
) -> pd.DataFrame:
    """The checklist per economy: every rule × every economy, counts 0 where nothing applied."""
    counts = _counts(run.items, ["economy", "rule_id"])
    grid = pd.DataFrame({"economy": pd.Series(sorted(economies), dtype=object)}).merge(
        _catalogue_frame(rules, run.crashed), how="cross"
    )
    out = grid.merge(counts, on=["economy", "rule_id"], how="left")
    numbers = ["items", "passes", "fails", "not_evaluable"]
    out[numbers] = out[numbers].fillna(0).astype("int64")
    return out[["economy", *SUMMARY_COLUMNS]]


def rule_findings(
    run: RuleRun, rules: tuple[Rule, ...], languages: Mapping[str, str]
) -> pd.DataFrame:
    """Findings for every failed item, with the message in the economy's language."""
    fails = run.items[run.items["outcome"] == FAIL]
    if fails.empty:
        return empty_findings()
    by_id = {rule.id: rule for rule in rules}
    frame = fails.assign(
        stage=STAGE,
        severity=fails["rule_id"].map({r.id: r.severity for r in rules}),
        value=fmt(fails["value"]),
    ).reset_index(drop=True)
    records = frame.to_dict("records")
    frame["message"] = [
        render(
            rule_text(
                row["rule_id"],
                "message",
                by_id[row["rule_id"]].message,
                languages.get(row["economy"], DEFAULT_LANGUAGE),
            ),
            row,
        )
        for row in records
    ]
    return normalise_findings(frame)


def crash_findings(run: RuleRun) -> pd.DataFrame:
    """``RULE-CRASHED`` findings, one per rule that raised (the rule id in ``indicator``)."""
    rows = [{"indicator": rule_id, "detail": detail} for rule_id, detail in run.crashed.items()]
    return coded_findings(STAGE, "RULE-CRASHED", rows) if rows else empty_findings()


def findings_of(
    run: RuleRun, rules: tuple[Rule, ...], languages: Mapping[str, str]
) -> pd.DataFrame:
    """Rule failures and rule crashes in one findings table."""
    return concat_findings(rule_findings(run, rules, languages), crash_findings(run))
