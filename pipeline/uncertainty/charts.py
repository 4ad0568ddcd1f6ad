"""The two charts of the uncertainty stage, drawn with matplotlib (Agg).

- rank intervals: one row per economy in nominal-rank order, the 5th–95th percentile rank
  interval as a bar, the median rank and the nominal rank as markers (JRC/OECD Handbook 2008,
  Fig. 6.1 style);
- sensitivity indices: first-order and total indices per assumption for the mean absolute
  rank shift, with their bootstrap intervals.

Functions return PNG bytes; the CLI writes them through :mod:`pipeline.store`.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pipeline.uncertainty.analysis import INDEX_TARGET

ROW_INCHES = 0.13
NOMINAL, MEDIAN, INTERVAL = "#c0392b", "#1f4e79", "#9dc3e6"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def rank_intervals(ranks: pd.DataFrame, title: str) -> bytes:
    """5th–95th percentile rank bars per economy, median and nominal rank marked."""
    table = ranks.sort_values("nominal_rank", kind="stable").reset_index(drop=True)
    rows = np.arange(len(table))
    figure, axes = plt.subplots(figsize=(7.5, max(3.0, 1.2 + ROW_INCHES * len(table))))
    axes.barh(
        rows,
        table["p95_rank"] - table["p05_rank"] + 1.0,  # ranks are cells: p05 − ½ … p95 + ½
        left=table["p05_rank"] - 0.5,
        height=0.7,
        color=INTERVAL,
        label="5th–95th percentile rank",
    )
    axes.scatter(table["median_rank"], rows, s=10, color=MEDIAN, label="median rank", zorder=3)
    axes.scatter(
        table["nominal_rank"],
        rows,
        s=14,
        marker="|",
        color=NOMINAL,
        label="nominal rank",
        zorder=4,
    )
    axes.set_yticks(rows, table["economy"], fontsize=6)
    axes.set_ylim(len(table) - 0.5, -0.5)
    axes.set_xlim(0.5, len(table) + 0.5)
    axes.set_xlabel("rank (1 = highest score)")
    axes.xaxis.set_ticks_position("both")
    axes.tick_params(axis="x", labeltop=True)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.set_title(title, fontsize=10)
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.6 / figure.get_figheight()),
        ncol=3,
        fontsize=7,
        frameon=False,
    )
    return _png(figure)


def sensitivity_indices(sensitivity: pd.DataFrame, title: str) -> bytes:
    """First-order and total indices per assumption with bootstrap intervals."""
    table = sensitivity[sensitivity["target"] == INDEX_TARGET].reset_index(drop=True)
    positions = np.arange(len(table))
    figure, axes = plt.subplots(figsize=(max(4.5, 1.4 * len(table) + 1.5), 3.6))
    for offset, name, colour in ((-0.18, "first_order", MEDIAN), (0.18, "total", INTERVAL)):
        value = table[name].to_numpy()
        errors = np.vstack(
            [value - table[f"{name}_low"].to_numpy(), table[f"{name}_high"].to_numpy() - value]
        )
        axes.bar(
            positions + offset,
            value,
            width=0.34,
            color=colour,
            edgecolor=MEDIAN,
            yerr=np.clip(errors, 0, None),
            capsize=3,
            label="first order" if name == "first_order" else "total",
        )
    axes.set_xticks(positions, table["assumption"], fontsize=8)
    axes.axhline(0, color="#555555", linewidth=0.6)
    lowest = table["first_order_low"].min()  # NaN when no index is defined
    axes.set_ylim(-0.05 if pd.isna(lowest) else min(-0.05, float(lowest) - 0.05), 1.05)
    axes.set_ylabel("share of variance")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return _png(figure)
