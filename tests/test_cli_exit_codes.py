"""One exit-code contract for every command: 0 ok, 1 error findings, 2 usage, IO or
methodology error (README, "Command line"). Each command is run here with a broken
methodology file — a TOML syntax error or a rule/edition that names something unknown — and
must answer 2 with a message naming the file, never 1 (which would say "the data has errors")
and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_sdg_series import observation, observations

from pipeline.cli import main
from pipeline.findings import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, coded_findings, exit_code
from pipeline.store import write_table

SYNTAX_ERROR = 'title = "unterminated\n[[pillar]\n'
UNKNOWN_NAMES = '[edition]\nname = "broken"\n[[pillar]]\nid = "P"\nindicators = ["NOPE"]\n'


def _processed(tmp_path: Path) -> Path:
    rows = [
        observation(code, value, economy=economy, year=2023)
        for economy in ("KEN", "GHA", "IND")
        for code, value in (("HH7", 50.0), ("i271pop", 95.0), ("i271", 1e6))
    ]
    write_table(observations(*rows), tmp_path / "processed" / "ingest", "observations")
    return tmp_path / "processed"


def _broken(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", [SYNTAX_ERROR, UNKNOWN_NAMES])
def test_index_with_a_broken_edition_exits_2(tmp_path, monkeypatch, capsys, text) -> None:
    from pipeline.index import cli

    broken = _broken(tmp_path, text)
    monkeypatch.setattr(cli, "edition_path", lambda name: broken)
    processed = _processed(tmp_path)
    assert main(["index", "--edition", "idi_2024", "--processed", str(processed)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "broken.toml" in err and "Traceback" not in err
    assert not (processed / "index").exists()


def test_uncertainty_with_a_broken_edition_exits_2(tmp_path, monkeypatch, capsys) -> None:
    from pipeline.uncertainty import cli

    broken = _broken(tmp_path, UNKNOWN_NAMES)
    monkeypatch.setattr(cli, "edition_path", lambda name: broken)
    processed = _processed(tmp_path)
    argv = ["uncertainty", "--edition", "idi_2024", "--processed", str(processed)]
    assert main(argv) == EXIT_USAGE
    assert "broken.toml" in capsys.readouterr().err


def test_uncertainty_with_a_broken_design_exits_2(tmp_path, capsys) -> None:
    design = _broken(tmp_path, SYNTAX_ERROR, "design.toml")
    argv = ["uncertainty", "--edition", "coinr_asem", "--design", str(design), "--n", "4",
            "--processed", str(tmp_path)]  # fmt: skip
    assert main(argv) == EXIT_USAGE
    assert "design.toml" in capsys.readouterr().err
    assert not (tmp_path / "uncertainty").exists()


def test_sdg_with_a_methodology_that_is_not_toml_exits_2(tmp_path, monkeypatch, capsys) -> None:
    from pipeline.sdg import cli
    from pipeline.sdg.definitions import load_methodology

    folder = tmp_path / "sdg"
    folder.mkdir()
    for name in ("series.toml", "aggregation.toml", "sdmx.toml"):
        _broken(folder, SYNTAX_ERROR if name == "aggregation.toml" else "", name)
    monkeypatch.setattr(cli, "load_methodology", lambda: load_methodology(folder))
    assert main(["sdg", "--processed", str(_processed(tmp_path))]) == EXIT_USAGE
    assert "Traceback" not in capsys.readouterr().err


BROKEN_RULE = """
[[rule]]
id = "RNG-BROKEN"
label = "A rule of a kind that does not exist"
why = "test"
source = "test"
severity = "error"
kind = "no_such_kind"
message = "{value}"
params = { indicators = ["HH7"] }
"""


def _validate_with_rules(tmp_path, monkeypatch, text: str) -> Path:
    """Run ``ictstats validate`` with a rule folder holding one file of ``text``."""
    from pipeline.validate import catalogue

    rules = tmp_path / "rules"
    rules.mkdir()
    _broken(rules, text, "household.toml")
    load = catalogue.load
    monkeypatch.setattr(catalogue, "load", lambda directory=rules: load(directory))
    processed = _processed(tmp_path)
    assert main(["validate", "--processed", str(processed), "--no-reports"]) == EXIT_USAGE
    return processed


def test_validate_with_a_broken_rule_file_exits_2(tmp_path, monkeypatch) -> None:
    processed = _validate_with_rules(tmp_path, monkeypatch, BROKEN_RULE)
    findings = pd.read_csv(processed / "validate" / "findings.csv")
    assert "MET-INVALID" in set(findings["rule_id"]), "the problem is still reported"


def test_validate_with_a_rule_file_that_is_not_toml_exits_2(tmp_path, monkeypatch, capsys) -> None:
    _validate_with_rules(tmp_path, monkeypatch, SYNTAX_ERROR)
    assert "household.toml is not valid TOML" in capsys.readouterr().err


def test_docs_with_a_rule_file_that_is_not_toml_exits_2(tmp_path, monkeypatch, capsys) -> None:
    from pipeline import readme

    rules = tmp_path / "rules"
    rules.mkdir()
    _broken(rules, SYNTAX_ERROR, "admin.toml")
    table = readme.rule_table
    monkeypatch.setitem(readme.BLOCKS, "rules", lambda: table(rules))
    assert main(["docs", "--check"]) == EXIT_USAGE
    assert "admin.toml" in capsys.readouterr().err


def test_run_with_a_broken_edition_exits_2(tmp_path, monkeypatch, capsys) -> None:
    from pipeline.index import methodology

    broken = _broken(tmp_path, SYNTAX_ERROR)
    monkeypatch.setattr(methodology, "edition_path", lambda name: broken)
    raw = tmp_path / "raw"
    raw.mkdir()
    argv = ["run", "--raw", str(raw), "--processed", str(tmp_path / "processed")]
    assert main(argv) == EXIT_USAGE
    assert "Traceback" not in capsys.readouterr().err


def test_exit_code_of_findings_puts_methodology_before_data_errors() -> None:
    def findings(*codes: str):
        rows = [{"source_file": "schemas/x.toml", "detail": "d", "economy": "KEN"}]
        return pd.concat([coded_findings("validate", code, rows) for code in codes])

    assert exit_code(findings("MET-INVALID")) == EXIT_USAGE
    assert exit_code(findings("RULE-CRASHED", "MET-INVALID")) == EXIT_USAGE
    assert exit_code(findings("RULE-CRASHED")) == EXIT_FINDINGS
    assert exit_code(findings("REV-REVISED")) == EXIT_OK
    assert exit_code(findings("REV-REVISED").iloc[0:0]) == EXIT_OK


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (SYNTAX_ERROR, "estimate"),
        ('[[cascade]]\nindicators = ["HH7"]\nsteps = [{ method = "guess" }]\n', "estimate"),
        ('[[cascade]]\nindicators = ["HH7"]\nsteps = [{ method = "guess" }]\n', "sdg"),
    ],
)
def test_a_broken_estimation_cascade_exits_2(tmp_path, monkeypatch, capsys, text, command) -> None:
    """``estimate`` names the file; a stage that estimates on the way (sdg, index) stops with
    the same one-line cause, never a traceback and never the findings code 1."""
    from pipeline.estimate import cascade

    folder = tmp_path / "estimation"
    folder.mkdir()
    _broken(folder, text, "broken.toml")
    monkeypatch.setattr(cascade, "ESTIMATION", folder)
    assert main([command, "--processed", str(_processed(tmp_path))]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "broken.toml" in err and "Traceback" not in err
