"""Collection rounds on tiny folders, without workbooks: round.toml parsing, the round
folder of a return (nested, symlinked, outside every round folder), the vintage recorded,
and the tables ingest attaches."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.rounds import Round, Rounds, file_sha256, header_round, load_round


def _round(
    raw: Path, folder: str, round_id: str, closed: str = "2024-06-30", extra: str = ""
) -> Path:
    path = raw / folder
    path.mkdir(parents=True, exist_ok=True)
    text = f'id = " {round_id} "\nname = "{round_id} collection"\nclosed = {closed}\n{extra}'
    (path / "round.toml").write_text(text, encoding="utf-8")
    return path


def _return(folder: Path, name: str = "r.csv", data: bytes = b"a,b\n1,2\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def _round_of(rounds: Rounds, path: Path) -> str:
    """The round ingest records for a return without a header round ('' outside every
    round folder)."""
    rounds.record(path, path.name)
    return rounds.files.pop()["round"]


def _sha(data: bytes = b"a,b\n1,2\n") -> str:
    return hashlib.sha256(data).hexdigest()


def test_file_sha256_reads_files_larger_than_one_block(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000  # 1.28 MB: more than one 1 MiB block
    path = _return(tmp_path, "big.bin", data)
    assert file_sha256(path) == _sha(data)
    assert file_sha256(_return(tmp_path, "empty.bin", b"")) == _sha(b"")


@pytest.mark.parametrize(
    ("closed", "iso"),
    [
        ("2024-06-30", "2024-06-30"),
        ("2024-06-30T12:30:00", "2024-06-30"),
        ('"2024-07-01"', "2024-07-01"),
    ],
)
def test_load_round_dates(tmp_path: Path, closed: str, iso: str) -> None:
    folder = _round(tmp_path, "r", "2024", closed, '[submitted]\n"a/b.csv" = 2024-09-15T08:00:00\n')
    found = load_round(folder / "round.toml")
    assert found == Round("2024", "2024 collection", iso, folder, {"a/b.csv": "2024-09-15"})


def test_a_round_without_name_or_submitted(tmp_path: Path) -> None:
    (tmp_path / "round.toml").write_text("id = 2025\nclosed = 2025-06-30\n", encoding="utf-8")
    assert load_round(tmp_path / "round.toml") == Round("2025", "", "2025-06-30", tmp_path, {})


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('id = "1"\nclosed = "soon"\n', "ValueError"),
        ("closed = 2024-06-30\n", "KeyError"),
        ('id = "1"\n', "KeyError"),
        ("id = \n", "TOMLDecodeError"),
        ('id = "1"\nclosed = 2024-06-30\nsubmitted = 3\n', "TypeError"),
    ],
)
def test_a_bad_round_file_raises_a_readable_value_error(
    tmp_path: Path, text: str, error: str
) -> None:
    (tmp_path / "round.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^bad round\.toml \({error}: "):
        load_round(tmp_path / "round.toml")


def test_a_bad_round_file_is_a_finding_of_its_path_below_the_raw_folder(tmp_path: Path) -> None:
    _round(tmp_path, "2023", "2023")
    (tmp_path / "x" / "2024").mkdir(parents=True)
    (tmp_path / "x" / "2024" / "round.toml").write_text('id = "2024"\n', encoding="utf-8")
    rounds = Rounds(tmp_path)
    assert rounds.findings == [
        {
            "code": "ING-BAD-ROUND",
            "source_file": "x/2024/round.toml",
            "detail": "bad round.toml (KeyError: 'closed')",
        }
    ]
    assert list(rounds.by_folder) == [(tmp_path / "2023").resolve()]
    assert rounds.closed == {"2023": "2024-06-30"}


def test_the_nearest_round_folder_above_a_return(tmp_path: Path) -> None:
    outer = _round(tmp_path, "2023", "2023", "2023-06-30")
    inner = _round(tmp_path, "2023/late", "2024", extra='[submitted]\n"x/r.csv" = 2024-09-15\n')
    rounds = Rounds(tmp_path)
    assert _round_of(rounds, _return(outer / "deep" / "er")) == "2023"
    assert _round_of(rounds, _return(inner / "x")) == "2024"
    assert _round_of(rounds, _return(tmp_path / "other")) == ""
    assert rounds.record(inner / "x" / "r.csv", "2023/late/x/r.csv") == []
    assert rounds.record(outer / "deep" / "er" / "r.csv", "2023/deep/er/r.csv", "2023") == []
    assert rounds.files == [
        {
            "source_file": "2023/late/x/r.csv",
            "round": "2024",
            "submitted": "2024-09-15",
            "submission": _sha()[:16],
            "sha256": _sha(),
        },
        {
            "source_file": "2023/deep/er/r.csv",
            "round": "2023",
            "submitted": "2023-06-30",
            "submission": _sha()[:16],
            "sha256": _sha(),
        },
    ]


def test_a_folder_given_through_a_relative_path_is_resolved(tmp_path: Path, monkeypatch) -> None:
    _return(_round(tmp_path, "2024", "2024") / "sub")
    monkeypatch.chdir(tmp_path / "2024")
    rounds = Rounds(Path(".."))
    assert rounds.root == tmp_path.resolve()
    assert _round_of(rounds, Path("sub/r.csv")) == "2024"
    assert _round_of(rounds, Path("sub/r.csv")) == "2024"  # the folder as resolved once


def test_a_return_outside_every_round_folder(tmp_path: Path) -> None:
    """Its round is the one its header names, dated when a folder declares that round;
    no round: round "" and undated."""
    _round(tmp_path, "2024", "2024")
    loose = _return(tmp_path / "loose")
    rounds = Rounds(tmp_path)
    assert rounds.record(loose, "loose/r.csv", " 2024 ") == []
    assert rounds.record(loose, "loose/b.csv", 2023.0) == []
    assert rounds.record(loose, "loose/c.csv") == []
    assert [(f["round"], f["submitted"]) for f in rounds.files] == [
        ("2024", "2024-06-30"),
        ("2023", ""),
        ("", ""),
    ]


def test_without_any_round_folder_the_header_decides(tmp_path: Path) -> None:
    path = _return(tmp_path / "a")
    rounds = Rounds(tmp_path)
    assert _round_of(rounds, path) == ""
    assert rounds.record(path, "a/r.csv", "R1") == []
    assert rounds.files[0]["round"] == "R1" and rounds.files[0]["submitted"] == ""


def test_a_header_round_other_than_the_folders_is_a_mismatch(tmp_path: Path) -> None:
    path = _return(_round(tmp_path, "2024", "2024"))
    rounds = Rounds(tmp_path)
    assert rounds.record(path, "2024/r.csv", "2023") == [
        {
            "code": "ING-ROUND-MISMATCH",
            "source_file": "2024/r.csv",
            "value": "2023",
            "expected": "2024",
        }
    ]
    assert rounds.record(path, "2024/r.csv", "2024.0") == []
    assert rounds.record(path, "2024/r.csv", "  ") == []
    assert [f["round"] for f in rounds.files] == ["2024"] * 3


def test_a_symlinked_return_belongs_to_the_round_of_the_file_it_leads_to(tmp_path: Path) -> None:
    early = _round(tmp_path, "2023", "2023", "2023-06-30", '[submitted]\n"real.csv" = 2023-08-01\n')
    late = _round(tmp_path, "2024", "2024")
    _return(early, "real.csv")
    link = late / "link.csv"
    os.symlink(early / "real.csv", link)
    _return(late, "plain.csv")
    rounds = Rounds(tmp_path)
    assert _round_of(rounds, late / "plain.csv") == "2024"
    assert _round_of(rounds, link) == "2023"
    assert rounds.record(link, "2024/link.csv") == []
    assert rounds.files[0]["round"] == "2023" and rounds.files[0]["submitted"] == "2023-08-01"


def test_a_return_in_a_symlinked_folder_is_placed_where_the_folder_leads(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    late = _round(raw, "2024", "2024", extra='[submitted]\n"r.csv" = 2024-09-15\n')
    _return(late)
    os.symlink(late, raw / "alias")
    rounds = Rounds(raw)
    assert rounds.record(raw / "alias" / "r.csv", "alias/r.csv") == []
    assert (rounds.files[0]["round"], rounds.files[0]["submitted"]) == ("2024", "2024-09-15")


def test_tables_of_files_and_rounds_and_attaching_them(tmp_path: Path) -> None:
    path = _return(_round(tmp_path, "2024", "2024"))
    _round(tmp_path, "again", "2024")
    rounds = Rounds(tmp_path)
    rounds.record(path, "2024/r.csv")
    rounds.record(path, "2024/r.csv")
    assert rounds.table().values.tolist() == [
        ["2024/r.csv", "2024", "2024-06-30", _sha()[:16], _sha()]
    ]
    assert rounds.table().columns.tolist() == [
        "source_file",
        "round",
        "submitted",
        "submission",
        "sha256",
    ]
    assert rounds.declared().to_dict("list") == {
        "round": ["2024"],
        "name": ["2024 collection"],
        "closed": ["2024-06-30"],
    }
    observations = pd.DataFrame(
        {
            "source_file": ["2024/r.csv", "other.csv"],
            **{name: ["x", "x"] for name in ("round", "submitted", "submission")},
            "value": [1.0, 2.0],
        }
    )
    attached = rounds.attach(observations)
    assert attached.to_dict("list") == {
        "source_file": ["2024/r.csv", "other.csv"],
        "value": [1.0, 2.0],
        "round": ["2024", ""],
        "submitted": ["2024-06-30", ""],
        "submission": [_sha()[:16], ""],
    }
    empty = Rounds(tmp_path / "nothing-here")
    assert empty.table().columns.tolist() == rounds.table().columns.tolist()
    assert empty.declared().columns.tolist() == ["round", "name", "closed"]


class _Plan:
    def __init__(self, round_cell: object) -> None:
        self.block = {} if round_cell is None else {"round": round_cell}


def test_header_round_is_the_first_non_blank_round_cell() -> None:
    assert header_round([_Plan(None), _Plan("  "), _Plan(2024), _Plan("2023")]) == 2024
    assert header_round([_Plan(""), _Plan(None)]) is None
    assert header_round([]) is None


def test_a_round_is_a_value_that_cannot_change(tmp_path: Path) -> None:
    found = Round("2024", "", "2024-06-30", tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.id = "2025"  # type: ignore[misc]
