"""The chart of an economy profile: its scores and normalised inputs against its region.

Two horizontal bar panels (index and pillars; indicator scores of the headline edition) with
the regional simple mean drawn as a black tick on each bar, so strengths and weaknesses read
at a glance. Every profile shows the same nodes and indicators, so one :class:`ProfileCanvas`
is drawn once without its bars; each economy's chart restores that background and draws only
its bars and ticks (matplotlib "blitting"), so ~190 charts cost ~190 small bar drawings and
PNG encodings instead of ~190 full renders with all their text (a run should take a minute).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from pipeline.publish.charts import DPI, PALETTE

LABEL_CHARS = 36
ALT = (
    "{name}: index, pillar and normalised indicator scores (bars, 0–100) with its ITU region's "
    "mean (black ticks: simple mean for scores, population-weighted for indicators)"
)


@dataclass
class Panel:
    """One bar panel: the codes it shows, the column it plots, and its animated artists."""

    axes: Axes
    codes: list[str]
    key: str
    column: str
    bars: BarContainer
    ticks: Line2D
    note: Text

    def update(self, rows: pd.DataFrame | None) -> None:
        """Bar lengths and region ticks of one economy; a note when it has no value at all."""
        if rows is None or rows.empty or self.key not in rows:
            values = means = np.full(len(self.codes), np.nan)
        else:
            rows = rows.drop_duplicates(self.key).set_index(self.key).reindex(self.codes)
            values = rows[self.column].to_numpy(float)
            means = rows["region_mean"].to_numpy(float)
        for bar, value in zip(self.bars, np.nan_to_num(values), strict=True):
            bar.set_width(value)
        self.ticks.set_xdata(means)
        self.note.set_text("" if np.isfinite(values).any() else "no value in this edition")

    def draw(self) -> None:
        for artist in (*self.bars, self.ticks, self.note):
            self.axes.draw_artist(artist)


def _panel(axes: Axes, labels: pd.Series, key: str, column: str, title: str) -> Panel:
    positions = np.arange(len(labels))[::-1]
    bars = axes.barh(positions, np.zeros(len(labels)), color=PALETTE[0], height=0.6, animated=True)
    (ticks,) = axes.plot(
        np.full(len(labels), np.nan), positions, "|", ms=14, mew=2, color="k", animated=True
    )
    note = axes.text(50, (len(labels) - 1) / 2, "", ha="center", color="#666", animated=True)
    short = [text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…" for text in labels]
    axes.set_yticks(positions, short, fontsize=8)
    axes.set_xlim(0, 100)
    axes.set_ylim(-0.6, len(labels) - 0.4)
    axes.set_title(title, loc="left", fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    axes.tick_params(axis="x", labelsize=8)
    return Panel(axes, list(labels.index), key, column, bars, ticks, note)


class ProfileCanvas:
    """One laid-out figure for all profiles: node panel and indicator panel."""

    def __init__(self, nodes: pd.Series, inputs: pd.Series) -> None:
        """``nodes`` and ``inputs``: display names indexed by node / indicator code."""
        self.figure = Figure(figsize=(9.5, 3.4), dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        left, right = self.figure.subplots(1, 2, width_ratios=(1, 1.3))
        self.figure.subplots_adjust(left=0.2, right=0.98, wspace=1.05, top=0.9, bottom=0.1)
        self.panels = (
            _panel(left, nodes, "node", "score", "Scores (bars) and region mean (|)"),
            _panel(right, inputs, "indicator", "normalised", "Indicator scores, headline edition"),
        )
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def render(self, scores: pd.DataFrame | None, inputs: pd.DataFrame | None) -> bytes:
        """PNG of one economy; frames as prepared by :mod:`pipeline.publish.profile_data`."""
        self.canvas.restore_region(self.background)
        for panel, rows in zip(self.panels, (scores, inputs), strict=True):
            panel.update(rows)
            panel.draw()
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(
            buffer, format="png", compress_level=3
        )
        return buffer.getvalue()
