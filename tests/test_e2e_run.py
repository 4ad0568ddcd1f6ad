"""``ictstats run`` on the shipped raw/: outputs, contents, idempotence, atomicity."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.findings import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from pipeline.paths import RAW
from pipeline.publish.tables import ranks_published
from pipeline.store import read_table
from pipeline.validate import cli as validate_cli

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
from runner import shipped_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run():
    return shipped_run()


def test_run_writes_every_output_and_exit_code_matches_findings(run):
    processed, code, _ = run
    for path in (
        "ingest/observations.parquet",
        "validate/findings.parquet",
        "sdg/series.parquet",
        "publication/ictstats_tables.xlsx",
        "publication/index.html",
        "manifest.json",
    ):
        assert (processed / path).is_file(), path
    findings = pd.concat(
        [
            read_table(processed / "ingest", "findings"),
            read_table(processed / "validate", "findings"),
        ]
    )
    expected = EXIT_FINDINGS if (findings["severity"] == "error").any() else EXIT_OK
    assert code == expected


def test_manifest_records_inputs_stages_and_outputs(run):
    processed, code, _ = run
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    raw_files = {p.relative_to(RAW.parent).as_posix() for p in RAW.rglob("*") if p.is_file()}
    assert set(manifest["inputs"]["raw"]) == {f for f in raw_files if "/." not in f}
    assert "schemas/indicators.csv" in manifest["inputs"]["schemas"]
    stages = [s["stage"] for s in manifest["stages"]]
    assert stages[:2] == ["ingest", "validate"] and stages[-1] == "publish"
    assert any(s.startswith("index ") for s in stages) and "sdg" in stages
    assert manifest["exit_code"] == code
    written = {p.relative_to(processed).as_posix() for p in processed.rglob("*") if p.is_file()}
    assert set(manifest["outputs"]) == written - {"manifest.json"}


def test_ranking_sheet_equals_index_scores_rounded_as_published(run):
    processed, _, _ = run
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    editions = [s["parameters"] for s in manifest["stages"] if s["stage"].startswith("index ")]
    edition = max(editions, key=lambda p: p["year"])["edition"]
    scores = read_table(processed / "index" / edition, "scores")
    top = scores[scores["level"] == scores["level"].max()].set_index("economy")
    book = load_workbook(processed / "publication" / "ictstats_tables.xlsx", read_only=True)
    rows = list(book[f"{edition}_ranking"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and "ISO3" in row)  # header row
    header = rows[start]
    iso = header.index("ISO3")
    body = [r for r in rows[start + 1 :] if r and r[iso] is not None and len(str(r[iso])) == 3]
    sheet = pd.DataFrame(body, columns=header).set_index("ISO3")
    assert set(sheet.index) == set(top.index[top["score"].notna()])
    expected = top["score_rounded"].reindex(sheet.index)
    assert (sheet["Score"].astype(float) - expected).abs().max() == 0
    if ranks_published(edition):
        assert (sheet["Rank"].astype(int) == top["rank"].reindex(sheet.index)).all()
    else:  # IDI 2023-2025 publish no ranks: listed from the highest score
        assert "Rank" not in sheet and list(sheet["Score"]) == sorted(sheet["Score"], reverse=True)
    csv = pd.read_csv(processed / "publication" / "tables" / f"{edition}_ranking.csv")
    assert list(csv["ISO3"]) == list(sheet.index)


def test_profiles_and_charts_exist_for_every_economy(run):
    processed, _, _ = run
    observations = read_table(processed / "ingest", "observations")
    profiles = {p.stem for p in (processed / "publication" / "profiles").glob("*.html")}
    assert set(observations["economy"]) <= profiles
    overview = (processed / "publication" / "index.html").read_text(encoding="utf-8")
    for chart in (processed / "publication" / "charts").glob("*.png"):
        assert f'src="charts/{chart.name}"' in overview


def _cells(processed: Path) -> list[tuple]:
    """Every cell value of the publication workbook (its zip bytes carry save timestamps)."""
    book = load_workbook(processed / "publication" / "ictstats_tables.xlsx", read_only=True)
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_rerun_is_idempotent_and_failure_keeps_previous_outputs(run, tmp_path, monkeypatch):
    first, _, _ = run
    target = tmp_path / "processed"
    assert main(["run", "--raw", str(RAW), "--processed", str(target)]) in (EXIT_OK, EXIT_FINDINGS)
    outputs = [json.loads((p / "manifest.json").read_text())["outputs"] for p in (first, target)]
    assert set(outputs[0]) == set(outputs[1])
    volatile = [name for name in outputs[0] if name.endswith(".xlsx") or name.startswith("logs/")]
    for name in set(outputs[0]) - set(volatile):
        assert outputs[0][name]["sha256"] == outputs[1][name]["sha256"], name
    assert _cells(first) == _cells(target)

    def crash(args):
        raise RuntimeError("simulated crash in validate")

    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    monkeypatch.setattr(validate_cli, "run", crash)
    assert main(["run", "--raw", str(RAW), "--processed", str(target)]) == EXIT_USAGE
    after = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
    # no staging folder left behind; the store of record beside processed/ only ever grows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "store"]


def test_missing_raw_folder_is_a_usage_error(tmp_path):
    assert (
        main(["run", "--raw", str(tmp_path / "nope"), "--processed", str(tmp_path)]) == EXIT_USAGE
    )


def test_publish_alone_rebuilds_publication(run, tmp_path):
    processed, _, _ = run
    copy = tmp_path / "processed"
    shutil.copytree(processed, copy)
    shutil.rmtree(copy / "publication")
    assert main(["publish", "--processed", str(copy)]) == EXIT_OK
    original = processed / "publication" / "tables"
    for path in original.glob("*.csv"):
        assert path.read_bytes() == (copy / "publication" / "tables" / path.name).read_bytes()
