"""Index tables of the publication: ranking, pillars, regional and development groups.

Pure functions from a :class:`~pipeline.publish.bundle.Bundle` to
:class:`~pipeline.publish.layout.PublicationTable`. The layout follows the IDI 2024 report's
Annex 2 (economy, score, rank, previous rank) and Annex 4 (regional values are simple means
over the economies with a score), and the MISR annex tables for indicator values.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from pipeline.index.methodology import MethodologyError, edition_path, load
from pipeline.publish.bundle import Bundle
from pipeline.publish.groups import membership, of_year
from pipeline.publish.layout import PublicationTable, edition_title, make_table, marker, text
from pipeline.reference import income_groups
from pipeline.rounding import round_half_up

RANK = "0"


def decimals(edition: str) -> int:
    """Decimals the edition publishes scores with (``rounding`` in its file; 1 if absent)."""
    try:
        return int(load(edition_path(edition)).edition.get("rounding", 1))
    except (OSError, MethodologyError):
        return 1


def score_format(edition: str) -> str:
    """Excel number format showing the edition's published decimals."""
    places = decimals(edition)
    return "0." + "0" * places if places else "0"


def ranks_published(edition: str) -> bool:
    """Whether the edition publishes ranks (``ranks_published`` in its methodology file; ITU
    publishes scores without ranks since IDI 2023)."""
    from pipeline.index.methodology import available_editions, edition_path, load

    if edition not in available_editions():
        return True
    return bool(load(edition_path(edition)).edition.get("ranks_published", True))


def headline(bundle: Bundle, edition: str) -> pd.DataFrame:
    """Top-node rows of ``edition`` for its reference year (one row per economy)."""
    scores = bundle.scores[bundle.scores["edition"] == edition]
    scores = scores[scores["year"] == scores["year"].max()]
    return scores[scores["level"] == scores["level"].max()]


def score_flags(bundle: Bundle, edition: str) -> pd.Series:
    """Marker string per economy: estimate, lagged and imputed inputs of its score."""
    rows = bundle.normalised[bundle.normalised["edition"] == edition]
    if rows.empty:
        return pd.Series(dtype=str)
    symbols = {"estimate": "estimate", "lagged": "earlier_year", "imputed": "imputed",
               "estimated": "estimated"}  # fmt: skip
    symbols = {column: name for column, name in symbols.items() if column in rows}
    flags = rows.groupby("economy")[list(symbols)].any()
    out = pd.Series("", index=flags.index)
    for column, name in symbols.items():
        out = out + flags[column].map({True: marker(name), False: ""})
    return out


INTERVAL = ("Rank, 5th percentile", "Rank, 95th percentile")
RANK_COLUMNS = ("Rank", "Previous rank", "Change in rank", *INTERVAL)


def with_rank_interval(
    bundle: Bundle, edition: str, frame: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """Add the uncertainty analysis' rank interval when it ran for ``edition``."""
    ranks = bundle.ranks
    if ranks.empty or not (ranks["edition"] == edition).any():
        return frame, []
    ranks = ranks[ranks["edition"] == edition].set_index("economy").reindex(frame["ISO3"])
    low, high = np.floor(ranks["p05_rank"]), np.ceil(ranks["p95_rank"])
    frame = frame.assign(
        **{
            INTERVAL[0]: low.astype("Int64").to_numpy(),
            INTERVAL[1]: high.astype("Int64").to_numpy(),
        }
    )
    return frame, [text()["tables"]["ranking"]["interval_note"].format(edition=edition)]


def ranking(bundle: Bundle, edition: str) -> PublicationTable:
    """Score, rank, previous score and rank, and change in rank, best first."""
    top = headline(bundle, edition).sort_values(["rank", "economy"]).reset_index(drop=True)
    published = ranks_published(edition)
    places = decimals(edition)
    economies = bundle.economies.set_index("economy")
    frame = pd.DataFrame(
        {
            "Rank": top["rank"].astype("Int64"),
            "Economy": top["economy"].map(economies["name"]).fillna(top["economy"]).to_numpy(),
            "ISO3": top["economy"].to_numpy(),
            "Region": top["economy"].map(economies["itu_region"]).fillna("").to_numpy(),
            "Score": round_half_up(top["score"], places),
            "Previous rank": top["previous_rank"].astype("Int64"),
            "Previous score": round_half_up(top["previous_score"], places),
            "Change in rank": top["rank_change"].astype("Int64"),
        }
    )
    frame, interval_note = with_rank_interval(bundle, edition, frame)
    if not published:
        frame = frame.drop(columns=[c for c in RANK_COLUMNS if c in frame.columns])
        interval_note = [text()["tables"]["ranking"]["no_ranks_note"].format(edition=edition)]
    flags = score_flags(bundle, edition).reindex(frame["ISO3"]).fillna("").to_numpy()
    markers = pd.DataFrame({"Score": flags})
    score = score_format(edition)
    formats = {"Score": score, "Previous score": score, "Rank": RANK, "Previous rank": RANK}
    formats["Change in rank"] = "+0;-0;0"
    formats |= dict.fromkeys(INTERVAL, RANK)
    year = int(top["year"].max())
    table = make_table(
        "ranking",
        f"{edition}_ranking",
        frame,
        markers,
        formats,
        edition=edition_title(edition),
        year=year,
    )
    notes = table.notes if published else tuple(n for n in table.notes if "rank" not in n)
    return replace(table, notes=(*notes, *interval_note))


def node_order(scores: pd.DataFrame, edition: str) -> pd.Series:
    """Node names of ``edition`` above the indicators, in the order of its methodology file
    (index, then pillars as ITU lists them, then sub-pillars); level order if no file."""
    rows = scores[(scores["edition"] == edition) & (scores["level"] > 1)]
    names = rows.drop_duplicates("node").set_index("node")
    try:
        listed = [code for code in load(edition_path(edition)).nodes["code"] if code in names.index]
    except (OSError, MethodologyError):
        listed = []
    rest = names.drop(index=listed).sort_values(["level", "node_name"], ascending=[False, True])
    return names.loc[[*listed, *rest.index], "node_name"]


def node_scores(bundle: Bundle, edition: str) -> pd.DataFrame:
    """Economy × node score matrix for the reference year, columns named ``node_name``."""
    scores = bundle.scores[bundle.scores["edition"] == edition]
    scores = scores[scores["year"] == scores["year"].max()]
    order = node_order(scores, edition)
    wide = scores.pivot(index="economy", columns="node", values="score")[order.index]
    return wide.rename(columns=order.to_dict())


def pillars(bundle: Bundle, edition: str) -> PublicationTable:
    """Index, sub-index and pillar scores side by side, alphabetical by economy name."""
    wide = node_scores(bundle, edition)
    wide = pd.DataFrame(
        round_half_up(wide, decimals(edition)), index=wide.index, columns=wide.columns
    )
    names = bundle.names()
    frame = wide.reset_index()
    frame.insert(0, "Economy", frame["economy"].map(names).fillna(frame["economy"]))
    frame = frame.rename(columns={"economy": "ISO3"}).sort_values("Economy")
    formats = dict.fromkeys(wide.columns, score_format(edition))
    year = int(headline(bundle, edition)["year"].max())
    return make_table(
        "pillars",
        f"{edition}_pillars",
        frame,
        None,
        formats,
        edition=edition_title(edition),
        year=year,
    )


def groups(bundle: Bundle, edition: str) -> PublicationTable:
    """Simple means of every node's score by ITU region and development group (Annex 4), and
    the median of the index; income groups as classified on the edition's reference year."""
    wide = node_scores(bundle, edition)
    year = int(headline(bundle, edition)["year"].max())
    members = membership(of_year(bundle.economies, year, income_groups()))
    joined = members.merge(wide, left_on="economy", right_index=True, how="inner")
    keys = ["order", "group_type", "group"]
    means = joined.groupby(keys, sort=True)[list(wide.columns)].mean()
    median_name = f"{wide.columns[0]} (median)"
    means[median_name] = joined.groupby(keys, sort=True)[wide.columns[0]].median()
    means = pd.DataFrame(
        round_half_up(means, decimals(edition)), index=means.index, columns=means.columns
    )
    counts = joined.groupby(keys, sort=True)[wide.columns[0]].count().rename("n")
    frame = pd.concat([counts, means], axis=1).reset_index().drop(columns="order")
    frame = frame.rename(columns={"group_type": "Grouping", "group": "Group"})
    formats = {"n": RANK, **dict.fromkeys(means.columns, score_format(edition))}
    return make_table(
        "groups",
        f"{edition}_groups",
        frame,
        None,
        formats,
        edition=edition_title(edition),
        year=year,
    )


def index_tables(bundle: Bundle) -> list[PublicationTable]:
    """Ranking, pillar and group tables for every edition, headline edition first."""
    out = []
    for edition in bundle.editions():
        out += [ranking(bundle, edition), pillars(bundle, edition), groups(bundle, edition)]
    return out
