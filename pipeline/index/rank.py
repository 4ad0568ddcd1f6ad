"""Ranks as published, group ranks and rank change against the previous year.

ITU's MISR 2017 ranks come from *unrounded* scores, so economies tied at two decimals get
distinct consecutive ranks (Norway 8.47 #8, Luxembourg 8.47 #9) — tie rule ``distinct``;
exact ties of unrounded values are then broken by economy code so results are deterministic.
``min`` gives standard competition ranks (1, 2, 2, 4) and ``average`` fractional ones.
Rank 1 is the highest score. All work is vectorised group-bys.
"""

from __future__ import annotations

import pandas as pd

from pipeline.rounding import round_half_up as round_half_up  # the engine rounds with it


def rank_scores(
    scores: pd.DataFrame, by: list[str], ties: str = "distinct", column: str = "score"
) -> pd.Series:
    """Rank of each row's ``column`` within the groups ``by`` (1 = best); NaN stays NaN."""
    if ties == "distinct":
        order = scores.sort_values(
            [*by, column, "economy"], ascending=[True] * len(by) + [False, True]
        )
        ranked = order.groupby(by, sort=False)[column].cumcount() + 1.0
        ranked = ranked.where(order[column].notna())
        return ranked.reindex(scores.index)
    return scores.groupby(by)[column].rank(method=ties, ascending=False)


def group_ranks(
    scores: pd.DataFrame, groups: pd.DataFrame, by: str, ties: str = "distinct"
) -> pd.Series:
    """Rank within a group of economies (e.g. ``itu_region``) per year and node."""
    merged = scores.merge(groups[["economy", by]], on="economy", how="left")
    merged.index = scores.index
    return rank_scores(merged, ["year", "node", by], ties)


def with_previous(scores: pd.DataFrame) -> pd.DataFrame:
    """Add previous_score, previous_rank and rank_change (previous − current: + = moved up)."""
    previous = scores[["economy", "node", "year", "score", "rank"]].assign(year=scores["year"] + 1)
    previous = previous.rename(columns={"score": "previous_score", "rank": "previous_rank"})
    out = scores.merge(previous, on=["economy", "node", "year"], how="left")
    return out.assign(rank_change=out["previous_rank"] - out["rank"])
