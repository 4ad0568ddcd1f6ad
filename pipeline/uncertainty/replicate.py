"""Index scores for every row of a design matrix, recomputing only what each assumption touches.

COINr 1.1.14 re-runs its whole pipeline per replication (84–87 ms each on ASEM). Here each
stage is computed once per *distinct* combination of the design columns it depends on, for
all those combinations at once with the array registries of :mod:`pipeline.index`:

- inputs (imputation choice) → treatment (+ winsorisation limit) → normalisation (+ method):
  at most the product of the discrete alternatives (ASEM design: 5 limits × 2 = 10 sets);
- each node: keyed by the columns of its subtree plus its own weights, exclusions and
  aggregation method — ASEM's pillars only see 20 distinct cases, whatever the sample size;
  only nodes above perturbed weights are computed per replication.

A stage result is kept as ``(state, inverse)``: ``state[inverse[r]]`` is replication ``r``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.uncertainty.design import Plan
from pipeline.uncertainty.model import IndexModel, MethodStep, apply_normalisation, apply_treatment
from pipeline.uncertainty.spec import EDITION_METHOD


@dataclass(frozen=True)
class Staged:
    """Distinct results of a stage and, per replication, which one applies."""

    state: np.ndarray
    inverse: np.ndarray

    def at(self, rows: np.ndarray) -> np.ndarray:
        """Results for the given replications."""
        return self.state[self.inverse[rows]]


def distinct(values: np.ndarray, columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """First row of each distinct combination of ``columns`` and every row's combination."""
    if not columns:
        return np.zeros(1, dtype=int), np.zeros(len(values), dtype=int)
    _, first, inverse = np.unique(
        values[:, columns], axis=0, return_index=True, return_inverse=True
    )
    return first, inverse.reshape(-1)


def _stage(
    values: np.ndarray,
    columns: list[int],
    previous: Staged,
    choice: int | None,
    run: Callable[[int, np.ndarray], np.ndarray],
) -> Staged:
    """Run one stage for each distinct combination, grouped by this stage's own choice."""
    first, inverse = distinct(values, columns)
    x = previous.at(first)
    choices = np.full(len(first), -1) if choice is None else values[first, choice].astype(int)
    out = np.empty(x.shape)
    for option in np.unique(choices):
        mask = choices == option
        out[mask] = run(int(option), x[mask])
    return Staged(out, inverse)


def _inputs(model: IndexModel, plan: Plan, values: np.ndarray) -> Staged:
    column = plan.column("imputation")
    if column is None:
        state = model.inputs[model.nominal_input][None]
        return Staged(state, np.zeros(len(values), dtype=int))
    names = plan.find("imputation").choices  # type: ignore[union-attr]
    state = np.stack([model.inputs[name] for name in names])
    return Staged(state, values[:, column].astype(int))


def _treatment_runner(model: IndexModel, plan: Plan) -> Callable[[int, np.ndarray], np.ndarray]:
    """Option −1 is the edition's own treatment; option i the i-th winsorisation limit."""
    every = np.arange(len(model.indicators))
    assumption = plan.find("winsorisation")

    def run(option: int, x: np.ndarray) -> np.ndarray:
        if option < 0 or assumption is None:
            return apply_treatment(model.treatment, x)
        limit = np.asarray(assumption.choices[option])
        return apply_treatment((MethodStep(assumption.method, every, {"winmax": limit}),), x)

    return run


def _normalisation_runner(model: IndexModel, plan: Plan) -> Callable[[int, np.ndarray], np.ndarray]:
    """Option −1 is the edition's own normalisation; option i the i-th alternative."""
    every = np.arange(len(model.indicators))
    assumption = plan.find("normalisation")

    def run(option: int, x: np.ndarray) -> np.ndarray:
        spec = {} if option < 0 or assumption is None else dict(assumption.choices[option])
        if spec.get("method", EDITION_METHOD) == EDITION_METHOD:
            return apply_normalisation(model.normalisation, x, model.direction)
        params = {k: np.asarray(v, dtype=float) for k, v in spec.items() if k != "method"}
        steps = (MethodStep(str(spec["method"]), every, params),)
        return apply_normalisation(steps, x, model.direction)

    return run


def prepared(model: IndexModel, plan: Plan, values: np.ndarray) -> tuple[Staged, list[int]]:
    """Treated, normalised indicators per distinct (imputation, limit, normalisation)."""
    staged = _inputs(model, plan, values)
    columns = [c for c in (plan.column("imputation"),) if c is not None]
    for kind, runner in (
        ("winsorisation", _treatment_runner),
        ("normalisation", _normalisation_runner),
    ):
        column = plan.column(kind)
        columns = columns + ([] if column is None else [column])
        staged = _stage(values, columns, staged, column, runner(model, plan))
    return staged, columns
