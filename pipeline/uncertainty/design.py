"""Sampling plan: where each assumption sits in the design matrix, and Saltelli sampling.

A replication is one row of the design matrix ``V`` (replications × columns). A discrete
assumption (normalisation, aggregation, imputation, winsorisation, exclusion) takes one
column holding the index of its alternative; a ``weights`` assumption takes one column per
perturbed weight holding the multiplier ``1 ± fraction``. Unit-cube points come from a
scrambled Sobol' sequence (scipy.stats.qmc.Sobol, fixed seed); discrete alternatives are
equiprobable: ``floor(u · n)``. The radial layout ``A, B, A_B^(1) … A_B^(k)`` follows
Saltelli et al. (2010), *Comput. Phys. Commun.* 181:259, Table 2, with one *group* of columns
per assumption, so that indices are reported per assumption (as COINr does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from pipeline.uncertainty.model import IndexModel
from pipeline.uncertainty.spec import Assumption


@dataclass(frozen=True)
class Plan:
    """Columns of the design matrix per assumption; ``targets`` are perturbed score columns."""

    assumptions: tuple[Assumption, ...]
    slices: tuple[slice, ...]
    targets: tuple[np.ndarray, ...]

    @property
    def width(self) -> int:
        return self.slices[-1].stop if self.slices else 0

    def find(self, kind: str) -> Assumption | None:
        """The (single) assumption of a discrete ``kind``, if the design varies it."""
        return next((a for a in self.assumptions if a.kind == kind), None)

    def column(self, kind: str) -> int | None:
        """Design column of the (single) discrete assumption of ``kind``, if it varies."""
        for assumption, where in zip(self.assumptions, self.slices, strict=True):
            if assumption.kind == kind:
                return where.start
        return None


def _weight_targets(model: IndexModel, levels: tuple[int, ...]) -> np.ndarray:
    """Score columns at the given levels that have a parent (so carry a weight)."""
    level = model.levels()
    has_parent = {int(c) for node in model.nodes for c in node.children}
    return np.asarray(
        [c for c, code in enumerate(model.codes) if level[code] in levels and c in has_parent],
        dtype=int,
    )


def compile_plan(model: IndexModel, assumptions: tuple[Assumption, ...]) -> Plan:
    """Lay the assumptions out as design-matrix columns, in the order given."""
    slices, targets, start = [], [], 0
    for assumption in assumptions:
        if assumption.kind == "weights":
            target = _weight_targets(model, assumption.levels)
        else:
            target = np.empty(0, dtype=int)
        width = max(len(target), 1) if assumption.kind == "weights" else 1
        slices.append(slice(start, start + width))
        targets.append(target)
        start += width
    return Plan(tuple(assumptions), tuple(slices), tuple(targets))


def to_values(plan: Plan, unit: np.ndarray) -> np.ndarray:
    """Map unit-cube points (R, width) to assumption values (alternative index or multiplier)."""
    values = np.empty_like(unit, dtype=float)
    for assumption, where in zip(plan.assumptions, plan.slices, strict=True):
        u = unit[:, where]
        if assumption.kind == "weights":
            values[:, where] = 1.0 + assumption.fraction * (2.0 * u - 1.0)
        else:
            count = len(assumption.choices)
            values[:, where] = np.minimum(np.floor(u * count), count - 1)
    return values


def base_size(samples: int) -> int:
    """Sobol' balance needs a power of two: the smallest one ≥ ``samples``."""
    return 1 << max(int(np.ceil(np.log2(max(samples, 2)))), 1)


def unit_points(width: int, samples: int, seed: int) -> np.ndarray:
    """``base_size(samples)`` scrambled Sobol' points in ``width`` dimensions."""
    sobol = qmc.Sobol(d=width, scramble=True, seed=seed)
    return sobol.random_base2(int(np.log2(base_size(samples))))


def saltelli(plan: Plan, samples: int, seed: int) -> np.ndarray:
    """Design rows ``A; B; A_B^(1); …; A_B^(k)`` (N·(k+2) rows), each block N rows."""
    width = plan.width
    points = unit_points(2 * width, samples, seed)
    a, b = points[:, :width], points[:, width:]
    blocks = [a, b]
    for where in plan.slices:
        mixed = a.copy()
        mixed[:, where] = b[:, where]
        blocks.append(mixed)
    return to_values(plan, np.vstack(blocks))


def nominal_row(plan: Plan, chosen: dict[str, int]) -> np.ndarray:
    """One design row with every weight multiplier 1 and the named alternatives chosen."""
    row = np.ones((1, plan.width))
    for assumption, where in zip(plan.assumptions, plan.slices, strict=True):
        if assumption.kind != "weights":
            row[:, where] = chosen.get(assumption.name, 0)
    return row
