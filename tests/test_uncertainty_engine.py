"""The replication engine on COINr's ASEM example: parity, brute-force equality, blocks.

Data: tests/data/uncertainty/ (PROVENANCE.md).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.index import aggregate
from pipeline.uncertainty import coinr, design, tree
from pipeline.uncertainty.model import (
    IndexModel,
    MethodStep,
    apply_normalisation,
    apply_treatment,
    nominal_scores,
)
from pipeline.uncertainty.spec import build

DATA = Path(__file__).parent / "data" / "uncertainty"
#: Same arithmetic in a different order: scores agree to rounding.
COINR_TOLERANCE = 1e-9
ENGINE_TOLERANCE = 1e-10

DESIGN = {
    "assumptions": [
        {"name": "imputation", "kind": "imputation", "alternatives": ["group_mean", "none"]},
        {"name": "limit", "kind": "winsorisation", "values": [1, 3, 5]},
        {
            "name": "normalisation",
            "kind": "normalisation",
            "alternatives": [{"method": "edition"}, {"method": "zscore", "mean": 10, "sd": 2}],
        },
        {"name": "weights", "kind": "weights", "levels": [2, 3], "fraction": 0.25},
        {"name": "dropped", "kind": "exclusion", "indicators": ["LPI", "Flights", "NEET"]},
        {
            "name": "aggregation",
            "kind": "aggregation",
            "alternatives": [{"method": "edition"}, {"method": "geometric"}],
        },
    ]
}


@pytest.fixture(scope="module")
def model() -> IndexModel:
    return coinr.asem_model(DATA)


@pytest.fixture(scope="module")
def plan(model: IndexModel) -> design.Plan:
    return design.compile_plan(model, build(DESIGN, "test", model).assumptions)


def test_engine_reproduces_coinr_minmax_arithmetic_index(model: IndexModel) -> None:
    _, data = coinr.load_frames(DATA)
    raw = data[list(model.indicators)].to_numpy(dtype=float)
    plain = replace(model, inputs={"raw": raw}, treatment=())
    expected = pd.read_csv(DATA / "coinr_minmax_amean_aggregated.csv").set_index("uCode")
    scores = pd.DataFrame(nominal_scores(plain), index=list(model.economies), columns=plain.codes)
    for code in ("Index", "Conn", "Sust", "Physical", "Social"):
        np.testing.assert_allclose(
            scores[code], expected.loc[scores.index, code], atol=COINR_TOLERANCE
        )


def _one(model: IndexModel, plan: design.Plan, row: np.ndarray) -> np.ndarray:
    """One replication the slow, obvious way (the reference for the vectorised engine)."""
    a = {x.name: x for x in plan.assumptions}
    where = dict(zip([x.name for x in plan.assumptions], plan.slices, strict=True))
    x = model.inputs[a["imputation"].choices[int(row[where["imputation"].start])]][None]
    every = np.arange(len(model.indicators))
    limit = a["limit"].choices[int(row[where["limit"].start])]
    x = apply_treatment((MethodStep("skew_kurtosis", every, {"winmax": np.asarray(limit)}),), x)
    chosen = dict(a["normalisation"].choices[int(row[where["normalisation"].start])])
    steps = model.normalisation
    if chosen["method"] != "edition":
        params = {k: np.asarray(v, dtype=float) for k, v in chosen.items() if k != "method"}
        steps = (MethodStep(chosen.pop("method"), every, params),)
    scores = apply_normalisation(steps, x, model.direction)[0]
    factors = dict(zip(plan.targets[3].tolist(), row[where["weights"]], strict=True))
    dropped = a["dropped"].choices[int(row[where["dropped"].start])]
    method = a["aggregation"].choices[int(row[where["aggregation"].start])]["method"]
    method = "arithmetic" if method == "edition" else method
    columns = [scores[:, j] for j in range(scores.shape[1])]
    for node in model.nodes:
        weights = [
            w * factors.get(int(c), 1.0) * (model.codes[c] != dropped)
            for c, w in zip(node.children, node.weights, strict=True)
        ]
        stacked = np.stack([columns[c] for c in node.children], axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            columns.append(aggregate.aggregate(method, stacked, np.asarray(weights)))
    return columns[-1]


def test_vectorised_replications_equal_one_by_one(model, plan) -> None:
    values = design.saltelli(plan, 8, seed=5)
    scores = tree.replicate(model, plan, values)
    for r in range(0, len(values), 7):
        np.testing.assert_allclose(
            scores[r], _one(model, plan, values[r]), atol=ENGINE_TOLERANCE, equal_nan=True
        )


def test_blocks_do_not_change_results(model, plan, monkeypatch) -> None:
    values = design.saltelli(plan, 16, seed=9)
    whole = tree.replicate(model, plan, values)
    monkeypatch.setattr(tree, "BLOCK_ROWS", 7)
    np.testing.assert_array_equal(tree.replicate(model, plan, values), whole)


def test_edition_choices_reproduce_the_nominal_index(model, plan) -> None:
    row = design.nominal_row(plan, {"imputation": 0, "limit": 2})
    np.testing.assert_allclose(
        tree.replicate(model, plan, row)[0], nominal_scores(model)[:, -1], atol=ENGINE_TOLERANCE
    )


def test_each_stage_is_computed_once_per_distinct_choice(model, plan) -> None:
    values = design.saltelli(plan, 64, seed=1)
    indicators, base = tree.prepared(model, plan, values)
    assert indicators.state.shape[0] == len(np.unique(values[:, base], axis=0)) <= 2 * 3 * 2
    wired = tree.wiring(model, plan, base)
    pillar = model.nodes.index(next(n for n in model.nodes if n.code == "Physical"))
    assert plan.slices[3].start not in wired[pillar].key  # pillar weights act above pillars
    assert set(range(plan.width)) == set(wired[-1].key)


def test_weight_targets_follow_coinr_levels(model, plan) -> None:
    levels = model.levels()
    perturbed = {model.codes[c] for c in plan.targets[3]}
    assert perturbed == {code for code, level in levels.items() if level in (2, 3)}
    assert len(perturbed) == 10 and levels["Index"] == 4


def test_min_share_of_a_node_is_honoured_like_the_index_engine() -> None:
    """The model ignored a node's ``min_share``: BBB's pillar P1 (one of two indicators) is
    NaN in the index engine, so its index is P2 alone, but the model scored P1 from ``a`` and
    averaged it in — nominal scores and every replication differed from the published ones."""
    from pipeline.index.engine import compute_edition
    from pipeline.index.methodology import build as build_edition
    from pipeline.observations import DIMENSION_NAMES, OBSERVATION_COLUMNS, TOTAL
    from pipeline.uncertainty.edition import model_from_result

    goalposts = {"method": "goalposts", "goalpost": 100}
    raw = {
        "edition": {"name": "toy", "index": "T", "min_indicators": 1, "weights": "relative"},
        "nodes": [
            {"code": "T"},
            {"code": "P1", "parent": "T", "weight": 0.5, "min_share": 1.0},
            {"code": "P2", "parent": "T", "weight": 0.5},
        ],
        "indicators": [
            {"code": c, "parent": p, "weight": 1, "normalisation": goalposts}
            for c, p in (("a", "P1"), ("b", "P1"), ("c", "P2"))
        ],
    }
    values = {("AAA", "a"): 40.0, ("AAA", "b"): 60.0, ("AAA", "c"): 80.0}
    values |= {("BBB", "a"): 90.0, ("BBB", "c"): 20.0}
    rows = [
        {"economy": e, "year": 2022, "indicator": i, "value": v, "estimate": False}
        for (e, i), v in values.items()
    ]
    frame = pd.DataFrame(rows).assign(
        **dict.fromkeys(DIMENSION_NAMES, TOTAL), unit="", break_in_series=False, footnote="",
        kind="external", source_file="x.csv", sheet="", cell="",
    )  # fmt: skip
    result = compute_edition(frame[list(OBSERVATION_COLUMNS)], build_edition(raw, "toy", None))
    model = model_from_result(result, 2022)
    engine = result.scores[result.scores["node"] == "T"].set_index("economy")["score"]
    nominal = nominal_scores(model)[:, -1]
    np.testing.assert_allclose(nominal, engine.loc[list(model.economies)], atol=1e-9)
    assert engine["BBB"] == pytest.approx(20.0)
