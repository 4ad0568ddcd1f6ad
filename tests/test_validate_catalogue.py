"""The rule catalogue loader and checker, one defect at a time (pipeline/validate/catalogue.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.validate import catalogue

SOUND = catalogue.Rule(
    id="T-1", label="Label", why="Why", source="Source", severity="error", kind="range",
    params={"indicators": ["HH7"], "min": 0, "max": 100}, message="{indicator} {value}",
    questionnaire="household", file="t.toml",
)  # fmt: skip


def _problems(**changes: object) -> list[str]:
    return catalogue.rule_problems(dataclasses.replace(SOUND, **changes))


def test_a_sound_rule_has_no_problem() -> None:
    assert catalogue.rule_problems(SOUND) == []


@pytest.mark.parametrize("key", ["id", "label", "why", "source", "severity", "kind"])
def test_each_required_field_is_named_when_empty(key: str) -> None:
    assert f"missing {key}" in _problems(**{key: ""})


def test_closed_words_severity_and_placeholders() -> None:
    assert _problems(kind="sum_total", params={"indicator": "HH7", "breakdown": "sex",
                                               "direction": "both"}) == []  # fmt: skip
    assert _problems(
        kind="sum_total", params={"indicator": "HH7", "breakdown": "sex", "direction": "sideways"}
    ) == ["direction 'sideways' not one of ('over', 'under', 'both')"]
    assert _problems(severity="warning") == []
    assert _problems(message="{value} {colour}") == [
        "message placeholders ['colour'] are not findings columns"
    ]
    assert _problems(message="{value") == [
        "message placeholders ['<malformed template>'] are not findings columns"
    ]


def test_codes_given_as_one_text_or_a_list() -> None:
    assert _problems(kind="part_whole", params={"part": "i271p", "whole": "i271"}) == []
    assert _problems(params={"indicators": ["HH7", "nope"]}) == ["unknown indicator 'nope'"]
    assert _problems(kind="per_capita", params={"indicator": "nope"}) == [
        "unknown indicator 'nope'"
    ]
    assert _problems(
        kind="year_change", params={"indicators": ["i271"], "keep": ["sex", "shoe"]}
    ) == ["unknown breakdown 'shoe'"]


def test_unknown_kind_stops_the_parameter_checks_but_not_the_others() -> None:
    assert _problems(kind="astrology", severity="fatal", params={"colour": 1}) == [
        "severity 'fatal' not one of ('error', 'warning', 'info')",
        f"unknown kind 'astrology' (known: {sorted(catalogue.REGISTRY)})",
    ]


def test_problems_name_file_and_rule_and_duplicates_once_each() -> None:
    broken = dataclasses.replace(SOUND, id="", file="b.toml", label="")
    rows = catalogue.problems((SOUND, broken, SOUND))
    assert rows == [
        {"source_file": "schemas/rules/b.toml", "detail": "?: missing id"},
        {"source_file": "schemas/rules/b.toml", "detail": "?: missing label"},
        {"source_file": "schemas/rules/t.toml", "detail": "T-1: duplicate id (also in t.toml)"},
    ]


def test_loading_a_rule_file(tmp_path: Path) -> None:
    (tmp_path / "admin.toml").write_text(
        """
[[rule]]
id = "A-1"
label = "L"
kind = "range"
params = { indicators = ["i271"], min = 0 }
examples = [{ outcome = "pass" }]
colour = "red"

[[rule]]
id = "A-2"
""",
        encoding="utf-8",
    )
    household = 'questionnaire = "household"\n[[rule]]\nid = "B-1"\n'
    (tmp_path / "b.toml").write_text(household, encoding="utf-8")
    first, second, third = catalogue.load.__wrapped__(tmp_path)
    assert (first.id, first.questionnaire, first.file) == ("A-1", "admin", "admin.toml")
    assert first.params == {"indicators": ["i271"], "min": 0}
    assert first.examples == ({"outcome": "pass"},)
    assert first.unknown == ("colour",)
    assert (second.params, second.message, second.examples) == ({}, "", ())
    assert (third.id, third.questionnaire) == ("B-1", "household")
    (tmp_path / "c.toml").write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"schemas/rules/c\.toml is not valid TOML"):
        catalogue.load.__wrapped__(tmp_path)


def test_a_rule_is_what_it_checks_not_its_examples_and_is_read_only() -> None:
    other = dataclasses.replace(SOUND, examples=({"outcome": "pass"},), unknown=("colour",))
    assert other == SOUND
    assert dataclasses.replace(SOUND, message="{value}") != SOUND
    with pytest.raises(dataclasses.FrozenInstanceError):
        SOUND.kind = "order"  # type: ignore[misc]
