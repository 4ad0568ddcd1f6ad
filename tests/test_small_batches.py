"""Batches with one economy, or only admin or only household returns, run to the end (exit 0/1)
with every output that can be computed; a stage that cannot compute says so as a finding."""

from __future__ import annotations

import shutil

import pytest

from pipeline.cli import main
from pipeline.findings import EXIT_FINDINGS, EXIT_OK
from pipeline.paths import RAW
from pipeline.store import read_table

pytestmark = pytest.mark.slow
ECONOMIES = ("KEN", "BRA", "SEN")
#: The round whose returns are questionnaire workbooks (the earlier rounds are long CSVs).
LATEST_ROUND = "2025-12"


def _batch(tmp_path, kinds: tuple[str, ...], economies: tuple[str, ...]):
    raw = tmp_path / "raw"
    for kind in kinds:
        (raw / kind).mkdir(parents=True)
        for code in economies:
            source = RAW / LATEST_ROUND / kind / f"{code}_2023_{kind}.xlsx"
            if source.exists():
                shutil.copy(source, raw / kind / source.name)
    processed = tmp_path / "processed"
    code = main(["run", "--raw", str(raw), "--processed", str(processed), "--n", "8"])
    return code, processed


@pytest.mark.parametrize(
    ("kinds", "economies"),
    [(("admin", "household"), ("KEN",)), (("admin",), ECONOMIES), (("household",), ECONOMIES)],
)
def test_small_batch_runs_to_the_end(tmp_path, kinds, economies):
    code, processed = _batch(tmp_path, kinds, economies)
    assert code in (EXIT_OK, EXIT_FINDINGS)
    for path in ("validate/batch_summary.csv", "sdg/sdg_sdmx.csv", "publication/index.html"):
        assert (processed / path).is_file(), path
    assert (processed / "validate" / "reports" / f"{economies[0]}.xlsx").is_file()
    for folder in (processed / "uncertainty").glob("*"):
        if not (folder / "ranks.parquet").exists():
            findings = read_table(folder, "findings")
            assert findings["rule_id"].tolist() == ["STAGE-NOT-COMPUTED"]
