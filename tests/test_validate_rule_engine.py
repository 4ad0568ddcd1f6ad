"""The rule engine's bookkeeping: crashes recorded, counts per rule and per economy with zeros
where nothing applied, findings for failures only (pipeline/validate/engine.py)."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.validate import catalogue
from pipeline.validate.engine import (
    SUMMARY_COLUMNS,
    RuleRun,
    crash_findings,
    rule_findings,
    rule_summary,
    rule_summary_by_economy,
    run_rules,
)
from pipeline.validate.examples import observations
from pipeline.validate.kinds import Context

RULE = catalogue.Rule(
    id="T-RANGE", label="Range", why="", source="", severity="warning", kind="range",
    params={"indicators": ["HH7"], "min": 0, "max": 100},
    message="{indicator} {value} out of range", questionnaire="household", file="t.toml",
)  # fmt: skip
NONE = dataclasses.replace(RULE, id="T-NONE", params={"indicators": ["HH18"]})
CRASH = dataclasses.replace(RULE, id="T-CRASH", params={})  # no 'indicators': KeyError


def _run() -> tuple[RuleRun, tuple[catalogue.Rule, ...]]:
    frame = observations(
        {"observations": [{"indicator": "HH7", "value": 50}, {"indicator": "HH7", "value": 150,
                           "economy": "BBB"}, {"indicator": "HH7", "value": 101, "year": 2023}]}
    )  # fmt: skip
    rules = (RULE, NONE, CRASH)
    return run_rules(frame, rules, Context()), rules


def test_a_crash_is_recorded_with_its_error_and_the_run_is_read_only() -> None:
    run, _ = _run()
    assert run.crashed == {"T-CRASH": "KeyError: 'indicators'"}
    assert set(run.items["rule_id"]) == {"T-RANGE"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.crashed = {}  # type: ignore[misc]
    found = crash_findings(run)
    assert found["indicator"].tolist() == ["T-CRASH"] and set(found["rule_id"]) == {"RULE-CRASHED"}
    empty = run_rules(observations({"observations": []}), (), Context())
    assert empty.items.empty and "rule_id" in empty.items.columns and empty.crashed == {}


def test_summaries_count_every_rule_and_economy_with_zeros() -> None:
    run, rules = _run()
    summary = rule_summary(run, rules)
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    counts = summary.set_index("rule_id")[["items", "passes", "fails", "not_evaluable", "crashed"]]
    assert counts.loc["T-RANGE"].tolist() == [3, 1, 2, 0, False]
    assert counts.loc["T-NONE"].tolist() == [0, 0, 0, 0, False]
    assert counts.loc["T-CRASH"].tolist() == [0, 0, 0, 0, True]
    by = rule_summary_by_economy(run, rules, ["BBB", "AAA", "CCC"])
    assert list(by.columns) == ["economy", *SUMMARY_COLUMNS]
    assert by["economy"].tolist() == ["AAA"] * 3 + ["BBB"] * 3 + ["CCC"] * 3
    grid = by.set_index(["economy", "rule_id"])[["items", "passes", "fails"]]
    assert grid.loc[("AAA", "T-RANGE")].tolist() == [2, 1, 1]
    assert grid.loc[("BBB", "T-RANGE")].tolist() == [1, 0, 1]
    assert grid.loc[("CCC", "T-RANGE")].tolist() == [0, 0, 0]
    assert str(by["items"].dtype) == "int64"


def test_failures_become_findings_with_the_rule_severity_and_message() -> None:
    run, rules = _run()
    found = rule_findings(run, rules, {"BBB": "fr"})
    assert sorted(found[["economy", "year", "value", "severity"]].values.tolist()) == [
        ["AAA", 2023, "101", "warning"],
        ["BBB", 2024, "150", "warning"],
    ]
    assert sorted(found["message"]) == ["HH7 101 out of range", "HH7 150 out of range"]
    passed = dataclasses.replace(run, items=run.items[run.items["outcome"] != "fail"])
    assert rule_findings(passed, rules, {}).empty
