"""Methodology, rule and design files refuse unknown keys and misspelt words (MET-INVALID):
a typo must not switch a rule off or pick a default silently."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from pipeline.index.methodology import MethodologyError, edition_path, load
from pipeline.paths import INDICES, SCHEMAS
from pipeline.uncertainty import coinr
from pipeline.uncertainty.spec import DesignError, build
from pipeline.validate import catalogue


def test_misspelt_edition_key_is_refused(tmp_path):
    text = edition_path("idi_2023").read_text(encoding="utf-8")
    assert "min_indicators" in text
    broken = tmp_path / "idi_typo.toml"
    broken.write_text(text.replace("min_indicators", "min_indicator"), encoding="utf-8")
    with pytest.raises(MethodologyError) as error:
        load(broken)
    assert "edition.min_indicator: unknown key" in str(error.value)
    assert set(error.value.findings()["rule_id"]) == {"MET-INVALID"}


def test_unknown_key_of_an_indicator_entry_is_refused(tmp_path):
    text = edition_path("idi_2023").read_text(encoding="utf-8")
    broken = tmp_path / "idi_typo.toml"
    broken.write_text(text.replace("direction =", "directon =", 1), encoding="utf-8")
    with pytest.raises(MethodologyError, match="directon: unknown key"):
        load(broken)


def test_design_with_unknown_keys_is_refused():
    model = coinr.asem_model(coinr.COINR_REFERENCE)
    with (INDICES / "coinr_asem.uncertainty.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    raw["assumptions"][0]["mode"] = "relatve"
    raw["setting"] = {}
    with pytest.raises(DesignError) as error:
        build(raw, "broken.toml", model)
    assert "mode: unknown key" in str(error.value) and "'setting'" in str(error.value)


def test_rule_with_unknown_key_or_misspelt_direction_is_refused(tmp_path):
    shutil.copytree(SCHEMAS / "rules", tmp_path / "rules")
    path = tmp_path / "rules" / "admin.toml"
    text = path.read_text(encoding="utf-8")
    assert 'direction = "under"' in text
    text = text.replace('direction = "under"', 'direction = "undr"', 1)
    path.write_text(text.replace("why =", "whyy = 'x'\nwhy =", 1), encoding="utf-8")
    found = " | ".join(r["detail"] for r in catalogue.problems(catalogue.load(tmp_path / "rules")))
    assert "direction 'undr' not one of" in found and "unknown key 'whyy'" in found
