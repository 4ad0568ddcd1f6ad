"""Template writer and round trip: template → fill → ingest gives back values and flags."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.dictionary import collected
from pipeline.ingest import ingest_paths, layout
from pipeline.ingest.template import write_questionnaire
from pipeline.observations import DIMENSION_NAMES, DIMENSIONS

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus

KEY = ["economy", "year", "indicator", *DIMENSION_NAMES]


@pytest.mark.parametrize("kind", layout.KINDS)
def test_one_sheet_per_dictionary_sheet(tmp_path: Path, kind: str) -> None:
    path = write_questionnaire(tmp_path / "x.xlsx", "KEN", [2023], kind)
    book = openpyxl.load_workbook(path)
    expected = list(dict.fromkeys(collected(kind)["sheet"]))
    assert book.sheetnames == [layout.INSTRUCTIONS_SHEET, *expected]


def test_breakdown_blocks_total_first(tmp_path: Path) -> None:
    path = write_questionnaire(tmp_path / "x.xlsx", "KEN", [2022, 2023], "household")
    sheet = openpyxl.load_workbook(path)["Individuals"]
    header = [cell.value for cell in sheet[layout.HEADER_ROW]]
    assert header == layout.header_row([2022, 2023])
    rows = [
        [cell.value for cell in row][:9] for row in sheet.iter_rows(min_row=layout.FIRST_DATA_ROW)
    ]
    hh7 = [row for row in rows if row[0] == "HH7"]
    assert hh7[0][3:] == ["_T"] * 6
    breakdowns = collected("household").loc["HH7", "breakdowns"]
    assert len(hh7) == 1 + sum(len(DIMENSIONS[name]) - 1 for name in breakdowns)


def test_header_block(tmp_path: Path) -> None:
    path = write_questionnaire(tmp_path / "x.xlsx", "KEN", [2023, 2024], "admin")
    sheet = openpyxl.load_workbook(path)["Mobile"]
    assert sheet["B2"].value == "KEN"
    assert sheet["B4"].value == "admin"
    assert sheet["B5"].value == 2024
    assert sheet["B6"].value == "units"


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="kind"):
        write_questionnaire(tmp_path / "x.xlsx", "KEN", [2023], "survey")


def _expected() -> pd.DataFrame:
    frame = ingest_corpus.values_frame()
    for name in DIMENSION_NAMES:
        if name not in frame:
            frame[name] = "_T"
    return frame


def test_round_trip_prefilled(tmp_path: Path) -> None:
    paths = [ingest_corpus.filled(tmp_path, kind) for kind in layout.KINDS]
    result = ingest_paths(paths, tmp_path, known=ingest_corpus.KNOWN)
    assert result.findings.empty, result.findings["message"].tolist()
    got = result.observations.set_index(KEY).sort_index()
    want = _expected().set_index(KEY).sort_index()
    assert got.index.equals(want.index)
    assert (got["value"] == want["value"]).all()
    assert (got["estimate"] == want["estimate"]).all()
    assert (got["break_in_series"] == want["break_in_series"]).all()
    # the note column holds one footnote per row, shared by the row's years
    assert got.loc[("KEN", 2023, "i271"), "footnote"].iloc[0] == "operator data"
    assert got.loc[("KEN", 2022, "i271"), "footnote"].iloc[0] == "operator data"
    assert set(got["kind"]) == {"admin", "household"}
    assert set(got["source_file"]) == {"KEN_2023_admin.xlsx", "KEN_2023_household.xlsx"}


def test_round_trip_filled_by_hand(tmp_path: Path) -> None:
    """A blank template filled in like a focal point would (values, status, note) reads back."""
    path = write_questionnaire(tmp_path / "UGA_2023_admin.xlsx", "UGA", [2022, 2023], "admin")

    def fill(book: openpyxl.Workbook) -> None:
        sheet = book["Mobile"]
        sheet["J9"], sheet["L9"], sheet["M9"], sheet["N9"] = 30_100_000, 31_000_000, "EB", "MoICT"
        sheet["L11"] = 12.5

    ingest_corpus.edit(path, fill)
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    assert result.findings.empty
    obs = result.observations.set_index(["indicator", "year"])
    assert obs.loc[("i271", 2023), "value"] == 31_000_000
    assert bool(obs.loc[("i271", 2023), "estimate"]) and bool(
        obs.loc[("i271", 2023), "break_in_series"]
    )
    assert not bool(obs.loc[("i271", 2022), "estimate"])
    assert obs.loc[("i271", 2022), "footnote"] == "MoICT"
    assert obs.loc[("i271mw", 2023), "cell"] == "L11"
    assert obs.loc[("i271mw", 2023), "sheet"] == "Mobile"
    assert len(result.observations) == 3


def test_extra_prefill_combinations_get_rows(tmp_path: Path) -> None:
    values = pd.DataFrame(
        {
            "economy": ["KEN"],
            "year": [2023],
            "indicator": ["HH15"],
            "skill": ["EMAIL"],
            "sex": ["F"],
            "value": [12.0],
        }
    )
    path = write_questionnaire(tmp_path / "KEN.xlsx", "KEN", [2023], "household", values)
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    row = result.observations.iloc[0]
    assert (row["indicator"], row["skill"], row["sex"], row["value"]) == (
        "HH15",
        "EMAIL",
        "F",
        12.0,
    )


ADMIN_TOTALS = sorted(collected("admin").index)
#: xlsx numbers as openpyxl writes them carry 16 significant digits (Excel itself shows 15).
SIGNIFICANT_DIGITS = 16


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(ADMIN_TOTALS),
            st.sampled_from([2022, 2023]),
            st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
        unique_by=lambda row: (row[0], row[1]),
    )
)
def test_round_trip_property(tmp_path: Path, rows: list[tuple]) -> None:
    """Any finite values and flags written by the template writer are read back exactly
    (to the :data:`SIGNIFICANT_DIGITS` an xlsx cell written by openpyxl stores)."""
    values = pd.DataFrame(
        rows, columns=["indicator", "year", "value", "estimate", "break_in_series"]
    ).assign(economy="KEN")
    path = write_questionnaire(tmp_path / "KEN_prop.xlsx", "KEN", [2022, 2023], "admin", values)
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    assert result.findings.empty
    got = result.observations.set_index(["indicator", "year"]).sort_index()
    want = values.set_index(["indicator", "year"]).sort_index()
    assert got.index.equals(want.index)
    stored = [float(f"{v:.{SIGNIFICANT_DIGITS}g}") for v in want["value"]]
    assert got["value"].tolist() == stored
    assert got["estimate"].tolist() == want["estimate"].tolist()
    assert got["break_in_series"].tolist() == want["break_in_series"].tolist()


def test_template_collects_ict_skills_by_sex(tmp_path: Path) -> None:
    """SDG 4.4.1 is reported by skill and sex: a filled template must keep women's skills."""
    path = write_questionnaire(tmp_path / "KEN.xlsx", "KEN", [2023], "household")
    sheet = openpyxl.load_workbook(path)["Skills"]
    rows = [r for r in sheet.iter_rows(min_row=layout.FIRST_DATA_ROW, values_only=True) if r[0]]
    labels = {(r[3], r[8]) for r in rows if r[0] == "HH15"}  # sex, skill columns
    assert len([r for r in rows if r[0] == "HH15"]) == 30
    assert {("F", "EMAIL"), ("M", "TRAF"), ("_T", "COPA"), ("F", "_T")} <= labels


def test_prefilled_template_gives_back_last_rounds_values(tmp_path: Path) -> None:
    from pipeline.cli import main

    processed = tmp_path / "processed"
    raw = tmp_path / "raw" / "household"
    raw.mkdir(parents=True)
    source = Path(__file__).parents[1] / "raw" / "2025-12" / "household" / "KEN_2023_household.xlsx"
    (raw / source.name).write_bytes(source.read_bytes())
    assert main(["ingest", str(tmp_path / "raw"), "--output", str(processed)]) in (0, 1)
    out = tmp_path / "KEN_2024.xlsx"
    argv = ["template", "--economy", "KEN", "--year", "2024", "--kind", "household"]
    assert main([*argv, "--prefill", str(processed), "-o", str(out)]) == 0
    before = pd.read_parquet(processed / "ingest" / "observations.parquet")
    after = ingest_paths([out], tmp_path, known=ingest_corpus.KNOWN).observations
    women = before[(before["indicator"] == "HH15") & (before["sex"] == "F")]
    women = women[women["year"] == 2023]
    assert len(women) == 9
    merged = women.merge(after, on=KEY, suffixes=("", "_new"))
    assert len(merged) == 9 and (merged["value"] == merged["value_new"]).all()
    intro = openpyxl.load_workbook(out)["Instructions"]
    assert "dernier cycle" not in str(intro["A1"].value)  # KEN reports in English


@pytest.mark.parametrize(("lang", "word"), [("fr", "Questionnaire TIC"), ("es", "Cuestionario")])
def test_template_instructions_in_french_and_spanish(tmp_path: Path, lang, word) -> None:
    path = write_questionnaire(tmp_path / "x.xlsx", "SEN", [2023], "admin", lang=lang)
    assert word in openpyxl.load_workbook(path)["Instructions"]["A1"].value
