"""The rule catalogue (schemas/rules/*.toml): sound, big enough, and every example holds.

Issue #3 part 5: every rule carries pass / fail / not-evaluable examples; one parametrised
test runs them all, and the catalogue is checked as a whole.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from pipeline.validate import catalogue
from pipeline.validate.examples import run_example
from pipeline.validate.items import OUTCOMES

RULES = catalogue.load()
EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.id}-{example['outcome']}")
    for rule in RULES
    for example in rule.examples
]


def test_catalogue_is_sound_and_large_enough() -> None:
    assert catalogue.problems(RULES) == []
    assert len(RULES) >= 40
    questionnaires = Counter(rule.questionnaire for rule in RULES)
    assert questionnaires["admin"] >= 15 and questionnaires["household"] >= 10


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_one_example_of_each_outcome(rule: catalogue.Rule) -> None:
    assert sorted(e["outcome"] for e in rule.examples) == sorted(OUTCOMES)
    assert rule.why and rule.source and rule.label


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_rule_example(rule: catalogue.Rule, example: dict) -> None:
    assert run_example(rule.kind, rule.params, example) == example["outcome"]


def test_problems_reports_every_defect_of_a_broken_rule() -> None:
    good = RULES[0]
    broken = dataclasses.replace(
        good,
        severity="fatal",
        kind="part_whole",
        params={"whole": "nope", "colour": 1, "breakdown": "shoe"},
        message="{value} {colour}",
    )
    found = " | ".join(catalogue.rule_problems(broken))
    for expected in (
        "severity 'fatal'",
        "placeholders ['colour']",
        "missing parameter 'part'",
        "unknown parameter 'colour'",
        "unknown indicator 'nope'",
        "unknown breakdown 'shoe'",
    ):
        assert expected in found
    unknown_kind = dataclasses.replace(good, kind="astrology")
    assert any("unknown kind" in p for p in catalogue.rule_problems(unknown_kind))
    rows = catalogue.problems((good, good))
    assert [r["detail"] for r in rows] == [f"{good.id}: duplicate id (also in {good.file})"]
