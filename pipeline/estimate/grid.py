"""One indicator laid out as an economy × year matrix, the shape every estimation method reads.

Methods work on whole matrices (numpy), never on rows: a gap's nearest official years, the
trend through the last official points and the cross-section of a year are all array lookups.
Only *official* values are inputs; a value the economy reported as an estimate is kept as it
is (it is never replaced) but no method builds on it, so an ictstats estimate never rests on
another estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Grid:
    """Official values (NaN elsewhere) and which cells hold any value, for one indicator."""

    indicator: str
    economies: np.ndarray  # (E,) ISO3 codes
    years: np.ndarray  # (Y,) contiguous calendar years
    official: np.ndarray  # (E, Y) official values, NaN elsewhere
    present: np.ndarray  # (E, Y) bool: a value of any kind (official or reported estimate)

    @property
    def shape(self) -> tuple[int, int]:
        return self.official.shape


def build(frame: pd.DataFrame, indicator: str, economies: np.ndarray, years: np.ndarray) -> Grid:
    """Matrix of one indicator from long rows (economy, year, value, estimate)."""
    rows = frame[frame["indicator"] == indicator]
    e_pos = pd.Index(economies).get_indexer(rows["economy"])
    y_pos = pd.Index(years).get_indexer(rows["year"])
    keep = (e_pos >= 0) & (y_pos >= 0) & rows["value"].notna().to_numpy()
    e_pos, y_pos, rows = e_pos[keep], y_pos[keep], rows[keep]
    official = np.full((len(economies), len(years)), np.nan)
    present = np.zeros(official.shape, dtype=bool)
    present[e_pos, y_pos] = True
    is_official = ~rows["estimate"].astype(bool).to_numpy()
    official[e_pos[is_official], y_pos[is_official]] = rows["value"].to_numpy(float)[is_official]
    return Grid(indicator, np.asarray(economies), np.asarray(years), official, present)


def previous_official(known: np.ndarray) -> np.ndarray:
    """Column index of the last known cell strictly before each cell (−1 when none)."""
    n_years = known.shape[1]
    index = np.where(known, np.arange(n_years), -1)
    running = np.maximum.accumulate(index, axis=1)
    out = np.full(known.shape, -1)
    out[:, 1:] = running[:, :-1]
    return out


def next_official(known: np.ndarray) -> np.ndarray:
    """Column index of the first known cell strictly after each cell (−1 when none)."""
    flipped = previous_official(known[:, ::-1])
    n_years = known.shape[1]
    return np.where(flipped >= 0, n_years - 1 - flipped, -1)[:, ::-1]


def take(values: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """values[e, columns[e, y]] for every cell, NaN where the column is −1."""
    rows = np.arange(values.shape[0])[:, None]
    picked = values[rows, np.clip(columns, 0, None)]
    return np.where(columns >= 0, picked, np.nan)
