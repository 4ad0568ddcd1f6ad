"""The hostile corpus: every file that once stopped, slowed or fooled a batch, one test each.

Each case puts one bad return into a raw folder next to two good questionnaires and ingests
the folder. It must end in the expected finding(s) about the bad file (or a correct read),
within 5 s of CPU time and 300 MB of memory (the worker process's peak resident growth and
the batch process's traced allocations), and every observation of the good files must still
be there. New pathologies are added here as they are found (builders in
``tests/data/ingest/hostile.py``; the byte-level cases of ``test_ingest_hostile.py`` too).
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest import ingest_folder, ingest_paths
from pipeline.store import read_table, write_table

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import hostile
import ingest_corpus
from test_ingest_hostile import CASES as BYTE_CASES

SECONDS, HANG, MEMORY = 5.0, 60.0, 300_000_000


def _cpu() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


GOOD = ("KEN_2023_admin.xlsx", "KEN_2023_household.xlsx")


GOOD_FOLDER: list[Path] = []


def _good(raw: Path) -> None:
    ingest_corpus.filled(raw)
    ingest_corpus.filled(raw, kind="household")
    GOOD_FOLDER[:] = [raw]


@pytest.fixture(scope="module")
def good_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("good")
    _good(raw)
    return raw


@pytest.fixture(scope="module")
def reference(good_folder: Path) -> pd.DataFrame:
    return ingest_folder(good_folder, known=ingest_corpus.KNOWN).observations


def _batch(tmp_path: Path, build: Callable[[Path], Path], reference: pd.DataFrame):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in GOOD:
        shutil.copy(GOOD_FOLDER[0] / name, raw / name)
    bad = build(raw)
    tracemalloc.start()
    start, cpu = time.perf_counter(), _cpu()
    result = ingest_folder(raw, known=ingest_corpus.KNOWN)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # CPU time of the batch and its worker: wall time on a shared machine measures neighbours
    assert cpu < SECONDS, f"{cpu:.1f} s of CPU"
    assert seconds < HANG, f"{seconds:.1f} s of wall time"
    assert result.peak_bytes < MEMORY, f"reader peak {result.peak_bytes / 1e6:.0f} MB"
    assert traced < MEMORY, f"batch peak {traced / 1e6:.0f} MB"
    good = result.observations[result.observations["source_file"].isin(GOOD)]
    pd.testing.assert_frame_equal(good.reset_index(drop=True), reference)
    name = Path(os.path.relpath(bad, raw)).as_posix()
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return result, name


#: (builder, the finding codes about the bad file, its observations when it is read).
CASES: dict[str, tuple[Callable[[Path], Path], list[str], int]] = {
    "cell in column XFD": (hostile.far_column, ["ING-TOO-LARGE"], 3),
    "column range from -2e9": (hostile.negative_column, [], 6),
    "CDATA full of <c><f>": (hostile.cdata_formulas, ["ING-LONG-NOTE"], 6),
    "450k stray numeric cells": (hostile.many_cells, ["ING-TOO-LARGE"], 3),
    "Arabic-Indic and full-width digits": (
        hostile.foreign_digits,
        ["ING-TEXT-NUMBER", "ING-TEXT-NUMBER"],
        8,
    ),
    "comment that looks like a row": (hostile.comment_row, [], 6),
    "row number of 20 digits": (hostile.huge_row_number, ["ING-TOO-LARGE"], 3),
    "header below row 40": (hostile.deep_header, [], 6),
    "a million-character note": (hostile.long_note, ["ING-LONG-NOTE"], 6),
    "NUL byte in a CSV value": (hostile.nul_csv, ["ING-UNPARSEABLE"], 0),
    "economy ../../x": (hostile.traversal_csv, ["ING-UNKNOWN-ECONOMY"], 0),
    "blank CSV lines up to the in-batch size": (hostile.blank_lines_csv, [], 0),
    "4 MB of blank CSV lines, then a value": (hostile.blank_lines_then_value_csv, [], 1),
    "a CSV line of 500,000 fields": (hostile.wide_row_csv, ["ING-BAD-CSV"], 0),
    "a CSV quote never closed": (hostile.open_quote_csv, ["ING-BAD-CSV"], 0),
    "file name not UTF-8": (hostile.non_utf8_name, ["ING-BAD-FILENAME"], 6),
    "dangling symlink": (hostile.dangling_link, ["ING-BAD-PATH"], 0),
    "symlink out of raw/": (hostile.escaping_link, ["ING-BAD-PATH"], 0),
    "FIFO named .xlsx": (hostile.fifo, ["ING-UNREADABLE"], 0),
    **{f"bytes: {name}": (build, [code], 0) for name, build, code in BYTE_CASES},
}
# a sheet refused for its size leaves the rest of the workbook read
CASES["bytes: oversized sheet"] = (CASES["bytes: oversized sheet"][0], ["ING-TOO-LARGE"], 3)


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_costs_one_finding(case: str, tmp_path: Path, reference: pd.DataFrame) -> None:
    build, codes, kept = CASES[case]
    result, name = _batch(tmp_path, build, reference)
    mine = result.findings[result.findings["source_file"] == name]
    assert sorted(mine["rule_id"]) == codes, mine["message"].tolist()
    read = result.observations[result.observations["source_file"] == name]
    assert len(read) == kept
    assert (result.observations["footnote"].str.len() <= 2_000).all()


def test_overflow_after_scaling_is_one_finding(tmp_path: Path, reference: pd.DataFrame) -> None:
    result, name = _batch(tmp_path, hostile.overflow, reference)
    mine = result.findings[result.findings["source_file"] == name]
    assert mine.loc[mine["rule_id"] == "ING-OUT-OF-RANGE", "cell"].tolist() == ["J9"]
    assert set(mine["rule_id"]) == {"ING-OUT-OF-RANGE", "ING-SCALED"}
    assert result.observations["value"].abs().lt(float("inf")).all()


def test_foreign_digits_read_as_numbers(tmp_path: Path, reference: pd.DataFrame) -> None:
    result, name = _batch(tmp_path, hostile.foreign_digits, reference)
    read = result.observations[
        (result.observations["source_file"] == name) & (result.observations["sheet"] == "Mobile")
    ].set_index("cell")
    assert read.loc["J10", "value"] == 65_000 and read.loc["L10", "value"] == 123.5


def test_non_utf8_name_survives_the_tables(tmp_path: Path, reference: pd.DataFrame) -> None:
    result, name = _batch(tmp_path, hostile.non_utf8_name, reference)
    write_table(result.observations, tmp_path / "out", "observations")
    assert name in set(read_table(tmp_path / "out", "observations")["source_file"])


def test_unreadable_file(tmp_path: Path, reference: pd.DataFrame, monkeypatch) -> None:
    """EACCES on open (simulated: the tests run as root, who may read anything)."""
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):
        if self.name == "UGA_2023_admin.xlsx":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    result, name = _batch(tmp_path, lambda raw: ingest_corpus.filled(raw, economy="UGA"), reference)
    mine = result.findings[result.findings["source_file"] == name]
    assert mine["rule_id"].tolist() == ["ING-UNREADABLE"]
    assert "Permission denied" in mine["message"].iloc[0]


def test_unreadable_folder(tmp_path: Path, reference: pd.DataFrame, monkeypatch) -> None:
    real_scandir = os.scandir

    def refuse(path=".", *args):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", refuse)

    def locked(raw: Path) -> Path:
        folder = raw / "locked"
        folder.mkdir()
        ingest_corpus.filled(folder, economy="UGA")
        return folder

    result, name = _batch(tmp_path, locked, reference)
    mine = result.findings[result.findings["source_file"] == name]
    assert mine["rule_id"].tolist() == ["ING-UNREADABLE"]


def test_valid_long_csv_has_no_findings(tmp_path: Path) -> None:
    path = tmp_path / "KEN.csv"
    path.write_text(
        "economy,year,indicator,value\nKEN,2022,i271,5\nKEN,2023,i271,6\nUGA,2023,i271,7\n"
    )
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    assert result.findings.empty
    assert len(result.observations) == 3
