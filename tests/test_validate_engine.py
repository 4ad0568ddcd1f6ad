"""The validate engine (pipeline/validate/__init__.py, engine.py, structure.py, revisions.py):
outcomes counted per rule, a crashing rule reported and the rest run, messages in three
languages, dictionary checks with pandera, and revisions against an earlier vintage."""

from __future__ import annotations

import dataclasses

import pandas as pd

from pipeline.findings import FINDING_COLUMNS, exit_code
from pipeline.validate import catalogue, validate
from pipeline.validate.engine import SUMMARY_COLUMNS
from pipeline.validate.examples import observations
from pipeline.validate.kinds import REGISTRY

RULES = {rule.id: rule for rule in catalogue.load()}
POP = pd.DataFrame({"economy": ["AAA", "BBB"], "year": [2024, 2024], "population": [1e6, 1e6]})

ROWS = [
    {"indicator": "i271G", "value": 99.5},
    {"indicator": "i271pop", "value": 87.5},
    {"indicator": "i271", "value": 1_200_000},
    {"indicator": "i271p", "value": 900_000},
    {"economy": "BBB", "indicator": "HH7", "value": 64},
]


def _frame(rows: list[dict] = ROWS) -> pd.DataFrame:
    return observations({"observations": rows})


def test_findings_and_summary_counts() -> None:
    rules = (RULES["COV-ORDER-3G-2G"], RULES["PART-PREPAID-MOBILE"], RULES["RNG-HH-PCT"])
    result = validate(_frame(), POP, rules=rules)
    findings = result.findings
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert list(findings["rule_id"]) == ["COV-ORDER-3G-2G"]
    row = findings.iloc[0]
    assert (row["economy"], row["year"], row["indicator"]) == ("AAA", 2024, "i271G")
    assert (row["value"], row["expected"], row["severity"]) == ("99.5", "≤ 87.5", "error")
    assert row["source_file"] == "example.xlsx" and row["cell"] == "J9"
    assert row["message"] == "3G population coverage 99.5 % is above 2G coverage (≤ 87.5 %) in 2024"
    assert exit_code(findings) == 1
    summary = result.rule_summary.set_index("rule_id")
    assert tuple(result.rule_summary.columns) == SUMMARY_COLUMNS
    assert summary.loc["COV-ORDER-3G-2G", ["items", "passes", "fails"]].tolist() == [1, 0, 1]
    assert summary.loc["PART-PREPAID-MOBILE", ["items", "passes", "fails"]].tolist() == [1, 1, 0]
    by_eco = result.rule_summary_by_economy
    assert len(by_eco) == 2 * len(rules)
    bbb = by_eco[(by_eco["economy"] == "BBB") & (by_eco["rule_id"] == "RNG-HH-PCT")]
    assert bbb[["items", "passes"]].iloc[0].tolist() == [1, 1]


def test_a_crashing_rule_is_a_finding_and_the_others_still_run(monkeypatch) -> None:
    def boom(obs, params, context):
        raise ZeroDivisionError("deliberate")

    monkeypatch.setitem(REGISTRY, "range", dataclasses.replace(REGISTRY["range"], function=boom))
    rules = (RULES["RNG-HH-PCT"], RULES["COV-ORDER-3G-2G"])
    result = validate(_frame(), POP, rules=rules)
    crashed = result.findings[result.findings["rule_id"] == "RULE-CRASHED"]
    assert len(crashed) == 1 and "RNG-HH-PCT" in crashed["message"].iloc[0]
    assert "deliberate" in crashed["message"].iloc[0]
    assert "COV-ORDER-3G-2G" in set(result.findings["rule_id"])
    summary = result.rule_summary.set_index("rule_id")
    assert bool(summary.loc["RNG-HH-PCT", "crashed"]) and summary.loc["RNG-HH-PCT", "items"] == 0


def test_broken_rule_is_met_invalid_and_skipped() -> None:
    broken = dataclasses.replace(RULES["RNG-HH-PCT"], id="RNG-BROKEN", kind="astrology")
    result = validate(_frame(), POP, rules=(broken, RULES["COV-ORDER-3G-2G"]))
    met = result.findings[result.findings["rule_id"] == "MET-INVALID"]
    assert len(met) == 1 and "unknown kind" in met["message"].iloc[0]
    assert "RNG-BROKEN" not in set(result.rule_summary["rule_id"])


def test_messages_in_french_and_spanish() -> None:
    rules = (RULES["COV-ORDER-3G-2G"],)
    fr = validate(_frame(), POP, rules=rules, languages={"AAA": "fr"}).findings
    es = validate(_frame(), POP, rules=rules, languages={"AAA": "es"}).findings
    assert fr["message"].iloc[0].startswith("La couverture 3G de la population 99.5 %")
    assert es["message"].iloc[0].startswith("La cobertura 3G de la población 99.5 %")


def test_translations_cover_every_rule_with_the_same_placeholders() -> None:
    import string

    from pipeline.validate.messages import translations

    for lang in ("fr", "es"):
        texts = translations(lang)["rules"]
        assert set(texts) == set(RULES), lang
        for rule_id, text in texts.items():
            names = {n for _, n, _, _ in string.Formatter().parse(text["message"]) if n}
            english = {n for _, n, _, _ in string.Formatter().parse(RULES[rule_id].message) if n}
            assert names == english, (lang, rule_id)


def test_structure_findings_for_wrong_unit_and_breakdown() -> None:
    frame = _frame(
        [
            {"indicator": "i271", "value": 5, "unit": "thousands"},
            {"indicator": "i271", "sex": "F", "value": 5},
            {"indicator": "HH7", "value": 50},
        ]
    )
    findings = validate(frame, POP, rules=()).findings
    structure = findings[findings["rule_id"] == "VAL-STRUCTURE"]
    assert sorted(structure["cell"]) == ["J10", "J9"]
    assert structure["message"].str.contains("unit_matches_dictionary").any()
    assert structure["message"].str.contains("breakdown_allowed").any()


def test_revisions_against_long_and_wide_vintages() -> None:
    long = pd.DataFrame(
        {
            "economy": ["AAA", "AAA"],
            "year": [2024, 2024],
            "indicator": ["i271", "i271p"],
            "value": [1_100_000, 900_000],
        }
    )
    found = validate(_frame(), POP, rules=(), previous=long).findings
    revised = found[found["rule_id"] == "REV-REVISED"]
    assert revised[["indicator", "value", "expected"]].values.tolist() == [
        ["i271", "1200000", "1100000"]
    ]
    assert revised["message"].iloc[0] == "i271 2024 revised from 1100000 to 1200000"
    wide = pd.DataFrame({"economy": ["AAA"], "year": [2024], "i271G": [99.5], "i271pop": [90.0]})
    found = validate(_frame(), POP, rules=(), previous=wide).findings
    assert found.loc[found["rule_id"] == "REV-REVISED", "indicator"].tolist() == ["i271pop"]
    assert exit_code(found) == 0


def test_read_previous_accepts_parquet_folder_and_csv(tmp_path) -> None:
    from pipeline.validate.revisions import read_previous

    frame = _frame()
    (tmp_path / "ingest").mkdir()
    frame.to_parquet(tmp_path / "ingest" / "observations.parquet")
    assert len(read_previous(tmp_path / "ingest")) == len(frame)
    wide = tmp_path / "datahub.csv"
    wide.write_text("economy,year,i271,i992b\nAAA,2024,1000000,\n", encoding="utf-8")
    found = validate(frame, POP, rules=(), previous=read_previous(wide)).findings
    assert found.loc[found["rule_id"] == "REV-REVISED", "expected"].tolist() == ["1000000"]


def test_previous_vintage_row_without_year_is_skipped_not_a_crash() -> None:
    """A blank year in an earlier vintage (e.g. a DataHub export's note row) is no revision."""
    previous = pd.DataFrame(
        {
            "economy": ["AAA", "AAA"],
            "year": [2024, None],
            "indicator": ["i271", "i271"],
            "value": [1_100_000, 5],
        }
    )
    found = validate(_frame(), POP, rules=(), previous=previous).findings
    revised = found[found["rule_id"] == "REV-REVISED"]
    assert revised[["indicator", "value", "expected"]].values.tolist() == [
        ["i271", "1200000", "1100000"]
    ]
