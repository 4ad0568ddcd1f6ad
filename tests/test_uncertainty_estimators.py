"""Sensitivity estimators against analytic indices.

Linear model Y = Σ a_i X_i with independent X_i ~ U(0, 1): S_i = ST_i = a_i² / Σ a_j².
Ishigami function (a = 7, b = 0.1, X_i ~ U(−π, π)): Saltelli et al. (2008), *Global
Sensitivity Analysis: The Primer*, §4.5 — S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424,
0.2437).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.uncertainty.design import unit_points
from pipeline.uncertainty.estimators import bootstrap, estimate, sobol_indices, split

#: Quasi-Monte Carlo error of the indices at N = 4096 for these smooth test functions.
LINEAR_TOLERANCE = 0.01
ISHIGAMI_TOLERANCE = 0.02
ISHIGAMI_FIRST = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_TOTAL = np.array([0.5576, 0.4424, 0.2437])


def radial(d: int, n: int, seed: int = 7) -> np.ndarray:
    """Unit-cube rows A; B; A_B^(1..d) with one input per group."""
    points = unit_points(2 * d, n, seed)
    a, b = points[:, :d], points[:, d:]
    blocks = [a, b]
    for i in range(d):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        blocks.append(mixed)
    return np.vstack(blocks)


def linear(x: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    return x @ coefficients


def ishigami(u: np.ndarray) -> np.ndarray:
    x = (2 * u - 1) * np.pi
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_linear_model_indices_match_analytic_values() -> None:
    coefficients = np.array([1.0, 2.0, 3.0, 0.5])
    outputs = linear(radial(4, 4096), coefficients)
    found = sobol_indices(outputs, 4, resamples=200)
    expected = coefficients**2 / np.sum(coefficients**2)
    np.testing.assert_allclose(found.first_order[:, 0], expected, atol=LINEAR_TOLERANCE)
    np.testing.assert_allclose(found.total[:, 0], expected, atol=LINEAR_TOLERANCE)
    assert np.all(found.first_order_low[:, 0] <= expected + LINEAR_TOLERANCE)
    assert np.all(found.first_order_high[:, 0] >= expected - LINEAR_TOLERANCE)


def test_ishigami_indices_match_analytic_values() -> None:
    found = sobol_indices(ishigami(radial(3, 4096)), 3, resamples=200)
    np.testing.assert_allclose(found.first_order[:, 0], ISHIGAMI_FIRST, atol=ISHIGAMI_TOLERANCE)
    np.testing.assert_allclose(found.total[:, 0], ISHIGAMI_TOTAL, atol=ISHIGAMI_TOLERANCE)


def test_bootstrap_by_counts_equals_explicit_resampling() -> None:
    rng = np.random.default_rng(3)
    fa, fb, fab = rng.normal(size=(64, 5)), rng.normal(size=(64, 5)), rng.normal(size=(2, 64, 5))
    first, total = bootstrap(fa, fb, fab, resamples=20, seed=11)
    picks = np.random.default_rng(11).integers(0, 64, size=(20, 64))
    for b, rows in enumerate(picks):
        expected_first, expected_total = estimate(fa[rows], fb[rows], fab[:, rows])
        np.testing.assert_allclose(first[b], expected_first, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(total[b], expected_total, rtol=1e-9, atol=1e-12)


def test_constant_output_has_undefined_indices() -> None:
    outputs = np.column_stack([np.full(5 * 16, 3.0), np.arange(5 * 16, dtype=float)])
    found = sobol_indices(outputs, 3, resamples=10)
    assert np.isnan(found.first_order[:, 0]).all() and np.isnan(found.total[:, 0]).all()
    assert np.isfinite(found.total[:, 1]).all()


def test_split_rejects_a_row_count_that_is_not_a_design() -> None:
    with pytest.raises(ValueError, match="not N"):
        split(np.zeros(11), 3)


@settings(max_examples=25, deadline=None)
@given(
    scale=st.floats(0.01, 100.0),
    shift=st.floats(-1000.0, 1000.0),
    coefficients=st.lists(st.floats(0.1, 5.0), min_size=2, max_size=4),
)
def test_indices_are_affine_invariant_and_totals_non_negative(scale, shift, coefficients) -> None:
    a = np.asarray(coefficients)
    outputs = linear(radial(len(a), 64), a) + np.sin(radial(len(a), 64)[:, 0] * 6)
    first, total = estimate(*split(outputs[:, None], len(a)))
    scaled_first, scaled_total = estimate(*split(scale * outputs[:, None] + shift, len(a)))
    np.testing.assert_allclose(scaled_first, first, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(scaled_total, total, rtol=1e-6, atol=1e-9)
    assert np.all(total >= 0)
