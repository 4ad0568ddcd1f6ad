"""Invariants of the index methods, checked with hypothesis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.index import aggregate, normalise
from pipeline.index.coinr import methodology_from_meta
from pipeline.index.tables import weights_table

#: Float noise allowed when comparing two computations of the same quantity.
ATOL = 1e-9

values = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
columns = arrays(np.float64, st.tuples(st.integers(3, 12), st.just(1)), elements=values)

BOUNDED = {
    "goalposts": ({"threshold": np.array([0.0]), "goalpost": np.array([500.0])}, (0.0, 100.0)),
    "reference": ({"reference": np.array([500.0]), "cap": np.array([1.0])}, (0.0, 1.0)),
    "minmax": ({}, (0.0, 100.0)),
    "percentile_rank": ({}, (0.0, 100.0)),
    "distance_to_frontier": ({}, (0.0, 1.0)),
    "fraction_of_max": ({}, (0.0, 1.0)),
}
MONOTONE = [*BOUNDED, "zscore", "rank"]


@settings(max_examples=60, deadline=None)
@given(columns)
def test_normalised_values_within_range(x: np.ndarray) -> None:
    for method, (params, (low, high)) in BOUNDED.items():
        result = normalise.normalise(method, x, np.array([1.0]), params)
        finite = result[np.isfinite(result)]
        assert (finite >= low - ATOL).all() and (finite <= high + ATOL).all(), method


@settings(max_examples=60, deadline=None)
@given(columns)
def test_normalisation_is_monotone_in_the_input(x: np.ndarray) -> None:
    order = np.argsort(x[:, 0], kind="stable")
    for method in MONOTONE:
        params = BOUNDED.get(method, ({}, None))[0]
        result = normalise.normalise(method, x, np.array([1.0]), params)[order, 0]
        assert (np.diff(result[np.isfinite(result)]) >= -ATOL).all(), method


@settings(max_examples=60, deadline=None)
@given(columns)
def test_direction_minus_one_mirrors_plus_one(x: np.ndarray) -> None:
    up, down = np.array([1.0]), np.array([-1.0])
    np.testing.assert_allclose(
        normalise.normalise("minmax", x, down),
        100.0 - normalise.normalise("minmax", x, up),
        atol=ATOL,
    )
    np.testing.assert_allclose(
        normalise.normalise("zscore", x, down), -normalise.normalise("zscore", x, up), atol=ATOL
    )
    swapped = {"threshold": np.array([500.0]), "goalpost": np.array([0.0])}
    np.testing.assert_allclose(
        normalise.normalise("goalposts", x, down, swapped),
        100.0 - normalise.normalise("goalposts", x, up, BOUNDED["goalposts"][0]),
        atol=ATOL,
    )


children = arrays(
    np.float64,
    st.tuples(st.integers(1, 6), st.integers(1, 5)),
    elements=st.floats(min_value=0.01, max_value=100.0),
)


@settings(max_examples=80, deadline=None)
@given(children, st.data())
def test_harmonic_le_geometric_le_arithmetic(x: np.ndarray, data: st.DataObject) -> None:
    weights = np.array(
        data.draw(st.lists(st.floats(0.1, 5.0), min_size=x.shape[1], max_size=x.shape[1]))
    )
    arith = aggregate.aggregate("arithmetic", x, weights)
    geo = aggregate.aggregate("geometric", x, weights)
    harm = aggregate.aggregate("harmonic", x, weights)
    assert (geo <= arith * (1 + ATOL)).all()
    assert (harm <= geo * (1 + ATOL)).all()


@settings(max_examples=40, deadline=None)
@given(children, st.data())
def test_aggregation_invariant_to_child_order(x: np.ndarray, data: st.DataObject) -> None:
    weights = np.linspace(1.0, 2.0, x.shape[1])
    permutation = np.array(data.draw(st.permutations(range(x.shape[1]))))
    for method in aggregate.REGISTRY:
        np.testing.assert_allclose(
            aggregate.aggregate(method, x, weights),
            aggregate.aggregate(method, x[:, permutation], weights[permutation]),
            rtol=1e-12,
        )


META = pd.read_csv(Path(__file__).parent / "data" / "index" / "asem_imeta.csv")


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(len(META))))
def test_effective_weights_invariant_to_indicator_order(order: list[int]) -> None:
    reference = weights_table(methodology_from_meta(META)).set_index("indicator")
    again = weights_table(methodology_from_meta(META.iloc[order])).set_index("indicator")
    pd.testing.assert_series_equal(
        reference["effective_weight"], again.loc[reference.index, "effective_weight"]
    )
    assert abs(reference["effective_weight"].sum() - 1.0) < ATOL
