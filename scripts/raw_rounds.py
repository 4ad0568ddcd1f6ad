"""Collection rounds of the shipped ``raw/`` and the IDI edition rounds (used by build_raw.py).

ITU computes each IDI edition from the data it holds at the edition's cutoff (IDI 2024 report,
Annex 1, Box 2). The edition sheets of ITU's IDI dataset (``data/sources/itu_idi_dataset/``)
are exactly those data: edition E publishes the t−2 value (data year E−2), ITU's own estimate
where it used one, or the official t−3 value (‡) where t−2 was missing. Each edition becomes
one collection round holding those values, so that an edition computed as of its cutoff sees
what ITU saw, and the rounds after it (a later edition's ‡ value for the same year, the
DataHub vintage of December 2025) are revisions that edition does not see.

ITU estimates are marked two ways in the dataset: ``†`` after the value (2024 and 2025 sheets)
and, in the 2023 sheet, only by the source note "ITU estimate." — both set ``estimate``.
``n.a.`` (an estimate ITU used but did not publish) leaves the cell empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
IDI_DIR = REPO / "data" / "sources" / "itu_idi_dataset"
IDI_CODE_FIXES = {"WBG": "PSE"}
#: ITU's source note of an estimate (case varies: "ITU estimate.", "ITU Estimate.").
ESTIMATE_NOTE = r"(?i)\bITU estimate"
#: IDI dataset column → (indicator collected by the questionnaire, reconstruction).
IDI_COLUMNS = {
    "internet_users_pct": ("HH7", "as_published"),
    "households_internet_pct": ("HH6", "as_published"),
    "mobile_owners_pct": ("HH18", "as_published"),
    "cov_3g_pct": ("i271G", "as_published"),
    "cov_4g_pct": ("i271GA", "as_published"),
    "mobile_basket_pct_gni": ("i271mb_high_ts_GNI", "as_published"),
    "fbb_basket_pct_gni": ("i154_FBB5_GNI", "as_published"),
    "mbb_subs_per100": ("i271mw", "per100_to_count"),
    "mbb_traffic_gb_per_sub": ("i136mwi", "per_sub_to_total"),
    "fbb_traffic_gb_per_sub": ("i135tfb", "per_sub_to_total"),
}
#: Price baskets (% of GNI p.c.): a value of 0 is a placeholder, not a price (dropped at build).
PRICE_INDICATORS = ("i271mb_high_ts_GNI", "i154_FBB5_GNI", "i271mb_5GB_GNI")


@dataclass(frozen=True)
class Round:
    """One collection round: folder ``raw/<id>/``, its closing date and what it holds.

    ``closed`` is the date its values are known from (``round.toml``). The sources do not
    give ITU's internal cutoffs: each edition round closes before the edition's release and
    the edition's ``as_of`` (schemas/indices/idi_*.toml) falls after it.
    """

    id: str
    name: str
    closed: date
    years: tuple[int, ...]
    form: str  # "csv": one long CSV per economy; "questionnaire": admin + household workbooks
    edition: int | None = None


ROUNDS = (
    Round("2016", "MISR 2017 round (data year 2016)", date(2017, 6, 30), (2014, 2015, 2016),
          "csv"),
    Round("2023", "IDI 2023 round (data year 2021)", date(2023, 9, 30), (2020, 2021), "csv",
          2023),
    Round("2024", "IDI 2024 round (data year 2022)", date(2024, 3, 31), (2021, 2022), "csv",
          2024),
    Round("2025", "IDI 2025 round (data year 2023)", date(2025, 3, 31), (2022, 2023), "csv",
          2025),
    Round("2025-12", "ITU DataHub, December 2025", date(2025, 12, 15), (2021, 2022, 2023),
          "questionnaire"),
)  # fmt: skip
LATEST = ROUNDS[-1]


def round_toml(round_: Round) -> str:
    """The ``round.toml`` of a round folder (id, name, closing date)."""
    return f'id = "{round_.id}"\nname = "{round_.name}"\nclosed = {round_.closed.isoformat()}\n'


def _edition_sheet(edition: int) -> pd.DataFrame:
    """One IDI sheet in long form: economy, column, text as published, source note."""
    wide = pd.read_csv(IDI_DIR / f"idi_{edition}_data.csv", dtype=str, keep_default_na=False)
    wide["economy"] = wide["iso3"].replace(IDI_CODE_FIXES)
    parts = []
    for column in IDI_COLUMNS:
        # Each value column is followed by its source-note column.
        note = wide.columns[wide.columns.get_loc(column) + 1]
        parts.append(
            pd.DataFrame(
                {"economy": wide["economy"], "column": column, "text": wide[column],
                 "note": wide[note]}
            )
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True).assign(edition=edition)


def edition_values(edition: int) -> pd.DataFrame:
    """The inputs of one edition as published: year, value, estimate, lagged, blocked.

    ‡ → the t−3 year (official by definition, Box 2); † or an "ITU estimate" source note →
    ``estimate``; ``n.a.`` → ``blocked`` (no value). A 0 price is a placeholder: dropped.
    """
    long = _edition_sheet(edition)
    lagged = long["text"].str.endswith("‡")
    long["year"] = edition - 2 - lagged.astype(int)
    long["lagged"] = lagged
    marked = long["text"].str.endswith("†") | long["note"].str.contains(ESTIMATE_NOTE)
    long["blocked"] = long["text"].eq("n.a.")
    long["estimate"] = marked & ~lagged & ~long["blocked"]
    long["value"] = pd.to_numeric(long["text"].str.rstrip("†‡").where(~long["blocked"]))
    long["indicator"] = long["column"].map(lambda column: IDI_COLUMNS[column][0])
    placeholder = long["indicator"].isin(PRICE_INDICATORS) & long["value"].le(0)
    return long[~placeholder].reset_index(drop=True)


def idi_values() -> pd.DataFrame:
    """Every edition's inputs (editions 2023–2025), one row per edition, economy and column."""
    editions = [r.edition for r in ROUNDS if r.edition is not None]
    return pd.concat([edition_values(e) for e in editions], ignore_index=True)


def reconstruct(idi: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """IDI values as what the questionnaire collects, except traffic (raw/README.md, "how").

    Per-100 subscriptions become counts with ITU's population (per 100 × population / 100,
    rounded to a whole subscription), so that ictstats' per-100 derivation gives the
    published figure back. Traffic totals need the return's counts: :func:`traffic`.
    """
    idi = idi.dropna(subset=["value"]).copy()
    method = idi["column"].map(lambda column: IDI_COLUMNS[column][1])
    direct = idi[method == "as_published"].assign(origin="idi")
    per100 = idi[method == "per100_to_count"].copy()
    people = population.reindex(pd.MultiIndex.from_frame(per100[["economy", "year"]]))
    per100["value"] = (per100["value"] * people.to_numpy() / 100).round()
    per100 = per100.dropna(subset=["value"]).assign(origin="idi-reconstructed")
    return pd.concat([direct, per100], ignore_index=True)


#: Traffic column → the subscription count it is per.
TRAFFIC_DENOMINATORS = {"mbb_traffic_gb_per_sub": "i271mw", "fbb_traffic_gb_per_sub": "i4213tfbb"}


def traffic(idi: pd.DataFrame, counts: pd.Series) -> pd.DataFrame:
    """Annual traffic totals (GB) = published GB per subscription × the count in the return.

    ``counts`` (economy, year, indicator → subscriptions) holds the return's own i271mw and
    i4213tfbb, so ``total / count`` is the published figure; rows without a count are dropped.
    """
    rows = idi[idi["column"].isin(TRAFFIC_DENOMINATORS)].dropna(subset=["value"]).copy()
    denominator = rows["column"].map(TRAFFIC_DENOMINATORS)
    keys = pd.MultiIndex.from_arrays([rows["economy"], rows["year"], denominator])
    rows["value"] = rows["value"] * counts.reindex(keys).to_numpy()
    return rows.dropna(subset=["value"]).assign(origin="idi-reconstructed")
