"""Estimation engine: methods, cascade order, bounds, nesting, intervals and the back-test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.estimate import cascade, methods, scales
from pipeline.estimate.engine import estimate
from pipeline.estimate.grid import Grid, build, next_official, previous_official
from pipeline.index.methodology import MethodologyError


def _grid(values: list[list[float]], years: list[int] | None = None) -> Grid:
    official = np.array(values, dtype=float)
    years = years or list(range(2010, 2010 + official.shape[1]))
    economies = np.array([f"E{i:02d}" for i in range(official.shape[0])])
    return Grid("X", economies, np.array(years), official, ~np.isnan(official))


def _frame(rows: list[tuple[str, str, int, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["economy", "indicator", "year", "value", "estimate"])


NAN = np.nan


def test_previous_and_next_official_skip_the_cell_itself() -> None:
    known = np.array([[True, False, True, False]])
    assert previous_official(known).tolist() == [[-1, 0, 0, 2]]
    assert next_official(known).tolist() == [[2, 2, -1, -1]]


def test_geometric_interpolation_is_constant_growth() -> None:
    """USA-like gap: 2019 → 2023 grows by one factor a year (ITU's flagged estimates)."""
    grid = _grid([[80.0, NAN, NAN, NAN, 90.0]])
    proposal = methods.interpolate(grid, methods.Context(), {"form": "geometric", "max_gap": 8})
    factor = (90.0 / 80.0) ** 0.25
    assert proposal.value[0, 1:4] == pytest.approx([80 * factor, 80 * factor**2, 80 * factor**3])
    assert proposal.horizon[0, 1:4].tolist() == [1, 2, 1]


def test_interpolation_respects_max_gap_exactly() -> None:
    grid = _grid([[10.0, NAN, NAN, 40.0]])
    at_limit = methods.interpolate(grid, methods.Context(), {"max_gap": 3, "form": "linear"})
    assert at_limit.value[0, 1:3] == pytest.approx([20.0, 30.0])
    beyond = methods.interpolate(grid, methods.Context(), {"max_gap": 2, "form": "linear"})
    assert np.isnan(beyond.value[0, 1:3]).all()


def test_interpolation_of_an_official_cell_is_leave_one_out() -> None:
    grid = _grid([[10.0, 25.0, 40.0]])
    proposal = methods.interpolate(grid, methods.Context(), {"form": "linear"})
    assert proposal.value[0, 1] == pytest.approx(25.0)  # from 2010 and 2012, not itself


def test_extrapolation_is_a_logit_trend_and_never_falls_when_asked() -> None:
    rising = _grid([[20.0, 30.0, 40.0, NAN]])
    params = {"scale": "logit", "points": 3, "max_years": 3, "non_decreasing": True}
    value = methods.extrapolate(rising, methods.Context(), params).value[0, 3]
    z = scales.forward("logit", np.array([20.0, 30.0, 40.0]))
    slope = np.polyfit([0, 1, 2], z, 1)[0]
    assert value == pytest.approx(float(scales.inverse("logit", z[2] + slope)))
    falling = _grid([[40.0, 30.0, 20.0, NAN]])
    assert methods.extrapolate(falling, methods.Context(), params).value[0, 3] == pytest.approx(
        20.0
    )


def test_extrapolation_stops_at_max_years_and_damps() -> None:
    grid = _grid([[1.0, 1.5, NAN, NAN]])  # slope ln 1.5 per year, inside max_slope
    proposal = methods.extrapolate(grid, methods.Context(),
                                   {"scale": "log", "points": 2, "max_years": 1, "damping": 0.5,
                                    "backwards": False})  # fmt: skip
    assert proposal.value[0, 2] == pytest.approx(1.5 * 1.5**0.5)
    assert np.isnan(proposal.value[0, 3])


def test_carry_forward_and_its_limit() -> None:
    grid = _grid([[5.0, NAN, NAN, NAN]])
    proposal = methods.carry_forward(grid, methods.Context(), {"max_years": 2})
    assert proposal.value[0].tolist()[1:3] == [5.0, 5.0]
    assert np.isnan(proposal.value[0, 3])


def test_regression_recovers_a_linear_relation_and_never_uses_the_indicator_itself() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 4, 40)
    y = np.exp(0.5 + 0.8 * np.log(x + 1))  # log y linear in log1p... through the log scale
    official = y.copy()
    official[0] = np.nan
    grid = Grid("X", np.array([f"E{i:02d}" for i in range(40)]), np.array([2020]),
                official[:, None], ~np.isnan(official[:, None]))  # fmt: skip
    context = methods.Context({"C": np.exp(x)[:, None], "X": official[:, None]}, {"C": "log"}, {})
    proposal = methods.regression(grid, context, {"scale": "log", "covariates": ["C", "X"],
                                                  "ridge": 1e-6, "min_donors": 5})  # fmt: skip
    assert "X" not in proposal.describe(np.array([[True]] + [[False]] * 39))[0].split(":")[1]
    assert proposal.value[0, 0] > 0


def test_hot_deck_never_takes_the_economy_as_its_own_donor() -> None:
    official = np.array([[10.0], [20.0], [30.0], [40.0]])
    grid = Grid(
        "X", np.array(["A", "B", "C", "D"]), np.array([2020]), official, np.ones((4, 1), bool)
    )
    covariate = {"C": np.array([[1.0], [2.0], [3.0], [4.0]])}
    proposal = methods.hot_deck(grid, methods.Context(covariate, {"C": "identity"}, {}),
                                {"covariates": ["C"], "k": 1})  # fmt: skip
    assert proposal.value[:, 0].tolist() == [20.0, 10.0, 20.0, 30.0] or proposal.value[0, 0] == 20.0
    assert all(proposal.value[i, 0] != official[i, 0] for i in range(4))


def test_group_trend_moves_an_old_value_at_the_group_pace() -> None:
    official = np.array([[10.0, 20.0, NAN], [30.0, NAN, NAN]])
    grid = Grid(
        "X", np.array(["A", "B"]), np.array([2020, 2021, 2022]), official, ~np.isnan(official)
    )
    labels = np.array([["L"] * 3, ["L"] * 3], dtype=object)
    proposal = methods.group_trend(grid, methods.Context({}, {}, {"income_group": labels}),
                                   {"scale": "identity", "by": "income_group"})  # fmt: skip
    assert proposal.value[1, 2] == pytest.approx(30.0 + 2 * 10.0)


def _cascades(text: str) -> list[cascade.Cascade]:
    import tomllib

    return cascade.parse(tomllib.loads(text), "test.toml")


def test_cascade_file_refuses_unknown_methods_parameters_and_keys() -> None:
    bad = """
[[cascade]]
indicators = ["HH7"]
scael = "logit"
steps = [{ method = "guess" }, { method = "interpolate", max_gapp = 3 }]
"""
    with pytest.raises(MethodologyError) as error:
        _cascades(bad)
    text = str(error.value)
    assert "scael" in text and "guess" in text and "max_gapp" in text


def test_cascade_nesting_cap_must_come_after_its_indicator() -> None:
    with pytest.raises(MethodologyError, match="must be estimated earlier"):
        _cascades('[[cascade]]\nindicators = ["A"]\nat_most = "B"\nsteps = []\n')


def test_engine_fills_only_gaps_first_step_wins_bounds_and_nesting_hold() -> None:
    rows = [("A", "G3", 2019, 60.0, False), ("A", "G3", 2021, 70.0, False),
            ("A", "G4", 2019, 50.0, False), ("A", "G4", 2021, 99.0, False),
            ("B", "G3", 2019, 80.0, False), ("B", "G3", 2020, 81.0, True)]  # fmt: skip
    spec = _cascades("""
[[cascade]]
indicators = ["G3"]
scale = "logit"
bounds = [0, 100]
steps = [{ method = "interpolate", form = "linear" }, { method = "carry_forward", max_years = 3 }]
[[cascade]]
indicators = ["G4"]
scale = "logit"
bounds = [0, 100]
at_most = "G3"
steps = [{ method = "interpolate", form = "linear" }]
""")
    result = estimate(_frame(rows), spec, ["A", "B"], [2019, 2021])
    got = result.estimates.set_index(["economy", "indicator", "year"])
    assert got.loc[("A", "G3", 2020), "value"] == pytest.approx(65.0)
    assert got.loc[("A", "G3", 2020), "method"] == "interpolate (linear)"
    assert got.loc[("A", "G3", 2020), "kind"] == "interpolated"
    assert got.loc[("A", "G4", 2020), "value"] == pytest.approx(65.0)  # 74.5, capped by 3G
    assert ("B", "G3", 2020) not in got.index  # a reported estimate is never replaced
    assert got.loc[("B", "G3", 2021), "method"] == "carry_forward"
    # fewer than ten leave-one-out errors: no measured interval, said by an empty bound
    assert got["low"].isna().all() and got["high"].isna().all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 100.0), min_size=4, max_size=8))
def test_every_share_estimate_stays_within_0_and_100(series: list[float]) -> None:
    values = [v if i % 2 == 0 else NAN for i, v in enumerate(series)]
    rows = [("A", "S", 2000 + i, v, False) for i, v in enumerate(values) if not np.isnan(v)]
    spec = _cascades("""
[[cascade]]
indicators = ["S"]
scale = "logit"
bounds = [0, 100]
steps = [{ method = "interpolate" }, { method = "extrapolate", scale = "logit", points = 3 }]
""")
    result = estimate(_frame(rows), spec, ["A"], list(range(2000, 2000 + len(series) + 2)))
    frame = result.estimates
    assert ((frame["value"] >= 0) & (frame["value"] <= 100)).all()
    bounded = frame.dropna(subset=["low", "high"])
    assert ((bounded["low"] >= 0) & (bounded["high"] <= 100)).all()


def test_backtest_compares_each_step_with_the_naive_baseline_on_its_own_cells() -> None:
    rows = [(f"E{e}", "S", 2010 + t, 10.0 + 5 * t + e, False)
            for e in range(12) for t in range(6)]  # fmt: skip
    spec = _cascades("""
[[cascade]]
indicators = ["S"]
scale = "identity"
steps = [{ method = "interpolate", form = "linear" }, { method = "extrapolate", points = 2 }]
""")
    result = estimate(_frame(rows), spec, [f"E{e}" for e in range(12)], list(range(2010, 2016)))
    table = result.backtest[result.backtest["horizon"] == "all"].set_index("method")
    assert table.loc["interpolate (linear)", "mae"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["interpolate (linear)", "mae_baseline"] == pytest.approx(5.0)
    assert bool(table.loc["interpolate (linear)", "beats_baseline"])
    # interior cells go to interpolation, the two ends to extrapolation: counted once each
    assert table["n"].sum() == 12 * 6


def test_build_keeps_reported_estimates_out_of_the_official_inputs() -> None:
    frame = _frame([("A", "S", 2020, 5.0, True), ("A", "S", 2021, 6.0, False)])
    grid = build(frame, "S", np.array(["A"]), np.array([2020, 2021]))
    assert np.isnan(grid.official[0, 0]) and grid.present[0, 0]
    assert grid.official[0, 1] == 6.0


def test_shipped_cascades_load_and_every_default_method_is_measured() -> None:
    shipped = cascade.load()
    assert {"HH7", "HH6", "HH18", "i135tfb_subs", "i136mwi_subs"} <= {c.indicator for c in shipped}
    assert all(c.steps for c in shipped)


def test_estimate_command_on_a_small_batch_writes_both_tables(tmp_path) -> None:
    from test_sdg_series import observation, observations

    from pipeline.cli import main
    from pipeline.store import read_table, write_table

    rows = [
        observation("HH7", value, economy=economy, year=year)
        for economy, start in (("KEN", 30.0), ("GHA", 40.0), ("IND", 20.0))
        for year, value in ((2019, start), (2021, start + 10), (2022, start + 12))
    ]
    processed = tmp_path / "processed"
    write_table(observations(*rows), processed / "ingest", "observations")
    assert main(["-q", "estimate", "--processed", str(processed)]) == 0
    estimates = read_table(processed / "estimate", "estimates")
    gap = estimates[(estimates["indicator"] == "HH7") & (estimates["year"] == 2020)]
    assert set(gap["economy"]) == {"KEN", "GHA", "IND"}
    assert (gap["kind"] == "interpolated").all()
    kenya = gap.set_index("economy").loc["KEN", "value"]
    assert kenya == pytest.approx(30.0 * (40.0 / 30.0) ** 0.5)
    assert not read_table(processed / "estimate", "backtest").empty


def test_estimate_command_on_an_empty_batch_writes_empty_tables(tmp_path) -> None:
    from test_sdg_series import observations

    from pipeline.cli import main
    from pipeline.store import read_table, write_table

    processed = tmp_path / "processed"
    write_table(observations(), processed / "ingest", "observations")
    assert main(["-q", "estimate", "--processed", str(processed)]) == 0
    assert read_table(processed / "estimate", "estimates").empty
