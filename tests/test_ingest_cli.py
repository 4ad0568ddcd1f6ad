"""``ictstats template`` and ``ictstats ingest`` end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.paths import RAW

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus


def test_template_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "KEN.xlsx"
    code = main(
        ["template", "--economy", "ken", "--year", "2024", "--kind", "admin", "-o", str(out)]
    )
    assert code == 0
    assert str(out) in capsys.readouterr().out
    header = [c.value for c in openpyxl.load_workbook(out)["Mobile"][8]]
    assert [v for v in header if isinstance(v, int)] == [2023, 2024]


def test_template_refuses_bad_economy(tmp_path: Path) -> None:
    args = ["template", "--economy", "Kenya", "--year", "2024", "--kind", "admin"]
    assert main([*args, "-o", str(tmp_path / "x.xlsx")]) == 2


def test_ingest_clean_folder_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    ingest_corpus.filled(raw, economy="KEN")
    ingest_corpus.filled(raw, kind="household", economy="KEN")
    code = main(["ingest", str(raw), "-o", str(tmp_path / "processed")])
    assert code == 0
    out = capsys.readouterr().out
    assert "observations: 8" in out and "economies: 1" in out
    written = pd.read_parquet(tmp_path / "processed" / "ingest" / "observations.parquet")
    assert len(written) == 8
    assert (tmp_path / "processed" / "ingest" / "findings.csv").exists()


def test_ingest_error_findings_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    ingest_corpus.filled(raw)
    (raw / "UGA_2023_admin.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert main(["ingest", str(raw), "-o", str(tmp_path / "processed")]) == 1
    assert "ING-LEGACY-XLS" in capsys.readouterr().out


def test_ingest_missing_folder_exits_2(tmp_path: Path) -> None:
    assert main(["ingest", str(tmp_path / "missing"), "-o", str(tmp_path / "p")]) == 2


@pytest.mark.slow
def test_ingest_shipped_raw(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole shipped raw/: the deliberately flawed returns make it exit 1."""
    code = main(["ingest", str(RAW), "-o", str(tmp_path)])
    out = capsys.readouterr().out
    observations = pd.read_parquet(tmp_path / "ingest" / "observations.parquet")
    findings = pd.read_parquet(tmp_path / "ingest" / "findings.parquet")
    assert code == (1 if (findings["severity"] == "error").any() else 0)
    assert f"observations: {len(observations)}" in out
    assert observations["economy"].nunique() >= 150
    assert len(observations) > 10_000
    expected = pd.read_csv(RAW / "flawed.csv", keep_default_na=False)
    for row in expected.itertuples():
        for finding_code in filter(None, row.expected_codes.split(";")):
            mine = findings[(findings["source_file"] == row.file)]
            assert finding_code in set(mine["rule_id"]), (row.file, finding_code)
