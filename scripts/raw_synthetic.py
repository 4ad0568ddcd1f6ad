"""Synthetic breakdowns for the shipped returns (used by build_raw.py; see raw/README.md).

No public source in ``data/sources/`` has breakdowns by sex, age, area, ICT skill, speed tier or
technology for 2021–2023, nor households with a computer (HH4). These are made up, but
consistent with the published totals so that validation rules pass on clean returns:
percentages split into groups whose weighted mean is the total (female and male bracket it),
counts split into parts that add up exactly. Every draw is a hash of the economy and purpose,
or a generator seeded by the dimension name: the same sources give the same figures.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

DIMENSIONS = ("sex", "age", "area", "speed", "technology", "skill")
TOTAL = "_T"
#: Share of the Internet users (HH7) with each ICT skill (SDG 4.4.1 skill codes), before an
#: economy-specific factor of 0.75–1.25. Illustrative values, not taken from a source.
SKILL_FACTORS = {
    "COPA": 0.62,
    "EMAIL": 0.55,
    "INST": 0.38,
    "TRAF": 0.30,
    "SOFT": 0.33,
    "EPRS": 0.28,
    "ARSP": 0.24,
    "PCPR": 0.12,
    "CMFL": 0.08,
}


def _uniform(frame: pd.DataFrame, salt: str) -> np.ndarray:
    """A uniform [0, 1) draw per economy from a hash of (economy, salt): stable, no state."""
    keys = frame["economy"] + "|" + salt
    return keys.map(lambda key: zlib.crc32(key.encode()) / 2**32).to_numpy()


def _two_way(
    totals: pd.DataFrame, dimension: str, high: str, low: str, weight: float | np.ndarray
) -> pd.DataFrame:
    """Split a percentage into two groups whose weighted mean is the total.

    ``weight`` is the share of the ``high`` group. The gap is a hashed fraction of the
    largest gap that keeps both groups inside 0–100, so the total always lies between them.
    """
    value = totals["value"].to_numpy()
    room = np.minimum((100 - value) / (1 - weight), value / weight)
    gap = (0.05 + 0.3 * _uniform(totals, f"gap-{dimension}")) * room
    high_rows = totals.assign(value=(value + gap * (1 - weight)).round(1), **{dimension: high})
    low_rows = totals.assign(value=(value - gap * weight).round(1), **{dimension: low})
    return pd.concat([high_rows, low_rows])


def _age_split(totals: pd.DataFrame) -> pd.DataFrame:
    """Three age groups (15–24 above the total, 75+ below, 25–74 balancing the mean)."""
    value = totals["value"].to_numpy()
    young_w = 0.12 + 0.10 * _uniform(totals, "w-young")
    old_w = 0.02 + 0.08 * _uniform(totals, "w-old")
    young = value + 0.4 * _uniform(totals, "g-young") * np.minimum(100 - value, value)
    old = value * (0.2 + 0.6 * _uniform(totals, "g-old"))
    middle = np.clip((value - young_w * young - old_w * old) / (1 - young_w - old_w), 0, 100)
    groups = {"Y15T24": young, "Y25T74": middle, "Y_GE75": old}
    return pd.concat([totals.assign(value=v.round(1), age=a) for a, v in groups.items()])


def _count_split(
    totals: pd.DataFrame, dimension: str, categories: Sequence[str], alpha: Sequence[float]
) -> pd.DataFrame:
    """Split a count into categories that add up exactly to the total (Dirichlet shares).

    One generator per dimension, drawn in the (sorted) order of the totals: deterministic for
    a given source table; a new economy in the sources changes the draws of those after it.
    """
    rng = np.random.default_rng(zlib.crc32(dimension.encode()))
    shares = rng.dirichlet(alpha, size=len(totals))
    counts = np.floor(shares * totals["value"].to_numpy()[:, None])
    counts[:, -1] = totals["value"].to_numpy() - counts[:, :-1].sum(axis=1)
    return pd.concat(
        [totals.assign(value=counts[:, i], **{dimension: c}) for i, c in enumerate(categories)]
    )


def _skills(internet: pd.DataFrame) -> pd.DataFrame:
    """HH15 by skill, with female and male values bracketing each skill's total."""
    parts = []
    for skill, factor in SKILL_FACTORS.items():
        draw = 0.75 + 0.5 * _uniform(internet, f"skill-{skill}")
        value = np.clip(internet["value"].to_numpy() * factor * draw, 0.1, 95).round(1)
        parts.append(internet.assign(indicator="HH15", skill=skill, value=value))
    totals = pd.concat(parts)
    return pd.concat([totals, _two_way(totals, "sex", "M", "F", 0.5)])


def synthetic_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Synthetic breakdowns (and HH4) consistent with the totals in ``table``; see README."""
    totals = table[table[list(DIMENSIONS)].eq(TOTAL).all(axis=1)]
    pick = {code: totals[totals["indicator"] == code] for code in ("HH7", "HH18", "HH6")}
    households = (
        pick["HH6"]
        .assign(
            indicator="HH4",
            value=(pick["HH6"]["value"] * (0.55 + 0.4 * _uniform(pick["HH6"], "hh4"))),
        )
        .round({"value": 1})
    )
    urban = {}
    parts = [households]
    for code, frame in (*pick.items(), ("HH4", households)):
        urban[code] = 0.35 + 0.5 * _uniform(frame, "urban")
        parts.append(_two_way(frame, "area", "U", "R", urban[code]))
    for code in ("HH7", "HH18"):
        parts += [_two_way(pick[code], "sex", "M", "F", 0.5), _age_split(pick[code])]
    parts.append(_skills(pick["HH7"]))
    fbb = totals[totals["indicator"] == "i4213tfbb"]
    speeds = ("IS_256KT2M", "IS_2MT10M", "IS_GE10M")
    parts.append(_count_split(fbb, "speed", speeds, (0.5, 1.5, 6.0)))
    technologies = ("DSL", "CABLE", "FIBRE", "SATELLITE", "FWA", "OTHER")
    parts.append(_count_split(fbb, "technology", technologies, (3, 2, 4, 0.2, 0.8, 0.3)))
    synthetic = pd.concat(parts, ignore_index=True)
    return synthetic.assign(origin="synthetic", estimate=False, note="")[list(table.columns)]
