"""The reader registry's parts on tiny files: which reader a suffix and a head choose, which
files the batch may read itself (in_batch, exactly at text_in_batch_bytes and one byte over),
read_any's findings for a file no reader takes, and finish_texts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.ingest import readers
from pipeline.ingest.longcsv import read_long_csv
from pipeline.ingest.readers import (
    HEAD_BYTES,
    LINEAR_SUFFIXES,
    READERS,
    SUFFIXES,
    choose,
    finish_texts,
    in_batch,
    read_any,
)
from pipeline.ingest.safety import Limits

LONG = "economy,year,indicator,value\nKEN,2023,i112,5\n"
SDMX = "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nKEN,i112,2023,5\n"


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".XLSX"])
def test_every_workbook_suffix_goes_to_the_questionnaire_reader(suffix: str) -> None:
    assert choose(Path(f"a{suffix}"), b"anything").name == "questionnaire"


def test_csv_readers_by_content_and_the_suffixes_they_share() -> None:
    assert choose(Path("a.csv"), SDMX.encode()).name == "sdmx-csv"
    assert choose(Path("a.Csv"), b"economy,year,i271\nKEN,2023,5\n").name == "datahub-csv"
    assert choose(Path("a.csv"), LONG.encode()).name == "long-csv"
    assert choose(Path("a.csv"), b"").name == "long-csv"
    # a quoted header name with a line break inside does not end the header
    quoted = b'"Area\nnote",REF_AREA,TIME_PERIOD,OBS_VALUE\nx,KEN,2023,5\n'
    assert choose(Path("a.csv"), quoted).name == "sdmx-csv"
    assert choose(Path("a.txt"), LONG.encode()) is None
    assert SUFFIXES == (".csv", ".xls", ".xlsm", ".xlsx", ".xltm", ".xltx")
    assert sorted(LINEAR_SUFFIXES) == [".csv"]
    assert [(r.name, r.linear, r.finish is not None) for r in READERS] == [
        ("questionnaire", False, False),
        ("sdmx-csv", True, False),
        ("datahub-csv", True, False),
        ("long-csv", True, True),
    ]


def test_a_reader_is_not_linear_unless_it_says_so() -> None:
    reader = readers.Reader("x", (".x",), bool, read_long_csv)
    assert reader.linear is False and reader.finish is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        reader.linear = True  # type: ignore[misc]


def test_the_head_the_readers_recognise_is_the_first_64_kib(tmp_path: Path) -> None:
    """A header whose recognising name ends on the head's last byte is recognised; one
    ending a byte later is not (the long-CSV reader then takes the file)."""
    assert HEAD_BYTES == 65_536
    start = "OBS_VALUE,"
    for pad, reader in (
        (HEAD_BYTES - len(start) - 12, "sdmx-csv"),
        (HEAD_BYTES - len(start) - 11, "long-csv"),
    ):
        header = start + "x" * pad + ",TIME_PERIOD\n"
        path = tmp_path / "wide.csv"
        path.write_text(header + "5," * (header.count(",") - 1) + "2023\n")
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        assert choose(path, head).name == reader
        read = read_any(path, "wide.csv", None)
        codes = {finding["code"] for finding in read.findings if isinstance(finding, dict)}
        # the long-CSV reader says it is not a return; the SDMX-CSV reader reads it
        assert ("ING-NOT-A-RETURN" in codes) == (reader == "long-csv")


def test_in_batch_exactly_at_the_limit_and_one_byte_over(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(LONG)
    size = path.stat().st_size
    assert in_batch(path, Limits(text_in_batch_bytes=size))
    assert not in_batch(path, Limits(text_in_batch_bytes=size - 1))
    assert in_batch(path)  # the budget's default: a few hundred KiB
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (Limits().text_in_batch_bytes + 1))
    assert not in_batch(big)
    book = tmp_path / "r.xlsx"
    book.write_text(LONG)
    assert not in_batch(book, Limits(text_in_batch_bytes=size))
    assert not in_batch(tmp_path / "gone.csv")


def test_a_file_without_a_reader_or_unreadable_is_one_finding(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("notes")
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "folder.csv").mkdir()

    def finding(name: str) -> tuple[str, str]:
        [found] = read_any(tmp_path / name, name, None).findings
        assert found["source_file"] == name
        return found["code"], found["detail"]

    assert finding("README") == ("ING-NOT-A-RETURN", "no reader takes files without a suffix")
    assert finding("a.pdf") == ("ING-NOT-A-RETURN", "no reader takes .pdf")
    assert finding("folder.csv") == ("ING-UNREADABLE", "IsADirectoryError: Is a directory")
    assert finding("gone.csv") == ("ING-UNREADABLE", "FileNotFoundError: No such file or directory")


def test_read_any_hands_the_reader_its_limits_and_known_economies(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(LONG)
    read = read_any(path, "r.csv", None, Limits(file_bytes=path.stat().st_size - 1))
    assert [finding["code"] for finding in read.findings] == ["ING-TOO-LARGE"]
    read = read_any(path, "r.csv", None)
    assert read.text is not None and list(read.text.columns["value"]) == ["5"]


def test_finish_texts_one_pass_per_reader_with_each_files_rows(tmp_path: Path) -> None:
    texts = []
    for name, data in (("a.csv", LONG), ("b.csv", LONG.replace("KEN", "UGA"))):
        (tmp_path / name).write_text(data)
        texts.append(read_long_csv(tmp_path / name, name).text)
    [read] = finish_texts(texts, {"KEN"})
    assert read.cells[["source_file", "economy"]].values.tolist() == [
        ["a.csv", "KEN"],
        ["b.csv", "UGA"],
    ]
    assert read.findings[-1]["economy"].tolist() == ["UGA"]
    assert finish_texts([], None) == []
