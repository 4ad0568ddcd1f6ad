"""Uncertainty designs: the shipped ones are clean, a broken one reports every problem.

A design is checked like the methodology — all problems at once, with the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.paths import INDICES
from pipeline.uncertainty import coinr
from pipeline.uncertainty.spec import Design, DesignError, build, load

DATA = Path(__file__).parent / "data" / "uncertainty"

BROKEN = {
    "settings": {"samples": 0, "confidence": 1.5, "colour": "red"},
    "assumptions": [
        {"name": "w", "kind": "weights", "levels": [4], "fraction": 1.5},
        {"name": "n", "kind": "normalisation", "alternatives": [{"method": "minmax"}]},
        {
            "name": "n2",
            "kind": "normalisation",
            "alternatives": [{"method": "softmax"}, {"method": "zscore", "mu": 3}],
        },
        {"name": "a", "kind": "aggregation", "alternatives": [{"method": "arithmetic"}, "x"]},
        {"name": "i", "kind": "imputation", "alternatives": ["group_mean", "hot_deck"]},
        {"name": "t", "kind": "winsorisation", "values": [1, -2], "method": "none"},
        {"name": "e", "kind": "exclusion", "indicators": ["LPI", "HH7"]},
        {"kind": "shuffle"},
        {
            "name": "e",
            "kind": "normalisation",
            "alternatives": [{"method": "edition", "p": 1}, {"method": "goalposts"}],
        },
    ],
}
EXPECTED_KEYS = [
    "settings.colour",
    "settings.samples",
    "settings.confidence",
    "assumptions[0].levels",
    "assumptions[0].fraction",
    "assumptions[1].alternatives must list at least 2",
    "assumptions[2].alternatives[0]: unknown normalisation method 'softmax'",
    "assumptions[2].alternatives[1]: zscore has no parameter 'mu'",
    "assumptions[3].alternatives[1]: an alternative needs a method",
    "assumptions[4].alternatives[1]: imputed input 'hot_deck'",
    "assumptions[5].values[1]: winmax must be a non-negative integer",
    "assumptions[5].method 'none' is not a treatment with a winmax limit",
    "assumptions[6].indicators[1]: 'HH7' is not an indicator",
    "assumptions[7].name is missing",
    "assumptions[7].kind 'shuffle'",
    "assumptions[8].alternatives[0]: the edition's own methods take no parameters",
    "assumptions[8].alternatives[1]: goalposts needs parameter 'goalpost'",
    "assumption name 'e' is used twice",
    "kind 'normalisation' is varied by more than one assumption",
]


@pytest.fixture(scope="module")
def asem():
    return coinr.asem_model(DATA)


def test_shipped_asem_design_is_clean(asem) -> None:
    design = load(INDICES / "coinr_asem.uncertainty.toml", asem)
    assert isinstance(design, Design)
    assert [a.kind for a in design.assumptions] == [
        "winsorisation", "normalisation", "weights", "aggregation"
    ]  # fmt: skip
    assert design.assumptions[0].choices == (1, 2, 3, 4, 5)
    assert design.assumptions[2].levels == (2, 3) and design.assumptions[2].fraction == 0.25


def test_every_shipped_design_parses_with_known_kinds() -> None:
    for path in sorted(INDICES.glob("*.uncertainty.toml")):
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        assert raw["settings"]["edition"] == path.name.removesuffix(".uncertainty.toml")
        assert raw["assumptions"], path


def test_broken_design_reports_every_problem_at_once(asem) -> None:
    with pytest.raises(DesignError) as caught:
        build(BROKEN, "broken.uncertainty.toml", asem)
    problems = caught.value.problems
    for key in EXPECTED_KEYS:
        assert any(key in problem for problem in problems), key
    assert len(problems) == len(EXPECTED_KEYS)
    findings = caught.value.findings()
    assert set(findings["rule_id"]) == {"MET-INVALID"}
    assert set(findings["severity"]) == {"error"}
    assert len(findings) == len(problems)
    assert findings["message"].str.startswith("broken.uncertainty.toml: ").all()


def test_design_without_assumptions_is_refused(asem) -> None:
    with pytest.raises(DesignError, match=r"no \[\[assumptions\]\] given"):
        build({"settings": {}}, "empty.toml", asem)


def test_exclusion_of_an_only_child_is_refused(asem) -> None:
    lonely = replace(asem.nodes[0], children=asem.nodes[0].children[:1], weights=np.ones(1))
    model = replace(asem, nodes=(lonely, *asem.nodes[1:]))
    code = model.codes[int(lonely.children[0])]
    raw = {"assumptions": [{"name": "drop", "kind": "exclusion", "indicators": [code]}]}
    with pytest.raises(DesignError, match="only child of its node"):
        build(raw, "x", model)


def test_exclusion_adds_the_full_set_as_first_choice(asem) -> None:
    raw = {"assumptions": [{"name": "drop", "kind": "exclusion", "indicators": ["LPI"]}]}
    assert build(raw, "x", asem).assumptions[0].choices == (None, "LPI")


def test_toml_syntax_error_is_a_design_error(tmp_path: Path, asem) -> None:
    """A TOML typo escaped as TOMLDecodeError instead of DesignError (exit code 1)."""
    (tmp_path / "typo.uncertainty.toml").write_text("[settings\n", encoding="utf-8")
    with pytest.raises(DesignError, match=r"(?s)typo\.uncertainty\.toml: .*not valid TOML"):
        load(tmp_path / "typo.uncertainty.toml", asem)


def test_two_weights_assumptions_on_one_level_are_refused(asem) -> None:
    """Both got design columns, but the tree keeps one multiplier per weight: the later
    assumption silently overrode the earlier, whose sensitivity index then read ~0."""
    raw = {
        "assumptions": [
            {"name": "w2", "kind": "weights", "levels": [2], "fraction": 0.25},
            {"name": "w23", "kind": "weights", "levels": [2, 3], "fraction": 0.5},
        ]
    }
    with pytest.raises(DesignError, match="level 2 is perturbed by more than one") as caught:
        build(raw, "x", asem)
    assert len(caught.value.problems) == 1
