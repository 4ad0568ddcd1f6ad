"""Everything an economy profile shows, computed for all economies at once.

Scores with their regional means, strengths and weaknesses, indicator values over time and
the flags of each input are computed here in vectorised passes and then split by economy, so
rendering ~190 pages is string formatting only (no loops over economies in hot
paths: a run has a budget of about a minute).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline import reference
from pipeline.dictionary import indicators
from pipeline.observations import totals as national_totals
from pipeline.publish.bundle import Bundle
from pipeline.publish.groups import membership
from pipeline.publish.indicators import value_markers
from pipeline.publish.layout import edition_title, marker, text
from pipeline.publish.profile_chart import ProfileCanvas
from pipeline.publish.tables import node_order, ranks_published
from pipeline.reference import population_of

YEARS_SHOWN = 6
STRENGTHS_SHOWN = 3


def by_economy(frame: pd.DataFrame, drop: bool = True) -> dict[str, pd.DataFrame]:
    """Split ``frame`` by its ``economy`` column (dropped from the parts when ``drop``)."""
    if frame.empty:
        return {}
    parts = dict(tuple(frame.groupby("economy", sort=False)))
    if not drop:
        return parts
    return {
        code: part.drop(columns="economy").reset_index(drop=True) for code, part in parts.items()
    }


@dataclass(frozen=True)
class ProfileData:
    """Per-economy display tables and chart inputs."""

    headline: str
    scores: dict[str, pd.DataFrame]
    score_rows: dict[str, pd.DataFrame]
    inputs: dict[str, pd.DataFrame]
    strengths: dict[str, pd.DataFrame]
    weaknesses: dict[str, pd.DataFrame]
    values: dict[str, pd.DataFrame]
    value_notes: dict[str, pd.DataFrame]
    reported: dict[str, set[str]]
    groups: dict[str, str]
    canvas: ProfileCanvas


def node_scores(bundle: Bundle, regions: pd.DataFrame) -> pd.DataFrame:
    """Every edition's node scores at its reference year, with the region mean beside them."""
    scores = bundle.scores
    scores = scores[scores["year"] == scores.groupby("edition")["year"].transform("max")]
    scores = scores[scores["level"] > 1].merge(regions, on="economy", how="left")
    scores["region_mean"] = scores.groupby(["edition", "node", "group"])["score"].transform("mean")
    scores["of"] = scores.groupby(["edition", "node"])["score"].transform("count")
    order = [
        pd.DataFrame(
            {
                "edition": e,
                "node": (nodes := node_order(scores, e).index),
                "_order": range(len(nodes)),
            }
        )
        for e in scores["edition"].unique()
    ]
    scores = scores.merge(pd.concat(order), on=["edition", "node"], how="left")
    return scores.sort_values(["edition", "_order", "economy"], ascending=[False, True, True])


def score_rows(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores table of the profiles: one row per edition and node."""
    rank = scores["rank"].astype("Int64").astype(str) + " of " + scores["of"].astype(str)
    hidden = ~scores["edition"].map({e: ranks_published(e) for e in scores["edition"].unique()})
    unranked = scores["rank"].isna() | hidden.fillna(False).astype(bool)
    previous = scores["previous_rank"].astype("Int64").astype(object).where(~hidden, "")
    low = scores.get("score_low", pd.Series(np.nan, index=scores.index))
    high = scores.get("score_high", pd.Series(np.nan, index=scores.index))
    interval = (low.round(1).astype(str) + "–" + high.round(1).astype(str)).where(
        low.notna() & high.notna(), ""
    )
    return pd.DataFrame(
        {
            "economy": scores["economy"],
            "Edition": scores["edition"].map(edition_title),
            "Year": scores["year"].astype(int).astype(str),
            "Score": scores["node_name"],
            "Value": scores["score"],
            "Rank": rank.where(~unranked, text()["workbook"]["missing"]).where(
                ~hidden, "not published"
            ),
            "Region mean": scores["region_mean"],
            "Previous value": scores["previous_score"],
            "Previous rank": previous,
            # 5th–95th percentile when estimated inputs are drawn from their intervals
            "Interval (estimated inputs)": interval,
        }
    )


def inputs(bundle: Bundle, edition: str, regions: pd.DataFrame) -> pd.DataFrame:
    """Headline-edition inputs with their region mean and the gap to it.

    An indicator's regional value is population-weighted, the method of the SDG aggregates
    and of the regional trend charts (:data:`pipeline.publish.charts.REGIONAL_METHOD`), so
    one indicator has one regional method across the publication; index and pillar scores
    keep the IDI reports' simple means (:func:`node_scores`).
    """
    rows = bundle.normalised[bundle.normalised["edition"] == edition]
    rows = rows[rows["year"] == rows["year"].max()].merge(regions, on="economy", how="left")
    weight = pd.Series(population_of(rows, reference.population()), index=rows.index)
    weight = weight.where(rows["normalised"].notna())
    product = (rows["normalised"] * weight).groupby([rows["indicator"], rows["group"]])
    total = weight.groupby([rows["indicator"], rows["group"]])
    rows["region_mean"] = product.transform("sum") / total.transform("sum").where(
        total.transform("sum") > 0
    )
    rows["gap"] = rows["normalised"] - rows["region_mean"]
    return rows


def strengths(rows: pd.DataFrame, strong: bool) -> pd.DataFrame:
    """Up to three inputs furthest above (or below) the regional mean, per economy."""
    chosen = rows[rows["gap"] > 0] if strong else rows[rows["gap"] < 0]
    chosen = chosen.sort_values(["economy", "gap"], ascending=[True, not strong])
    chosen = chosen.groupby("economy").head(STRENGTHS_SHOWN)
    names = indicators()["name"]
    return pd.DataFrame(
        {
            "economy": chosen["economy"],
            "Indicator": chosen["indicator"].map(names).fillna(chosen["indicator"]),
            "Score": chosen["normalised"],
            "Region mean": chosen["region_mean"],
        }
    )


def values_over_time(bundle: Bundle) -> tuple[pd.DataFrame, pd.DataFrame]:
    """National totals of the last years, one row per economy and indicator, and markers."""
    obs = bundle.observations
    totals = national_totals(obs)
    last = int(totals["year"].max()) if not totals.empty else 0
    totals = totals[totals["year"] > last - YEARS_SHOWN]
    notes = value_markers(totals, last + 1).str.replace(marker("earlier_year"), "")
    totals = totals.assign(note=notes, year=totals["year"].astype(str))
    dictionary = indicators()
    label = dictionary["name"] + " (" + dictionary["unit"] + ")"
    order = pd.Series(range(len(dictionary)), index=dictionary["code"])
    totals = totals.assign(_o=totals["indicator"].map(order)).sort_values(["economy", "_o"])
    keys = ["economy", "_o", "indicator"]
    values = totals.pivot_table(index=keys, columns="year", values="value", aggfunc="first")
    notes = totals.pivot_table(index=keys, columns="year", values="note", aggfunc="first")
    values, notes = values.reset_index(), notes.reindex_like(values).reset_index()
    for frame in (values, notes):
        frame.insert(1, "Indicator", frame["indicator"].map(label).fillna(frame["indicator"]))
        frame.columns.name = None
    return values.drop(columns="_o"), notes.drop(columns="_o")


def reported_codes(bundle: Bundle) -> dict[str, set[str]]:
    """Indicators each economy reported in any breakdown: ICT skills (HH15) exist only by type
    of skill, so a national total alone would list them as a data gap."""
    pairs = bundle.observations[["economy", "indicator"]].drop_duplicates()
    return pairs.groupby("economy")["indicator"].agg(set).to_dict()


def group_text(bundle: Bundle) -> dict[str, str]:
    """Development and income groups of each economy as one line."""
    members = membership(bundle.economies)
    members = members[members["order"] > 1]
    return members.groupby("economy")["group"].agg(", ".join).to_dict()


def prepare(bundle: Bundle) -> ProfileData:
    """Slice every economy's scores, inputs and observations once for all profiles."""
    members = membership(bundle.economies)
    regions = members.loc[members["group_type"] == "ITU region", ["economy", "group"]]
    editions = bundle.editions()
    headline = editions[0] if editions else ""
    scores = node_scores(bundle, regions) if headline else pd.DataFrame()
    rows = inputs(bundle, headline, regions) if headline else pd.DataFrame()
    values, notes = values_over_time(bundle)
    return ProfileData(
        headline=headline,
        scores=by_economy(scores, drop=False),
        score_rows=by_economy(score_rows(scores)) if headline else {},
        inputs=by_economy(rows, drop=False),
        strengths=by_economy(strengths(rows, True)) if headline else {},
        weaknesses=by_economy(strengths(rows, False)) if headline else {},
        values=by_economy(values),
        value_notes=by_economy(notes),
        reported=reported_codes(bundle),
        groups=group_text(bundle),
        canvas=canvas(scores, rows, headline),
    )


def canvas(scores: pd.DataFrame, rows: pd.DataFrame, headline: str) -> ProfileCanvas:
    """The shared chart layout: headline-edition nodes (index first) and its indicators."""
    if not headline:
        return ProfileCanvas(pd.Series(dtype=str), pd.Series(dtype=str))
    nodes = scores[scores["edition"] == headline].drop_duplicates("node")
    nodes = nodes.set_index("node")["node_name"].reindex(node_order(nodes, headline).index)
    codes = rows["indicator"].drop_duplicates()
    labels = codes.map(indicators()["name"]).fillna(codes)
    return ProfileCanvas(nodes, pd.Series(labels.to_numpy(), index=codes.to_numpy()))
