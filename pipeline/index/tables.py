"""Output tables of the index stage, with the columns ARCHITECTURE.md fixes.

``scores`` (long: one row per economy, year and node — indicators at level 1 carry their
normalised score), ``normalised`` (one row per economy, year and indicator with the raw,
transformed and normalised value, the flags and the source cell), ``weights`` (nominal
weight within the parent and effective weight in the index) and ``excluded`` (economy-years
with data that fail the inclusion rule, so a missing score is explained).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.index.methodology import Methodology

SCORE_COLUMNS = (
    "edition", "economy", "year", "node", "node_name", "level", "score", "rank",
    "previous_score", "previous_rank", "rank_change", "score_rounded", "score_low", "score_high",
)  # fmt: skip
NORMALISED_COLUMNS = (
    "edition", "economy", "year", "indicator", "value", "transformed", "normalised",
    "imputed", "capped", "treated", "lagged", "estimate", "estimated", "estimate_method",
    "estimate_low", "estimate_high", "source_file", "sheet", "cell",
)  # fmt: skip
WEIGHT_COLUMNS = ("edition", "indicator", "parent", "weight", "effective_weight")
#: Economy-years with data that fail the edition's inclusion rule (IDI 2023+ Box 2).
EXCLUDED_COLUMNS = (
    "edition", "economy", "year", "official_indicators", "available_indicators",
    "min_indicators",
)  # fmt: skip


def _flat(array: np.ndarray) -> np.ndarray:
    """(years, economies, indicators) → panel order (economy, indicator, year)."""
    return array.transpose(1, 2, 0).reshape(-1)


def normalised_table(
    methodology: Methodology,
    panel: pd.DataFrame,
    arrays: dict[str, np.ndarray],
    capped: np.ndarray,
    shape: tuple[int, int, int],
) -> pd.DataFrame:
    """One row per economy × year × indicator (rows with no value at all are dropped)."""
    treated = ~np.isclose(arrays["treated"], arrays["transformed"], equal_nan=True)
    frame = panel.assign(
        edition=methodology.name,
        transformed=_flat(arrays["transformed"]),
        normalised=_flat(arrays["normalised"]),
        capped=_flat(capped),
        treated=_flat(treated),
    )
    frame = frame.loc[frame["value"].notna()]
    return frame[list(NORMALISED_COLUMNS)].reset_index(drop=True)


def scores_table(
    methodology: Methodology,
    nodes: dict[str, np.ndarray],
    economies: list[str],
    years: list[int],
) -> pd.DataFrame:
    """Long table of node scores; economies without a score for a node/year are left out."""
    info = pd.concat(
        [
            methodology.nodes[["code", "name", "level"]],
            methodology.indicators[["code", "name"]].assign(level=1),
        ],
        ignore_index=True,
    ).set_index("code")
    codes = list(nodes)
    stacked = np.stack([nodes[c] for c in codes], axis=-1)  # (years, economies, nodes)
    index = pd.MultiIndex.from_product([years, economies, codes], names=["year", "economy", "node"])
    frame = index.to_frame(index=False).assign(score=stacked.reshape(-1))
    frame = frame[frame["score"].notna()].reset_index(drop=True)
    frame["node_name"] = frame["node"].map(info["name"])
    frame["level"] = frame["node"].map(info["level"]).astype("int64")
    frame["edition"] = methodology.name
    frame["year"] = frame["year"].astype("int64")
    return frame[["edition", "economy", "year", "node", "node_name", "level", "score"]]


def weights_table(methodology: Methodology) -> pd.DataFrame:
    """Nominal weight within the parent and effective weight in the index (product of the
    renormalised weights along the path, so effective weights of all indicators sum to 1)."""
    tree = pd.concat([methodology.nodes, methodology.indicators], ignore_index=True)
    share = tree["weight"] / tree.groupby("parent", dropna=False)["weight"].transform("sum")
    share = pd.Series(share.to_numpy(), index=tree["code"])
    parent = pd.Series(tree["parent"].to_numpy(), index=tree["code"])
    effective = share.copy()
    current = parent.copy()
    root = methodology.index
    for _ in range(len(tree)):
        mask = current.notna() & (current != root)
        if not mask.any():
            break
        effective[mask] *= share.reindex(current[mask]).to_numpy()
        current[mask] = parent.reindex(current[mask]).to_numpy()
    indicators = methodology.indicators
    return pd.DataFrame(
        {
            "edition": methodology.name,
            "indicator": indicators["code"].to_numpy(),
            "parent": indicators["parent"].to_numpy(),
            "weight": indicators["weight"].to_numpy(dtype=float),
            "effective_weight": effective.reindex(indicators["code"]).to_numpy(),
        }
    )
