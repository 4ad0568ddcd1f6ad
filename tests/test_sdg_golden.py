"""Golden tests: SDG series and aggregates against published ITU / UN SDG figures.

Reference files (tests/data/sdg/, PROVENANCE.md; rebuilt by make_extracts.py):
- ``datahub_fixed_broadband.csv``: ITU DataHub (export of Dec 2025) fixed-broadband
  subscriptions i4213tfbb and the published per-100 rate i992b, every economy-year with both.
  Our IT_NET_BBND from i4213tfbb and schemas/reference/population.csv (ITU i61 = UN WPP 2024)
  must equal the published i992b.
- ``unsd_sdg_2020_parity.csv`` + ``wb_population_parity.csv``: UN SDG Global Database extract
  of Oct 2020 (country values and the published World / LDC / LLDC / SIDS aggregates) and
  World Bank population. Population-weighted means of the published country values must
  reproduce the published aggregates (the method is what ITU/UNSD publish).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_sdg_series import observation, observations

from pipeline import reference
from pipeline.sdg.aggregates import aggregate
from pipeline.sdg.definitions import load_methodology
from pipeline.sdg.groups import membership
from pipeline.sdg.series import compute_series

DATA = Path(__file__).parent / "data" / "sdg"

#: i992b is published with 4 decimals; population is rounded to whole persons.
PER_100_TOLERANCE = 1e-3
#: ±0.5 percentage points (World Bank instead of UN WPP population, group lists of 2026).
AGGREGATE_TOLERANCE_PP = 0.5

#: Economy-years where ITU's i992b is not i4213tfbb ÷ ITU's own i61 population × 100, each
#: with the reason (measured on the Dec-2025 export; 15 of 4,416 economy-years).
PER_100_EXCEPTIONS = {
    **{
        ("CYP", year): "i992b implies a population other than i61 (2023: 0.966 M vs 0.921 M)"
        for year in range(2012, 2025)
    },
    ("OMN", 2024): "no ITU population for 2024: reference uses World Bank SP.POP.TOTL",
    ("UKR", 2023): "ITU's per-100 rate uses a population other than its i61 series",
}

#: Aggregates whose recomputation from published country values misses by more than the
#: tolerance: both have < 96 % of the group's population with a published country value, and
#: ITU fills the rest with estimates it does not publish at country level.
PARITY_EXCEPTIONS = {("IT_MOB_2GNTWK", "LLDC", 2015), ("IT_MOB_3GNTWK", "SIDS", 2017)}
LOW_COVERAGE = 0.96


@pytest.fixture(scope="module")
def fixed_broadband() -> pd.DataFrame:
    published = pd.read_csv(DATA / "datahub_fixed_broadband.csv")
    population = reference.population()
    known = published.merge(population[["economy", "year"]], on=["economy", "year"])
    rows = [
        observation("i4213tfbb", value, economy=economy, year=int(year), sheet="", cell="")
        for economy, year, value in known[["economy", "year", "i4213tfbb"]].itertuples(index=False)
    ]
    series = compute_series(
        observations(*rows), population, reference.economies(), load_methodology()
    )
    rates = series.loc[series["series"].eq("IT_NET_BBND"), ["economy", "year", "value"]]
    return known.merge(rates, on=["economy", "year"], how="left", validate="1:1")


def test_fixed_broadband_per_100_equals_published_i992b(fixed_broadband) -> None:
    assert fixed_broadband["value"].notna().all()
    diff = (fixed_broadband["value"] - fixed_broadband["i992b"]).abs()
    keys = list(zip(fixed_broadband["economy"], fixed_broadband["year"], strict=True))
    exception = pd.Series([k in PER_100_EXCEPTIONS for k in keys], index=diff.index)
    assert len(fixed_broadband) > 4000
    off = fixed_broadband.loc[~exception & diff.gt(PER_100_TOLERANCE)]
    assert off.empty, off.head(10).to_string()
    listed = {k for k, out in zip(keys, diff.gt(PER_100_TOLERANCE), strict=True) if out}
    assert listed == set(PER_100_EXCEPTIONS), "exception list must stay exact"


@pytest.fixture(scope="module")
def parity() -> pd.DataFrame:
    published = pd.read_csv(DATA / "unsd_sdg_2020_parity.csv")
    population = pd.read_csv(DATA / "wb_population_parity.csv")
    economies = reference.economies()
    country = published.merge(economies[["economy", "m49"]], on="m49")
    series = country.assign(sex="_T", age="_T", area="_T", speed="_T", skill="_T")
    methodology = load_methodology()
    kept = {"world", "ldc", "lldc", "sids"}
    types = [g for g in methodology.aggregation["group_type"] if g["name"] in kept]
    members = membership(economies, reference.income_groups(), published["year"].unique(), types)
    definitions = pd.DataFrame(
        {"weight": "population", "aggregation": "weighted_mean"}, index=published["series"].unique()
    )
    settings = {"carry_years": 0, "min_coverage": 0.0, "min_economies": 1}
    ours = aggregate(series, population, members, definitions, settings)
    groups = {1: "World", 199: "LDC", 432: "LLDC", 722: "SIDS"}
    reference_rows = published.loc[published["m49"].isin(groups)]
    reference_rows = reference_rows.assign(group=reference_rows["m49"].map(groups))
    return reference_rows.merge(
        ours, on=["series", "group", "year"], suffixes=("_published", ""), validate="1:1"
    )


def test_population_weighted_means_reproduce_published_aggregates(parity) -> None:
    assert len(parity) == 20, "5 series-years × World, LDC, LLDC, SIDS"
    parity = parity.assign(diff=(parity["value"] - parity["value_published"]).abs())
    keys = list(zip(parity["series"], parity["group"], parity["year"], strict=True))
    exception = pd.Series([k in PARITY_EXCEPTIONS for k in keys], index=parity.index)
    off = parity.loc[~exception & parity["diff"].gt(AGGREGATE_TOLERANCE_PP)]
    assert off.empty, off.to_string()
    assert (parity.loc[exception, "coverage"] < LOW_COVERAGE).all()


@pytest.mark.parametrize(
    ("series", "group", "year", "published"),
    [
        ("IT_USE_II99", "World", 2017, 49.72),
        ("IT_USE_II99", "LDC", 2017, 18.25),
        ("IT_MOB_3GNTWK", "LLDC", 2017, 64.69),
        ("IT_MOB_2GNTWK", "SIDS", 2015, 89.74),
    ],
)
def test_notes_examples(parity, series: str, group: str, year: int, published: float) -> None:
    """The published figures quoted in tests/data/sdg/PROVENANCE.md, one by one."""
    row = parity.set_index(["series", "group", "year"]).loc[(series, group, year)]
    assert row["value_published"] == pytest.approx(published, abs=0.005)
    assert row["value"] == pytest.approx(published, abs=AGGREGATE_TOLERANCE_PP)
