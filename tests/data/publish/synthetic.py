"""A small synthetic bundle shaped like the ARCHITECTURE.md stage outputs (see PROVENANCE.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.observations import DIMENSION_NAMES, TOTAL
from pipeline.publish.bundle import Bundle
from pipeline.reference import economies

ECONOMIES = ("DEU", "FRA", "KEN", "NGA", "BRA", "IND", "JPN", "EGY")
INDICATORS = ("HH7", "HH6", "i271", "i911mw")
NODES = (
    ("IDI", "ICT Development Index", 3),
    ("UC", "Universal connectivity", 2),
    ("MC", "Meaningful connectivity", 2),
)


def observations(seed: int = 7) -> pd.DataFrame:
    """Two years of national totals for four indicators; one estimate, one break."""
    rng = np.random.default_rng(seed)
    grid = pd.MultiIndex.from_product([ECONOMIES, (2023, 2024), INDICATORS]).to_frame(index=False)
    grid.columns = ["economy", "year", "indicator"]
    grid = grid[
        ~((grid["economy"] == "NGA") & (grid["year"] == 2024) & (grid["indicator"] == "HH6"))
    ]
    frame = grid.assign(**dict.fromkeys(DIMENSION_NAMES, TOTAL))
    frame["value"] = rng.uniform(5, 95, len(frame)).round(2)
    frame.loc[frame["indicator"] == "i271", "value"] *= 1e6
    frame["unit"] = "%"
    frame["estimate"] = (frame["economy"] == "KEN") & (frame["indicator"] == "HH7")
    frame["break_in_series"] = (frame["economy"] == "BRA") & (frame["year"] == 2024)
    frame["footnote"] = ""
    frame["kind"] = "household"
    frame["source_file"] = frame["economy"] + ".xlsx"
    frame["sheet"], frame["cell"] = "Sheet", "C5"
    return frame.reset_index(drop=True)


def scores(edition: str = "idi_2024", year: int = 2024, seed: int = 3) -> pd.DataFrame:
    """Index and two pillars for every economy with ranks from the unrounded scores."""
    rng = np.random.default_rng(seed)
    rows = []
    for node, name, level in NODES:
        values = rng.uniform(20, 95, len(ECONOMIES))
        frame = pd.DataFrame(
            {
                "edition": edition,
                "economy": ECONOMIES,
                "year": year,
                "node": node,
                "node_name": name,
                "level": level,
                "score": values,
            }
        )
        frame["rank"] = frame["score"].rank(ascending=False, method="min").astype(int)
        frame["previous_score"] = values - rng.uniform(-5, 5, len(ECONOMIES))
        frame["previous_rank"] = frame["previous_score"].rank(ascending=False, method="min")
        frame["rank_change"] = frame["previous_rank"] - frame["rank"]
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def normalised(edition: str = "idi_2024") -> pd.DataFrame:
    """Normalised indicator values; NGA's HH6 imputed, KEN's HH7 an estimate, EGY lagged."""
    obs = observations()
    obs = obs[obs["year"] == 2024]
    grid = pd.MultiIndex.from_product([ECONOMIES, INDICATORS]).to_frame(index=False)
    grid.columns = ["economy", "indicator"]
    frame = grid.merge(obs[["economy", "indicator", "value", "estimate"]], how="left")
    frame["estimate"] = frame["estimate"].fillna(False).astype(bool)
    frame.insert(0, "edition", edition)
    frame.insert(2, "year", 2024)
    frame["transformed"] = frame["value"]
    frame["normalised"] = frame["value"].clip(0, 100)
    frame["imputed"] = frame["value"].isna()
    frame["normalised"] = frame["normalised"].fillna(50.0)
    frame["capped"] = frame["treated"] = False
    frame["lagged"] = frame["economy"] == "EGY"
    frame["source_file"], frame["sheet"], frame["cell"] = "x.xlsx", "S", "A1"
    return frame


def bundle() -> Bundle:
    """The synthetic bundle: two editions, SDG tables left empty unless a test adds them."""
    return Bundle(
        observations=observations(),
        findings=pd.DataFrame(),
        scores=pd.concat([scores(), scores("idi_2023", 2023, seed=5)], ignore_index=True),
        normalised=pd.concat([normalised(), normalised("idi_2023")], ignore_index=True),
        weights=pd.DataFrame(),
        sdg_series=pd.DataFrame(),
        sdg_aggregates=pd.DataFrame(),
        economies=economies(),
    )
