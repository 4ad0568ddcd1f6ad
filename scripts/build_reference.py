"""Build the economy reference in ``schemas/reference/`` from the sources in ``data/sources/``.

Deterministic: same inputs, same bytes. Run ``python scripts/build_reference.py`` from the
repository; it reads ``data/sources/`` (copies of ITU, UN and World Bank files, origin and
vintage in each folder's SOURCES.md) and writes ``economies.csv``, ``income_groups.csv``,
``population.csv`` and ``gni_per_capita.csv``. ``--check`` rebuilds in memory and exits 1
if the committed files differ.
Sources per column are documented in ``schemas/reference/README.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
OUT = REPO / "schemas" / "reference"
YEARS = range(2000, 2025)
IDI_EDITIONS = (2023, 2024, 2025)
ITU_REGIONS = ("Africa", "Americas", "Arab States", "Asia-Pacific", "CIS", "Europe")
# ITU's IDI dataset uses "WBG" (West Bank and Gaza) for the economy ISO 3166 codes as PSE.
IDI_CODE_FIXES = {"WBG": "PSE"}
M49_FLAGS = {
    "ldc": "Least Developed Countries (LDC)",
    "lldc": "Land Locked Developing Countries (LLDC)",
    "sids": "Small Island Developing States (SIDS)",
}
POP_ITU = "itu_i61_wpp2024"
POP_WB = "wb_sp_pop_totl"
HH_UN = "un_hh_size_2019"
HH_ESTIMATE = "estimate_region_median_size"
#: ITU basket files holding one basket both in USD and in % of GNI per capita: file, basket
#: label, USD series, %-of-GNI series (by ``seriesCode``: every series of these files is labelled
#: "% GNI per capita" in ``seriesUnits``; the ``$`` one is the monthly price in USD).
GNI_BASKETS = (
    ("fixed_broadband_price_5gb.csv", "fixed_broadband_5gb", "i154_FBB5$", "i154_FBB5_GNI"),
    ("data_only_mobile_broadband_basket_5gb.csv", "mobile_data_5gb", "i271mb_5GB$",
     "i271mb_5GB_GNI"),
)  # fmt: skip
#: ITU divides the basket of year t by the GNI per capita of year t − 1 unless a note says
#: "GNI data year: YYYY". The 2018 baskets were recomputed on the 2019 baskets' GNI (USA, DEU,
#: IND, BFA: the same figure both years), so they give no GNI year of their own.
GNI_FIRST_BASKET_YEAR = 2019


def _country_codes() -> pd.DataFrame:
    """ISO 3166 / M49 table (datasets/country-codes) with the UN development-group flags."""
    codes = pd.read_csv(SOURCES / "un_m49_codes/country-codes.csv", keep_default_na=False)
    codes = codes[codes["ISO3166-1-Alpha-3"] != ""]
    out = pd.DataFrame(
        {
            "economy": codes["ISO3166-1-Alpha-3"],
            "m49": pd.to_numeric(codes["M49"]).astype(int),
            "cldr_name": codes["CLDR display name"],
        }
    )
    for flag, column in M49_FLAGS.items():
        out[flag] = codes[column].eq("x").to_numpy()
    return out.reset_index(drop=True)


def _itu_population() -> pd.DataFrame:
    """ITU DataHub i61 total population (UN WPP 2024), export of 2025-07."""
    pop = pd.read_csv(SOURCES / "itu_datahub_2025-07/total_population.csv", encoding="utf-8-sig")
    pop = pop[pop["seriesCode"] == "i61"]
    return pop.rename(
        columns={"entityIso": "economy", "entityName": "itu_name", "dataYear": "year"}
    ).assign(population=lambda f: pd.to_numeric(f["dataValue"]))[
        ["economy", "itu_name", "year", "population"]
    ]


def _idi_regions() -> pd.DataFrame:
    """ITU region and name per economy from ITU's IDI dataset; latest edition wins."""
    frames = []
    for edition in IDI_EDITIONS:
        path = SOURCES / f"itu_idi_dataset/idi_{edition}_data.csv"
        frame = pd.read_csv(path, usecols=["iso3", "itu_region", "economy"])
        frames.append(frame.assign(edition=edition))
    idi = pd.concat(frames)
    idi["economy_code"] = idi["iso3"].replace(IDI_CODE_FIXES)
    # An edition may give one code the name another code holds in the other editions (IDI
    # 2025 calls DOM "Dominica", DMA's name): a source slip; the code keeps its own latest name.
    owner = idi.groupby("economy")["economy_code"].agg(lambda c: c.mode().iloc[0])
    slip = idi["economy"].map(owner) != idi["economy_code"]
    idi["economy"] = idi["economy"].where(~slip)
    idi = idi.sort_values("edition", kind="stable")
    names = idi.dropna(subset=["economy"]).drop_duplicates("economy_code", keep="last")
    idi = idi.drop_duplicates("economy_code", keep="last")
    idi["economy"] = idi["economy_code"].map(names.set_index("economy_code")["economy"])
    idi["itu_region"] = idi["itu_region"].str.replace("The Americas", "Americas")
    return idi.rename(columns={"economy": "idi_name"})[["economy_code", "itu_region", "idi_name"]]


def _notes_regions() -> dict[str, str]:
    """ITU-D regions of ``data/sources/itu_regions`` (fallback only).

    Used for economies absent from every IDI edition; the table agrees with the IDI dataset
    for every economy that both cover.
    """
    table = pd.read_csv(SOURCES / "itu_regions/itu_d_regions.csv", keep_default_na=False)
    unknown = set(table["itu_region"]) - set(ITU_REGIONS)
    if unknown:
        raise ValueError(f"itu_d_regions.csv: unknown regions {sorted(unknown)}")
    return dict(zip(table["economy"], table["itu_region"], strict=True))


def _income_history() -> pd.DataFrame:
    """World Bank OGHIST classification, long form: economy, GNI data year, L/LM/UM/H."""
    history = SOURCES / "wb_income_classification/wb_income_class_history_long.DERIVED.csv"
    hist = pd.read_csv(history)
    hist = hist[hist["income_group"].isin(["L", "LM", "UM", "H"])]
    hist = hist.rename(columns={"iso3": "economy", "gni_data_year": "year"})
    return hist[["economy", "year", "income_group"]].sort_values(["economy", "year"])


def build_economies(income: pd.DataFrame) -> pd.DataFrame:
    """One row per economy: ISO3 codes known to ITU (i61 population or an IDI edition)."""
    codes = _country_codes()
    itu_pop = _itu_population()
    idi = _idi_regions()
    universe = set(itu_pop["economy"]) | set(idi["economy_code"])
    frame = codes[codes["economy"].isin(universe)].copy()
    itu_names = itu_pop.drop_duplicates("economy").set_index("economy")["itu_name"]
    idi_indexed = idi.set_index("economy_code")
    frame["name"] = (
        frame["economy"]
        .map(idi_indexed["idi_name"])
        .fillna(frame["economy"].map(itu_names))
        .fillna(frame["cldr_name"])
    )
    region = frame["economy"].map(idi_indexed["itu_region"])
    frame["itu_region"] = region.fillna(frame["economy"].map(_notes_regions())).fillna("")
    latest = income.sort_values("year").drop_duplicates("economy", keep="last")
    frame["income_group"] = frame["economy"].map(latest.set_index("economy")["income_group"])
    frame["income_group"] = frame["income_group"].fillna("")
    languages = pd.read_csv(REPO / "schemas" / "reference" / "report_languages.csv")
    frame["language"] = frame["economy"].map(languages.set_index("economy")["language"])
    frame["language"] = frame["language"].fillna("en")
    columns = [
        *("economy", "m49", "name", "itu_region", "ldc", "lldc", "sids"),
        *("income_group", "language"),
    ]
    frame = frame[columns].sort_values("economy").reset_index(drop=True)
    # Written as lower-case true/false (read back as booleans by pandas).
    flags = {flag: frame[flag].map({True: "true", False: "false"}) for flag in M49_FLAGS}
    return frame.assign(**flags)


def _wb_population() -> pd.DataFrame:
    """World Bank SP.POP.TOTL (datasets/population), used where ITU has no i61 series."""
    pop = pd.read_csv(SOURCES / "wb_population/population.csv")
    pop = pop.rename(columns={"Country Code": "economy", "Year": "year", "Value": "population"})
    return pop[["economy", "year", "population"]]


def _household_size(economies: pd.DataFrame) -> pd.DataFrame:
    """Average household size: UN 2019 database where present, else the ITU-region median."""
    un = pd.read_csv(OUT / "household_size_un2019.csv")
    size = economies[["economy", "itu_region"]].merge(un, on="economy", how="left")
    size["households_source"] = size["avg_household_size"].notna().map({True: HH_UN, False: ""})
    regional = size.groupby("itu_region")["avg_household_size"].median()
    fallback = size["itu_region"].map(regional).fillna(un["avg_household_size"].median())
    missing = size["avg_household_size"].isna()
    size.loc[missing, "avg_household_size"] = fallback[missing]
    size.loc[missing, "households_source"] = HH_ESTIMATE
    return size[["economy", "avg_household_size", "households_source"]]


def build_population(economies: pd.DataFrame) -> pd.DataFrame:
    """Population 2000–2024 (ITU i61, else WB) and households = population / household size."""
    itu = _itu_population()[["economy", "year", "population"]].assign(population_source=POP_ITU)
    wb = _wb_population().assign(population_source=POP_WB)
    both = pd.concat([itu, wb])
    both = both[both["economy"].isin(economies["economy"]) & both["year"].isin(YEARS)]
    both = both[both["population"] > 0]
    # ITU rows come first, so keeping the first row per economy-year prefers UN WPP 2024.
    pop = both.drop_duplicates(["economy", "year"], keep="first")
    pop = pop.merge(_household_size(economies), on="economy", how="left")
    pop["households"] = (pop["population"] / pop["avg_household_size"]).round().astype("int64")
    pop["population"] = pop["population"].round().astype("int64")
    columns = ["economy", "year", "population", "population_source", "households"]
    columns += ["households_source"]
    return pop[columns].sort_values(["economy", "year"]).reset_index(drop=True)


def _gni_from_basket(name: str, basket: str, usd: str, share: str) -> pd.DataFrame:
    """GNI per capita = 12 × monthly price (USD) / (price as % of GNI per capita / 100)."""
    raw = pd.read_csv(SOURCES / "itu_datahub_2025-12" / name, encoding="utf-8-sig")
    raw = raw.assign(value=pd.to_numeric(raw["dataValue"], errors="coerce"))
    noted = raw["dataNote"].fillna("").str.extract(r"GNI data year: (\d{4})")[0]
    raw = raw.assign(gni_note=pd.to_numeric(noted))
    keys = ["entityIso", "dataYear"]
    price = raw[raw["seriesCode"] == usd].set_index(keys)["value"]
    pct = raw[raw["seriesCode"] == share].set_index(keys)[["value", "gni_note"]]
    both = pct.join(price.rename("usd"), how="inner").reset_index()
    both = both[(both["value"] > 0) & (both["usd"] > 0)]
    both = both[both["dataYear"] >= GNI_FIRST_BASKET_YEAR]
    return pd.DataFrame({
        "economy": both["entityIso"],
        "year": both["gni_note"].fillna(both["dataYear"] - 1).astype("int64"),
        "gni_per_capita_usd": 12 * both["usd"] / (both["value"] / 100),
        "basket": basket, "basket_year": both["dataYear"].astype("int64"),
    })  # fmt: skip


def build_gni_per_capita(economies: pd.DataFrame) -> pd.DataFrame:
    """GNI per capita (Atlas method, current USD) backed out of ITU's price baskets.

    One row per economy and GNI data year: from the fixed-broadband basket, else the mobile
    data basket; of two baskets giving the same GNI year, the later (the latest revision).
    Rounded to whole dollars (the % of GNI is published to 2 decimals: ±1.7 % at 0.3 %).
    """
    parts = [_gni_from_basket(*spec).assign(rank=rank) for rank, spec in enumerate(GNI_BASKETS)]
    gni = pd.concat(parts, ignore_index=True)
    gni = gni[gni["economy"].isin(economies["economy"])]
    gni = gni.sort_values(["economy", "year", "rank", "basket_year"], ascending=[1, 1, 1, 0])
    gni = gni.drop_duplicates(["economy", "year"], keep="first")
    gni["gni_per_capita_usd"] = gni["gni_per_capita_usd"].round().astype("int64")
    columns = ["economy", "year", "gni_per_capita_usd", "basket", "basket_year"]
    return gni[columns].sort_values(["economy", "year"]).reset_index(drop=True)


def build_all() -> dict[str, pd.DataFrame]:
    """All reference tables keyed by file name."""
    income = _income_history()
    economies = build_economies(income)
    income = income[income["economy"].isin(economies["economy"])].reset_index(drop=True)
    return {
        "economies.csv": economies,
        "income_groups.csv": income,
        "population.csv": build_population(economies),
        "gni_per_capita.csv": build_gni_per_capita(economies),
    }


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the reference tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    stale = []
    for name, frame in build_all().items():
        path = OUT / name
        text = _csv_text(frame)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
