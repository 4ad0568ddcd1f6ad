"""Normalisation boundaries: direction −1 for every method, every parameter at a non-default
value, zeros and ties, and replications × economies × indicators of distinct sizes (2 × 4 × 3),
so that a statistic taken over the wrong axis cannot pass (COINr 1.1.14 ``Normalise``)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.index.normalise import PARAMETERS, REGISTRY, REQUIRED, VALUE_PARAMETERS, normalise

ATOL = 1e-12

#: 4 economies × 3 indicators; column 2 has a tie and a zero.
X = np.array(
    [
        [1.0, 10.0, 0.0],
        [2.0, 40.0, 5.0],
        [4.0, 20.0, 5.0],
        [8.0, 30.0, 10.0],
    ]
)
UP = np.ones(3)
DOWN = -np.ones(3)
MIXED = np.array([1.0, -1.0, 1.0])
#: two replications that differ, so a reduction over the replication axis shows
STACK = np.stack([X, X * np.array([2.0, 3.0, 0.5])])


def _per_column(method: str, x: np.ndarray, direction: np.ndarray, params: dict) -> np.ndarray:
    """The method applied to each indicator alone: what the vectorised call must equal."""
    columns = []
    for j in range(x.shape[-1]):
        one = {k: np.asarray(v)[j : j + 1] for k, v in params.items()}
        columns.append(normalise(method, x[..., j : j + 1], direction[j : j + 1], one))
    return np.concatenate(columns, axis=-1)


def test_reference_lower_is_better_inverts_and_every_parameter_counts() -> None:
    params = {"reference": np.array([2.0, 20.0, 5.0]), "cap": np.array([3.0, 1.5, 9.0])}
    params["scale"] = np.array([10.0, 100.0, 1.0])
    got = normalise("reference", X, MIXED, params)
    expected = np.array(
        [
            [0.5 * 10, 1.5 * 100, 0.0],
            [1.0 * 10, 0.5 * 100, 1.0],
            [2.0 * 10, 1.0 * 100, 1.0],
            [3.0 * 10, 20 / 30 * 100, 2.0],
        ]
    )
    np.testing.assert_allclose(got, expected, atol=ATOL)


def test_reference_exactly_at_the_cap_is_the_cap_and_default_scale_is_one() -> None:
    got = normalise("reference", np.array([[4.0], [5.0]]), np.ones(1), {"reference": [4.0]})
    np.testing.assert_allclose(got, [[1.0], [1.25]], atol=ATOL)  # no cap unless asked
    capped = normalise("reference", np.array([[4.0], [5.0]]), np.ones(1), {"reference": [4.0],
                       "cap": [1.0]})  # fmt: skip
    np.testing.assert_array_equal(capped, [[1.0], [1.0]])


def test_goalposts_exactly_at_threshold_and_goalpost_and_custom_scale() -> None:
    params = {"threshold": np.array([2.0, 40.0, 0.0]), "goalpost": np.array([4.0, 10.0, 10.0])}
    params["scale"] = np.array([1.0, 10.0, 50.0])
    got = normalise("goalposts", X, UP, params)
    expected = np.array(
        [
            [0.0, 10.0, 0.0],
            [0.0, 0.0, 25.0],
            [1.0, 20 / 3, 25.0],
            [1.0, 10 / 3, 50.0],
        ]
    )
    np.testing.assert_allclose(got, expected, atol=ATOL)


def test_goalposts_lower_is_better_at_its_threshold_is_positive_zero() -> None:
    got = normalise("goalposts", np.array([[40.0], [10.0]]), -np.ones(1), {"threshold": [40.0],
                    "goalpost": [10.0]})  # fmt: skip
    np.testing.assert_array_equal(got, [[0.0], [100.0]])
    assert not np.signbit(got).any()


def test_goalposts_default_threshold_is_zero() -> None:
    got = normalise("goalposts", np.array([[0.0], [5.0]]), np.ones(1), {"goalpost": [10.0]})
    np.testing.assert_allclose(got, [[0.0], [50.0]], atol=ATOL)


def test_minmax_lower_is_better_and_custom_bounds() -> None:
    params = {"lower": np.array([1.0, 0.0, -10.0]), "upper": np.array([10.0, 1.0, 10.0])}
    got = normalise("minmax", X, MIXED, params)
    expected = np.array(
        [
            [1.0, 1.0, -10.0],
            [1 + 9 / 7, 0.0, 0.0],
            [1 + 27 / 7, 2 / 3, 0.0],
            [10.0, 1 / 3, 10.0],
        ]
    )
    np.testing.assert_allclose(got, expected, atol=ATOL)


def test_minmax_gives_the_worst_economy_exactly_lower_and_the_best_exactly_upper() -> None:
    got = normalise("minmax", X, DOWN, {})
    np.testing.assert_array_equal(got[3], [0.0, got[3, 1], 0.0])
    np.testing.assert_array_equal(got[0], [100.0, 100.0, 100.0])
    assert got[1, 1] == 0.0


def test_zscore_lower_is_better_and_custom_mean_and_sd() -> None:
    params = {"mean": np.array([100.0, 0.0, 10.0]), "sd": np.array([10.0, 1.0, 2.0])}
    got = normalise("zscore", X, MIXED, params)
    for j, sign in enumerate(MIXED):
        column = X[:, j] * sign
        z = (column - column.mean()) / column.std(ddof=1)
        np.testing.assert_allclose(got[:, j], z * params["sd"][j] + params["mean"][j], atol=ATOL)


def test_rank_lower_is_better_and_ties_averaged() -> None:
    got = normalise("rank", X, MIXED, {})
    np.testing.assert_array_equal(got, [[1, 4, 1], [2, 1, 2.5], [3, 3, 2.5], [4, 2, 4]])


def test_percentile_rank_lower_is_better_ties_and_scale() -> None:
    got = normalise("percentile_rank", X, MIXED, {"scale": np.array([1.0, 100.0, 8.0])})
    ranks = np.array([[1, 4, 1], [2, 1, 2.5], [3, 3, 2.5], [4, 2, 4]])
    np.testing.assert_allclose(got, (ranks - 0.5) / 4 * np.array([1.0, 100.0, 8.0]), atol=ATOL)


def test_percentile_rank_counts_only_economies_with_a_value() -> None:
    x = X.copy()
    x[0, 0] = np.nan
    got = normalise("percentile_rank", x, UP, {})
    np.testing.assert_allclose(got[1:, 0], (np.array([1, 2, 3]) - 0.5) / 3 * 100, atol=ATOL)


def test_distance_to_target_lower_is_better_cap_and_scale() -> None:
    params = {"target": np.array([4.0, 20.0, 5.0]), "cap": np.array([1.0, 2.0, np.inf])}
    params["scale"] = np.array([100.0, 1.0, 10.0])
    got = normalise("distance_to_target", X, MIXED, params)
    # column 1, lower is better: values −10…−40, target −20, worst (min) −40
    expected = np.array(
        [
            [0.0, 1.5, 0.0],
            [1 / 3 * 100, 0.0, 10.0],
            [100.0, 1.0, 10.0],
            [100.0, 0.5, 20.0],
        ]
    )
    np.testing.assert_allclose(got, expected, atol=ATOL)


def test_distance_to_frontier_lower_is_better_and_scale() -> None:
    got = normalise("distance_to_frontier", X, MIXED, {"scale": np.array([7.0, 1.0, 2.0])})
    expected = np.array(
        [
            [0.0, 1.0, 0.0],
            [1 / 7 * 7, 0.0, 1.0],
            [3 / 7 * 7, 2 / 3, 1.0],
            [7.0, 1 / 3, 2.0],
        ]
    )
    np.testing.assert_allclose(got, expected, atol=ATOL)


def test_fraction_of_max_lower_is_better_is_best_over_value_and_scale() -> None:
    got = normalise("fraction_of_max", X, MIXED, {"scale": np.array([8.0, 100.0, 1.0])})
    expected = np.array(
        [
            [1.0, 100.0, 0.0],
            [2.0, 25.0, 0.5],
            [4.0, 50.0, 0.5],
            [8.0, 100 / 3, 1.0],
        ]
    )
    np.testing.assert_allclose(got, expected, atol=ATOL)


PARAMS = {
    "reference": {"reference": [2.0, 20.0, 5.0], "cap": [3.0, 1.5, 9.0], "scale": [1, 2, 3]},
    "goalposts": {"threshold": [1.0, 50.0, 0.0], "goalpost": [8.0, 10.0, 10.0]},
    "minmax": {"lower": [1.0, 0.0, -1.0], "upper": [2.0, 10.0, 1.0]},
    "zscore": {"mean": [1.0, 0.0, 3.0], "sd": [2.0, 1.0, 5.0]},
    "rank": {},
    "percentile_rank": {"scale": [1.0, 2.0, 3.0]},
    "distance_to_target": {"target": [4.0, 20.0, 5.0], "cap": [1.0, 2.0, 3.0]},
    "distance_to_frontier": {"scale": [1.0, 2.0, 3.0]},
    "fraction_of_max": {"scale": [1.0, 2.0, 3.0]},
}


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_each_replication_and_indicator_is_normalised_on_its_own(method: str) -> None:
    params = {k: np.asarray(v, dtype=float) for k, v in PARAMS[method].items()}
    got = normalise(method, STACK, MIXED, params)
    assert got.shape == (2, 4, 3)
    for r in range(2):
        alone = normalise(method, STACK[r], MIXED, params)
        np.testing.assert_allclose(got[r], alone, atol=ATOL)
        np.testing.assert_allclose(got[r], _per_column(method, STACK[r], MIXED, params), atol=ATOL)


NEEDED = set().union(*REQUIRED.values())


@pytest.mark.parametrize("method", sorted(m for m in REGISTRY if set(PARAMS[m]) - NEEDED))
def test_a_missing_parameter_entry_takes_the_default(method: str) -> None:
    params = {k: np.asarray(v, dtype=float) for k, v in PARAMS[method].items()}
    optional = [k for k in params if k not in NEEDED]
    holed = {k: (np.where([True, False, False], np.nan, v) if k in optional else v)
             for k, v in params.items()}  # fmt: skip
    dropped = {k: v[:1] for k, v in params.items() if k not in optional}
    got = normalise(method, X, MIXED, holed)
    default = normalise(method, X[:, :1], MIXED[:1], dropped)
    np.testing.assert_allclose(got[:, :1], default, atol=ATOL)


def test_a_scalar_parameter_applies_to_every_indicator() -> None:
    got = normalise("fraction_of_max", X, UP, {"scale": np.float64(2.0)})
    np.testing.assert_allclose(got, X / X.max(axis=0) * 2.0, atol=ATOL)


def test_unknown_method_is_refused() -> None:
    with pytest.raises(KeyError, match="minmax"):
        normalise("nope", X, UP)


def _numeric(method: str) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=float) for k, v in PARAMS[method].items()}


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_each_declared_parameter_is_read_and_no_other(method: str) -> None:
    assert set(PARAMETERS) == set(REGISTRY)
    params = _numeric(method)
    base = normalise(method, X, MIXED, params)
    for name in PARAMETERS[method]:
        changed = params | {name: params.get(name, np.ones(3)) * 0.5 + 0.25}
        assert not np.allclose(normalise(method, X, MIXED, changed), base, equal_nan=True), name
    stray = {n: np.full(3, 7.0) for n in set().union(*PARAMETERS.values()) - PARAMETERS[method]}
    np.testing.assert_array_equal(normalise(method, X, MIXED, params | stray), base)


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_value_parameters_are_in_the_indicators_units(method: str) -> None:
    """Scaling the values and every value-unit parameter by 10 changes no normalised value."""
    params = _numeric(method)
    scaled = {k: v * 10 if k in VALUE_PARAMETERS else v for k, v in params.items()}
    np.testing.assert_allclose(
        normalise(method, X * 10, MIXED, scaled), normalise(method, X, MIXED, params), atol=1e-9
    )


@pytest.mark.parametrize("method", sorted(REQUIRED))
def test_without_a_required_parameter_nothing_is_scored(method: str) -> None:
    assert REQUIRED[method] <= PARAMETERS[method]
    params = {k: v for k, v in _numeric(method).items() if k not in REQUIRED[method]}
    assert np.isnan(normalise(method, X, MIXED, params)).all()
