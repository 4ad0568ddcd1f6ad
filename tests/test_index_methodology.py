"""Methodology files: every shipped edition is clean; a broken one reports every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.findings import FINDINGS_SCHEMA
from pipeline.index.methodology import (
    MethodologyError,
    available_editions,
    edition_path,
    load,
    parse_weight,
)

SHIPPED = ("idi_2017", "idi_2023", "idi_2024", "idi_2025")


def test_shipped_editions_are_listed() -> None:
    assert set(SHIPPED) <= set(available_editions())


@pytest.mark.parametrize("name", available_editions())
def test_every_shipped_edition_loads_clean(name: str) -> None:
    methodology = load(edition_path(name))
    assert methodology.name == name
    assert methodology.index in set(methodology.nodes["code"])


def test_idi_2023_to_2025_share_the_methodology_and_differ_in_reference_year() -> None:
    editions = [load(name) for name in ("idi_2023", "idi_2024", "idi_2025")]
    assert [m.reference_year for m in editions] == [2021, 2022, 2023]
    first = editions[0].indicators
    for other in editions[1:]:
        assert other.indicators.to_dict("records") == first.to_dict("records")


def test_idi_2017_has_eleven_indicators_and_40_40_20_weights() -> None:
    methodology = load("idi_2017")
    assert len(methodology.indicators) == 11
    weights = methodology.nodes.set_index("code")["weight"]
    assert weights[["ACCESS", "USE", "SKILLS"]].tolist() == [0.4, 0.4, 0.2]


BROKEN = """
[edition]
name = "broken"
index = "IDX"
ties = "random"

[[nodes]]
code = "IDX"
aggregation = "median"

[[nodes]]
code = "P1"
parent = "IDX"
weight = 0.7

[[nodes]]
code = "P2"
parent = "P3"
weight = 0.2

[[nodes]]
code = "P3"
parent = "P2"
weight = 0.1

[[nodes]]
code = "EMPTY"
parent = "IDX"
weight = 0.1

[[indicators]]
code = "HH7"
parent = "P1"
weight = 0.5
normalisation = { method = "goalposts", threshold = 0 }

[[indicators]]
code = "NOPE"
parent = "P1"
weight = "a/b"
normalisation = { method = "magic" }

[[indicators]]
code = "HH6"
parent = "P9"
direction = 2
transform = "sqrt"
normalisation = { method = "minmax", colour = "red" }
imputation = [{ method = "guess" }]

[[indicators]]
code = "HH4"
parent = "P1"
weight = 0.5
normalisation = { method = "reference", reference = 100 }

[[indicators]]
code = "HH18"
parent = "P3"
direction = 1
normalisation = { method = "goalposts", threshold = 50, goalpost = 0 }
"""

EXPECTED_PROBLEMS = (
    "edition.ties",
    "unknown method 'median'",
    "indicators[NOPE]: not in the indicator dictionary",
    "indicators[HH6].parent 'P9' is not a node",
    "nodes[EMPTY] has no children",
    "cycle",
    "weights of the children of IDX sum to 0.8",
    "indicators[NOPE].weight 'a/b'",
    "goalposts needs 'goalpost'",
    "unknown method 'magic'",
    "unknown parameter 'colour'",
    "unknown transform 'sqrt'",
    "unknown method 'guess'",
    "direction 2 must be 1 or -1",
    "indicators[HH18]: goalpost and threshold disagree",
    "indicators[HH4].normalisation.scale 1.0 differs from edition.scale 100",
)


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_broken_file_reports_every_problem_at_once(broken_file: Path) -> None:
    with pytest.raises(MethodologyError) as caught:
        load(broken_file)
    text = "\n".join(caught.value.problems)
    missing = [fragment for fragment in EXPECTED_PROBLEMS if fragment not in text]
    assert not missing, text


def test_problems_become_met_invalid_findings(broken_file: Path) -> None:
    with pytest.raises(MethodologyError) as caught:
        load(broken_file)
    findings = FINDINGS_SCHEMA.validate(caught.value.findings())
    assert set(findings["rule_id"]) == {"MET-INVALID"}
    assert set(findings["severity"]) == {"error"}
    assert len(findings) == len(caught.value.problems)
    assert findings["message"].str.startswith("broken.toml: ").all()


def test_extends_inherits_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(edition_path("idi_2023").read_text(), encoding="utf-8")
    (tmp_path / "child.toml").write_text(
        'extends = "base"\n[edition]\nname = "child"\nedition_year = 2030\n', encoding="utf-8"
    )
    child = load(tmp_path / "child.toml")
    assert child.name == "child"
    assert child.reference_year == 2028
    assert len(child.indicators) == 10


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a"\n', encoding="utf-8")
    with pytest.raises(MethodologyError, match="extends cycle"):
        load(tmp_path / "a.toml")


@pytest.mark.parametrize(("text", "value"), [("1/3", 1 / 3), (0.4, 0.4), (1, 1.0), (" 2/5 ", 0.4)])
def test_parse_weight_accepts_numbers_and_fractions(text: object, value: float) -> None:
    assert parse_weight(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1/0", "one third", True])
def test_parse_weight_rejects_non_numbers(text: object) -> None:
    with pytest.raises((ValueError, ZeroDivisionError)):
        parse_weight(text)


def test_toml_syntax_error_is_a_methodology_error(tmp_path: Path) -> None:
    """A TOML typo escaped as TOMLDecodeError, so ``ictstats index`` ended in a traceback
    instead of exit code 1 with the file named."""
    (tmp_path / "typo.toml").write_text("[edition\nname = 'typo'\n", encoding="utf-8")
    with pytest.raises(MethodologyError, match=r"(?s)typo\.toml: .*not valid TOML"):
        load(tmp_path / "typo.toml")


def test_non_numeric_parameters_are_problems_not_a_crash(tmp_path: Path) -> None:
    """``goalpost = "n/a"`` or ``min_share = "all"`` raised a bare ValueError from float()
    (no file, no key) and hid every other problem of the file."""
    text = BROKEN.replace("goalpost = 0 }", 'goalpost = "n/a" }').replace(
        'code = "IDX"\n', 'code = "IDX"\nmin_share = "all"\n', 1
    )
    path = tmp_path / "typos.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MethodologyError) as caught:
        load(path)
    text = "\n".join(caught.value.problems)
    assert "indicators[HH18].normalisation.goalpost 'n/a' is not a number" in text
    assert "nodes[IDX].min_share 'all' must be a number" in text
    assert "direction 2 must be 1 or -1" in text, "the other problems are still reported"


def test_defaults_of_an_edition_that_sets_nothing() -> None:
    """What a minimal edition file means (schemas/indices/README.md): every setting left out
    takes its documented default."""
    from pipeline.index.methodology import build

    raw = {
        "edition": {"name": "t", "index": "IDX", "edition_year": 2024},
        "nodes": [{"code": "IDX"}],
        "indicators": [{"code": "i1", "parent": "IDX", "normalisation": "minmax"}],
    }
    methodology = build(raw, "t.toml", None)
    assert {k: methodology.edition[k] for k in raw["edition"]} == raw["edition"]
    assert {k: v for k, v in methodology.edition.items() if k not in raw["edition"]} == {
        "reference_year_offset": 0,
        "min_indicators": 0,
        "scale": 100,
        "rounding": 1,
        "ties": "distinct",
        "ranks_published": True,
        "weights": "absolute",
        "estimation": False,
    }
    assert methodology.reference_year == 2024
    indicator = methodology.indicators.iloc[0]
    assert indicator["transform"] == "none"
    assert indicator["treatment"] == {"method": "none"}
    assert indicator["normalisation"] == {"method": "minmax"}
    assert indicator["imputation"] == []
    assert (indicator["weight"], indicator["direction"]) == (1.0, 1)
    assert methodology.nodes.iloc[0]["aggregation"] == {"method": "arithmetic"}
    assert methodology.nodes.iloc[0]["min_share"] == 0.0
    del raw["indicators"][0]["normalisation"]
    with pytest.raises(MethodologyError) as error:
        build(raw, "t.toml", None)
    assert error.value.problems == ["indicators[i1].normalisation: goalposts needs 'goalpost'"]


def test_a_file_without_suffix_is_read_as_given(tmp_path: Path) -> None:
    """Only a name that is no file is looked up among the shipped editions."""
    path = tmp_path / "draft"
    path.write_text(edition_path("idi_2017").read_text(encoding="utf-8"), encoding="utf-8")
    assert load(path).name == "idi_2017"
    assert load("idi_2017").source == "idi_2017.toml"


def test_nodes_carry_their_computed_level_and_may_not_set_one() -> None:
    from pipeline.index.methodology import build

    raw = {
        "edition": {"name": "t", "index": "IDX"},
        "nodes": [{"code": "IDX"}],
        "indicators": [{"code": "i1", "parent": "IDX", "normalisation": "minmax"}],
    }
    nodes = build(raw, "t.toml", None).nodes
    assert list(nodes.columns) == [
        "code", "name", "parent", "weight", "aggregation", "min_share", "level"
    ]  # fmt: skip
    raw["nodes"][0]["level"] = 5
    with pytest.raises(MethodologyError) as error:
        build(raw, "t.toml", None)
    assert error.value.problems == ["nodes[0].level: unknown key"]


def test_a_loaded_methodology_cannot_be_rebound() -> None:
    """Editions are shared by the engine, the uncertainty model and publication: read-only."""
    import dataclasses

    methodology = load("idi_2017")
    with pytest.raises(dataclasses.FrozenInstanceError):
        methodology.name = "other"  # type: ignore[misc]


def test_typos_are_reported_in_every_table_and_node_names_default_to_codes() -> None:
    from pipeline.index.methodology import build

    raw = {
        "edition": {"name": "t", "index": "IDX", "tyes": "min"},
        "defaults": {"normalization": "minmax"},
        "nodes": [{"code": "IDX", "wieght": 1}],
        "indicators": [{"code": "i1", "parent": "IDX", "normalisation": "minmax", "dir": -1}],
        "indicator": [],
    }
    with pytest.raises(MethodologyError) as error:
        build(raw, "t.toml", None)
    assert error.value.problems == [
        "unknown key 'indicator'",
        "edition.tyes: unknown key",
        "defaults.normalization: unknown key",
        "indicators[0].dir: unknown key",
        "nodes[0].wieght: unknown key",
    ]
    for key in ("tyes", "normalization", "wieght", "dir"):
        for table in (raw["edition"], raw["defaults"], raw["nodes"][0], raw["indicators"][0]):
            table.pop(key, None)
    del raw["indicator"]
    raw["nodes"].append({"code": "P", "name": "Pillar", "parent": "IDX"})
    raw["indicators"].append({"code": "i2", "parent": "P", "normalisation": "minmax"})
    raw["indicators"][0]["weight"] = raw["nodes"][1]["weight"] = 0.5
    nodes = build(raw, "t.toml", None).nodes.set_index("code")
    assert nodes["name"].to_dict() == {"IDX": "IDX", "P": "Pillar"}


def test_each_finding_carries_its_problem_text(broken_file: Path) -> None:
    with pytest.raises(MethodologyError) as caught:
        load(broken_file)
    messages = caught.value.findings()["message"].tolist()
    assert [m.removeprefix("broken.toml: ") for m in messages] == caught.value.problems
