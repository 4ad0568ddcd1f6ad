"""The index as arrays: what the replication engine needs to recompute an edition.

An :class:`IndexModel` is the edition reduced to arrays — the indicator matrix after
imputation and fixed transforms, the treatment and normalisation steps, and the aggregation
tree — so that any stage can be re-run for many replications at once with the registries of
:mod:`pipeline.index` (ARRAY CONTRACT in ``pipeline/index/normalise.py`` and
``aggregate.py``). Columns of the *score space* are the indicators first, then the nodes in
the order of :attr:`IndexModel.nodes` (children before parents; the last node is the index).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from pipeline.index import aggregate, normalise, treat


@dataclass(frozen=True)
class MethodStep:
    """One registered method applied to some indicator columns with per-column parameters."""

    method: str
    columns: np.ndarray
    params: Mapping[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Node:
    """An aggregate (pillar, sub-index, index): its children in the score space and weights."""

    code: str
    children: np.ndarray
    weights: np.ndarray
    aggregation: str = "arithmetic"
    params: Mapping[str, float] = field(default_factory=dict)
    #: Share of the children's weight that must be present, else the score is NaN (as in
    #: :func:`pipeline.index.engine.aggregate_tree`; IDI 2023+ Box 2 uses 1.0).
    min_share: float = 0.0


@dataclass(frozen=True)
class IndexModel:
    """An edition as arrays; ``inputs`` maps an imputation choice to its (E, I) matrix."""

    name: str
    economies: tuple[str, ...]
    indicators: tuple[str, ...]
    inputs: Mapping[str, np.ndarray]
    direction: np.ndarray
    treatment: tuple[MethodStep, ...]
    normalisation: tuple[MethodStep, ...]
    nodes: tuple[Node, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Codes of the score-space columns: indicators, then nodes."""
        return self.indicators + tuple(node.code for node in self.nodes)

    @property
    def index(self) -> str:
        """Code of the top node (the index)."""
        return self.nodes[-1].code

    @property
    def nominal_input(self) -> str:
        """The imputation choice of the published methodology (the first one)."""
        return next(iter(self.inputs))

    def levels(self) -> dict[str, int]:
        """Level of every code: indicators 1, a node one above its highest child (COINr)."""
        level = np.ones(len(self.codes), dtype=int)
        offset = len(self.indicators)
        for position, node in enumerate(self.nodes):
            level[offset + position] = 1 + level[node.children].max()
        return dict(zip(self.codes, level.tolist(), strict=True))

    def descendants(self, node_position: int) -> np.ndarray:
        """Score-space columns below a node (all levels), used to key recomputation."""
        offset = len(self.indicators)
        found: list[int] = []
        stack = list(self.nodes[node_position].children)
        while stack:
            column = int(stack.pop())
            found.append(column)
            if column >= offset:
                stack.extend(self.nodes[column - offset].children)
        return np.asarray(sorted(found), dtype=int)


def apply_treatment(steps: tuple[MethodStep, ...], x: np.ndarray) -> np.ndarray:
    """Run treatment steps on ``x`` (R, E, I); columns without a step are left as they are."""
    out = np.array(x, dtype=float, copy=True)
    for step in steps:
        out[..., step.columns] = treat.treat(step.method, x[..., step.columns], step.params)
    return out


def apply_normalisation(
    steps: tuple[MethodStep, ...], x: np.ndarray, direction: np.ndarray
) -> np.ndarray:
    """Run normalisation steps on ``x`` (R, E, I), each on its own columns."""
    out = np.full(x.shape, np.nan)
    for step in steps:
        cols = step.columns
        out[..., cols] = normalise.normalise(
            step.method, x[..., cols], direction[cols], step.params
        )
    return out


def aggregate_node(node: Node, x: np.ndarray, weights: np.ndarray, method: str) -> np.ndarray:
    """Score of one node from its children's columns of ``x`` (R, E, C) and weights (R, c)."""
    children = x[..., node.children]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = aggregate.aggregate(method, children, weights, node.params)
    return aggregate.available(value, children, weights, node.min_share)


def nominal_scores(model: IndexModel) -> np.ndarray:
    """Scores (E, columns) of every code under the published methodology, one replication."""
    x = model.inputs[model.nominal_input][None]
    x = apply_normalisation(
        model.normalisation, apply_treatment(model.treatment, x), model.direction
    )
    scores = np.concatenate([x, np.full((*x.shape[:-1], len(model.nodes)), np.nan)], axis=-1)
    offset = len(model.indicators)
    for position, node in enumerate(model.nodes):
        weights = node.weights[None]
        scores[..., offset + position] = aggregate_node(node, scores, weights, node.aggregation)
    return scores[0]
