"""The long-CSV reader's parts on tiny files: parse_csv's fields and positions, what
read_long_csv hands on, finish's cells and findings (batch-wide), header_names and load_csv
(which the SDMX-CSV and DataHub readers share)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.ingest import longcsv
from pipeline.ingest.longcsv import (
    finish,
    header_names,
    load_csv,
    parse_csv,
    read_long_csv,
    text_cells,
)
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.workbook import TextRows, WorkbookRead
from pipeline.observations import DIMENSION_NAMES

HEAD = "economy,year,indicator,value"


def _file(tmp_path: Path, data: str | bytes, name: str = "r.csv") -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")
    return path


def _finding(read: object) -> tuple[str, str]:
    """The one file finding of a read: its code and detail."""
    assert isinstance(read, WorkbookRead) and read.text is None and read.cells is None
    [finding] = read.findings
    return finding["code"], finding.get("detail", "")


def _text(tmp_path: Path, data: str, name: str = "r.csv") -> TextRows:
    read = read_long_csv(_file(tmp_path, data, name), name)
    assert read.findings == [] and read.text is not None
    return read.text


# -- header_names -------------------------------------------------------------------------


def test_header_names_are_stripped_and_lower_cased_unless_asked_not_to() -> None:
    head = "\ufeff Economy ,YEAR,Value\nKEN,2023,5\n".encode()
    assert header_names(head) == ["economy", "year", "value"]
    assert header_names(head, lower=False) == ["Economy", "YEAR", "Value"]
    assert header_names(b"") == []


# -- parse_csv ------------------------------------------------------------------------------


def test_fields_positions_and_padding_of_short_rows(tmp_path: Path) -> None:
    """Columns as read (every field text, not stripped), a short row padded with empty
    text, a header name no row reaches an empty column, names stripped and lower-cased."""
    path = _file(tmp_path, " Economy ,YEAR,x,y\nKEN, 2023 ,a\nUGA\n")
    names, columns, positions = parse_csv(path, "r.csv", LIMITS)
    assert names == ["economy", "year", "x", "y"]
    assert [list(column) for column in columns] == [
        ["KEN", "UGA"],
        [" 2023 ", ""],
        ["a", ""],
        ["", ""],
    ]
    assert positions.tolist() == [0, 1] and positions.dtype == np.int64
    names, _, _ = parse_csv(path, "r.csv", LIMITS, lower=False)
    assert names == ["Economy", "YEAR", "x", "y"]


def test_a_header_only_file_has_empty_columns(tmp_path: Path) -> None:
    names, columns, positions = parse_csv(_file(tmp_path, "a,b\n"), "r.csv", LIMITS)
    assert names == ["a", "b"] and [list(c) for c in columns] == [[], []]
    assert positions.tolist() == []


@pytest.mark.parametrize(
    ("data", "positions"),
    [
        ("h\n\na\nb\n", [1, 2]),  # blank line at the start: a is line 3
        ("h\na\n\n\nb\n", [0, 3]),  # two in the middle: b is line 5
        ("h\na\nb\n\n\n", [0, 1]),  # at the end: nothing more
        ("h\r\n\r\na\r\nb\r\n", [1, 2]),  # CRLF
        ("h\r\ra\rb\r", [1, 2]),  # bare CR
        ("h\n\r\na\rb", [1, 2]),  # mixed, no line ending at the end
    ],
)
def test_blank_lines_are_left_out_with_positions_kept(
    tmp_path: Path, data: str, positions: list[int]
) -> None:
    names, columns, kept = parse_csv(_file(tmp_path, data), "r.csv", LIMITS)
    assert names == ["h"] and list(columns[0]) == ["a", "b"]
    assert kept.tolist() == positions


def test_a_quoted_line_break_is_one_row_and_a_bom_is_not_a_name(tmp_path: Path) -> None:
    data = b'\xef\xbb\xbfa,b\r\n"x\r\ny",1\r\n"",""\r\n"q""q",2\r\n'
    names, columns, positions = parse_csv(_file(tmp_path, data), "r.csv", LIMITS)
    assert names == ["a", "b"]
    assert [list(c) for c in columns] == [["x\r\ny", "", 'q"q'], ["1", "", "2"]]
    assert positions.tolist() == [0, 1, 2]  # a row of empty quoted fields is a row


def test_a_field_count_equal_to_the_header_is_read_one_more_is_a_finding(
    tmp_path: Path,
) -> None:
    _, columns, _ = parse_csv(_file(tmp_path, "a,b\n1,2\n3\n"), "r.csv", LIMITS)
    assert [list(c) for c in columns] == [["1", "3"], ["2", ""]]
    path = _file(tmp_path, "a,b\n1\n\n1,2\n1,2,3\n4,5\n1,2,,\n")
    assert _finding(parse_csv(path, "r.csv", LIMITS)) == (
        "ING-BAD-CSV",
        "unreadable CSV (line 7 has 4 fields, the header 2)",
    )
    path = _file(tmp_path, "a,b\n1,2,3\n1\n")
    assert _finding(parse_csv(path, "r.csv", LIMITS))[1].endswith(
        "(line 2 has 3 fields, the header 2)"
    )


def test_a_file_exactly_at_the_byte_limit_is_read_one_byte_over_is_not(tmp_path: Path) -> None:
    path = _file(tmp_path, "a,b\n1,2\n")
    size = path.stat().st_size
    names, _, _ = parse_csv(path, "r.csv", Limits(file_bytes=size))
    assert names == ["a", "b"]
    assert _finding(parse_csv(path, "r.csv", Limits(file_bytes=size - 1))) == (
        "ING-TOO-LARGE",
        f"file of {size} bytes",
    )


@pytest.mark.parametrize(
    "data",
    [
        b'a,b\n1,"2\n3,4\n',  # a quote left open
        b'a,b\n1,"2"x\n',  # text after the closing quote
        b"a,b\n\xff,1\n",  # not UTF-8
        b"",  # nothing
        b"\n\nA,B\n",  # no header on line 1
        b" , \n1,2\n",  # a header of blank names
    ],
)
def test_unreadable_files_are_one_bad_csv_finding(tmp_path: Path, data: bytes) -> None:
    code, detail = _finding(parse_csv(_file(tmp_path, data), "r.csv", LIMITS))
    assert code == "ING-BAD-CSV" and detail.startswith("unreadable CSV (")


def test_load_csv_is_a_frame_indexed_by_position(tmp_path: Path) -> None:
    path = _file(tmp_path, "A,B\n\n1,2\n3\n")
    frame = load_csv(path, "r.csv", LIMITS)
    assert frame.columns.tolist() == ["a", "b"] and frame.index.tolist() == [1, 2]
    assert frame.to_dict("list") == {"a": ["1", "3"], "b": ["2", ""]}
    assert load_csv(path, "r.csv", LIMITS, lower=False).columns.tolist() == ["A", "B"]
    assert _finding(load_csv(_file(tmp_path, b"", "e.csv"), "e.csv", LIMITS))[0] == "ING-BAD-CSV"


# -- read_long_csv --------------------------------------------------------------------------


def test_only_rows_with_a_value_are_handed_on_with_their_positions(tmp_path: Path) -> None:
    text = _text(
        tmp_path,
        "Economy,year,indicator,VALUE,unit,footnote\n"
        "KEN,2023,i112,5,n,a\nKEN,2022,i112,  ,n,b\n\nUGA,2023,i112, 7 ,n,c\nTZA,2023,i112\n",
    )
    assert (text.reader, text.source_file, text.sheet) == ("long-csv", "r.csv", "r.csv")
    assert set(text.columns) == {"economy", "year", "indicator", "value", "footnote"}
    assert {name: list(fields) for name, fields in text.columns.items()} == {
        "economy": ["KEN", "UGA"],
        "year": ["2023", "2023"],
        "indicator": ["i112", "i112"],
        "value": ["5", " 7 "],
        "footnote": ["a", "c"],
    }
    assert text.positions.tolist() == [0, 3] and text.length == 2


def test_every_meaningful_column_is_kept(tmp_path: Path) -> None:
    names = [*longcsv.REQUIRED, *DIMENSION_NAMES, "estimate", "break_in_series", "footnote"]
    text = _text(tmp_path, ",".join(names) + "\n" + ",".join(f"f{i}" for i in range(len(names))))
    assert {name: list(fields) for name, fields in text.columns.items()} == {
        name: [f"f{i}"] for i, name in enumerate(names)
    }


@pytest.mark.parametrize(
    ("header", "code", "detail"),
    [
        ("economy,year,indicator", "ING-BAD-CSV", "missing required column(s) value"),
        ("economy,year,value", "ING-BAD-CSV", "missing required column(s) indicator"),
        ("indicator,value", "ING-BAD-CSV", "missing required column(s) economy, year"),
        ("economy,year", "ING-NOT-A-RETURN", "no indicator or value column"),
        (f"{HEAD},sex,SEX", "ING-BAD-CSV", "column(s) sex given twice"),
        (f"{HEAD},footnote,year", "ING-BAD-CSV", "column(s) year given twice"),
    ],
)
def test_columns_a_return_needs(tmp_path: Path, header: str, code: str, detail: str) -> None:
    path = _file(tmp_path, header + "\n" + ",".join("x" * header.count(",")) + "\n")
    assert _finding(read_long_csv(path, "r.csv")) == (code, detail)


def test_a_column_that_means_nothing_may_be_given_twice(tmp_path: Path) -> None:
    text = _text(tmp_path, f"{HEAD},unit,unit\nKEN,2023,i112,5,a,b\n")
    assert list(text.columns["value"]) == ["5"]


def test_a_file_that_cannot_be_parsed_is_its_finding(tmp_path: Path) -> None:
    path = _file(tmp_path, f"{HEAD}\nKEN,2023,i112,5,6\n")
    assert _finding(read_long_csv(path, "r.csv"))[0] == "ING-BAD-CSV"
    limits = Limits(file_bytes=path.stat().st_size - 1)
    assert _finding(read_long_csv(path, "r.csv", limits=limits))[0] == "ING-TOO-LARGE"


# -- finish ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "status"),
    [
        *[(w, "E") for w in ("1", "true", "yes", "y", "x", " TRUE ", "Y")],
        *[(w, "") for w in ("", "0", "false", "no", "n", " No ", "N")],
    ],
)
def test_estimate_words(tmp_path: Path, word: str, status: str) -> None:
    text = _text(tmp_path, f"{HEAD},estimate\nKEN,2023,i112,5,{word}\n")
    assert finish([text], None).cells["status_raw"].tolist() == [status]


def test_flags_combine_and_other_words_are_kept_for_the_status_check(tmp_path: Path) -> None:
    text = _text(
        tmp_path,
        f"{HEAD},estimate,break_in_series\n"
        "KEN,2023,i112,5,yes,1\nKEN,2022,i112,5,no,true\nKEN,2021,i112,5,maybe,0\n"
        "KEN,2020,i112,5,,often\n",
    )
    assert finish([text], None).cells["status_raw"].tolist() == [
        "EB",
        "B",
        "estimate=maybe",
        "break_in_series=often",
    ]


def test_finish_makes_interpreter_cells_across_files(tmp_path: Path) -> None:
    first = _text(
        tmp_path,
        f"{HEAD},sex,footnote\n ken ,2023, i112 , 5 ,F, note \n\nUGA,2023,i271,6,,\n",
        "a.csv",
    )
    second = _text(tmp_path, f"{HEAD},age\nTZA,2022,i112,7,Y15-24\n", "b.csv")
    read = finish([first, second], None)
    assert read.findings[0].empty and read.findings[1].empty and len(read.findings) == 2
    cells = read.cells
    assert cells.index.tolist() == [0, 1, 2]
    assert cells[["source_file", "sheet", "cell", "note_cell"]].values.tolist() == [
        ["a.csv", "a.csv", "row 2", "row 2"],
        ["a.csv", "a.csv", "row 4", "row 4"],
        ["b.csv", "b.csv", "row 2", "row 2"],
    ]
    assert cells["economy"].tolist() == ["KEN", "UGA", "TZA"]
    assert cells["year"].tolist() == [2023, 2023, 2022] and str(cells["year"].dtype) == "Int64"
    assert cells["raw"].tolist() == [" 5 ", "6", "7"]  # the text-number parser strips
    assert cells["indicator_raw"].tolist() == ["i112", "i271", "i112"]
    assert cells["note"].tolist() == ["note", "", ""]
    assert cells["sex"].tolist() == ["F", "", ""] and cells["age"].tolist() == ["", "", "Y15-24"]
    assert all(cells[name].tolist() == ["", "", ""] for name in ("area", "speed", "skill"))
    assert cells["status_raw"].tolist() == ["", "", ""]
    assert cells["hidden"].tolist() == [False] * 3
    assert cells["typed_text"].tolist() == [False] * 3
    assert cells["multiplier"].tolist() == [1.0] * 3
    assert cells["multiplier_text"].tolist() == ["units"] * 3
    expected = {
        "year",
        "cell",
        *DIMENSION_NAMES,
        "note",
        "status_raw",
        "hidden",
        "multiplier",
        "multiplier_text",
        "typed_text",
        "economy",
        "raw",
        "indicator_raw",
        "source_file",
        "sheet",
        "note_cell",
    }
    assert set(cells.columns) == expected


def test_rows_without_a_year_or_an_iso3_economy_are_findings(tmp_path: Path) -> None:
    text = _text(
        tmp_path,
        f"{HEAD}\nKEN,2023,i112,5\nKEN,soon,i112,6\nKENYA,2023,i112,7\nKE,,i112,8\nUGA,2022,i1,9\n",
    )
    read = finish([text], None)
    bad_year, bad_economy = read.findings
    assert bad_year[["code", "cell", "value", "indicator"]].values.tolist() == [
        ["ING-BAD-CSV", "row 3", "soon", "i112"],
        ["ING-BAD-CSV", "row 5", "", "i112"],
    ]
    assert bad_year["detail"].tolist() == [
        "row 3: year 'soon' is not a year",
        "row 5: year '' is not a year",
    ]
    assert bad_economy[["code", "cell", "value"]].values.tolist() == [
        ["ING-UNKNOWN-ECONOMY", "row 4", "KENYA"]
    ]
    assert read.cells["cell"].tolist() == ["row 2", "row 6"]


def test_unknown_economies_once_per_file_in_batch_order_sorted_within(tmp_path: Path) -> None:
    first = _text(
        tmp_path,
        f"{HEAD}\nZZZ,2023,i112,1\nKEN,2023,i112,2\nAAA,2023,i112,3\nZZZ,2022,i112,4\n",
        "b.csv",
    )
    second = _text(tmp_path, f"{HEAD}\nBBB,2023,i112,1\nAAA,2023,i112,1\n", "a.csv")
    read = finish([first, second], {"KEN"})
    assert len(read.findings) == 3
    strangers = read.findings[2]
    assert strangers[["code", "source_file", "economy", "value"]].values.tolist() == [
        ["ING-UNKNOWN-ECONOMY", "b.csv", "AAA", "AAA"],
        ["ING-UNKNOWN-ECONOMY", "b.csv", "ZZZ", "ZZZ"],
        ["ING-UNKNOWN-ECONOMY", "a.csv", "AAA", "AAA"],
        ["ING-UNKNOWN-ECONOMY", "a.csv", "BBB", "BBB"],
    ]
    assert "order" not in strangers.columns
    assert len(read.cells) == 6  # unknown economies are still read
    assert finish([first], {"KEN", "ZZZ", "AAA"}).findings[2].empty


def test_text_cells_lines_default_to_the_index_below_the_header() -> None:
    frame = pd.DataFrame({"year": ["2023", "2022"]}, index=[0, 3])
    cells = text_cells(frame, frame["year"], raw=frame["year"])
    assert cells["cell"].tolist() == ["row 2", "row 5"] and cells["note_cell"].tolist() == [
        "row 2",
        "row 5",
    ]
    cells = text_cells(frame, frame["year"], np.array([7, 9]))
    assert cells["cell"].tolist() == ["row 7", "row 9"]


def test_header_names_read_the_first_record_as_the_csv_reader_does(tmp_path: Path) -> None:
    """A quoted header name with a line break inside is one name (the registry recognises
    the file by the names the reader will read), whatever the line endings."""
    for end in (b"\n", b"\r\n", b"\r"):
        head = b'"Note' + end + b'on",OBS_VALUE,TIME_PERIOD' + end + b"x,5,2023" + end
        assert header_names(head) == [f"note{end.decode()}on", "obs_value", "time_period"]
        names, _, _ = parse_csv(_file(tmp_path, head), "r.csv", LIMITS)
        assert names == header_names(head)
    assert header_names(b"a,b\rc,d\r") == ["a", "b"]
    assert header_names(b'a,"b') == ["a", "b"]  # a head cut inside a quoted name
