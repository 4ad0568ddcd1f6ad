"""Staging, manifest and summary of ``ictstats run``, without running the stages."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from pipeline import progress
from pipeline.publish import staging
from pipeline.publish.manifest import StageRecord, build_manifest, manifest_json, sha256
from pipeline.publish.run import StageError, Step, available, run_step
from pipeline.publish.summary import human, summary


def _previous(processed: Path) -> None:
    (processed / "ingest").mkdir(parents=True)
    (processed / "ingest" / "observations.csv").write_text("old\n")
    (processed / "README.md").write_text("kept\n")


def test_success_replaces_the_whole_folder_and_keeps_readme(tmp_path):
    processed = tmp_path / "processed"
    _previous(processed)
    with staging.staged(processed) as folder:
        (folder / "sdg").mkdir()
        (folder / "sdg" / "series.csv").write_text("new\n")
    assert (processed / "sdg" / "series.csv").read_text() == "new\n"
    assert not (processed / "ingest").exists()
    assert (processed / "README.md").read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_failure_mid_run_leaves_previous_outputs_intact(tmp_path):
    processed = tmp_path / "processed"
    _previous(processed)
    with pytest.raises(RuntimeError, match="stage crashed"), staging.staged(processed) as folder:
        (folder / "ingest").mkdir()
        (folder / "ingest" / "observations.csv").write_text("half\n")
        raise RuntimeError("stage crashed")
    assert (processed / "ingest" / "observations.csv").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_two_rename_fallback_and_recovery(tmp_path, monkeypatch):
    processed = tmp_path / "processed"
    _previous(processed)
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    with staging.staged(processed) as folder:
        (folder / "new.txt").write_text("new\n")
    assert (processed / "new.txt").exists() and not (processed / "ingest").exists()
    aside = tmp_path / ".processed.previous-1"
    processed.rename(aside)
    staging.recover(processed)
    assert (processed / "new.txt").exists() and not aside.exists()


def test_exchange_is_atomic_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a")
    if not staging._exchange(a, b):
        pytest.skip("renameat2 not available on this platform")
    assert (b / "x").read_text() == "a" and not (a / "x").exists()


def test_manifest_hashes_inputs_and_outputs(tmp_path):
    raw, schemas, out = tmp_path / "raw", tmp_path / "schemas", tmp_path / "processed"
    for folder in (raw, schemas, out):
        folder.mkdir()
    (raw / "AFG.xlsx").write_bytes(b"workbook")
    (schemas / "indicators.csv").write_text("code\n")
    (out / "publication").mkdir()
    (out / "publication" / "index.html").write_text("<html></html>")
    record = StageRecord("ingest", "ingest_folder", {"raw": "raw"}, {"observations": 3}, 0.5)
    manifest = build_manifest(raw, schemas, out, [record], 0)
    assert manifest["inputs"]["raw"] == {"raw/AFG.xlsx": sha256(raw / "AFG.xlsx")}
    assert list(manifest["inputs"]["schemas"]) == ["schemas/indicators.csv"]
    assert manifest["outputs"]["publication/index.html"]["bytes"] == 13
    assert manifest["stages"][0]["counts"] == {"observations": 3}
    assert json.loads(manifest_json(manifest)) == manifest
    screen = summary(manifest, out, 1.25)
    assert "ingest" in screen and "exit code 0" in screen and len(screen.splitlines()) < 40


@pytest.mark.parametrize(("size", "text"), [(12, "12 B"), (1_500, "1.5 kB"), (2_000_000, "2.0 MB")])
def test_human_sizes(size, text):
    assert human(size) == text


def _parser(handler) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    stage = sub.add_parser("stage")
    stage.set_defaults(handler=handler)
    return parser


def test_run_step_records_counts_and_logs_stdout(tmp_path):
    def handler(args):
        print("closing note")
        return 1

    step = Step("stage", ["stage"], "method", {"p": 1}, lambda folder: {"rows": 3})
    record = run_step(_parser(handler), step, tmp_path)
    assert (record.exit_code, record.counts, record.parameters) == (1, {"rows": 3}, {"p": 1})
    assert "closing note" in (tmp_path / "logs" / "stage.txt").read_text(encoding="utf-8")
    assert available(_parser(handler)) == {"stage"}


def test_run_step_logs_closing_notes_written_to_stderr(tmp_path, capsys):
    """index, validate and uncertainty print their closing note on stderr (progress.say): the
    log kept it empty while the README promised each stage's closing note in logs/."""

    def handler(args):
        list(progress.progress(range(20), 20, "reports", every=10))
        progress.say(f"index demo: 3 economies scored; wrote {tmp_path}/index/demo")
        return 0

    run_step(_parser(handler), Step("stage", ["stage"], "method"), tmp_path)
    log = (tmp_path / "logs" / "stage.txt").read_text(encoding="utf-8")
    assert "index demo: 3 economies scored; wrote <processed>/index/demo\n" in log
    assert "reports:" not in log
    assert "index demo: 3 economies scored" in capsys.readouterr().err


@pytest.mark.parametrize("outcome", ["usage", "crash"])
def test_run_step_stops_the_run_on_usage_error_or_crash(tmp_path, outcome):
    def handler(args):
        if outcome == "crash":
            raise ValueError("bug")
        return 2

    with pytest.raises(StageError, match="stage"):
        run_step(_parser(handler), Step("stage", ["stage"], "method"), tmp_path)


def test_run_checks_revisions_against_the_outputs_it_replaces(tmp_path: Path) -> None:
    """Issue #3: a rerun validates the new returns against the previous vintage in processed/."""
    from pipeline.publish import run as plan

    previous = tmp_path / "processed" / "ingest" / "observations.parquet"
    validate = plan.first_steps(tmp_path / "raw", tmp_path / "staging", previous)[1]
    assert validate.argv[-2:] == ["--previous", str(previous)]
    assert validate.parameters == {"previous_vintage": True}
    first = plan.first_steps(tmp_path / "raw", tmp_path / "staging")[1]
    assert "--previous" not in first.argv


def test_publish_without_observations_exits_2_instead_of_crashing(tmp_path, capsys):
    """An ingest of a raw folder with no return leaves an empty observation table; publish
    crashed on it (``int(NaN)`` for the reference year) with exit code 1, read as findings."""
    from pipeline.cli import main

    (tmp_path / "raw").mkdir()
    assert main(["ingest", str(tmp_path / "raw"), "-o", str(tmp_path / "processed")]) == 0
    capsys.readouterr()
    assert main(["publish", "--processed", str(tmp_path / "processed")]) == 2
    assert "no observations" in capsys.readouterr().err
    assert not (tmp_path / "processed" / "publication").exists()


def test_run_reports_a_publish_crash_with_exit_2_and_keeps_outputs(tmp_path, monkeypatch):
    """The publish step ran outside the stage error handling: a crash there left ictstats run
    with Python's exit code 1 (read as error findings) instead of 2 (README: crash → 2)."""
    from pipeline.cli import main
    from pipeline.publish import cli

    def crash(processed, target):
        raise ValueError("bug in a publish builder")

    monkeypatch.setattr(cli.plan, "first_steps", lambda *args: [])
    monkeypatch.setattr(cli.plan, "last_steps", lambda *args: [])
    monkeypatch.setattr(cli, "_years", lambda staging: set())
    monkeypatch.setattr(cli, "publish_stage", crash)
    (tmp_path / "raw").mkdir()
    previous = tmp_path / "processed" / "ingest" / "observations.csv"
    previous.parent.mkdir(parents=True)
    previous.write_text("kept\n", encoding="utf-8")
    argv = ["run", "--raw", str(tmp_path / "raw"), "--processed", str(previous.parents[1])]
    assert main(argv) == 2
    assert previous.read_text(encoding="utf-8") == "kept\n"
