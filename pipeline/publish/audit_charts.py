"""Charts of the statistical audit: the framework with effective weights, the correlation
matrix and the rank intervals — each with an alt text that says what it shows.

The framework chart is COINr's ``plot_framework`` sunburst: the index at the centre, one ring
per level, each wedge as wide as the node's effective weight. Rendering as in
:mod:`~pipeline.publish.charts` (Agg backend, no timestamp: identical bytes on rerun).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pipeline.publish import audit
from pipeline.publish.bundle import Bundle
from pipeline.publish.charts import PALETTE, png_bytes
from pipeline.publish.layout import edition_title


def rings(nodes: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator in framework order; column ``ring_k`` is the node the indicator
    sits under at ring k (ring 1: a child of the index; the last ring: the indicator itself;
    an indicator shallower than the deepest one fills the rings below it)."""
    parent = nodes.set_index("node")["parent"].dropna().to_dict()
    leaves = nodes.loc[nodes["level"] == 1, ["node", "effective_weight"]]
    paths = []
    for leaf in leaves["node"]:  # a handful of indicators: the tree is walked per indicator
        path = [leaf]
        while path[-1] in parent and parent[path[-1]] in parent:
            path.append(parent[path[-1]])
        paths.append(path[::-1])
    depth = max((len(p) for p in paths), default=1)
    padded = [p[:-1] + [p[-1]] * (depth - len(p) + 1) for p in paths]
    frame = pd.DataFrame(padded, columns=[f"ring_{k + 1}" for k in range(depth)])
    frame["effective_weight"] = leaves["effective_weight"].to_numpy()
    return frame.sort_values(list(frame.columns[:-1]), kind="stable").reset_index(drop=True)


def _ring_runs(labels: pd.Series, sizes: pd.Series) -> tuple[list[str], list[float]]:
    """Contiguous runs of equal labels merged into one wedge each."""
    run = labels.ne(labels.shift()).cumsum()
    return list(labels.groupby(run).first()), list(sizes.groupby(run).sum())


def framework_chart(bundle: Bundle, edition: str) -> tuple[bytes, str]:
    nodes = audit.tree(bundle, edition)
    labels = rings(nodes)
    levels = [c for c in labels.columns if c.startswith("ring_")]
    figure = Figure(figsize=(8, 8))
    axes = figure.subplots()
    width = 0.8 / max(len(levels), 1)
    names = nodes.set_index("node")["name"]
    weights = nodes.set_index("node")["effective_weight"]
    branches = {name: i for i, name in enumerate(labels["ring_1"].drop_duplicates())}
    for ring, column in enumerate(levels):
        wedges, sizes = _ring_runs(labels[column], labels["effective_weight"])
        run = labels[column].ne(labels[column].shift()).cumsum()
        branch = labels.groupby(run)["ring_1"].first().map(branches)
        colours = [PALETTE[int(b) % len(PALETTE)] for b in branch]
        radius = 0.2 + width * (ring + 1)
        texts = [f"{w}\n{100 * weights.get(w, s):.1f}%" for w, s in zip(wedges, sizes, strict=True)]
        axes.pie(
            sizes,
            radius=radius,
            colors=colours,
            labels=texts if ring == len(levels) - 1 else None,
            labeldistance=1.05,
            startangle=90,
            counterclock=False,
            textprops={"fontsize": 7},
            wedgeprops={
                "width": width,
                "edgecolor": "white",
                "alpha": 0.55 + 0.4 * ring / max(len(levels), 1),
            },
        )
        if ring < len(levels) - 1:
            for wedge_label, size, angle in _midpoints(wedges, sizes):
                r = radius - width / 2
                axes.text(
                    r * np.cos(angle),
                    r * np.sin(angle),
                    f"{wedge_label}\n{100 * size:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=8,
                )
    top = nodes.loc[nodes["parent"].isna(), "node"]
    axes.text(
        0, 0, top.iloc[0] if len(top) else "", ha="center", va="center", fontsize=11, weight="bold"
    )
    axes.set_title(
        f"{edition_title(edition)}: framework and effective weights", loc="left", fontsize=11
    )
    axes.set_aspect("equal")
    figure.tight_layout()
    leaves = nodes.loc[nodes["level"] == 1].sort_values("effective_weight", ascending=False)
    heaviest = ", ".join(
        f"{names[n]} {100 * w:.1f}%"
        for n, w in zip(leaves["node"], leaves["effective_weight"], strict=True)
    )
    parts = nodes.loc[nodes["parent"].isin(top)]
    split = ", ".join(
        f"{r['name']} {100 * r['effective_weight']:.0f}%" for _, r in parts.iterrows()
    )
    alt = (
        f"Sunburst chart of the {edition_title(edition)} framework: the index splits into {split}; "
        f"effective weight of each of its {len(leaves)} indicators in the index: {heaviest}."
    )
    return png_bytes(figure), alt


def _midpoints(labels: list[str], sizes: list[float]):
    total = sum(sizes) or 1.0
    start = np.pi / 2
    for label, size in zip(labels, sizes, strict=True):
        sweep = 2 * np.pi * size / total
        yield label, size, start - sweep / 2
        start -= sweep


def correlation_chart(bundle: Bundle, edition: str) -> tuple[bytes, str] | None:
    matrix = audit.score_matrix(bundle, edition)
    if matrix.shape[1] < 2:
        return None
    nodes = audit.tree(bundle, edition).sort_values(["level", "node"], ascending=[False, True])
    order = [n for n in nodes["node"] if n in matrix.columns]
    corr = matrix[order].corr(min_periods=3)
    figure = Figure(figsize=(9, 8))
    axes = figure.subplots()
    image = axes.imshow(corr.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    axes.set_xticks(range(len(order)), order, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(order)), order, fontsize=8)
    for (i, j), value in np.ndenumerate(corr.to_numpy()):
        if i > j and np.isfinite(value):
            axes.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6)
    figure.colorbar(image, ax=axes, shrink=0.8, label="Pearson correlation")
    axes.set_title(
        f"{edition_title(edition)}: correlations of indicator and aggregate scores",
        loc="left",
        fontsize=11,
    )
    figure.tight_layout()
    pairs = audit.correlations(bundle, edition)
    flagged = pairs.loc[pairs["flag"].ne("")]
    flags = (
        "; ".join(f"{r.node} and {r.other} {r.flag} (r = {r.r:.2f})" for r in flagged.itertuples())
        or "none"
    )
    within = pairs.loc[pairs["relation"].eq("with parent"), "r"]
    alt = (
        f"Heat map of the Pearson correlations between the {len(order)} indicator and aggregate "
        f"scores of {edition_title(edition)}; correlations with the parent range from "
        f"{within.min():.2f} to {within.max():.2f}. Flagged pairs: {flags}."
    )
    return png_bytes(figure), alt


def rank_interval_chart(bundle: Bundle, edition: str) -> tuple[bytes, str] | None:
    ranks = audit.rank_intervals(bundle, edition)
    if ranks.empty:
        return None
    position = np.arange(len(ranks))
    figure = Figure(figsize=(12, 4.5))
    axes = figure.subplots()
    axes.vlines(position, ranks["p05_rank"], ranks["p95_rank"], color=PALETTE[0], alpha=0.6, lw=2)
    axes.scatter(
        position, ranks["median_rank"], s=8, color=PALETTE[1], label="median rank", zorder=3
    )
    axes.scatter(
        position,
        ranks["nominal_rank"],
        s=8,
        marker="_",
        color="black",
        label="published rank",
        zorder=4,
    )
    axes.set_xticks(position, ranks["economy"], rotation=90, fontsize=5)
    axes.invert_yaxis()
    axes.set_ylabel("Rank (1 = best)")
    axes.set_title(
        f"{edition_title(edition)}: rank intervals (5th-95th percentile), uncertainty analysis",
        loc="left",
        fontsize=11,
    )
    axes.legend(fontsize=8, frameon=False)
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    width = ranks["p95_rank"] - ranks["p05_rank"]
    widest = ranks.loc[width.idxmax()]
    low, high = widest["p05_rank"], widest["p95_rank"]
    alt = (
        f"Chart of the {len(ranks)} economies of {edition_title(edition)} in published rank "
        "order, each with the interval from the 5th to the 95th percentile of its rank over the "
        f"uncertainty analysis' replications; the median interval spans {width.median():.0f} "
        f"ranks, the widest ({widest['economy']}) from {low:.0f} to {high:.0f}."
    )
    return png_bytes(figure), alt


def audit_charts(bundle: Bundle) -> dict[str, tuple[bytes, str]]:
    """File name → (PNG, alt text) of the audit charts of every edition."""
    out: dict[str, tuple[bytes, str] | None] = {}
    for edition in bundle.editions():
        if bundle.weights.empty or bundle.normalised.empty:
            continue
        out[f"{edition}_audit_framework.png"] = framework_chart(bundle, edition)
        out[f"{edition}_audit_correlations.png"] = correlation_chart(bundle, edition)
        out[f"{edition}_audit_rank_intervals.png"] = rank_interval_chart(bundle, edition)
    return {name: chart for name, chart in out.items() if chart is not None}
