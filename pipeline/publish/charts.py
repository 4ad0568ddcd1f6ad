"""Overview charts of the publication (PNG, matplotlib's Agg backend, no display needed).

Three families, as in the IDI reports' figures: the distribution of the headline score by ITU
region, the score by income group (the reports plot IDI against GNI per capita; income group is
the GNI-based classification available in ``schemas/reference/``), and regional trends of key
indicators. Regional values of an *indicator* are means weighted by population, the method of
the SDG aggregates of the same indicators (``schemas/sdg/aggregation.toml``; World Bank
metadata of IT.NET.BBND.P2), so a region's trend line and its SDG aggregate agree in method;
regional values of index *scores* are simple means, as the IDI reports' Annex 4 publishes them.
Every chart comes with an alt text that states what it shows (:func:`chart_alts`).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pipeline import reference
from pipeline.dictionary import indicators
from pipeline.observations import totals
from pipeline.publish.bundle import Bundle
from pipeline.publish.groups import membership
from pipeline.publish.tables import headline
from pipeline.reference import population_of

#: Indicators whose regional trends are charted, in order (codes of schemas/indicators.csv).
TREND_INDICATORS = ("HH7", "i911mw", "i992b", "i271GA")
PALETTE = ("#1f5fa8", "#e07b39", "#3a9a5b", "#c23b3b", "#7d5ba6", "#8c6d31", "#555555")
DPI = 96


def png_bytes(figure: Figure) -> bytes:
    """Render ``figure`` to PNG bytes without a timestamp (identical bytes on rerun).

    Figures are built with :class:`~matplotlib.figure.Figure` directly, not ``pyplot``, so
    nothing is registered globally and nothing needs closing.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _strip(axes: Axes, groups: pd.Series, values: pd.Series, order: list[str]) -> None:
    """Box plot per group with every economy drawn as a point (deterministic jitter)."""
    data = [values[groups == name].to_numpy() for name in order]
    axes.boxplot(
        data, orientation="horizontal", widths=0.6, showfliers=False, medianprops={"color": "black"}
    )
    for position, points in enumerate(data, start=1):
        jitter = (np.arange(len(points)) % 7 - 3) * 0.05
        axes.scatter(points, position + jitter, s=10, alpha=0.6, color=PALETTE[0], zorder=3)
    labels = [f"{name} (n={len(points)})" for name, points in zip(order, data, strict=True)]
    axes.set_yticks(range(1, len(order) + 1), labels)
    axes.set_xlim(0, 100)
    axes.grid(axis="x", alpha=0.3)


def score_by_group(bundle: Bundle, edition: str, group_type: str, title: str) -> bytes:
    """Distribution of the headline score across the groups of one ``group_type``."""
    top = headline(bundle, edition)[["economy", "score", "node_name"]]
    members = membership(bundle.economies)
    joined = members[members["group_type"] == group_type].merge(top, on="economy")
    order = list(joined.sort_values("order")["group"].drop_duplicates())
    if group_type == "ITU region":
        order = sorted(order)
    figure = Figure(figsize=(8, 0.5 * len(order) + 1.6))
    axes = figure.subplots()
    _strip(axes, joined["group"], joined["score"], order[::-1])
    axes.set_xlabel(f"{top['node_name'].iloc[0]} score (0–100)")
    axes.set_title(title, loc="left", fontsize=11)
    figure.tight_layout()
    return png_bytes(figure)


#: How regional values of an indicator are computed, as stated on charts and profiles.
REGIONAL_METHOD = "population-weighted mean of the economies reporting"


def weighted_regional_means(bundle: Bundle, indicator: str) -> pd.DataFrame:
    """Year × ITU region population-weighted mean of one indicator's national totals."""
    obs = bundle.observations
    rows = totals(obs[obs["indicator"] == indicator])
    members = membership(bundle.economies)
    rows = rows.merge(members[members["group_type"] == "ITU region"], on="economy")
    if rows.empty:
        return pd.DataFrame()
    weight = population_of(rows, reference.population())
    rows = rows.assign(weight=weight, weighted=rows["value"].to_numpy(dtype=float) * weight)
    rows = rows.loc[np.isfinite(rows["weighted"])]
    sums = rows.groupby(["group", "year"])[["weighted", "weight"]].sum()
    means = (sums["weighted"] / sums["weight"].where(sums["weight"] > 0)).unstack("group")
    return means.sort_index()


def regional_trend(bundle: Bundle, indicator: str) -> bytes | None:
    """Population-weighted mean by ITU region and year of one indicator's national totals."""
    means = weighted_regional_means(bundle, indicator)
    if means.empty or len(means.index) < 2:
        return None
    figure = Figure(figsize=(8, 4))
    axes = figure.subplots()
    for colour, region in zip(PALETTE, means.columns, strict=False):
        axes.plot(means.index, means[region], marker="o", ms=3, color=colour, label=region)
    entry = indicators().loc[indicator]
    axes.set_title(
        f"{entry['name']}: ITU regions, {REGIONAL_METHOD}", loc="left", fontsize=10, wrap=True
    )
    axes.set_ylabel(str(entry["unit"]))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.tight_layout()
    return png_bytes(figure)


def _trend_alt(bundle: Bundle, indicator: str) -> str:
    means = weighted_regional_means(bundle, indicator)
    entry = indicators().loc[indicator]
    first, last = int(means.index.min()), int(means.index.max())
    change = ", ".join(
        f"{region} {means[region].dropna().iloc[0]:.1f} to {means[region].dropna().iloc[-1]:.1f}"
        for region in means.columns
        if means[region].notna().any()
    )
    return (
        f"Line chart of {entry['name']} ({entry['unit']}) by ITU region, {first}-{last}, "
        f"{REGIONAL_METHOD}: {change}."
    )


def _score_alt(bundle: Bundle, edition: str, group_type: str) -> str:
    top = headline(bundle, edition)[["economy", "score"]]
    members = membership(bundle.economies)
    joined = members[members["group_type"] == group_type].merge(top, on="economy")
    medians = joined.groupby("group")["score"].agg(["median", "size"])
    listed = ", ".join(f"{g} {m:.1f} (n={n})" for g, m, n in medians.itertuples())
    words = "ITU region" if group_type == "ITU region" else "income group"
    return (
        f"Box plots of the {edition.replace('_', ' ').upper()} score (0-100) of each economy by "
        f"{words}, every economy drawn as a point; median score: {listed}."
    )


def chart_alts(bundle: Bundle, names: list[str]) -> dict[str, str]:
    """Alt text of each overview chart in ``names``: what the chart shows, with its numbers."""
    editions = bundle.editions()
    out = {}
    for name in names:
        if name.startswith("trend_"):
            out[name] = _trend_alt(bundle, name.removeprefix("trend_").removesuffix(".png"))
        elif editions and name == f"{editions[0]}_by_region.png":
            out[name] = _score_alt(bundle, editions[0], "ITU region")
        elif editions and name == f"{editions[0]}_by_income.png":
            out[name] = _score_alt(bundle, editions[0], "Income")
    return out


def overview_charts(bundle: Bundle) -> dict[str, bytes]:
    """File name → PNG bytes for every overview chart the data supports."""
    charts: dict[str, Callable[[], bytes | None]] = {}
    editions = bundle.editions()
    if editions:
        name = editions[0]
        charts[f"{name}_by_region.png"] = lambda: score_by_group(
            bundle, name, "ITU region", f"{name.replace('_', ' ').upper()} by ITU region"
        )
        charts[f"{name}_by_income.png"] = lambda: score_by_group(
            bundle, name, "Income", f"{name.replace('_', ' ').upper()} by income group"
        )
    for code in TREND_INDICATORS:
        charts[f"trend_{code}.png"] = lambda code=code: regional_trend(bundle, code)
    rendered = {name: draw() for name, draw in charts.items()}
    return {name: png for name, png in rendered.items() if png is not None}
