"""Conservation on every shipped return.

Each file in raw/ is one test case: every non-empty data cell, counted independently of the
reader (pipeline.ingest.conservation), must be an observation or be covered by a finding. A
file the counter itself cannot open must carry a file-level error finding. Generated
questionnaires (a clean one and a messy one) are checked too, so the test never runs empty.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline.ingest import IngestResult, ingest_folder, return_files
from pipeline.ingest.conservation import data_cells, uncovered
from pipeline.paths import RAW

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus

SHIPPED = [path.relative_to(RAW).as_posix() for path in return_files(RAW)] if RAW.is_dir() else []


@pytest.fixture(scope="module")
def shipped() -> IngestResult:
    return ingest_folder(RAW)


def _check(path: Path, source_file: str, result: IngestResult) -> None:
    try:
        cells = data_cells(path)
    except Exception:  # the counter cannot open it either: the file must be reported as such
        mine = result.findings[result.findings["source_file"] == source_file]
        file_level = mine["sheet"].isna() & mine["cell"].isna() & (mine["severity"] == "error")
        assert file_level.any(), f"{source_file}: unreadable but no file-level error finding"
        return
    gaps = uncovered(cells, source_file, result.observations, result.findings)
    assert not gaps, f"{source_file}: {len(gaps)} cells lost, e.g. {sorted(gaps)[:5]}"


def test_raw_folder_is_covered() -> None:
    assert len(SHIPPED) > 0 or not RAW.is_dir()


@pytest.mark.slow
@pytest.mark.parametrize("source_file", SHIPPED)
def test_shipped_return_conserves_cells(source_file: str, shipped: IngestResult) -> None:
    _check(RAW / source_file, source_file, shipped)


def test_generated_returns_conserve_cells(tmp_path: Path) -> None:
    clean = ingest_corpus.filled(tmp_path)
    messy = ingest_corpus.filled(tmp_path, kind="household", economy="UGA")

    def spoil(book) -> None:
        sheet = book["Individuals"]
        sheet["J9"], sheet["L9"], sheet["P20"], sheet["A30"] = "1 234", "..", 5, "note"
        sheet["J31"] = "=1+2"
        sheet.row_dimensions[10].hidden = True
        sheet.merge_cells("J12:L12")

    ingest_corpus.edit(messy, spoil)
    result = ingest_folder(tmp_path, known=ingest_corpus.KNOWN)
    for path in (clean, messy):
        _check(path, path.name, result)


def test_counter_is_independent_of_the_reader(tmp_path: Path) -> None:
    """A cell the reader would lose is caught: drop one observation and the check fails."""
    path = ingest_corpus.filled(tmp_path)
    result = ingest_folder(tmp_path, known=ingest_corpus.KNOWN)
    cells = data_cells(path)
    assert len(cells) == len(result.observations) == 6
    lossy = result.observations.iloc[1:]
    assert uncovered(cells, path.name, lossy, result.findings) == {
        (result.observations["sheet"].iloc[0], result.observations["cell"].iloc[0])
    }
