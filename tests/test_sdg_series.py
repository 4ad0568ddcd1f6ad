"""SDG series per economy: formulas, breakdown filters, status and traceability."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.derive import derive
from pipeline.observations import observation_table
from pipeline.sdg.definitions import load_methodology
from pipeline.sdg.formulas import FORMULAS
from pipeline.sdg.series import SERIES_COLUMNS, compute_series, series_counts

#: per-100 rates are exact arithmetic on the same inputs
RATE_TOLERANCE = 1e-9

ECONOMIES = pd.DataFrame({"economy": ["AAA", "BBB"], "m49": [4, 8]})
POPULATION = pd.DataFrame(
    {"economy": ["AAA", "BBB"], "year": [2023, 2023], "population": [2_000_000, 500_000]}
)


def observation(indicator: str, value: float, economy: str = "AAA", **fields: object) -> dict:
    """One observation row with totals everywhere unless given."""
    row = {"economy": economy, "year": 2023, "indicator": indicator, "value": value}
    return (
        row | {"source_file": f"{economy}_wti.xlsx", "sheet": "Broadband", "cell": "E12"} | fields
    )


def observations(*rows: dict) -> pd.DataFrame:
    return observation_table(rows)


@pytest.fixture(scope="module")
def methodology():
    return load_methodology()


def test_columns_follow_the_contract(methodology) -> None:
    obs = observations(observation("HH7", 55.0))
    series = compute_series(obs, POPULATION, ECONOMIES, methodology)
    assert tuple(series.columns) == SERIES_COLUMNS
    assert series.loc[0, "m49"] == 4


def test_fixed_broadband_per_100_and_number_by_speed(methodology) -> None:
    obs = observations(
        observation("i4213tfbb", 300_000.0),
        observation("i4213tfbb", 200_000.0, speed="IS_GE10M", cell="E14"),
        observation("i4213tfbb", 100_000.0, technology="FIBRE", cell="E20"),
    )
    series = compute_series(obs, POPULATION, ECONOMIES, methodology).set_index(["series", "speed"])
    assert series.loc[("IT_NET_BBND", "_T"), "value"] == pytest.approx(15.0, abs=RATE_TOLERANCE)
    assert series.loc[("IT_NET_BBND", "IS_GE10M"), "value"] == pytest.approx(10.0)
    assert series.loc[("IT_NET_BBNDN", "IS_GE10M"), "value"] == 200_000.0
    assert series.loc[("IT_NET_BBND", "IS_GE10M"), "cell"] == "per100(i4213tfbb@E14)"
    assert series.loc[("IT_NET_BBNDN", "_T"), "cell"] == "E12"
    assert len(series) == 4, "the by-technology row must not become a series value"


def test_per100_without_population_is_dropped_not_guessed(methodology) -> None:
    obs = observations(observation("i4213tfbb", 1000.0, economy="CCC"))
    series = compute_series(obs, POPULATION, ECONOMIES, methodology)
    assert set(series["series"]) == {"IT_NET_BBNDN"}


def test_per100_agrees_with_the_derive_module(methodology) -> None:
    obs = observations(
        observation("i4213tfbb", 123_456.0),
        observation("i4213tfbb", 7_890.0, economy="BBB", speed="IS_2MT10M"),
    )
    ours = compute_series(obs, POPULATION, ECONOMIES, methodology)
    ours = ours.loc[ours["series"].eq("IT_NET_BBND")].set_index(["economy", "speed"])["value"]
    theirs = derive(obs, POPULATION)
    theirs = theirs.loc[theirs["indicator"].eq("i992b")].set_index(["economy", "speed"])["value"]
    pd.testing.assert_series_equal(
        ours.sort_index(),
        theirs.sort_index(),
        check_names=False,
        check_index_type=False,
        rtol=RATE_TOLERANCE,
    )


def test_skills_need_a_skill_type_and_keep_sex(methodology) -> None:
    obs = observations(
        observation("HH15", 40.0, skill="ARSP"),
        observation("HH15", 35.0, skill="ARSP", sex="F"),
        observation("HH15", 60.0),
    )
    series = compute_series(obs, POPULATION, ECONOMIES, methodology)
    assert list(series["series"]) == ["SE_ADT_ACTS", "SE_ADT_ACTS"]
    assert set(series["sex"]) == {"F", "_T"} and set(series["skill"]) == {"ARSP"}


def test_internet_use_by_sex_age_area_all_come_out(methodology) -> None:
    obs = observations(
        observation("HH7", 60.0),
        observation("HH7", 58.0, sex="F"),
        observation("HH7", 80.0, age="Y15T24"),
        observation("HH7", 70.0, area="U"),
    )
    series = compute_series(obs, POPULATION, ECONOMIES, methodology)
    assert len(series) == 4 and set(series["series"]) == {"IT_USE_II99"}


def test_coverage_by_technology_gives_one_series_each(methodology) -> None:
    rows = [observation(c, v) for c, v in [("i271pop", 99), ("i271G", 95), ("i271GA", 90)]]
    rows.append(observation("i271G5", 20.0))
    series = compute_series(observations(*rows), POPULATION, ECONOMIES, methodology)
    assert dict(zip(series["series"], series["value"], strict=True)) == {
        "IT_MOB_2GNTWK": 99,
        "IT_MOB_3GNTWK": 95,
        "IT_MOB_4GNTWK": 90,
        "IT_MOB_5GNTWK": 20,
    }


def test_status_footnote_and_source_travel(methodology) -> None:
    obs = observations(
        observation("HH18", 80.0, estimate=True, footnote="Age 15+", source_file="a.xlsx"),
        observation("HH18", 81.0, sex="F", break_in_series=True),
        observation("HH18", 79.0, sex="M"),
    )
    series = compute_series(obs, POPULATION, ECONOMIES, methodology).set_index("sex")
    assert series["obs_status"].to_dict() == {"_T": "E", "F": "B", "M": "A"}
    assert series.loc["_T", "footnote"] == "Age 15+"
    assert series.loc["_T", "source_file"] == "a.xlsx"
    assert series.loc["_T", "sheet"] == "Broadband"


def test_no_observations_gives_an_empty_table(methodology) -> None:
    obs = observations(observation("i112", 5.0))
    series = compute_series(obs, POPULATION, ECONOMIES, methodology)
    assert series.empty and tuple(series.columns) == SERIES_COLUMNS


@pytest.mark.parametrize(
    ("formula", "expected"), [("as_is", [300.0, 50.0]), ("per100", [0.015, 0.01]), ("count", None)]
)
def test_every_formula_has_a_known_answer(formula: str, expected: list[float] | None) -> None:
    rows = pd.DataFrame({"economy": ["AAA", "BBB"], "year": [2023, 2023], "value": [300.0, 50.0]})
    result = FORMULAS[formula](rows, POPULATION)
    assert list(result) == pytest.approx(expected or [300.0, 50.0])


def test_registry_is_fully_covered_by_the_known_answers() -> None:
    assert set(FORMULAS) == {"as_is", "per100", "count"}


def test_series_counts_per_series(methodology) -> None:
    obs = observations(observation("HH7", 60.0), observation("HH7", 50.0, economy="BBB"))
    counts = series_counts(compute_series(obs, POPULATION, ECONOMIES, methodology))
    assert counts.to_dict("records") == [
        {
            "indicator_sdg": "17.8.1",
            "series": "IT_USE_II99",
            "economies": 2,
            "years": 1,
            "first_year": 2023,
            "last_year": 2023,
            "rows": 2,
        }
    ]


def test_per100_with_zero_population_is_dropped_not_infinite(methodology) -> None:
    """A zero population gave an infinite rate that was sent on as a series value."""
    zero = pd.DataFrame({"economy": ["AAA"], "year": [2023], "population": [0]})
    obs = observations(observation("i4213tfbb", 1000.0))
    series = compute_series(obs, zero, ECONOMIES, methodology)
    assert set(series["series"]) == {"IT_NET_BBNDN"}


def test_collection_round_and_submission_date_travel_when_present(methodology) -> None:
    obs = observations(observation("HH7", 55.0)).assign(round="2024", submitted="2024-03-01")
    series = compute_series(obs, POPULATION, ECONOMIES, methodology)
    assert tuple(series.columns) == (*SERIES_COLUMNS, "round", "submitted")
    assert series.loc[0, ["round", "submitted"]].tolist() == ["2024", "2024-03-01"]


def test_rows_follow_the_methodology_order_of_series_then_economy_and_year(methodology) -> None:
    """IT_USE_II99 is listed before IT_MOB_OWN (though after it alphabetically)."""
    obs = observations(
        observation("HH18", 70.0, economy="BBB"),
        observation("HH18", 71.0),
        observation("HH7", 55.0, economy="BBB"),
        observation("HH7", 56.0, year=2022),
        observation("HH7", 57.0),
    )
    series = compute_series(obs, POPULATION, ECONOMIES, methodology)
    assert list(zip(series["series"], series["economy"], series["year"], strict=True)) == [
        ("IT_USE_II99", "AAA", 2022),
        ("IT_USE_II99", "AAA", 2023),
        ("IT_USE_II99", "BBB", 2023),
        ("IT_MOB_OWN", "AAA", 2023),
        ("IT_MOB_OWN", "BBB", 2023),
    ]


def test_series_counts_are_sorted_by_sdg_indicator_and_series() -> None:
    series = pd.DataFrame(
        {
            "indicator_sdg": ["17.8.1", "17.6.1", "17.6.1"],
            "series": ["IT_USE_II99", "IT_NET_BBNDN", "IT_NET_BBND"],
            "economy": ["AAA", "AAA", "BBB"],
            "year": [2023, 2021, 2022],
            "value": [1.0, 2.0, 3.0],
        }
    )
    counts = series_counts(series)
    assert list(counts["series"]) == ["IT_NET_BBND", "IT_NET_BBNDN", "IT_USE_II99"]
    assert list(counts["first_year"]) == [2022, 2021, 2023]
