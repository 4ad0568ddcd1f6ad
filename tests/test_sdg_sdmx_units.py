"""SDMX-CSV rows, attributes and the SDMX-ML message (``pipeline.sdg.sdmx``,
``sdmx_attributes``, ``sdmx_ml``) on tiny in-memory tables and a small configuration of their
own: every column holds values no other column has (frequency A, reporting type G, unit
multiplier 0, M49 404 and 288, years 2021–2023), so a swapped or lost column fails. The
shipped configuration and the DSD itself are checked in ``test_sdg_sdmx.py``. OBS_STATUS is
the series table's ``obs_status`` column, never read from the footnote's prose."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from pipeline.sdg.sdmx import (
    aggregate_rows,
    dataflow_ref,
    economy_rows,
    left_out,
    to_sdmx_csv,
)
from pipeline.sdg.sdmx_attributes import (
    age_code,
    decimals,
    last_update,
    nature,
    rounded_text,
    split_footnotes,
)
from pipeline.sdg.sdmx_ml import to_sdmx_ml

DIMENSIONS = [
    "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
    "COMPOSITE_BREAKDOWN", "PRODUCT",
]  # fmt: skip
ATTRIBUTES = [
    "OBS_STATUS", "UNIT_MULT", "UNIT_MEASURE", "NATURE", "TIME_DETAIL", "COMMENT_OBS",
    "SOURCE_DETAIL", "DATA_LAST_UPDATE",
]  # fmt: skip
COLUMNS = ["DATAFLOW", *DIMENSIONS, "TIME_PERIOD", "OBS_VALUE", *ATTRIBUTES]

SDMX = {
    "dataflow": {"agency": "AGY", "id": "DF_T", "version": "2.3"},
    "structure": {"agency": "SAG", "id": "DSD_T", "version": "1.7"},
    "sender": "SND",
    "frequency": "A",
    "reporting_type": "G",
    "unit_mult": "0",
    "aggregate_min_coverage": 0.8,
    "dimensions": DIMENSIONS,
    "attributes": ATTRIBUTES,
    "nature": {
        "reported": "C",
        "adjusted": "CA",
        "estimated": "E",
        "aggregate": "G",
        "adjusted_formulas": ["per100"],
        "custodian_estimate": ["ITU estimate"],
        "comment_parts": ["Provisional", "ITU estimate"],
        "comment_words": ["revised", "year:"],
    },
    "decimals": {"PT": 1, "NUMBER": 0},
    "decimals_by_series": {"S_SKILL": 3},
    # Y16T74 is an age-scope code only: the age map below has no entry for it
    "age_scope": {"series": ["S_USE"], "codes": ["Y_GE15", "Y16T74"]},
    "dimension": {
        "sex": {"sdmx": "SEX", "codes": {"_T": "_T", "F": "F"}},
        "age": {"sdmx": "AGE", "codes": {"_T": "_T", "Y_LT15": "Y0T14", "Y_GE15": "Y_GE15"}},
        "area": {"sdmx": "URBANISATION", "codes": {"_T": "_T", "R": "R"}},
        "speed": {"sdmx": "COMPOSITE_BREAKDOWN", "codes": {"_T": "_T", "IS_GE10M": "IS_GE10M"}},
        "skill": {"sdmx": "COMPOSITE_BREAKDOWN", "codes": {"_T": "_T", "PCPR": "SKILL_ICTPRGM"}},
    },
}
CODES = frozenset({"S_USE", "S_OWN", "S_SKILL", "S_BB"})
UNITS = pd.Series({"S_USE": "PT", "S_OWN": "PT", "S_SKILL": "PT", "S_BB": "PER_100_POP"})


def _series(*rows: dict) -> pd.DataFrame:
    """Rows of the SDG series table; each gives what differs from a Kenyan national total."""
    neutral = {
        "series": "S_USE", "indicator_sdg": "17.8.1", "economy": "KEN", "m49": 404,
        "year": 2023, "sex": "_T", "age": "_T", "area": "_T", "speed": "_T", "skill": "_T",
        "value": 50.0, "unit": "PT", "obs_status": "A", "footnote": "",
    }  # fmt: skip
    frame = pd.DataFrame([{**neutral, **row} for row in rows])
    return frame.astype({"m49": "Int64", "year": "int64", "value": float})


def _aggregates(*rows: dict) -> pd.DataFrame:
    neutral = {
        "series": "S_USE", "group_type": "world", "group": "World", "m49": 1, "year": 2023,
        "sex": "_T", "age": "_T", "area": "_T", "speed": "_T", "skill": "_T", "value": 60.0,
        "coverage": 0.95, "n_economies": 150, "n_members": 230, "n_carried": 0,
        "published": True,
    }  # fmt: skip
    frame = pd.DataFrame([{**neutral, **row} for row in rows])
    return frame.astype({"m49": "Int64", "year": "int64", "published": bool})


# --- SDMX-CSV rows --------------------------------------------------------------------------


def test_dataflow_reference_is_agency_id_and_version() -> None:
    assert dataflow_ref(SDMX) == "AGY:DF_T(2.3)"


def test_an_economy_row_has_every_column_in_dsd_order() -> None:
    series = _series(
        {"year": 2022, "value": 47.25, "obs_status": "B", "footnote": "Statistics Office"}
    )
    rows = economy_rows(series, SDMX, CODES, pd.Series(dtype=object))
    assert list(rows.columns) == COLUMNS
    assert rows.to_dict("records") == [
        {
            "DATAFLOW": "AGY:DF_T(2.3)",
            "FREQ": "A",
            "REPORTING_TYPE": "G",
            "SERIES": "S_USE",
            "REF_AREA": "404",
            "SEX": "_T",
            "AGE": "_T",
            "URBANISATION": "_T",
            "COMPOSITE_BREAKDOWN": "_T",
            "PRODUCT": "_T",  # a DSD dimension no breakdown reaches
            "TIME_PERIOD": "2022",
            "OBS_VALUE": "47.3",  # PT: one decimal, half away from zero
            "OBS_STATUS": "B",  # the series table's status (a break), not the footnote's
            "UNIT_MULT": "0",
            "UNIT_MEASURE": "PT",
            "NATURE": "C",
            "TIME_DETAIL": "2022",
            "COMMENT_OBS": "",
            "SOURCE_DETAIL": "Statistics Office",
            "DATA_LAST_UPDATE": "",
        }
    ]


def test_breakdowns_reach_their_dsd_dimension_and_a_missing_code_stays_missing() -> None:
    series = _series(
        {"sex": "F", "age": "Y_LT15", "area": "R"},
        {"speed": "IS_GE10M", "series": "S_BB"},
        {"skill": "PCPR", "series": "S_SKILL"},
        {"sex": "M"},  # no code in the tiny map
        {"speed": "IS_2MT10M", "series": "S_BB"},  # no code for this speed
        {"skill": "ARSP", "series": "S_SKILL"},  # nor for this skill
    )
    rows = economy_rows(series, SDMX, CODES, pd.Series(dtype=object))
    coded = rows[["SEX", "AGE", "URBANISATION", "COMPOSITE_BREAKDOWN"]].fillna("<none>")
    assert coded.values.tolist() == [
        ["F", "Y0T14", "R", "_T"],
        ["_T", "_T", "_T", "IS_GE10M"],
        ["_T", "_T", "_T", "SKILL_ICTPRGM"],
        ["<none>", "_T", "_T", "_T"],
        ["_T", "_T", "_T", "<none>"],
        ["_T", "_T", "_T", "<none>"],
    ]
    assert list(rows["SERIES"]) == list(series["series"])


def test_the_survey_age_scope_becomes_the_age_of_national_totals_of_the_scoped_series() -> None:
    series = _series(
        {"footnote": "Survey office; 16 to 74 years"},  # scope code not in the age map
        {"footnote": "15+", "age": "Y_LT15"},  # a breakdown by age keeps its own age
        {"footnote": "15+", "series": "S_OWN"},  # S_OWN states no scope
        {"footnote": "Survey office"},  # no scope stated
        {"footnote": "aged 3-4"},  # no CL_AGE code: a comment, the age stays the total
    )
    rows = economy_rows(series, SDMX, CODES, pd.Series(dtype=object))
    assert list(rows["AGE"]) == ["Y16T74", "Y0T14", "_T", "_T", "_T"]
    assert list(rows["COMMENT_OBS"]) == ["", "", "", "", "aged 3-4"]
    assert list(rows["SOURCE_DETAIL"]) == ["Survey office", "", "", "Survey office", ""]


def test_nature_of_economy_rows_and_their_last_update() -> None:
    series = _series(
        {"series": "S_BB", "unit": "PER_100_POP", "year": 2021, "submitted": "2024-03-01"},
        {"series": "S_BB", "unit": "PER_100_POP", "submitted": "2024-05-02"},
        {"series": "S_BB", "unit": "PER_100_POP", "m49": 288, "submitted": "2023-11-30"},
        {"footnote": "ITU estimate", "submitted": "2022-01-15"},
        {"series": "S_BB", "unit": "PER_100_POP", "m49": 288, "year": 2021,
         "footnote": "ITU estimate", "submitted": "2022-02-01"},
    )  # fmt: skip
    formulas = pd.Series({"S_BB": "per100", "S_USE": "share"})
    rows = economy_rows(series, SDMX, CODES, formulas)
    assert list(rows["NATURE"]) == ["CA", "CA", "CA", "E", "E"]
    assert list(rows["DATA_LAST_UPDATE"]) == [
        "2024-05-02", "2024-05-02", "2023-11-30", "2022-01-15", "2023-11-30",
    ]  # fmt: skip


def test_aggregate_rows_sent_their_status_nature_and_coverage_comment() -> None:
    aggregates = _aggregates(
        {"coverage": 0.8765, "value": 61.0},
        {"group": "LDC", "m49": 199, "coverage": 0.8, "n_carried": 1, "n_economies": 30,
         "n_members": 45, "year": 2022},
        {"group": "LLDC", "m49": 432, "coverage": 0.79},  # below the SDMX coverage
        {"group": "Africa", "m49": 202, "published": False},  # withheld
        {"group_type": "itu_region", "group": "Europe", "m49": None},  # no CL_AREA code
        {"series": "S_NOT", "m49": 150},  # not a series sent
    )  # fmt: skip
    rows = aggregate_rows(aggregates, UNITS, SDMX, CODES)
    assert list(rows.columns) == COLUMNS
    got = rows[["REF_AREA", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "COMMENT_OBS"]]
    assert got.values.tolist() == [
        ["1", "2023", "61.0", "A", "coverage 87.7%; 150 of 230 members with data"],
        ["199", "2022", "60.0", "E", "coverage 80.0%; 30 of 45 members with data"],
    ]
    assert set(rows["NATURE"]) == {"G"} and set(rows["UNIT_MEASURE"]) == {"PT"}
    assert set(rows["SOURCE_DETAIL"]) == {"ITU aggregate of country data"}
    assert set(rows["DATA_LAST_UPDATE"]) == {""}


def test_without_a_configured_coverage_every_published_aggregate_is_sent() -> None:
    config = {k: v for k, v in SDMX.items() if k != "aggregate_min_coverage"}
    aggregates = _aggregates({"coverage": 0.1}, {"m49": 199, "coverage": 0.0})
    assert list(aggregate_rows(aggregates, UNITS, config, CODES)["REF_AREA"]) == ["1", "199"]


def _incomplete() -> pd.DataFrame:
    """One sent row, then one row per way of having no DSD code (a series of its own each)."""
    return _series(
        {"series": "S_USE"},
        {"series": "S_OWN", "m49": None},
        {"series": "S_SKILL", "sex": "M"},
        {"series": "S_BB", "age": "Y25T74"},
        {"series": "S_BB", "area": "U", "year": 2022},
        {"series": "S_SKILL", "skill": "ARSP", "year": 2022},
        {"series": "S_OWN", "value": np.nan, "year": 2022},
        {"series": "S_NOT"},
        {"series": "S_NOT", "year": 2022},
    )


def test_only_rows_with_every_dsd_code_and_a_value_are_sent() -> None:
    series = _incomplete().assign(submitted="2024-01-31")
    aggregates = _aggregates({"series": "S_BB"}, {"series": "S_SKILL", "m49": 199})
    table = to_sdmx_csv(series, aggregates, UNITS, CODES, SDMX)
    assert list(table.columns) == COLUMNS
    assert list(table.index) == [0, 1, 2]
    assert table[["SERIES", "REF_AREA", "NATURE"]].values.tolist() == [
        ["S_USE", "404", "C"],
        ["S_BB", "1", "G"],
        ["S_SKILL", "199", "G"],
    ]
    # an aggregate's last update is the latest of its series' economy rows, sent or not
    assert list(table["DATA_LAST_UPDATE"]) == ["2024-01-31"] * 3


def test_an_aggregate_without_economy_rows_of_its_series_has_no_last_update() -> None:
    series = _series({"submitted": "2024-01-31"})
    aggregates = _aggregates({"series": "S_OWN"})
    formulas = pd.Series({"S_USE": "per100"})
    table = to_sdmx_csv(series, aggregates, UNITS, CODES, SDMX, formulas)
    assert table[["SERIES", "NATURE", "DATA_LAST_UPDATE"]].values.tolist() == [
        ["S_USE", "CA", "2024-01-31"],
        ["S_OWN", "G", ""],
    ]


def test_rows_left_out_are_counted_by_series_and_reason() -> None:
    counted = left_out(_incomplete(), CODES, SDMX)
    assert counted.to_dict("records") == [
        {"series": "S_BB", "reason": "breakdown without DSD code", "rows": 2},
        {"series": "S_NOT", "reason": "series not in DSD", "rows": 2},
        {"series": "S_OWN", "reason": "breakdown without DSD code", "rows": 1},
        {"series": "S_OWN", "reason": "economy without M49 code", "rows": 1},
        {"series": "S_SKILL", "reason": "breakdown without DSD code", "rows": 2},
    ]


# --- attributes -----------------------------------------------------------------------------


def test_footnote_parts_go_to_source_comment_age_and_custodian_estimate() -> None:
    footnotes = pd.Series(
        [
            "Statistics Office; Provisional",
            "provisional figures; Ministry of ICT.",  # prefixes match in any case
            "Figures Revised; Data from the national household survey.",  # a 6-word sentence
            "2019 data; ITU estimate; 15+",  # starts with a digit: a statement
            "aged 3-4; National Statistics Office of the Republic of Kenya",
            None,
            "Ministry of ICT; Ministry of ICT; 16 to 74 years; 15+",
            "Data from the national household survey",  # no full stop: a source
        ],
        index=[17, 11, 13, 19, 12, 15, 14, 16],
    )
    parts = split_footnotes(footnotes, SDMX)
    assert list(parts.columns) == ["source", "comment", "age", "custodian_estimate"]
    assert list(parts.index) == list(footnotes.index)
    assert parts.values.tolist() == [
        ["Statistics Office", "Provisional", "", False],
        ["Ministry of ICT.", "provisional figures", "", False],
        ["", "Figures Revised; Data from the national household survey.", "", False],
        ["", "2019 data; ITU estimate", "Y_GE15", True],
        ["National Statistics Office of the Republic of Kenya", "aged 3-4", "", False],
        ["", "", "", False],
        ["Ministry of ICT", "", "Y16T74", False],
        ["Data from the national household survey", "", "", False],
    ]


def test_a_five_word_sentence_is_a_source_and_a_comment_word_needs_no_full_stop() -> None:
    footnotes = pd.Series(
        ["Ministry of Posts and Telecommunications.", "Series revised", "Reference year: 2021"]
    )
    parts = split_footnotes(footnotes, SDMX)
    assert list(parts["source"]) == ["Ministry of Posts and Telecommunications.", "", ""]
    assert list(parts["comment"]) == ["", "Series revised", "Reference year: 2021"]


def test_age_scope_codes() -> None:
    parts = pd.Series(
        ["aged 3-4", "15 years and over", "18-24 years old", "Age 10 to 74.", "Ministry", "2023"]
    )
    assert age_code(parts).fillna("").tolist() == ["Y3T4", "Y_GE15", "Y18T24", "Y10T74", "", ""]


def test_nature_puts_a_custodian_estimate_before_a_custodian_computation() -> None:
    frame = pd.DataFrame({"formula": ["per100", "per100", "share", None]}, index=[5, 6, 7, 8])
    parts = pd.DataFrame({"custodian_estimate": [True, False, False, True]}, index=frame.index)
    got = nature(frame, parts, SDMX)
    assert got.tolist() == ["E", "CA", "C", "E"] and list(got.index) == [5, 6, 7, 8]


def test_decimals_per_series_then_per_unit_then_two() -> None:
    series = pd.Series(["S_SKILL", "S_USE", "S_BB", "S_X", "S_SKILL"])
    units = pd.Series(["PT", "PT", "NUMBER", "GB", "NUMBER"])
    assert decimals(series, units, SDMX).tolist() == [3, 1, 0, 2, 3]


def test_rounded_text_half_away_from_zero_at_each_number_of_places() -> None:
    values = pd.Series([2.25, -0.05, 1234.5, 0.0125, -7.0, 0.125])
    places = pd.Series([1, 1, 0, 3, 2, 2])
    got = rounded_text(values, places)
    assert got.tolist() == ["2.3", "-0.1", "1235", "0.013", "-7.00", "0.13"]


def test_last_update_is_the_latest_date_of_each_key_even_a_key_with_no_code() -> None:
    frame = pd.DataFrame(
        {
            "SERIES": ["S_A", "S_A", "S_A", "S_B"],
            "AGE": ["_T", "_T", np.nan, np.nan],
            "submitted": ["2024-05-02T09:30:00", "2024-03-01", "2023-01-09", None],
        }
    )
    got = last_update(frame, ["SERIES", "AGE"])
    assert got.tolist() == ["2024-05-02", "2024-05-02", "2023-01-09", ""]
    undated = last_update(frame.drop(columns="submitted"), ["SERIES", "AGE"])
    assert undated.tolist() == ["", "", "", ""]


# --- SDMX-ML --------------------------------------------------------------------------------

NS = {
    "message": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "generic": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic",
    "common": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}


def _csv_rows() -> pd.DataFrame:
    """Three SDMX-CSV rows of two series keys, not in key order."""
    base = {c: "_T" for c in DIMENSIONS} | {"FREQ": "A", "REPORTING_TYPE": "G"}
    rows = [
        base | {"SERIES": "S_USE", "REF_AREA": "404", "TIME_PERIOD": "2022", "OBS_VALUE": "47.3",
                "COMMENT_OBS": 'Break: "new survey" & sample', "DATA_LAST_UPDATE": "2024-05-02"},
        base | {"SERIES": "S_USE", "REF_AREA": "288", "TIME_PERIOD": "2022", "OBS_VALUE": "31.0",
                "COMMENT_OBS": "", "DATA_LAST_UPDATE": ""},
        base | {"SERIES": "S_USE", "REF_AREA": "404", "TIME_PERIOD": "2021", "OBS_VALUE": "44.9",
                "COMMENT_OBS": "", "DATA_LAST_UPDATE": "2024-05-02"},
    ]  # fmt: skip
    frame = pd.DataFrame(rows).assign(
        DATAFLOW="AGY:DF_T(2.3)",
        OBS_STATUS=["E", "A", "B"],
        UNIT_MULT="0",
        UNIT_MEASURE="PT",
        NATURE=["C", "CA", "C"],
        TIME_DETAIL=["2022", "2022", "2021"],
        SOURCE_DETAIL=["NSO", "", "NSO"],
    )
    return frame[COLUMNS]


def _values(element: ET.Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {v.get("id"): v.get("value") for v in element.findall("generic:Value", NS)}


def test_sdmx_ml_header_names_the_dataflow_structure_and_sender() -> None:
    root = ET.fromstring(to_sdmx_ml(_csv_rows(), SDMX, "2025-06-30T08:15:00"))
    header = root.find("message:Header", NS)
    assert header.findtext("message:ID", namespaces=NS) == "DF_T_20250630"
    assert header.findtext("message:Test", namespaces=NS) == "false"
    assert header.findtext("message:Prepared", namespaces=NS) == "2025-06-30T08:15:00"
    assert header.find("message:Sender", NS).get("id") == "SND"
    structure = header.find("message:Structure", NS)
    assert structure.get("structureID") == "SAG_DSD_T_1.7"
    assert structure.get("dimensionAtObservation") == "TIME_PERIOD"
    ref = structure.find("common:StructureUsage/Ref", NS)
    assert ref.attrib == {"agencyID": "AGY", "id": "DF_T", "version": "2.3"}
    assert root.find("message:DataSet", NS).get("structureRef") == "SAG_DSD_T_1.7"


def test_sdmx_ml_one_series_per_key_with_series_and_observation_attributes() -> None:
    root = ET.fromstring(to_sdmx_ml(_csv_rows(), SDMX, "2025-06-30T00:00:00"))
    series = root.findall("message:DataSet/generic:Series", NS)
    keys = [_values(s.find("generic:SeriesKey", NS)) for s in series]
    assert [k["REF_AREA"] for k in keys] == ["288", "404"], "sorted by key"
    assert list(keys[0]) == DIMENSIONS and keys[0]["FREQ"] == "A"
    assert keys[0]["REPORTING_TYPE"] == "G" and keys[0]["PRODUCT"] == "_T"
    attributes = [_values(s.find("generic:Attributes", NS)) for s in series]
    assert attributes == [
        {"UNIT_MEASURE": "PT"},  # an empty DATA_LAST_UPDATE is left out
        {"UNIT_MEASURE": "PT", "DATA_LAST_UPDATE": "2024-05-02"},
    ]
    observations = [
        (
            o.find("generic:ObsDimension", NS).get("value"),
            o.find("generic:ObsValue", NS).get("value"),
            _values(o.find("generic:Attributes", NS)),
        )
        for s in series
        for o in s.findall("generic:Obs", NS)
    ]
    assert observations == [
        ("2022", "31.0", {"OBS_STATUS": "A", "UNIT_MULT": "0", "NATURE": "CA",
                          "TIME_DETAIL": "2022"}),
        ("2021", "44.9", {"OBS_STATUS": "B", "UNIT_MULT": "0", "NATURE": "C",
                          "TIME_DETAIL": "2021", "SOURCE_DETAIL": "NSO"}),
        ("2022", "47.3", {"OBS_STATUS": "E", "UNIT_MULT": "0", "NATURE": "C",
                          "TIME_DETAIL": "2022", "COMMENT_OBS": 'Break: "new survey" & sample',
                          "SOURCE_DETAIL": "NSO"}),
    ]  # fmt: skip


def test_sdmx_ml_writes_only_the_configured_attributes_the_rows_have() -> None:
    rows = _csv_rows()[["DATAFLOW", *DIMENSIONS, "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE"]]
    xml = to_sdmx_ml(rows.assign(EXTRA="x"), SDMX, "2025-06-30T00:00:00")
    root = ET.fromstring(xml)
    series = root.findall("message:DataSet/generic:Series", NS)
    assert [_values(s.find("generic:Attributes", NS)) for s in series] == [
        {"UNIT_MEASURE": "PT"},
        {"UNIT_MEASURE": "PT"},
    ]
    assert all(
        o.find("generic:Attributes", NS) is None for o in root.iter(f"{{{NS['generic']}}}Obs")
    )
    assert "EXTRA" not in xml
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<message:GenericData ')
    assert xml.endswith("</message:DataSet></message:GenericData>\n")


@pytest.mark.parametrize("attribute", ["UNIT_MEASURE", "DATA_LAST_UPDATE"])
def test_series_level_attributes_are_never_on_an_observation(attribute) -> None:
    root = ET.fromstring(to_sdmx_ml(_csv_rows(), SDMX, "2025-06-30T00:00:00"))
    for obs in root.iter(f"{{{NS['generic']}}}Obs"):
        assert attribute not in _values(obs.find("generic:Attributes", NS))
