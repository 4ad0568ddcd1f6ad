"""Rebuild the SDG test extracts in this folder from data/sources/ (see PROVENANCE.md).

Run from the repository root: ``python tests/data/sdg/make_extracts.py``. Deterministic; the
outputs are committed so the tests read only small extracts.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parents[2] / "data" / "sources"
DDF = SOURCES / "unsd_sdg_2020"

#: (ddf file stem, series column, years) of the UN SDG 2020 extract used by the parity test.
PARITY = (
    ("it_use_ii99--by--geo_area--nature--units--year", "it_use_ii99", (2015, 2017)),
    ("it_mob_3gntwk--by--geo_area--nature--units--year", "it_mob_3gntwk", (2015, 2017)),
    ("it_mob_2gntwk--by--geo_area--nature--units--year", "it_mob_2gntwk", (2015,)),
)


def sdg_2020() -> pd.DataFrame:
    parts = []
    for stem, column, years in PARITY:
        frame = pd.read_csv(DDF / f"ddf--datapoints--{stem}.csv")
        frame = frame.loc[frame["year"].isin(years)]
        parts.append(
            pd.DataFrame(
                {
                    "series": column.upper(),
                    "m49": frame["geo_area"],
                    "year": frame["year"],
                    "value": frame[column],
                }
            )
        )
    return pd.concat(parts, ignore_index=True).sort_values(["series", "year", "m49"])


def wb_population() -> pd.DataFrame:
    frame = pd.read_csv(SOURCES / "wb_population" / "population.csv")
    years = {y for _, _, ys in PARITY for y in ys}
    frame = frame.loc[frame["Year"].isin(years)]
    return frame.rename(columns={"Country Code": "economy", "Year": "year", "Value": "population"})[
        ["economy", "year", "population"]
    ]


def datahub_fixed_broadband() -> pd.DataFrame:
    frame = pd.read_csv(SOURCES / "itu_datahub_2025-12" / "fixed_broadband_subscriptions.csv")
    wide = frame.pivot_table(
        index=["entityIso", "dataYear"], columns="seriesCode", values="dataValue", aggfunc="first"
    ).dropna()
    wide = wide.reset_index().rename(columns={"entityIso": "economy", "dataYear": "year"})
    return wide[["economy", "year", "i4213tfbb", "i992b"]].sort_values(["economy", "year"])


#: ITU DataHub series (Dec 2025 export) -> SDG series, for the end-to-end golden test.
DATAHUB_SERIES = {
    "individuals_using_internet.csv": {"i99H": "IT_USE_II99"},
    "mobile_phone_ownership.csv": {"xHH18_IDI": "IT_MOB_OWN"},
    "population_coverage_mobile_network.csv": {
        "i271pop": "IT_MOB_2GNTWK",
        "i271G": "IT_MOB_3GNTWK",
        "i271GA": "IT_MOB_4GNTWK",
        "i271G5_pop": "IT_MOB_5GNTWK",
    },
    "fixed_broadband_subscriptions.csv": {"i992b": "IT_NET_BBND", "i4213tfbb": "IT_NET_BBNDN"},
}
#: ITU IDI dataset columns -> SDG series; edition -> data year (IDI 2025 uses 2023 data).
IDI_SERIES = {
    "internet_users_pct": "IT_USE_II99",
    "mobile_owners_pct": "IT_MOB_OWN",
    "cov_3g_pct": "IT_MOB_3GNTWK",
    "cov_4g_pct": "IT_MOB_4GNTWK",
}
IDI_EDITIONS = {2023: 2021, 2024: 2022, 2025: 2023}
RETURN_YEARS = (2021, 2022, 2023)


def published_figures() -> pd.DataFrame:
    """Published economy figures for the years of the shipped returns, one row per source."""
    parts = []
    for name, codes in DATAHUB_SERIES.items():
        frame = pd.read_csv(SOURCES / "itu_datahub_2025-12" / name)
        frame = frame.loc[frame["seriesCode"].isin(codes) & frame["dataYear"].isin(RETURN_YEARS)]
        parts.append(
            pd.DataFrame(
                {
                    "series": frame["seriesCode"].map(codes),
                    "economy": frame["entityIso"],
                    "year": frame["dataYear"],
                    "value": pd.to_numeric(frame["dataValue"]),
                    "source": "ITU DataHub " + frame["seriesCode"],
                }
            )
        )
    folder = SOURCES / "itu_idi_dataset"
    for edition, year in IDI_EDITIONS.items():
        frame = pd.read_csv(folder / f"idi_{edition}_data.csv", dtype=str)
        for column, series in IDI_SERIES.items():
            # † = ITU estimate; ‡ = the previous year's value (raw/README.md, source 1)
            text = frame[column].fillna("").str.replace("†", "", regex=False)
            lagged = text.str.contains("‡", regex=False)
            value = pd.to_numeric(text.str.replace("‡", "", regex=False), errors="coerce")
            parts.append(
                pd.DataFrame(
                    {
                        "series": series,
                        "economy": frame["iso3"].replace({"WBG": "PSE"}),
                        "year": year - lagged.astype(int),
                        "value": value,
                        "source": f"ITU IDI {edition} {column}"
                        + lagged.map({True: " ‡", False: ""}),
                    }
                ).dropna(subset=["value"])
            )
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["series", "economy", "year", "source"], ignore_index=True)


def main() -> None:
    sdg_2020().to_csv(HERE / "unsd_sdg_2020_parity.csv", index=False)
    wb_population().to_csv(HERE / "wb_population_parity.csv", index=False)
    datahub_fixed_broadband().to_csv(HERE / "datahub_fixed_broadband.csv", index=False)
    published_figures().to_csv(HERE / "published_2021_2023.csv", index=False)
    dsd = SOURCES / "sdg_dsd" / "SDG_DSD_1.4_from_Tajstat_2021-06-24.xml"
    with dsd.open("rb") as source, gzip.GzipFile(HERE / "SDG_DSD_1.4.xml.gz", "wb", mtime=0) as out:
        shutil.copyfileobj(source, out)


if __name__ == "__main__":
    main()
