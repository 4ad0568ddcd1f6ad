"""The 2016 collection round: inputs of the MISR 2017 IDI (used by build_raw.py).

ITU's 2017-vintage input file is not public (``data/sources/misr2017_inputs/SOURCES.md``);
this round carries the nearest public copies of the eleven indicators for 2014–2016, nearest
vintage first:

- ITU series republished by the World Bank (WDI, April 2020): Internet use (HH7),
  mobile-cellular (i271) and fixed-broadband (i4213tfbb) subscriptions per 100 → counts;
- fixed-telephone subscriptions per 100 (WDI via Our World in Data) → counts (i112);
- ITU DataHub (2025): active mobile broadband per 100 (→ i271mw counts), households with
  Internet (HH6), and HH7 / i271 / i4213tfbb where the WDI copy has no figure;
- households with a computer (HH4): ITU via WEF NRI 2016, data year 2014 only;
- international bandwidth per Internet user: ITU via WEF GCI 2016–17 (data year 2015), else
  NRI 2016 (2014), kbit/s × 1000 → total bandwidth i4214 (Mbit/s) = bit/s per user × HH7 /
  100 × population / 10⁶, with the HH7 of the same return, so that ictstats' derivation
  ``per_internet_user(i4214)`` gives the published per-user figure back;
- mean years of schooling (UNDP HDR 2020) and secondary / tertiary gross enrolment (UNESCO
  UIS, February 2019).

HH4 and bandwidth have no 2016 value in any public source: the edition lags them (``latest``
in ``schemas/indices/idi_2017.toml``, flagged ``lagged``). Per-100 rates become counts with
the reference population (UN WPP 2024), as in the edition rounds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "sources"
MISR = SOURCES / "misr2017_inputs"
YEARS = (2014, 2015, 2016)
#: Years shipped for the series that ITU took at their latest available year (older vintages
#: of HH4, HH6 and bandwidth from the WEF files; education back to 2010).
EARLIER = tuple(range(2010, 2014))
WDI = {
    "internet_users_pct_IT.NET.USER.ZS": "HH7",
    "mobile_subs_per100_IT.CEL.SETS.P2": "i271",
    "fixed_bb_subs_per100_IT.NET.BBND.P2": "i4213tfbb",
}
#: DataHub series (file, code) → indicator; per-100 series become counts.
HUB = {
    ("itu_datahub_2025-12/individuals_using_internet.csv", "i99H"): "HH7",
    ("itu_datahub_2025-12/households_internet_access.csv", "xHH6_IDI"): "HH6",
    ("itu_datahub_2025-12/active_mobile_broadband_subscriptions.csv", "i911mw"): "i271mw",
    ("itu_datahub_2025-12/fixed_broadband_subscriptions.csv", "i992b"): "i4213tfbb",
    ("itu_datahub_2025-07/mobile_cellular_subscriptions.csv", "i911"): "i271",
}
#: Indicators collected as counts: their sources give per 100 inhabitants.
COUNTS = ("i271", "i4213tfbb", "i271mw", "i112")
#: Which source family wins for an indicator with several (measured against the published
#: MISR 2017 scores, raw/README.md): WDI's April 2020 copy of ITU's Internet use, DataHub's
#: subscription series, WEF's ITU household figures for the years it has, UIS enrolment.
DEFAULT_ORDER = ("wdi", "hub", "wef", "edu")
ORDER = {
    "i271": ("hub", "wdi"),
    "i4213tfbb": ("hub", "wdi"),
    "HH6": ("wef", "hub"),
}


def _frame(economy, year, indicator, value, origin, estimate=False, note="") -> pd.DataFrame:
    frame = pd.DataFrame(
        {"economy": economy, "year": year, "indicator": indicator, "value": value,
         "estimate": estimate, "note": note, "origin": origin}
    )  # fmt: skip
    frame = frame.dropna(subset=["value"])
    return frame[frame["year"].isin(YEARS + EARLIER)].astype({"year": int, "value": float})


def _wdi() -> pd.DataFrame:
    wdi = pd.read_csv(MISR / "wdi_apr2020_mobile_internet_fbb_2013_2018.csv")
    parts = [
        _frame(wdi["iso3"], wdi["year"], code, wdi[column], "wdi-2020")
        for column, code in WDI.items()
    ]
    phone = pd.read_csv(SOURCES / "wdi_owid_ict/fixed-telephone-subscriptions-per-100-people.csv")
    parts.append(_frame(phone["Code"], phone["Year"], "i112", phone.iloc[:, 3], "wdi-owid"))
    return pd.concat(parts, ignore_index=True)


def _hub() -> pd.DataFrame:
    parts = []
    for (file, series), code in HUB.items():
        hub = pd.read_csv(SOURCES / file, encoding="utf-8-sig", low_memory=False)
        hub = hub[hub["seriesCode"] == series]
        estimate = hub["dataSource"].fillna("").str.contains("(?i)ITU estimate")
        value = pd.to_numeric(hub["dataValue"], errors="coerce")
        parts.append(
            _frame(hub["entityIso"], hub["dataYear"], code, value, "datahub", estimate,
                   hub["dataNote"].fillna(""))
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _wef() -> pd.DataFrame:
    """HH4 (NRI 2016, data year 2014) and bandwidth per Internet user in bit/s."""
    nri = pd.read_csv(MISR / "wef_nri_2014_2016_itu_uis_inputs.csv")
    nri = nri.sort_values("nri_edition", ascending=False, kind="stable")  # newest first
    origin = "wef-nri-" + nri["nri_edition"].astype(str)
    parts = []
    pairs = (("hh_computer_pct", "HH4"), ("hh_internet_pct", "HH6"),
             ("ger_secondary_pct", "ger_sec"), ("ger_tertiary_pct", "ger_ter"))  # fmt: skip
    for indicator, code in pairs:
        rows = nri["indicator"] == indicator
        parts.append(_frame(nri["iso3"][rows], nri["data_year"][rows], code,
                            nri["value"][rows], origin[rows]))  # fmt: skip
    gci = pd.read_csv(MISR / "wef_gci_2013_2016_itu_subset_via_odb.csv")
    gci = gci.sort_values("gci_edition_start_year", ascending=False, kind="stable")
    bw = nri["indicator"] == "intl_bandwidth_kbps_per_user"
    parts += [
        _frame(gci["iso3"], gci["itu_data_year"], "bandwidth",
               gci["intl_bandwidth_kbps_per_user"] * 1000,
               "wef-gci-" + gci["gci_edition_start_year"].astype(str)),
        _frame(nri["iso3"][bw], nri["data_year"][bw], "bandwidth", nri["value"][bw] * 1000,
               origin[bw]),
    ]  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _education() -> pd.DataFrame:
    mys = pd.read_csv(MISR / "undp_hdr2020_mean_years_schooling.csv")
    uis = pd.read_csv(MISR / "unesco_uis_feb2019_ger_secondary_tertiary.csv")
    return pd.concat(
        [
            _frame(mys["iso3"], mys["year"], "mys", mys["mys_years"], "undp-hdr-2020"),
            _frame(uis["iso3"], uis["year"], "ger_sec", uis["ger_secondary_pct"], "uis-2019"),
            _frame(uis["iso3"], uis["year"], "ger_ter", uis["ger_tertiary_pct"], "uis-2019"),
        ],
        ignore_index=True,
    )


def misr2017_rows(population: pd.Series) -> pd.DataFrame:
    """Every value of the 2016 round, one per economy, year and indicator (totals only)."""
    known = set(pd.read_csv(REPO / "schemas/reference/economies.csv")["economy"])
    families = {"wdi": _wdi(), "hub": _hub(), "wef": _wef(), "edu": _education()}
    table = pd.concat([f.assign(family=n) for n, f in families.items()], ignore_index=True)
    table = table[table["economy"].isin(known)]
    rank = [
        ORDER.get(i, DEFAULT_ORDER).index(f) if f in ORDER.get(i, DEFAULT_ORDER) else 9
        for i, f in zip(table["indicator"], table["family"], strict=True)
    ]
    table = table.assign(rank=rank).sort_values("rank", kind="stable")
    table = table.drop_duplicates(["economy", "year", "indicator"], keep="first")
    table = table.drop(columns=["rank", "family"]).sort_values(["economy", "year", "indicator"])
    people = population.reindex(pd.MultiIndex.from_frame(table[["economy", "year"]])).to_numpy()
    counts = table["indicator"].isin(COUNTS)
    table.loc[counts, "value"] = (table["value"] * people / 100).round()[counts]
    users = table[table["indicator"] == "HH7"].set_index(["economy", "year"])["value"]
    bandwidth = table["indicator"] == "bandwidth"
    keys = pd.MultiIndex.from_frame(table[["economy", "year"]])
    total = table["value"] * users.reindex(keys).to_numpy() / 100 * people / 1e6
    table.loc[bandwidth, "value"] = total[bandwidth]
    table.loc[bandwidth, "indicator"] = "i4214"
    return table.dropna(subset=["value"]).reset_index(drop=True)
