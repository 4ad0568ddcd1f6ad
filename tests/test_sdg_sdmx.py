"""SDMX-CSV against the SDG data structure definition v1.4 (issue #6, item 4).

The DSD is parsed with the standard library from ``tests/data/sdg/SDG_DSD_1.4.xml.gz`` (a
gzip of data/sources/sdg_dsd/SDG_DSD_1.4_from_Tajstat_2021-06-24.xml, see
PROVENANCE.md): column order, every dimension and coded attribute value, and the shipped code
maps in schemas/sdg/sdmx.toml are checked against its code lists.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from test_sdg_series import observation, observations

from pipeline import reference
from pipeline.observations import DIMENSIONS
from pipeline.sdg import run
from pipeline.sdg.definitions import load_methodology

DSD_FILE = Path(__file__).parent / "data" / "sdg" / "SDG_DSD_1.4.xml.gz"
NS = {
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}


@dataclass(frozen=True)
class Structure:
    """What the test needs from the DSD: component order and code list of each component."""

    dimensions: tuple[str, ...]
    attributes: tuple[str, ...]
    codelist_of: dict[str, str]
    codes: dict[str, frozenset[str]]


def _component_codelist(component: ET.Element) -> str | None:
    ref = component.find("str:LocalRepresentation/str:Enumeration/Ref", NS)
    return None if ref is None else ref.get("id")


@cache
def structure() -> Structure:
    with gzip.open(DSD_FILE) as handle:
        root = ET.parse(handle).getroot()
    dsd = next(root.iter(f"{{{NS['str']}}}DataStructure"))
    dims = dsd.findall(".//str:DimensionList/str:Dimension", NS)
    attrs = dsd.findall(".//str:AttributeList/str:Attribute", NS)
    codelist_of = {c.get("id"): _component_codelist(c) for c in [*dims, *attrs]}
    codes = {
        cl.get("id"): frozenset(code.get("id") for code in cl.findall("str:Code", NS))
        for cl in root.iter(f"{{{NS['str']}}}Codelist")
    }
    return Structure(
        dimensions=tuple(d.get("id") for d in sorted(dims, key=lambda d: int(d.get("position")))),
        attributes=tuple(a.get("id") for a in attrs),
        codelist_of={k: v for k, v in codelist_of.items() if v},
        codes=codes,
    )


def assert_conforms(sdmx: pd.DataFrame) -> None:
    """Columns in DSD order and every coded value in its DSD code list."""
    dsd = structure()
    methodology = load_methodology()
    expected = ["DATAFLOW", *dsd.dimensions, "TIME_PERIOD", "OBS_VALUE"]
    assert list(sdmx.columns[: len(expected)]) == expected
    attributes = list(sdmx.columns[len(expected) :])
    assert attributes == [a for a in dsd.attributes if a in attributes], "attributes in DSD order"
    mandatory = {"OBS_STATUS", "UNIT_MULT", "UNIT_MEASURE"}
    assert mandatory <= set(attributes)
    for column, codelist in dsd.codelist_of.items():
        if column not in sdmx:
            continue
        values = set(sdmx[column].dropna().astype(str)) - {""}
        unknown = values - dsd.codes[codelist]
        assert not unknown, f"{column}: {sorted(unknown)[:10]} not in {codelist}"
    assert sdmx["OBS_VALUE"].notna().all()
    assert sdmx["TIME_PERIOD"].str.fullmatch(r"\d{4}").all()
    assert set(sdmx["DATAFLOW"]) == {methodology.sdmx["dataflow"]}
    key = [*dsd.dimensions, "TIME_PERIOD"]
    assert not sdmx.duplicated(key).any(), "one observation per series key and period"


def test_shipped_code_maps_use_dsd_codes() -> None:
    dsd = structure()
    methodology = load_methodology()
    for dimension, spec in methodology.sdmx["dimension"].items():
        codelist = dsd.codelist_of[spec["sdmx"]]
        assert set(spec["codes"].values()) <= dsd.codes[codelist], dimension
        assert set(spec["codes"]) <= set(DIMENSIONS[dimension]), dimension
    assert list(methodology.sdmx["dimensions"]) == list(dsd.dimensions)


def test_series_codes_and_units_are_in_the_dsd() -> None:
    dsd = structure()
    for series in load_methodology().series:
        assert (series.code in dsd.codes["CL_SERIES"]) == series.sdmx, series.code
        assert series.unit in dsd.codes["CL_UNIT_MEASURE"], series.unit


def test_every_skill_and_speed_has_a_dsd_code() -> None:
    """4.4.1 skills and 17.6.1 tiers must all reach COMPOSITE_BREAKDOWN, none dropped."""
    codes = load_methodology().sdmx["dimension"]
    assert set(codes["skill"]["codes"]) == set(DIMENSIONS["skill"])
    assert set(codes["speed"]["codes"]) == set(DIMENSIONS["speed"])


@pytest.fixture(scope="module")
def tables():
    economies = reference.economies()
    population = reference.population()
    largest = population.loc[population["year"].eq(2023)].nlargest(40, "population")
    chosen = sorted(largest["economy"])
    rows = []
    for number, economy in enumerate(chosen):
        value = 10.0 + number
        rows += [
            observation("HH7", value, economy=economy),
            observation("HH7", value + 1, economy=economy, sex="F", estimate=True),
            observation("HH7", value, economy=economy, age="Y_LT15"),
            observation("HH7", value, economy=economy, age="Y25T74"),
            observation("HH18", value, economy=economy, area="R", footnote="15+"),
            observation("HH15", value, economy=economy, skill="PCPR", sex="M"),
            observation("i271GA", 90.0, economy=economy),
            observation("i271G5", 9.0, economy=economy),
            observation("i4213tfbb", 1e4 * (number + 1), economy=economy, speed="IS_256KT2M"),
        ]
    return run(
        observations(*rows),
        population,
        economies,
        reference.income_groups(),
    )


def test_sdmx_csv_conforms_to_the_dsd(tables) -> None:
    assert_conforms(tables.sdmx)
    assert {"1", "199"} & set(tables.sdmx["REF_AREA"]), "World/LDC aggregates are sent"


def test_breakdowns_land_in_the_right_dimension(tables) -> None:
    sdmx = tables.sdmx.loc[tables.sdmx["REF_AREA"].isin(tables.series["m49"].astype(str))]
    skill = sdmx.loc[sdmx["SERIES"].eq("SE_ADT_ACTS")]
    assert set(skill["COMPOSITE_BREAKDOWN"]) == {"SKILL_ICTPRGM"} and set(skill["SEX"]) == {"M"}
    speed = sdmx.loc[sdmx["SERIES"].eq("IT_NET_BBND")]
    assert set(speed["COMPOSITE_BREAKDOWN"]) == {"IS_256KT2M"}
    assert set(sdmx.loc[sdmx["SERIES"].eq("IT_MOB_OWN"), "URBANISATION"]) == {"R"}
    assert "Y0T14" in set(sdmx["AGE"])
    estimated = sdmx.loc[sdmx["SERIES"].eq("IT_USE_II99") & sdmx["SEX"].eq("F")]
    assert set(estimated["OBS_STATUS"]) == {"E"} and set(estimated["NATURE"]) == {"E"}


def test_rows_without_dsd_codes_are_left_out_and_counted(tables) -> None:
    assert "IT_MOB_5GNTWK" not in set(tables.sdmx["SERIES"])
    counted = tables.left_out.set_index(["series", "reason"])["rows"]
    assert counted[("IT_MOB_5GNTWK", "series not in DSD")] == 40
    assert counted[("IT_USE_II99", "breakdown without DSD code")] == 40
    economy_rows = tables.sdmx["REF_AREA"].isin(tables.series["m49"].astype(str))
    assert economy_rows.sum() + tables.left_out["rows"].sum() == len(tables.series), (
        "every economy value is either sent or counted as left out"
    )


def test_unpublished_aggregates_are_not_sent(tables) -> None:
    aggregates = tables.aggregates
    withheld = aggregates.loc[~aggregates["published"] & aggregates["m49"].notna()]
    assert not withheld.empty
    sent = tables.sdmx.loc[tables.sdmx["REF_AREA"].isin(["1", "199", "432", "722", "910", "911"])]
    published = aggregates.loc[
        aggregates["published"]
        & aggregates["m49"].notna()
        & aggregates["series"].ne("IT_MOB_5GNTWK")
        & aggregates["age"].ne("Y25T74")  # no CL_AGE code in DSD v1.4
    ]
    assert len(sent) == len(published)


def test_economy_without_m49_is_counted_not_sent() -> None:
    methodology = load_methodology()
    economies = pd.DataFrame(
        {
            "economy": ["AAA", "BBB"],
            "m49": [4, None],
            "itu_region": "Africa",
            "ldc": False,
            "lldc": False,
            "sids": False,
            "income_group": "L",
        }
    )
    population = pd.DataFrame({"economy": ["AAA", "BBB"], "year": 2023, "population": 1e6})
    income = pd.DataFrame({"economy": ["AAA"], "year": [2023], "income_group": ["L"]})
    obs = observations(observation("HH7", 50.0), observation("HH7", 60.0, economy="BBB"))
    tables = run(obs, population, economies, income)
    assert set(tables.sdmx.loc[tables.sdmx["SERIES"].eq("IT_USE_II99"), "REF_AREA"]) <= {"4", "1"}
    assert tables.left_out.to_dict("records") == [
        {"series": "IT_USE_II99", "reason": "economy without M49 code", "rows": 1}
    ]
    assert methodology.sdmx["dataflow"] in set(tables.sdmx["DATAFLOW"])


def test_aggregate_rows_status_and_coverage_comment() -> None:
    from pipeline.sdg.sdmx import aggregate_rows

    sdmx = load_methodology().sdmx
    method = "population-weighted mean; gaps filled with the latest value within 3 years "
    aggregates = pd.DataFrame(
        {
            "series": "IT_USE_II99",
            "group_type": ["world", "ldc", "itu_region"],
            "group": ["World", "LDC", "Africa"],
            "m49": pd.array([1, 199, None], dtype="Int64"),
            "year": 2023,
            **{d: "_T" for d in ("sex", "age", "area", "speed", "skill")},
            "value": [60.0, 30.0, 40.0],
            "coverage": [0.987, 0.6, 0.9],
            "n_economies": [150, 30, 40],
            "n_members": [230, 45, 44],
            "published": True,
            "method": [
                method + "(0 of 150 members carried)",
                method + "(2 of 30 members carried)",
                method + "(0 of 40 members carried)",
            ],
        }
    )
    units = pd.Series({"IT_USE_II99": "PT"})
    rows = aggregate_rows(aggregates, units, sdmx, frozenset({"IT_USE_II99"}))
    assert list(rows["REF_AREA"]) == ["1", "199"], "no M49 code, not sent"
    assert list(rows["OBS_STATUS"]) == ["A", "E"]
    assert rows.loc[0, "COMMENT_OBS"] == "coverage 98.7%; 150 of 230 members with data"
    assert_conforms(rows)
