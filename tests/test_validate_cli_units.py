"""The pieces of ``ictstats validate`` around the engine: languages, names, an unreadable
earlier vintage (pipeline/validate/cli.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.validate import cli

ECONOMIES = pd.DataFrame(
    {"economy": ["AAA", "BBB", "CCC"], "name": ["Aland", "Bland", "Cland"],
     "language": ["fr", "xx", None]}
)  # fmt: skip


def test_languages_from_the_option_else_the_reference_else_english(monkeypatch) -> None:
    monkeypatch.setattr(cli, "economies", lambda: ECONOMIES)
    assert cli.languages(["AAA", "BBB"], "es") == {"AAA": "es", "BBB": "es"}
    assert cli.languages(["AAA", "BBB", "CCC", "ZZZ"], None) == {
        "AAA": "fr", "BBB": "en", "CCC": "en", "ZZZ": "en"
    }  # fmt: skip
    monkeypatch.setattr(cli, "economies", lambda: ECONOMIES.drop(columns="language"))
    assert cli.languages(["AAA"], None) == {"AAA": "en"}


def test_names_fall_back_to_the_code(monkeypatch) -> None:
    monkeypatch.setattr(cli, "economies", lambda: ECONOMIES)
    names = cli._names(["BBB", "ZZZ"])
    assert names.values.tolist() == [["BBB", "Bland"], ["ZZZ", "ZZZ"]]


def test_an_unreadable_earlier_vintage_is_a_finding_not_a_stop(tmp_path: Path) -> None:
    assert cli._previous(None) == (None, None)
    broken = tmp_path / "old.parquet"
    broken.write_bytes(b"not parquet")
    previous, finding = cli._previous(broken)
    assert previous is None
    assert finding["rule_id"].tolist() == ["REV-PREVIOUS-UNREADABLE"]
    assert finding["source_file"].tolist() == [broken.as_posix()]
    assert "(ArrowInvalid: " in finding["message"].item(), "the error is in the message"
    good = tmp_path / "good.csv"
    good.write_text("economy,year,indicator,value\nAAA,2024,i271,5\n", encoding="utf-8")
    previous, finding = cli._previous(good)
    assert finding is None and previous["value"].tolist() == [5]


@pytest.mark.parametrize(("tasks", "jobs", "pooled"), [(7, 2, False), (8, 2, True), (8, 1, False)])
def test_reports_use_workers_only_for_eight_or_more_with_two_jobs(
    monkeypatch, tasks: int, jobs: int, pooled: bool
) -> None:
    used: list[str] = []
    monkeypatch.setattr(cli, "_write_report", lambda task: used.append("inline"))

    class Pool:
        def __init__(self, max_workers: int) -> None:
            assert max_workers == jobs

        def __enter__(self) -> Pool:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def map(self, function, items, chunksize: int):
            used.append(f"pool/{chunksize}")
            return list(items)

    monkeypatch.setattr(cli, "ProcessPoolExecutor", Pool)
    cli._write_reports([{}] * tasks, jobs)
    assert used == (["pool/4"] if pooled else ["inline"] * tasks)


@pytest.mark.parametrize(("no_reports", "recorded"), [(True, True), (False, True), (False, False)])
def test_queries_are_recorded_as_sent_only_with_reports(
    monkeypatch, tmp_path: Path, no_reports: bool, recorded: bool
) -> None:
    import argparse

    reads: list[Path] = []
    sent: list[list[str]] = []

    def read(store: Path) -> str:
        reads.append(store)
        return f"log{len(reads)}"

    def record(store, findings, log, where) -> bool:
        sent.append(list(findings["economy"]))
        assert (log, where) == ("log1", "validate/reports")
        return recorded

    monkeypatch.setattr(cli.decisions, "read", read)
    monkeypatch.setattr(cli, "record_sent", record)
    monkeypatch.setattr(cli, "load_policy", lambda: "policy")
    monkeypatch.setattr(cli, "finding_states", lambda findings, log, policy: log)
    monkeypatch.setattr(cli, "value_status", lambda observations, states, *_: states)
    args = argparse.Namespace(store=tmp_path / "store", processed=tmp_path, no_reports=no_reports)
    findings = pd.DataFrame({"economy": ["AAA", "BBB", None]})
    states, status = cli._statuses(args, pd.DataFrame(), findings, {"AAA"})
    assert reads[0] == tmp_path / "store"
    assert sent == ([] if no_reports else [["AAA"]])
    assert states == status == ("log2" if recorded and not no_reports else "log1")


def test_report_jobs_default_to_one_when_the_cores_are_unknown(monkeypatch) -> None:
    import argparse

    monkeypatch.setattr(cli.os, "cpu_count", lambda: None)
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    assert parser.parse_args(["validate"]).jobs == 1
    monkeypatch.setattr(cli.os, "cpu_count", lambda: 8)
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    assert parser.parse_args(["validate"]).jobs == 2


def test_the_error_of_an_unreadable_vintage_is_cut_at_200_characters(monkeypatch) -> None:
    def fail(path: Path) -> None:
        raise ValueError("x" * 300)

    monkeypatch.setattr(cli, "read_previous", fail)
    _, finding = cli._previous(Path("old.csv"))
    message = finding["message"].item()
    assert "(ValueError: " + "x" * 200 + ")" in message and "x" * 201 not in message


def test_a_report_for_an_economy_not_validated_takes_its_reference_language(
    monkeypatch, tmp_path: Path
) -> None:
    import argparse

    from pipeline.validate import Validation

    monkeypatch.setattr(cli, "economies", lambda: ECONOMIES)
    args = argparse.Namespace(lang=None, raw=tmp_path, processed=tmp_path)
    by_economy = pd.DataFrame({"economy": ["AAA", "BBB"], "rule_id": ["R1", "R2"]})
    result = Validation(pd.DataFrame(), pd.DataFrame(), by_economy)
    findings = pd.DataFrame({"economy": ["AAA", None], "source_file": ["a.xlsx", "x.xlsx"]})
    observations = pd.DataFrame({"economy": ["BBB"], "source_file": ["b.xlsx"]})
    names = pd.DataFrame({"economy": ["AAA", "BBB"], "name": ["Aland", "Bland"]})
    tasks = cli._report_tasks(args, result, findings, observations, {"BBB": "es"}, names)
    assert [(t["economy"], t["lang"], t["files"]) for t in tasks] == [
        ("AAA", "fr", ["a.xlsx"]), ("BBB", "es", ["b.xlsx"])
    ]  # fmt: skip
    assert tasks[0]["path"] == tmp_path / "validate" / "reports" / "AAA.xlsx"
    assert [t["summary"]["rule_id"].tolist() for t in tasks] == [["R1"], ["R2"]]
    assert [t["findings"]["source_file"].tolist() for t in tasks] == [["a.xlsx"], []]
