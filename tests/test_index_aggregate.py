"""Aggregation boundaries: zeros, missing children, weights on the limit of the availability
threshold, non-default power, and replications × economies × children of distinct sizes
(2 × 3 × 4) so a sum over the wrong axis cannot pass (COINr 1.1.14 ``Aggregate``)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.index.aggregate import PARAMETERS, REGISTRY, aggregate, available, present_share

ATOL = 1e-12
NAN = np.nan

#: 3 economies × 4 children
X = np.array([[1.0, 2.0, 4.0, 8.0], [3.0, NAN, 3.0, 6.0], [NAN, NAN, NAN, NAN]])
W = np.array([1.0, 2.0, 3.0, 4.0])


def _weighted(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    keep = ~np.isnan(values)
    return values[keep], weights[keep]


def test_arithmetic_renormalises_over_present_children_and_empty_is_nan() -> None:
    got = aggregate("arithmetic", X, W)
    np.testing.assert_allclose(got[:2], [(1 + 4 + 12 + 32) / 10, (3 + 9 + 24) / 8], atol=ATOL)
    assert np.isnan(got[2])


def test_geometric_weights_are_exponents() -> None:
    got = aggregate("geometric", X, W)
    v, w = _weighted(X[1], W)
    np.testing.assert_allclose(got[1], np.prod(v ** (w / w.sum())), atol=ATOL)
    np.testing.assert_allclose(got[0], np.prod(X[0] ** (W / W.sum())), atol=ATOL)
    assert np.isnan(got[2])


def test_harmonic_known_answer() -> None:
    got = aggregate("harmonic", X, W)
    np.testing.assert_allclose(got[0], 10 / (1 / 1 + 2 / 2 + 3 / 4 + 4 / 8), atol=ATOL)
    np.testing.assert_allclose(got[1], 8 / (1 / 3 + 3 / 3 + 4 / 6), atol=ATOL)
    assert np.isnan(got[2])


@pytest.mark.parametrize("p", [2.0, -1.0, 0.5])
def test_generalised_mean_at_non_default_powers(p: float) -> None:
    got = aggregate("generalised", X, W, {"p": p})
    v, w = _weighted(X[1], W)
    np.testing.assert_allclose(got[1], (np.sum(w * v**p) / w.sum()) ** (1 / p), atol=ATOL)
    np.testing.assert_allclose(got[0], (np.sum(W * X[0] ** p) / W.sum()) ** (1 / p), atol=ATOL)


def test_generalised_mean_of_order_one_is_arithmetic_and_minus_one_is_harmonic() -> None:
    np.testing.assert_allclose(aggregate("generalised", X, W), aggregate("arithmetic", X, W))
    np.testing.assert_allclose(
        aggregate("generalised", X, W, {"p": -1.0}), aggregate("harmonic", X, W), atol=ATOL
    )


@pytest.mark.parametrize("method", ["geometric", "harmonic", "generalised"])
def test_a_zero_child_makes_the_means_that_need_positive_values_missing(method: str) -> None:
    x = np.array([[0.0, 2.0], [1.0, 2.0]])
    got = aggregate(method, x, np.array([1.0, 1.0]), {"p": 2.0})
    assert np.isnan(got[0])
    assert np.isfinite(got[1])


def test_a_zero_child_counts_in_the_arithmetic_mean() -> None:
    x = np.array([[0.0, 2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(aggregate("arithmetic", x, np.array([1.0, 3.0])), [1.5, 0.0])


def test_a_child_with_zero_weight_does_not_count() -> None:
    x = np.array([[-5.0, 2.0, 4.0]])
    w = np.array([0.0, 1.0, 1.0])
    for method in ("geometric", "harmonic", "generalised"):
        assert np.isfinite(aggregate(method, x, w)[0]), method
    np.testing.assert_allclose(aggregate("arithmetic", x, w), [3.0])


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_replications_with_their_own_weights_are_aggregated_apart(method: str) -> None:
    stack = np.stack([X[:2], X[:2] * 2.0])  # 2 × 2 × 4
    weights = np.stack([W, W[::-1]])  # 2 × 4
    got = aggregate(method, stack, weights, {"p": 2.0})
    assert got.shape == (2, 2)
    for r in range(2):
        np.testing.assert_allclose(got[r], aggregate(method, stack[r], weights[r], {"p": 2.0}))
    assert not np.allclose(got[0] * 2.0, got[1])  # the weights differ, so must the result


def test_present_share_is_the_weight_held_by_present_children() -> None:
    np.testing.assert_allclose(present_share(X, W), [1.0, 0.8, 0.0], atol=ATOL)
    stack = present_share(np.stack([X, X]), np.stack([W, W[::-1]]))
    np.testing.assert_allclose(stack, [[1.0, 0.8, 0.0], [1.0, 0.7, 0.0]], atol=ATOL)


def test_availability_exactly_at_the_threshold_keeps_the_value() -> None:
    x = np.array([[1.0, 1.0, NAN], [1.0, NAN, NAN]])
    value = np.array([10.0, 20.0])
    w = np.ones(3)
    np.testing.assert_array_equal(available(value, x, w, 2 / 3), [10.0, NAN])
    np.testing.assert_array_equal(available(value, x, w, 1 / 3), [10.0, 20.0])
    np.testing.assert_array_equal(available(value, x, w, 0.67), [NAN, NAN])


def test_availability_with_float_rounded_weights_at_the_threshold() -> None:
    x = np.array([[1.0, 1.0, NAN]])
    w = np.array([0.1, 0.2, 0.7])  # 0.1 + 0.2 is 0.30000000000000004 in floats
    np.testing.assert_array_equal(available(np.array([5.0]), x, w, 0.3), [5.0])
    np.testing.assert_array_equal(available(np.array([5.0]), x, w, 0.3 + 1e-9), [NAN])


def test_no_threshold_keeps_every_value_even_without_weight() -> None:
    x = np.array([[NAN, NAN]])
    for share in (0.0, -1.0):
        np.testing.assert_array_equal(available(np.array([7.0]), x, np.zeros(2), share), [7.0])


def test_unknown_aggregation_is_refused() -> None:
    with pytest.raises(KeyError, match="arithmetic"):
        aggregate("median", X, W)


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_each_declared_parameter_is_read_and_no_other(method: str) -> None:
    assert set(PARAMETERS) == set(REGISTRY)
    base = aggregate(method, X[:2], W)
    for name in PARAMETERS[method]:
        assert not np.allclose(aggregate(method, X[:2], W, {name: 3.0}), base), name
    stray = {n: 3.0 for n in set().union(*PARAMETERS.values()) - PARAMETERS[method]}
    np.testing.assert_array_equal(aggregate(method, X[:2], W, stray), base)
