"""Outlier treatment at its limits: the default skew, kurtosis and winmax, each limit exactly
met (not an outlier), both conditions needed, the low end winsorised when skew is negative,
and per-indicator limits over a replication axis (pipeline/index/treat.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.index import treat

#: skew 2.21 and excess kurtosis 6.0: an outlier by COINr's defaults (|skew| > 2, kurt > 3.5)
SKEW_2_2 = np.array([*range(1, 11), 25.0])[:, None]
#: skew 1.79, excess kurtosis 4.27
KURT_4_3 = np.array([*range(1, 11), 21.0])[:, None]
#: symmetric heavy tails: skew 0, excess kurtosis 4.5
SYMMETRIC = np.array([-10.0, *([0.0] * 8), 10.0])[:, None]


def _moved(x: np.ndarray, params: dict) -> bool:
    return not np.array_equal(treat.winsorise(x, params), x)


def test_registry_and_parameter_table_list_the_same_treatments() -> None:
    assert set(treat.PARAMETERS) == set(treat.REGISTRY)
    assert treat.PARAMETERS["winsorise"] == treat.PARAMETERS["skew_kurtosis"]
    assert treat.PARAMETERS["winsorise"] == {"winmax", "skew", "kurtosis"}


def test_default_limits_are_skew_two_and_kurtosis_three_and_a_half() -> None:
    assert _moved(SKEW_2_2, {}) and not _moved(SKEW_2_2, {"skew": 3.0})
    assert _moved(KURT_4_3, {"skew": 1.0}) and not _moved(KURT_4_3, {"skew": 1.0, "kurtosis": 4.5})


def test_an_indicator_exactly_at_a_limit_is_not_an_outlier() -> None:
    skew, kurt = (float(s[0]) for s in treat.skew_kurtosis(SKEW_2_2))
    assert not _moved(SKEW_2_2, {"skew": skew, "kurtosis": 0.0})
    assert not _moved(SKEW_2_2, {"skew": 0.0, "kurtosis": kurt})
    assert _moved(SKEW_2_2, {"skew": np.nextafter(skew, 0), "kurtosis": 0.0})


def test_heavy_tails_without_skew_are_not_treated() -> None:
    """Both conditions are needed: kurtosis 4.5 alone is not an outlier."""
    assert not _moved(SYMMETRIC, {})
    assert _moved(SYMMETRIC, {"skew": -1.0})


def test_winmax_defaults_to_five_points() -> None:
    x = np.array([*range(1, 11), 100.0, 300.0, 1000.0])[:, None]
    always = {"skew": 0.0, "kurtosis": -10.0}
    five = treat.winsorise(x, always)
    np.testing.assert_array_equal(five, treat.winsorise(x, always | {"winmax": 5}))
    assert not np.array_equal(five, treat.winsorise(x, always | {"winmax": 6}))


def test_negative_skew_winsorises_the_low_end() -> None:
    x = -np.array([*range(1, 11), 30.0, 100.0])[:, None]
    expected = -np.array([*range(1, 11), 30.0, 30.0])
    np.testing.assert_array_equal(treat.treat("winsorise", x, {"winmax": 5})[:, 0], expected)


@pytest.mark.parametrize("method", ["winsorise", "skew_kurtosis"])
def test_limits_are_per_indicator_over_replications(method: str) -> None:
    """Two replications × 11 economies × 3 indicators, each with its own skew limit."""
    one = np.hstack([SKEW_2_2, SKEW_2_2, KURT_4_3])
    x = np.stack([one, one * 2.0])
    params = {"skew": np.array([2.0, 3.0, 1.0])}
    out = treat.treat(method, x, params)
    assert out.shape == (2, 11, 3)
    for replication in range(2):
        assert [
            not np.array_equal(out[replication, :, k], x[replication, :, k]) for k in range(3)
        ] == [
            True,
            False,
            True,
        ]


def test_the_top_end_is_treated_unless_skew_is_negative() -> None:
    """Skew 0 (symmetric) and skew 0.36 both winsorise the top value onto its neighbour."""
    always = {"skew": -1.0, "kurtosis": -10.0, "winmax": 1}
    np.testing.assert_array_equal(
        treat.winsorise(SYMMETRIC, always)[:, 0], [-10.0, *([0.0] * 8), 0.0]
    )
    mild = np.array([*range(1, 11), 13.0])[:, None]
    assert 0 < treat.skew_kurtosis(mild)[0][0] < 1
    np.testing.assert_array_equal(treat.winsorise(mild, always)[:, 0], [*range(1, 11), 10.0])
