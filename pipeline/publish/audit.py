"""Statistical audit of an index edition, as the JRC/COINr audit of a composite indicator.

What COINr users read before trusting an index (Becker et al., COINr, JRC Competence Centre on
Composite Indicators; OECD/JRC Handbook on Constructing Composite Indicators, 2008, step 7):

* **descriptive statistics** per indicator of the edition's reference year (COINr
  ``get_stats``): economies with a value, missing share, mean, median, standard deviation,
  skewness and kurtosis (sample, bias-corrected), outliers beyond 1.5 interquartile ranges of
  the quartiles, and the skew-kurtosis flag (|skew| > 2 and kurtosis > 3.5, COINr's default);
* **correlations** within and across levels (COINr ``get_corr`` / ``get_corr_flags``): each
  node with its parent and with the index, and each pair of siblings, Pearson on the
  normalised indicator and aggregate scores; flags *collinear* (siblings, r > 0.9) and
  *negative* (r < -0.4);
* **effective weights** (the share of the index each node carries once the tree's weights
  are multiplied down; ``plot_framework`` draws them);
* the **rank intervals** of the uncertainty analysis (5th-95th percentile of each economy's
  rank over the replications).

Pure functions of the bundle; the thresholds are module constants named after COINr's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.index.methodology import MethodologyError, edition_path, load
from pipeline.publish.bundle import Bundle

SKEW_LIMIT, KURTOSIS_LIMIT = 2.0, 3.5
COLLINEAR, NEGATIVE = 0.9, -0.4
IQR_FACTOR = 1.5


def tree(bundle: Bundle, edition: str) -> pd.DataFrame:
    """``node, name, parent, level, weight, effective_weight`` of every node of the edition:
    indicators from the weights table, aggregates from the methodology file (their effective
    weight is the sum of their indicators')."""
    weights = bundle.weights.loc[bundle.weights["edition"] == edition]
    leaves = weights.rename(columns={"indicator": "node"}).assign(level=1)
    names = bundle.scores.loc[bundle.scores["edition"] == edition]
    names = names.drop_duplicates("node").set_index("node")
    try:
        nodes = load(edition_path(edition)).nodes.rename(columns={"code": "node"})
    except (OSError, MethodologyError):
        nodes = pd.DataFrame(columns=["node", "parent", "weight", "level"])
    columns = ["node", "parent", "level", "weight", "effective_weight"]
    frame = pd.concat([leaves[columns], nodes], ignore_index=True)
    frame = frame.drop_duplicates("node", keep="first").reset_index(drop=True)
    frame["name"] = frame["node"].map(names["node_name"]).fillna(frame["node"])
    frame["level"] = frame["node"].map(names["level"]).fillna(frame["level"]).astype(int)
    parent_of = frame.set_index("node")["parent"]
    chain = leaves.assign(ancestor=leaves["parent"])
    parts = []
    while chain["ancestor"].notna().any():  # one pass per level of the tree
        parts.append(chain.loc[chain["ancestor"].notna(), ["ancestor", "effective_weight"]])
        chain = chain.assign(ancestor=chain["ancestor"].map(parent_of))
    if parts:
        total = pd.concat(parts).groupby("ancestor")["effective_weight"].sum()
        frame["effective_weight"] = frame["effective_weight"].fillna(frame["node"].map(total))
    return frame[["node", "name", "parent", "level", "weight", "effective_weight"]]


def _reference_rows(frame: pd.DataFrame, edition: str) -> pd.DataFrame:
    rows = frame.loc[frame["edition"] == edition]
    return rows.loc[rows["year"] == rows["year"].max()]


def indicator_stats(bundle: Bundle, edition: str) -> pd.DataFrame:
    """One row per indicator: COINr ``get_stats`` of the raw values of the reference year."""
    rows = _reference_rows(bundle.normalised, edition)
    observed = rows.assign(value=rows["value"].where(~rows["imputed"].astype(bool)))
    grouped = observed.groupby("indicator", sort=False)["value"]
    quartiles = grouped.quantile([0.25, 0.75]).unstack()
    spread = IQR_FACTOR * (quartiles[0.75] - quartiles[0.25])
    low = observed["indicator"].map(quartiles[0.25] - spread)
    high = observed["indicator"].map(quartiles[0.75] + spread)
    outside = (observed["value"] < low) | (observed["value"] > high)
    economies = rows["economy"].nunique()
    stats = pd.DataFrame(
        {
            "economies_with_value": grouped.count(),
            "missing_share": 1 - grouped.count() / economies,
            "mean": grouped.mean(),
            "median": grouped.median(),
            "sd": grouped.std(),
            "min": grouped.min(),
            "max": grouped.max(),
            "skew": grouped.skew(),
            "kurtosis": grouped.apply(pd.Series.kurt),
            "outliers": outside.groupby(observed["indicator"], sort=False).sum(),
        }
    )
    stats["skew_kurtosis_flag"] = stats["skew"].abs().gt(SKEW_LIMIT) & stats["kurtosis"].gt(
        KURTOSIS_LIMIT
    )
    return stats.rename_axis("indicator").reset_index()


def score_matrix(bundle: Bundle, edition: str) -> pd.DataFrame:
    """Economy × node scores of the reference year (indicators: normalised scores)."""
    rows = _reference_rows(bundle.scores, edition)
    return rows.pivot_table(index="economy", columns="node", values="score")


def correlations(bundle: Bundle, edition: str) -> pd.DataFrame:
    """Pearson correlations of each node with its parent and with the index, and of each pair
    of siblings, with the COINr flags (``collinear``, ``negative``)."""
    nodes = tree(bundle, edition)
    matrix = score_matrix(bundle, edition)
    corr = matrix.corr(min_periods=3)
    index = nodes.loc[nodes["parent"].isna(), "node"]
    top = index.iloc[0] if len(index) else None
    children = nodes.loc[nodes["parent"].notna(), ["node", "parent", "level"]]
    with_parent = children.assign(other=children["parent"], relation="with parent")
    with_index = children.loc[children["parent"].ne(top)].assign(other=top, relation="with index")
    siblings = children.merge(children, on="parent", suffixes=("", "_other"))
    siblings = siblings.loc[siblings["node"] < siblings["node_other"]]
    siblings = siblings.rename(columns={"node_other": "other"}).assign(relation="within parent")
    pairs = pd.concat([with_parent, with_index, siblings], ignore_index=True)
    pairs = pairs.loc[pairs["node"].isin(corr.index) & pairs["other"].isin(corr.index)]
    stacked = corr.stack(future_stack=True) if len(corr) else pd.Series(dtype=float)
    keys = pd.MultiIndex.from_frame(pairs[["node", "other"]])
    pairs = pairs.assign(r=stacked.reindex(keys).to_numpy())
    level = nodes.set_index("node")["level"]
    pairs["level_other"] = pairs["other"].map(level)
    flag = np.where(
        pairs["relation"].eq("within parent") & pairs["r"].gt(COLLINEAR), "collinear", ""
    )
    flag = np.where(pairs["r"].lt(NEGATIVE), "negative", flag)
    pairs = pairs.assign(flag=flag)
    return pairs[["node", "level", "other", "level_other", "relation", "r", "flag"]].reset_index(
        drop=True
    )


def rank_intervals(bundle: Bundle, edition: str) -> pd.DataFrame:
    """Nominal rank, median and 5th-95th percentile rank of each economy (empty when the
    uncertainty analysis did not run for the edition)."""
    ranks = bundle.ranks
    if ranks.empty or not (ranks["edition"] == edition).any():
        return pd.DataFrame()
    rows = ranks.loc[ranks["edition"] == edition].sort_values(["nominal_rank", "economy"])
    return rows[["economy", "nominal_score", "nominal_rank", "median_rank", "p05_rank", "p95_rank"]]
