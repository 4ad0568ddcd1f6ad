"""Definitions and sources of the indicators, for the overview page and the economy profiles.

Each indicator's definition is the reference the dictionary gives (``schemas/indicators.csv``,
column ``reference``: the ITU Handbook for the Collection of Administrative Data on
Telecommunications/ICT 2020 and the ITU Manual for Measuring ICT Access and Use by Households
and Individuals 2020, or the external publisher). Its source is the questionnaire that collects
it, or the formula and inputs of a derived indicator; a profile adds the reporting body the
economy named in its return (the source parts of the footnotes, as SOURCE_DETAIL of the SDMX
file takes them).
"""

from __future__ import annotations

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.observations import totals as national_totals
from pipeline.publish import html
from pipeline.sdg.definitions import load_methodology
from pipeline.sdg.sdmx_attributes import split_footnotes

#: What collects each kind of indicator (``questionnaire`` column of the dictionary).
SOURCES = {
    "admin": "ITU World Telecommunication/ICT Indicators questionnaire (administrative data)",
    "household": "ITU ICT Household questionnaire (household surveys)",
}


def definitions_frame(codes: list[str] | None = None) -> pd.DataFrame:
    """Indicator, code, unit, definition and source of each indicator (all, or ``codes``)."""
    dictionary = indicators()
    if codes is not None:
        dictionary = dictionary.loc[dictionary["code"].isin(codes)]
    derived = "Computed by ictstats: " + dictionary["derivation"].fillna("").astype(str)
    source = dictionary["questionnaire"].map(SOURCES)
    source = source.fillna(derived.where(dictionary["questionnaire"].eq("derived")))
    source = source.fillna(dictionary["reference"])
    return pd.DataFrame(
        {
            "Indicator": dictionary["name"],
            "Code": dictionary["code"],
            "Unit": dictionary["unit"],
            "Definition": dictionary["reference"].fillna(""),
            "Source": source,
        }
    ).reset_index(drop=True)


def definitions_table(codes: list[str] | None = None) -> str:
    """The definitions as an HTML table (wrapped to scroll on narrow screens)."""
    return html.frame_table(definitions_frame(codes), "Indicator definitions and sources")


def reported_sources(observations: pd.DataFrame) -> pd.DataFrame:
    """``economy, indicator, reported_by``: the reporting bodies named in the footnotes of the
    economy's national totals (distinct, "; "-joined)."""
    totals = national_totals(observations)
    parts = split_footnotes(totals["footnote"], load_methodology().sdmx)["source"]
    named = totals.assign(reported_by=parts).loc[parts.ne("")]
    joined = named.groupby(["economy", "indicator"])["reported_by"].agg(
        lambda names: "; ".join(dict.fromkeys("; ".join(names).split("; ")))
    )
    return joined.reset_index()


def profile_definitions(code: str, shown: list[str], sources: pd.DataFrame) -> str:
    """The definitions of the indicators a profile shows, with the economy's reporting body."""
    frame = definitions_frame(shown)
    mine = sources.loc[sources["economy"] == code].set_index("indicator")["reported_by"]
    frame["Reported by"] = [str(mine.get(c, "")) for c in frame["Code"]]
    return html.frame_table(frame, "Definitions and sources of the indicators shown")
