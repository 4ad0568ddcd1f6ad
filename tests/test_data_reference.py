"""The economy reference in schemas/reference/: complete, consistent, current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from pipeline import reference

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
ITU_REGIONS = {"Africa", "Americas", "Arab States", "Asia-Pacific", "CIS", "Europe"}
#: UN M49 membership counts in country-codes.csv (45 LDC, 32 LLDC, 53 SIDS) less the
#: economies without any ITU series: BES (a SIDS) is the only one.
EXPECTED_GROUP_COUNTS = {"ldc": 45, "lldc": 32, "sids": 52}


@pytest.fixture(scope="module")
def economies() -> pd.DataFrame:
    return reference.economies()


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return reference.population()


def test_at_least_190_economies_with_unique_codes(economies: pd.DataFrame) -> None:
    assert len(economies) >= 190
    assert economies["economy"].is_unique
    assert economies["m49"].is_unique
    assert economies["economy"].str.fullmatch(r"[A-Z]{3}").all()


@pytest.mark.parametrize(("flag", "count"), sorted(EXPECTED_GROUP_COUNTS.items()))
def test_development_group_counts_match_m49(economies: pd.DataFrame, flag: str, count: int):
    assert economies[flag].dtype == bool
    assert int(economies[flag].sum()) == count


def test_regions_and_income_groups_come_from_closed_lists(economies: pd.DataFrame) -> None:
    assert set(economies["itu_region"].dropna()) <= ITU_REGIONS
    assert set(economies["income_group"].dropna()) <= {"L", "LM", "UM", "H"}
    assert economies["itu_region"].value_counts()["CIS"] == 9


def test_every_idi_economy_has_a_region(economies: pd.DataFrame) -> None:
    regions = economies.set_index("economy")["itu_region"]
    for edition in (2023, 2024, 2025):
        idi = pd.read_csv(SOURCES / f"itu_idi_dataset/idi_{edition}_data.csv")
        codes = idi["iso3"].replace({"WBG": "PSE"})
        assert codes.isin(regions.index).all(), edition
        published = idi["itu_region"].str.replace("The Americas", "Americas")
        assert (regions.loc[codes].to_numpy() == published.to_numpy()).all(), edition


def test_population_positive_and_covers_2000_2024(population: pd.DataFrame, economies) -> None:
    assert (population["population"] > 0).all()
    assert (population["households"] > 0).all()
    assert (population["households"] < population["population"]).all()
    assert not population.duplicated(["economy", "year"]).any()
    assert set(population["economy"]) == set(economies["economy"])
    years = population.groupby("economy")["year"].agg(["min", "max", "size"])
    full = years[years["size"] == 25]
    assert len(full) >= 225
    assert (full["min"] == 2000).all() and (full["max"] == 2024).all()


def test_population_prefers_itu_un_wpp(population: pd.DataFrame) -> None:
    assert set(population["population_source"]) == {"itu_i61_wpp2024", "wb_sp_pop_totl"}
    kenya = population.set_index(["economy", "year"]).loc[("KEN", 2023)]
    # ITU DataHub i61 (UN WPP 2024) for Kenya 2023, as exported 2025-07.
    assert kenya["population"] == 55339000
    assert kenya["population_source"] == "itu_i61_wpp2024"


def test_household_sizes_plausible(population: pd.DataFrame) -> None:
    size = population["population"] / population["households"]
    assert size.between(1.5, 9.5).all()
    assert set(population["households_source"]) == {
        "un_hh_size_2019",
        "estimate_region_median_size",
    }


def test_income_history_latest_matches_economies(economies: pd.DataFrame) -> None:
    history = reference.income_groups()
    latest = history.sort_values("year").drop_duplicates("economy", keep="last")
    latest = latest.set_index("economy")["income_group"]
    classified = economies.dropna(subset=["income_group"]).set_index("economy")["income_group"]
    assert (latest.loc[classified.index] == classified).all()
    assert economies.set_index("economy").loc["DEU", "income_group"] == "H"


def test_reference_files_are_reproducible_from_the_script() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_reference", REPO / "scripts/build_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0


def test_dom_is_the_dominican_republic_not_dominica():
    """IDI 2025 names DOM "Dominica"; the reference keeps DOM's own name from earlier editions."""
    from pipeline.reference import economies

    names = economies().set_index("economy")["name"]
    assert names["DOM"].startswith("Dominican") and names["DMA"] == "Dominica"
    assert not names.duplicated().any()


def test_gni_per_capita_is_plausible_and_unique_per_economy_and_year() -> None:
    """GNI per capita backed out of ITU's baskets (12 × USD price / share of GNI): a rich
    economy ~40–90k USD, a low-income one below 1.5k; one row per economy and GNI year."""
    gni = reference.gni_per_capita()
    assert not gni.duplicated(["economy", "year"]).any()
    assert gni["gni_per_capita_usd"].gt(0).all()
    assert set(gni["economy"]) <= set(reference.economies()["economy"])
    value = gni.set_index(["economy", "year"])["gni_per_capita_usd"]
    assert 35_000 < value[("FRA", 2022)] < 55_000
    assert 60_000 < value[("USA", 2021)] < 80_000
    assert value[("BFA", 2022)] < 1_500
    assert set(gni["basket"]) == {"fixed_broadband_5gb", "mobile_data_5gb"}
    assert gni.groupby("year")["economy"].nunique().min() >= 170


def test_the_fixed_and_mobile_baskets_imply_the_same_gni() -> None:
    """Both baskets are divided by the same GNI per capita: where both exist the two
    derivations agree within 1 % for most economy-years (rounding of the share to 2 decimals)."""
    spec = importlib.util.spec_from_file_location(
        "build_reference", REPO / "scripts/build_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fixed, mobile = (module._gni_from_basket(*spec) for spec in module.GNI_BASKETS)
    both = fixed.merge(mobile, on=["economy", "basket_year"], suffixes=("_f", "_m"))
    ratio = both["gni_per_capita_usd_f"] / both["gni_per_capita_usd_m"]
    assert len(both) > 500
    assert (ratio - 1).abs().le(0.01).mean() > 0.85
