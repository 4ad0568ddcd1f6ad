"""``ictstats responses`` and ``ictstats decide`` (pipeline/validate/answers_cli.py): their
arguments, what they write to the decisions log and the closing line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pipeline import decisions, progress
from pipeline.findings import EXIT_OK, EXIT_USAGE
from pipeline.validate import answers_cli


@pytest.fixture(autouse=True)
def normal_output(monkeypatch) -> None:
    monkeypatch.setattr(progress, "LEVEL", progress.NORMAL)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    answers_cli.register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_responses_are_recorded_and_counted(tmp_path: Path, capsys) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "KEN.csv").write_text(
        "finding_id,response,explanation\nf1,other,a\nf2,will correct,b\nf3,other,c\n"
        "f4,perhaps,d\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    args = parse(["responses", str(forms), "--store", str(store)])
    assert args.handler(args) == EXIT_OK
    log = decisions.read(store)
    assert sorted(log["finding_id"]) == ["f1", "f2", "f3"]
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "responses: KEN.csv: finding f4: unknown answer 'perhaps'",
        f"responses: 3 answer(s) recorded (0 confirm, 1 correct, 2 other) → {store}",
    ]


def test_responses_of_a_missing_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:
    args = parse(["responses", str(tmp_path / "nope"), "--store", str(tmp_path / "store")])
    assert args.handler(args) == EXIT_USAGE
    assert "no such folder" in capsys.readouterr().err
    assert not (tmp_path / "store").exists()


def test_decide_logs_the_statisticians_decision(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    args = parse(["decide", "abc123", "reject", "--note", "not plausible", "--who", "Ana",
                  "--store", str(store)])  # fmt: skip
    assert args.handler(args) == EXIT_OK
    args = parse(["decide", "def456", "accept", "--store", str(store)])
    assert args.handler(args) == EXIT_OK
    log = decisions.read(store).sort_values("finding_id")
    assert log[["finding_id", "decision", "who", "note", "source"]].values.tolist() == [
        ["abc123", "reject", "Ana", "not plausible", "ictstats decide"],
        ["def456", "accept", "statistician", "", "ictstats decide"],
    ]
    err = capsys.readouterr().err.splitlines()
    assert err == [f"decide: abc123 rejected → {store}", f"decide: def456 accepted → {store}"]


def test_decide_takes_only_accept_or_reject(capsys) -> None:
    with pytest.raises(SystemExit):
        parse(["decide", "abc123", "confirm"])
    assert "invalid choice" in capsys.readouterr().err
