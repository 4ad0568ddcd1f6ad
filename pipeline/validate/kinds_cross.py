"""Rule kinds that relate values to each other: part ≤ whole, ordering chains, parts summing
to a total, and a total lying between its breakdown categories.

Each is vectorised over economies and years (merges and group-bys, no row loops). The item's
location is the value a focal point would correct: the part for part ≤ whole, the total for
sums and brackets.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from pipeline.observations import DIMENSION_NAMES, TOTAL
from pipeline.validate.items import LOCATION, empty_items, fmt, make_items, outcome, select
from pipeline.validate.kinds_value import Context

_ON = ["economy", "year"]


def _parts(obs: pd.DataFrame, code: str, breakdown: str) -> pd.DataFrame:
    """Category rows of ``code`` along ``breakdown`` (every other breakdown a total)."""
    rows = select(obs, code, keep=(breakdown,))
    return rows[rows[breakdown] != TOTAL]


def _compare(part: pd.DataFrame, whole: pd.DataFrame, params: dict, code: str) -> pd.DataFrame:
    """Items for part ≤ whole·(1 + rel) + abs, one per part row plus wholes without parts."""
    whole = whole[[*_ON, "value", *LOCATION]].rename(columns={"value": "whole"})
    merged = part.merge(whole, on=_ON, how="outer", suffixes=("", "_whole"), indicator=True)
    only_whole = (merged["_merge"] == "right_only").to_numpy()
    for column in LOCATION:
        merged[column] = merged[column].where(~only_whole, merged[f"{column}_whole"])
    merged["indicator"] = code
    value, total = merged["value"].to_numpy(float), merged["whole"].to_numpy(float)
    rel, tol = float(params.get("rel_tolerance", 0.0)), float(params.get("tolerance", 0.0))
    failed = value > total * (1.0 + rel) + tol
    return make_items(
        merged,
        lambda m: [f"≤ {w}" for w in fmt(total[m])],
        outcome(np.isnan(value) | np.isnan(total), failed),
    )


def check_part_whole(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """A part never exceeds its whole: ``part`` ≤ ``whole``,
    or with ``breakdown`` each category of ``part`` ≤ its total."""
    code = params["part"]
    breakdown = params.get("breakdown")
    if breakdown:
        part = _parts(obs, code, breakdown)
        whole = select(obs, params.get("whole", code))
    else:
        part, whole = select(obs, code), select(obs, params["whole"])
    return _compare(part, whole, params, code)


def check_order(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Ordering chain a ≤ b ≤ c …, e.g. 5G ≤ 4G ≤ 3G ≤ 2G coverage:
    one item per economy-year and adjacent pair."""
    chain = list(params["chain"])
    pairs = [
        _compare(select(obs, low), select(obs, high), params, low) for low, high in pairwise(chain)
    ]
    return pd.concat(pairs, ignore_index=True) if pairs else empty_items()


def check_sum_total(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """Categories of ``breakdown`` sum to the total within ``rel_tolerance``.
    ``direction`` "over" flags Σ > total, "under" Σ < total, "both" either."""
    code, breakdown = params["indicator"], params["breakdown"]
    sums = _parts(obs, code, breakdown).groupby(_ON, as_index=False)["value"].sum()
    total = select(obs, code)
    merged = total.merge(sums.rename(columns={"value": "parts"}), on=_ON, how="outer")
    merged["indicator"] = code
    value, parts = merged["value"].to_numpy(float), merged["parts"].to_numpy(float)
    rel = float(params.get("rel_tolerance", 0.0))
    direction = params.get("direction", "both")
    over = parts > value * (1.0 + rel)
    under = parts < value * (1.0 - rel)
    failed = {"over": over, "under": under}.get(direction, over | under)
    return make_items(
        merged,
        lambda m: [f"Σ {breakdown} = {s}" for s in fmt(parts[m])],
        outcome(np.isnan(value) | np.isnan(parts), failed),
    )


def check_bracket(obs: pd.DataFrame, params: dict, context: Context) -> pd.DataFrame:
    """A total lies between the smallest and largest of its categories (± ``tolerance``):
    a rate for everyone is a weighted mean of the rates by sex, area or age."""
    code, breakdown = params["indicator"], params["breakdown"]
    rows = obs[obs["indicator"] == code]
    group = [*_ON, *(d for d in DIMENSION_NAMES if d != breakdown)]
    is_total = (rows[breakdown] == TOTAL).to_numpy()
    spread = (
        rows[~is_total]
        .groupby(group, as_index=False)["value"]
        .agg(low="min", high="max", n="count")
    )
    totals = rows[is_total]
    merged = totals.merge(spread, on=group, how="outer", indicator=True)
    merged["indicator"] = code
    value = merged["value"].to_numpy(float)
    low, high = merged["low"].to_numpy(float), merged["high"].to_numpy(float)
    tol = float(params.get("tolerance", 0.0))
    missing = np.isnan(value) | (merged["n"].fillna(0).to_numpy() < 2)
    failed = (value < low - tol) | (value > high + tol)

    def expected(m: np.ndarray) -> list[str]:
        return [f"[{a}, {b}]" for a, b in zip(fmt(low[m]), fmt(high[m]), strict=True)]

    return make_items(merged, expected, outcome(missing, failed))
