"""Estimation at its exact limits: scale edges, grid lookups, cascade checks, engine rules.

Small synthetic matrices with distinct axis sizes (economies ≠ years) so that a lookup along
the wrong axis or a limit off by one fails here, fast, before the end-to-end tests run.
"""

from __future__ import annotations

import dataclasses
import tomllib

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from pipeline.estimate import cascade, engine, methods, scales
from pipeline.estimate.engine import estimate
from pipeline.estimate.grid import Grid, build, next_official, previous_official, take
from pipeline.index.methodology import MethodologyError

NAN = np.nan


# --- scales -------------------------------------------------------------------------------


def test_z90_is_the_95th_percentile_of_the_standard_normal() -> None:
    assert abs(scales.Z90 - norm.ppf(0.95)) < 1e-12


def test_logit_clips_shares_exactly_edge_inside_0_and_100() -> None:
    z = scales.forward("logit", np.array([-5.0, 0.0, 0.05, 50.0, 99.95, 100.0, 120.0]))
    low, high = np.log(0.0005 / 0.9995), np.log(0.9995 / 0.0005)
    assert z == pytest.approx([low, low, low, 0.0, high, high, high], abs=1e-12)
    assert scales.forward("logit", np.array([25.0]))[0] == pytest.approx(np.log(1 / 3))


def test_expit_inverts_logit_on_the_percentage_scale() -> None:
    assert scales.inverse("logit", np.array([0.0, np.log(3.0), -np.log(3.0)])) == pytest.approx(
        [50.0, 75.0, 25.0]
    )
    shares = np.array([0.05, 10.0, 37.5, 99.95])
    assert scales.inverse("logit", scales.forward("logit", shares)) == pytest.approx(shares)


def test_log_floors_negatives_at_zero_and_stays_finite_at_zero() -> None:
    z = scales.forward("log", np.array([-3.0, 0.0, 1.0, np.e]))
    assert z[0] == z[1] == pytest.approx(np.log(1e-9))
    assert z[2:] == pytest.approx([0.0, 1.0], abs=1e-8)
    assert scales.inverse("log", np.array([0.0, 1.0])) == pytest.approx([1.0, np.e])


def test_log1p_keeps_a_reported_zero_at_zero_and_floors_negatives() -> None:
    z = scales.forward("log1p", np.array([-2.0, 0.0, np.e - 1.0]))
    assert z.tolist() == pytest.approx([0.0, 0.0, 1.0])
    assert scales.inverse("log1p", np.array([0.0, 1.0])) == pytest.approx([0.0, np.e - 1.0])


def test_identity_is_the_value_as_float() -> None:
    x = scales.forward("identity", [-1, 0, 7])
    assert x.dtype == float and x.tolist() == [-1.0, 0.0, 7.0]
    assert scales.inverse("identity", [3]).tolist() == [3.0]


# --- grid ---------------------------------------------------------------------------------


def test_previous_and_next_official_on_a_wide_matrix() -> None:
    """Two economies, five years: lookups run along years, not economies."""
    known = np.array([[False, True, False, False, True], [True, False, False, True, False]])
    assert previous_official(known).tolist() == [[-1, -1, 1, 1, 1], [-1, 0, 0, 0, 3]]
    assert next_official(known).tolist() == [[1, 4, 4, 4, -1], [3, 3, 3, -1, -1]]


def test_take_picks_per_economy_and_gives_nan_for_none() -> None:
    values = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    columns = np.array([[2, -1, 0], [0, 1, -1]])
    out = take(values, columns)
    assert out[0].tolist()[::2] == [3.0, 1.0] and np.isnan(out[0, 1])
    assert out[1, :2].tolist() == [4.0, 5.0] and np.isnan(out[1, 2])


def test_build_places_rows_and_leaves_out_unknown_economies_years_and_missing_values() -> None:
    frame = pd.DataFrame(
        [
            ("AAA", "X", 2010, 1.0, False),
            ("BBB", "X", 2012, 2.0, True),  # a reported estimate: present, not official
            ("AAA", "X", 2011, NAN, False),  # no value: neither
            ("ZZZ", "X", 2010, 9.0, False),  # economy outside the grid
            ("AAA", "X", 2030, 9.0, False),  # year outside the grid
            ("AAA", "Y", 2012, 9.0, False),  # another indicator
            ("BBB", "X", 2010, 0.0, False),  # a zero is a value
        ],
        columns=["economy", "indicator", "year", "value", "estimate"],
    )
    grid = build(frame, "X", np.array(["AAA", "BBB"]), np.array([2010, 2011, 2012]))
    assert grid.indicator == "X" and grid.shape == (2, 3)
    assert grid.present.tolist() == [[True, False, False], [True, False, True]]
    assert grid.official[0, 0] == 1.0 and grid.official[1, 0] == 0.0
    assert np.isnan(grid.official[[0, 0, 1, 1], [1, 2, 1, 2]]).all()


def test_a_grid_is_frozen() -> None:
    """Methods share one grid per indicator; none may change another's inputs."""
    grid = build(
        pd.DataFrame(
            [("AAA", "X", 2010, 1.0, False)],
            columns=["economy", "indicator", "year", "value", "estimate"],
        ),
        "X",
        np.array(["AAA"]),
        np.array([2010]),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        grid.indicator = "Y"  # type: ignore[misc]


# --- cascade ------------------------------------------------------------------------------


def _parse(text: str) -> list[cascade.Cascade]:
    return cascade.parse(tomllib.loads(text), "test.toml")


def _problems(text: str) -> list[str]:
    with pytest.raises(MethodologyError) as error:
        _parse(text)
    return error.value.problems


def test_a_valid_cascade_is_read_whole() -> None:
    (only,) = _parse(
        '[[cascade]]\nindicators = ["S"]\nscale = "logit"\nbounds = [0, 100]\nuse = ["index"]\n'
        'steps = [{ method = "extrapolate", scale = "logit", points = 2 },'
        ' { method = "interpolate", form = "linear" }, { method = "carry_forward" }]\n'
    )
    assert (only.indicator, only.scale, only.bounds, only.use) == (
        "S", "logit", (0, 100), frozenset({"index"}),
    )  # fmt: skip
    assert [s.label for s in only.steps] == [
        "extrapolate (logit)", "interpolate (linear)", "carry_forward",
    ]  # fmt: skip
    assert only.steps[0].params == {"scale": "logit", "points": 2}
    assert only.source == "test.toml" and only.at_most is None


def test_defaults_identity_scale_no_bounds_both_uses() -> None:
    one, two = _parse('[[cascade]]\nindicators = ["A", "B"]\nbounds = [5]\n')
    assert one.indicator == "A" and two.indicator == "B"
    assert one.scale == "identity" and one.steps == ()
    assert one.bounds == (5, None)
    assert one.use == cascade.USES == frozenset({"aggregates", "index"})
    assert _parse('[[cascade]]\nindicators = ["A"]\n')[0].bounds == (None, None)


def test_every_problem_of_a_file_is_listed_at_once() -> None:
    problems = _problems(
        'top = 1\n[[cascade]]\nindicators = ["A"]\nscale = "cube"\nuse = ["web"]\n'
        'steps = [3, { form = "linear" }, { method = "carry_forward", scale = "cube" },'
        ' { method = "extrapolate", scale = "cube" }]\n'
    )
    assert problems == [
        "unknown top-level key(s): top",
        "cascade 1: unknown scale 'cube'",
        "cascade 1 step 1: a step needs a method",
        "cascade 1 step 2: a step needs a method",
        "cascade 1 step 3: carry_forward does not take scale",
        "cascade 1 step 3: unknown scale 'cube'; known: ['identity', 'log', 'log1p', 'logit']",
        "cascade 1 step 4: unknown scale 'cube'; known: ['identity', 'log', 'log1p', 'logit']",
        "cascade 1: use must be among ['aggregates', 'index']",
    ]


def test_known_scales_and_uses_pass_and_numbering_starts_at_one() -> None:
    for scale in scales.SCALES:
        _parse(f'[[cascade]]\nindicators = ["A"]\nscale = "{scale}"\n'
               f'steps = [{{ method = "extrapolate", scale = "{scale}" }}]\n')  # fmt: skip
    problems = _problems(
        '[[cascade]]\nindicators = ["A"]\n[[cascade]]\nindicators = ["B"]\nfoo = 1\n'
        'steps = [{ method = "interpolate" }, { method = "nope" }]\n'
    )
    assert problems[0] == "cascade 2: unknown key(s) foo"
    assert problems[1].startswith("cascade 2 step 2: unknown method 'nope'")


def test_order_and_duplicates() -> None:
    ok = _parse('[[cascade]]\nindicators = ["B"]\n[[cascade]]\nindicators = ["A"]\nat_most = "B"\n')
    assert ok[1].at_most == "B"
    assert _problems('[[cascade]]\nindicators = ["A", "A"]\n') == ["A: declared twice"]
    # a cap on itself is not a cap on an indicator estimated before
    assert _problems('[[cascade]]\nindicators = ["A"]\nat_most = "A"\n') == [
        "A: at_most 'A' must be estimated earlier"
    ]


def test_load_reads_files_in_name_order_and_refuses_bad_toml_and_duplicates(tmp_path) -> None:
    (tmp_path / "b.toml").write_text('[[cascade]]\nindicators = ["B"]\n', encoding="utf-8")
    (tmp_path / "a.toml").write_text('[[cascade]]\nindicators = ["A"]\n', encoding="utf-8")
    (tmp_path / "c.txt").write_text("not read", encoding="utf-8")
    loaded = cascade.load(tmp_path)
    assert [(c.indicator, c.source) for c in loaded] == [("A", "a.toml"), ("B", "b.toml")]
    (tmp_path / "d.toml").write_text('[[cascade]]\nindicators = ["A"]\n', encoding="utf-8")
    with pytest.raises(MethodologyError) as error:
        cascade.load(tmp_path)
    assert error.value.problems == ["declared in two files: A"]
    (tmp_path / "d.toml").write_text("[[cascade", encoding="utf-8")
    with pytest.raises(MethodologyError) as error:
        cascade.load(tmp_path)
    assert "d.toml" in str(error.value) and "not valid TOML" in str(error.value)


# --- engine -------------------------------------------------------------------------------


def _rows(rows: list[tuple[str, str, int, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["economy", "indicator", "year", "value", "estimate"])


def _interval_case(n_measured: int, bounds: str = "") -> pd.DataFrame:
    """``n_measured`` economies whose 2011 value misses the line 2010–2012 by 1, 2, … and one
    economy (GAP) with 2011 missing: linear interpolation fills it with 10."""
    rows = []
    for e in range(n_measured):
        rows += [(f"E{e:02d}", "S", 2010, 0.0, False), (f"E{e:02d}", "S", 2012, 2.0 * e, False),
                 (f"E{e:02d}", "S", 2011, e + (e + 1.0), False)]  # fmt: skip
    rows += [("GAP", "S", 2010, 0.0, False), ("GAP", "S", 2012, 20.0, False)]
    spec = _parse(f'[[cascade]]\nindicators = ["S"]\n{bounds}'
                  'steps = [{ method = "interpolate", form = "linear" }]\n')  # fmt: skip
    economies = sorted({r[0] for r in rows}, reverse=True)
    return estimate(_rows(rows), spec, economies, [2012, 2010]).estimates


def test_an_interval_needs_exactly_min_errors_leave_one_out_errors() -> None:
    assert engine.MIN_ERRORS == 10
    (gap,) = _interval_case(10).itertuples()
    # q90 of |errors| 1 … 10 is 9.1 (linear quantile): 10 ± 9.1
    assert (gap.economy, gap.year, gap.value) == ("GAP", 2011, pytest.approx(10.0))
    assert (gap.low, gap.high) == (pytest.approx(0.9), pytest.approx(19.1))
    assert gap.horizon == 1 and gap.inputs == "linear between 2010 and 2012"
    (short,) = _interval_case(9).itertuples()
    assert np.isnan(short.low) and np.isnan(short.high)


def test_bounds_clip_the_estimate_and_both_ends_of_its_interval() -> None:
    (gap,) = _interval_case(10, "bounds = [2, 15]\n").itertuples()
    assert (gap.value, gap.low, gap.high) == (pytest.approx(10.0), 2.0, 15.0)
    (low_only,) = _interval_case(10, "bounds = [12]\n").itertuples()
    assert (low_only.value, low_only.low) == (12.0, 12.0)
    assert low_only.high == pytest.approx(21.1)


def test_backtest_rows_per_step_and_horizon() -> None:
    rows = [(f"E{e}", "S", 2010 + t, 10.0 + e + 2.0 * t + (0.5 if t == 1 else 0.0), False)
            for e in range(3) for t in range(5)]  # fmt: skip
    spec = _parse(
        '[[cascade]]\nindicators = ["S"]\n'
        'steps = [{ method = "interpolate", form = "linear", max_gap = 2 },'
        ' { method = "carry_forward" }]\n'
    )
    table = estimate(_rows(rows), spec, ["E0", "E1", "E2"], [2010, 2014]).backtest
    assert list(table.columns) == list(engine.BACKTEST_COLUMNS)
    assert (table["indicator"] == "S").all() and (table["test"] == "leave-one-out").all()
    first = table[table["step"] == 1].set_index("horizon")
    assert list(first.index) == ["all", "1"]
    interp = first.loc["all"]
    # t = 1, 2, 3 interpolated: t = 1 lies 0.5 above its line, so t = 2 is 0.25 too high
    assert interp["n"] == 9 and interp["method"] == "interpolate (linear)"
    assert interp["bias"] == pytest.approx((-0.5 + 0.25 + 0.0) / 3)
    assert interp["mae"] == pytest.approx((0.5 + 0.25 + 0.0) / 3)
    assert interp["mae_scale"] == pytest.approx(interp["mae"])
    # the baseline carries the previous year: errors 2.5, 1.5, 2 on t = 1, 2, 3
    assert interp["mae_baseline"] == pytest.approx((2.5 + 1.5 + 2.0) / 3)
    assert interp["mae_scale_baseline"] == pytest.approx(interp["mae_baseline"])
    assert interp["q90"] == pytest.approx(0.5) and interp["coverage"] == 1.0
    assert bool(interp["beats_baseline"]) is True
    carry = table[table["step"] == 2].set_index("horizon")
    assert carry.loc["all", "n"] == 3 and carry.loc["all", "method"] == "carry_forward"
    assert carry.loc["all", "beats_baseline"] is None
    assert carry.loc["all", "mae"] == pytest.approx(2.0)


def test_coverage_counts_errors_at_or_below_q90() -> None:
    rows = []
    for e in range(4):
        rows += [(f"E{e}", "S", 2010, 0.0, False), (f"E{e}", "S", 2012, 0.0, False),
                 (f"E{e}", "S", 2011, float(e), False)]  # fmt: skip
    spec = _parse(
        '[[cascade]]\nindicators = ["S"]\nsteps = [{ method = "interpolate", form = "linear" }]\n'
    )
    table = estimate(_rows(rows), spec, ["E0", "E1", "E2", "E3"], [2010, 2012]).backtest
    overall = table[table["horizon"] == "all"].iloc[0]
    # |errors| 0, 1, 2, 3: q90 = 2.7, three of four within
    assert overall["q90"] == pytest.approx(2.7) and overall["coverage"] == 0.75
    assert overall["beats_baseline"] == False  # noqa: E712  (the baseline carries 0: exact)


def test_width_by_horizon_then_overall_then_widest() -> None:
    widths = {("a", -1): 1.0, ("a", 1): 1.5, ("a", 2): 2.0, ("a", 3): 3.0, ("b", -1): 5.0}
    h = np.array([0, 1, 2, 3, 7])
    assert engine._width(widths, "a", h).tolist() == [1.0, 1.5, 2.0, 3.0, 3.0]
    assert engine._width({("a", 2): 2.0, ("b", 1): 0.5}, "a", h).tolist() == [
        2.0,
        2.0,
        2.0,
        2.0,
        2.0,
    ]
    assert engine._width(widths, "c", h).tolist() == [5.0] * 5
    assert np.isnan(engine._width({}, "a", h)).all()
    assert engine._horizon_bucket(np.array([0, 1, 3, 4, 9])).tolist() == [0, 1, 3, 3, 3]


def test_naive_baseline_carries_any_age_else_group_median_else_year_median() -> None:
    official = np.array([
        [1.0, NAN, NAN, NAN],
        [NAN, 4.0, NAN, 8.0],
        [NAN, 6.0, NAN, 20.0],
        [NAN, 30.0, NAN, NAN],
        [NAN, NAN, NAN, NAN],
    ])  # fmt: skip
    grid = Grid("S", np.array(list("ABCDE")), np.arange(2010, 2014), official, ~np.isnan(official))
    plain = engine.naive(grid, methods.Context())
    assert plain[0].tolist() == [1.0, 1.0, 1.0, 1.0]  # carried three years and more
    # official cells predict from before; before any, the year's median
    assert plain[1].tolist() == [1.0, 6.0, 4.0, 4.0]
    assert plain[4, [0, 1, 3]].tolist() == [1.0, 6.0, 14.0] and np.isnan(plain[4, 2])
    groups = np.array([["lo"] * 4, ["lo"] * 4, ["hi"] * 4, ["hi"] * 4, ["hi"] * 4], dtype=object)
    grouped = engine.naive(grid, methods.Context(categories={"income_group": groups}))
    assert grouped[4, 1] == 18.0 and grouped[4, 3] == 20.0  # the hi median of the year
    assert grouped[1, 1] == 4.0  # the lo median of 2011 (plain: 6)
    assert grouped[2, 0] == 1.0  # no hi value in 2010: the year's median
    assert np.isnan(grouped[4, 2])  # nobody in 2012


def test_targets_use_and_unsorted_inputs() -> None:
    rows = [("B", "S", 2010, 1.0, False), ("B", "S", 2013, 4.0, False),
            ("A", "S", 2010, 2.0, False), ("A", "S", 2013, 8.0, False)]  # fmt: skip
    spec = _parse(
        '[[cascade]]\nindicators = ["S"]\nuse = ["aggregates"]\n'
        'steps = [{ method = "interpolate", form = "linear" }]\n'
    )
    every = estimate(_rows(rows), spec, ["B", "A", "B"], [2013, 2010]).estimates
    assert list(zip(every["economy"], every["year"], strict=True)) == [
        ("A", 2011), ("A", 2012), ("B", 2011), ("B", 2012),
    ]  # fmt: skip
    assert every["cascade"].eq("test.toml").all() and list(every.columns) == list(
        engine.ESTIMATE_COLUMNS
    )
    only = estimate(_rows(rows), spec, ["A", "B"], [2010, 2013], targets=[2012]).estimates
    assert only["year"].tolist() == [2012, 2012]
    assert estimate(_rows(rows), spec, ["A", "B"], [2010, 2013], use="index").estimates.empty
    assert (
        len(estimate(_rows(rows), spec, ["A", "B"], [2010, 2013], use="aggregates").estimates) == 4
    )


def test_nesting_cap_applies_only_where_the_cap_has_a_value() -> None:
    rows = [("A", "G3", 2010, 50.0, False), ("A", "G3", 2012, 50.0, False),
            ("A", "G4", 2010, 40.0, False), ("A", "G4", 2012, 80.0, False),
            ("A", "G4", 2014, 80.0, False),
            ("B", "G4", 2010, 10.0, False), ("B", "G4", 2012, 30.0, False)]  # fmt: skip
    spec = _parse(
        '[[cascade]]\nindicators = ["G3"]\nsteps = [{ method = "interpolate", form = "linear" }]\n'
        '[[cascade]]\nindicators = ["G4"]\nat_most = "G3"\n'
        'steps = [{ method = "interpolate", form = "linear" }]\n'
    )
    got = estimate(_rows(rows), spec, ["A", "B"], [2010, 2014]).estimates
    g4 = got[got["indicator"] == "G4"].set_index(["economy", "year"])["value"]
    assert g4[("A", 2011)] == 50.0  # 60, capped by 3G's estimate 50
    assert g4[("A", 2013)] == 80.0  # 3G has no value in 2013: no cap
    assert g4[("B", 2011)] == 20.0  # 3G has no value for B at all


def test_an_earlier_estimate_feeds_a_later_cascade_as_covariate() -> None:
    economies = [f"E{e}" for e in range(5)]
    rows = []
    for e, name in enumerate(economies):
        rows += [(name, "X", 2010, 10.0 * e, False), (name, "X", 2012, 10.0 * e + 2, False)]
        rows += [(name, "Y", 2011, 2.0 * e, False)] if e < 4 else []
    spec = _parse(
        '[[cascade]]\nindicators = ["X"]\nsteps = [{ method = "interpolate", form = "linear" }]\n'
        '[[cascade]]\nindicators = ["Y"]\n'
        'steps = [{ method = "regression", covariates = ["X"], min_donors = 3, ridge = 0.0 }]\n'
    )
    context = engine._context(_rows(rows), spec, np.array(economies), np.arange(2010, 2013), {})
    assert list(context.covariates) == ["X"] and context.covariate_scales == {"X": "identity"}
    got = estimate(_rows(rows), spec, economies, [2010, 2012]).estimates
    y = got[got["indicator"] == "Y"].set_index(["economy", "year"])["value"]
    # X in 2011 is an estimate (10 e + 1); Y = 2 e fits it exactly: E4 → 8
    assert y[("E4", 2011)] == pytest.approx(8.0)
    merged = engine._with_estimates(context, {"X": np.full((5, 3), 7.0), "Z": np.zeros((5, 3))})
    assert merged.covariates["X"][:, 1].tolist() == [7.0] * 5
    assert merged.covariates["X"][:, 0].tolist() == [0.0, 10.0, 20.0, 30.0, 40.0]
    assert set(merged.covariates) == {"X"}
    assert engine._with_estimates(context, {}) is context


def test_a_reported_estimate_is_kept_as_the_cap_of_a_nested_indicator() -> None:
    rows = [("A", "G3", 2011, 30.0, True), ("A", "G4", 2010, 40.0, False),
            ("A", "G4", 2012, 60.0, False)]  # fmt: skip
    spec = _parse(
        '[[cascade]]\nindicators = ["G3"]\nsteps = []\n'
        '[[cascade]]\nindicators = ["G4"]\nat_most = "G3"\n'
        'steps = [{ method = "interpolate", form = "linear" }]\n'
    )
    got = estimate(_rows(rows), spec, ["A"], [2010, 2012]).estimates
    assert got["value"].tolist() == [30.0]


def test_a_cascade_may_carry_a_note_and_its_parts_are_frozen() -> None:
    (only,) = _parse(
        '[[cascade]]\nindicators = ["A"]\nnote = "why"\nsteps = [{ method = "carry_forward" }]\n'
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        only.scale = "log"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        only.steps[0].method = "x"  # type: ignore[misc]


# --- methods ------------------------------------------------------------------------------


def _g(values: list[list[float]], start: int = 2010) -> Grid:
    official = np.array(values, dtype=float)
    economies = np.array([f"E{i}" for i in range(official.shape[0])])
    years = np.arange(start, start + official.shape[1])
    return Grid("X", economies, years, official, ~np.isnan(official))


CTX = methods.Context()


def test_registries_name_exactly_what_each_kind_reads() -> None:
    assert {
        "interpolate": {"max_gap", "form"},
        "extrapolate": {"scale", "points", "window", "max_years", "damping", "non_decreasing",
                        "backwards", "max_slope"},
        "group_trend": {"scale", "by", "max_years", "pair_years", "non_decreasing"},
        "carry_forward": {"max_years"},
        "regression": {"scale", "covariates", "categories", "ridge", "min_donors",
                       "min_covariates"},
        "hot_deck": {"scale", "covariates", "by", "k", "penalty"},
    } == methods.PARAMETERS  # fmt: skip
    assert methods.KIND == {
        "interpolate": "interpolated", "extrapolate": "extrapolated",
        "group_trend": "extrapolated", "carry_forward": "extrapolated",
        "regression": "modelled", "hot_deck": "modelled",
    }  # fmt: skip
    assert set(methods.REGISTRY) == set(methods.PARAMETERS)
    assert methods.REGISTRY["hot_deck"] is methods.hot_deck


def test_interpolation_defaults_geometric_within_eight_years() -> None:
    grid = _g(
        [[10.0, *[NAN] * 7, 90.0, NAN], [10.0, *[NAN] * 8, 90.0], [4.0, NAN, 0.0, *[NAN] * 7]]
    )
    got = methods.interpolate(grid, CTX, {})
    assert got.value[0, 1] == pytest.approx(10.0 * 9.0 ** (1 / 8))
    assert got.horizon[0].tolist() == [0, 1, 2, 3, 4, 3, 2, 1, 0, 0]
    assert np.isnan(got.value[1, 1:9]).all() and (got.horizon[1] == 0).all()  # 9 years apart
    assert got.value[2, 1] == pytest.approx(2.0)  # a zero end: linear, not constant growth
    mask = np.zeros(grid.shape, bool)
    mask[0, 3] = True
    assert got.describe(mask).tolist() == ["constant growth between 2010 and 2018"]
    linear = methods.interpolate(grid, CTX, {"form": "linear", "max_gap": 9})
    assert linear.value[1, 1] == pytest.approx(10.0 + 80.0 / 9)
    assert linear.describe(mask).tolist() == ["linear between 2010 and 2018"]


def test_interpolation_of_a_decline_and_between_positive_values() -> None:
    got = methods.interpolate(_g([[80.0, NAN, 20.0, 30.0]]), CTX, {"form": "geometric"})
    assert got.value[0, 1] == pytest.approx(40.0)
    assert got.value[0, 2] == pytest.approx(80.0 * (30.0 / 80.0) ** (2 / 3))  # leave-one-out


def test_carry_forward_defaults_to_three_years() -> None:
    got = methods.carry_forward(_g([[5.0, NAN, NAN, NAN, NAN], [NAN, 2.0, 3.0, NAN, NAN]]), CTX, {})
    assert got.value[0, 1:4].tolist() == [5.0, 5.0, 5.0] and np.isnan(got.value[0, [0, 4]]).all()
    assert got.horizon.tolist() == [[0, 1, 2, 3, 0], [0, 0, 1, 1, 2]]
    assert got.value[1, 2:].tolist() == [2.0, 3.0, 3.0]
    mask = np.zeros((2, 5), bool)
    mask[1, 4] = True
    assert got.describe(mask).tolist() == ["official value of 2012"]


def _trend(row: list[float], **params: object) -> np.ndarray:
    return methods.extrapolate(_g([row]), CTX, {"max_slope": 10.0, **params}).value[0]


def test_extrapolation_defaults_three_years_three_points_backwards_too() -> None:
    got = methods.extrapolate(_g([[NAN, 0.0, 0.2, 0.4, *[NAN] * 4]]), CTX, {})
    assert got.value[0, 4:7] == pytest.approx([0.6, 0.8, 1.0]) and np.isnan(got.value[0, 7])
    assert got.value[0, 0] == pytest.approx(-0.2)  # backwards from the first value
    assert got.horizon[0, [0, 4, 5, 6, 7]].tolist() == [1, 1, 2, 3, 0]
    mask = np.zeros((1, 8), bool)
    mask[0, [0, 5]] = True
    assert got.describe(mask).tolist() == [
        "identity trend through up to 3 official values to 2011, horizon 1",
        "identity trend through up to 3 official values to 2013, horizon 2",
    ]
    forwards = methods.extrapolate(_g([[NAN, 0.0, 0.2, 0.4, NAN]]), CTX, {"backwards": False})
    assert np.isnan(forwards.value[0, 0]) and forwards.value[0, 4] == pytest.approx(0.6)


def test_extrapolation_slope_is_bounded_damped_and_floored() -> None:
    steep = [0.0, 1.0, 2.0, NAN]
    assert methods.extrapolate(_g([steep]), CTX, {}).value[0, 3] == pytest.approx(2.5)  # max 0.5
    assert _trend(steep)[3] == pytest.approx(3.0)
    assert _trend([0.0, -1.0, -2.0, NAN])[3] == pytest.approx(-3.0)
    assert methods.extrapolate(_g([[0.0, -1.0, -2.0, NAN]]), CTX, {}).value[0, 3] == pytest.approx(
        -2.5
    )
    assert _trend(steep, damping=0.5)[3] == pytest.approx(2.5)
    assert _trend([3.0, 2.0, 1.0, NAN], non_decreasing=True)[3] == pytest.approx(1.0)
    assert _trend([NAN, 3.0, 2.0, 1.0], non_decreasing=True)[0] == pytest.approx(3.0)
    assert _trend([NAN, 3.0, 2.0, 1.0])[0] == pytest.approx(4.0)
    assert _trend([0.0, 1.0, 3.0, NAN], points=2)[3] == pytest.approx(5.0)
    assert _trend([0.0, 1.0, 3.0, NAN])[3] == pytest.approx(4.5)  # slope 1.5 through three
    assert np.isnan(_trend([NAN, 3.0, NAN, NAN])).all()  # one point: no trend


def test_extrapolation_window_is_inclusive() -> None:
    row = [0.0, NAN, NAN, 1.0, 2.0, NAN]
    assert _trend(row, window=3)[5] == pytest.approx(3.0)  # 2010 is 4 years before 2014
    assert _trend(row, window=4)[5] == pytest.approx(2.0 + 36 / 78)
    assert _trend(row)[5] == pytest.approx(2.0 + 36 / 78)


def test_extrapolation_max_years_is_inclusive_on_the_logit_scale() -> None:
    got = methods.extrapolate(
        _g([[50.0, 60.0, NAN, NAN]]), CTX, {"scale": "logit", "max_years": 2, "points": 2}
    )
    step = np.log(0.6 / 0.4)
    assert got.value[0, 3] == pytest.approx(100 / (1 + np.exp(-3 * step)))


def _labels(*rows: str, years: int) -> dict[str, np.ndarray]:
    return {"income": np.array([[r] * years for r in rows], dtype=object)}


def test_group_trend_moves_at_the_median_pace_of_the_group() -> None:
    grid = _g([[0.0, 1.0, NAN, NAN], [10.0, NAN, 16.0, NAN], [5.0, NAN, NAN, NAN],
               [NAN, NAN, 7.0, NAN]])  # fmt: skip
    ctx = methods.Context(categories=_labels("lo", "lo", "hi", "lo", years=4))
    got = methods.group_trend(grid, ctx, {"by": "income"})
    # lo changes: 1 a year (E0), 3 a year over two years (E1): median 2
    assert got.value[0, 2:].tolist() == pytest.approx([3.0, 5.0])
    assert got.value[1, 3] == pytest.approx(18.0) and got.horizon[1, 3] == 1
    assert np.isnan(got.value[2]).all()  # no change measured in hi
    assert got.value[0, 1] == pytest.approx(2.0)  # an official cell from its own past
    assert got.value[3, 3] == pytest.approx(9.0)
    paired = methods.group_trend(grid, ctx, {"by": "income", "pair_years": 1})
    assert paired.value[0, 2] == pytest.approx(2.0)  # E1's two-year pair left out: pace 1
    near = methods.group_trend(grid, ctx, {"by": "income", "pair_years": 2, "max_years": 1})
    assert near.value[0, 2] == pytest.approx(3.0) and np.isnan(near.value[0, 3])
    mask = np.zeros(grid.shape, bool)
    mask[0, 2] = True
    assert got.describe(mask).tolist() == [
        "official value of 2011 moved at the median yearly identity change of its income (lo)"
    ]
    pooled = methods.group_trend(grid, ctx, {})
    assert pooled.value[2, 1] == pytest.approx(7.0)  # one group of all: pace 2


def test_group_trend_default_limits_and_floor() -> None:
    grid = _g([[0.0, *[NAN] * 6, 7.0, NAN, NAN, NAN], [0.0, 2.0, *[NAN] * 9],
               [1.0, *[NAN] * 10]])  # fmt: skip
    got = methods.group_trend(grid, CTX, {})
    assert got.value[2, 1] == pytest.approx(3.0)  # the 7-year pair is left out: pace 2
    assert got.value[2, 8] == pytest.approx(17.0) and np.isnan(got.value[2, 9])  # 8 years
    falling = _g([[4.0, 3.0, NAN], [9.0, NAN, NAN]])
    assert methods.group_trend(falling, CTX, {}).value[1, 1] == pytest.approx(8.0)
    floored = methods.group_trend(falling, CTX, {"non_decreasing": True})
    assert floored.value[1, 1:].tolist() == [9.0, 9.0]


def _regression_context(n: int, gap_x: float = 3.0) -> tuple[Grid, methods.Context]:
    x = np.arange(n + 1, dtype=float)[:, None] * np.ones((1, 2))
    x[n] = gap_x
    y = 2.0 * x + 1.0
    y[n] = NAN
    official = y.copy()
    return _g(official.tolist()), methods.Context(covariates={"C": x, "X": x * 0})


def test_regression_fits_per_year_from_twenty_donors_by_default() -> None:
    grid, ctx = _regression_context(20)
    got = methods.regression(grid, ctx, {"covariates": ["C"], "ridge": 0.0})
    assert got.value[20].tolist() == pytest.approx([7.0, 7.0])
    assert got.value[:20, 0] == pytest.approx(2.0 * np.arange(20) + 1.0)  # leave-one-out
    assert (got.horizon == 0).all()
    assert np.isnan(methods.regression(*_regression_context(19), {"covariates": ["C"]}).value).all()
    few = methods.regression(*_regression_context(5), {"covariates": ["C"], "min_donors": 5,
                                                       "ridge": 0.0})  # fmt: skip
    assert few.value[5, 1] == pytest.approx(7.0)
    mask = np.zeros(grid.shape, bool)
    mask[20, 1] = True
    assert got.describe(mask).tolist() == [
        "ridge regression on the identity scale: C; fitted on 20 official economies of the year"
    ]


def test_regression_default_ridge_is_one() -> None:
    grid, ctx = _regression_context(20, gap_x=0.0)
    default = methods.regression(grid, ctx, {"covariates": ["C"]}).value
    one = methods.regression(grid, ctx, {"covariates": ["C"], "ridge": 1.0}).value
    two = methods.regression(grid, ctx, {"covariates": ["C"], "ridge": 2.0}).value
    assert default[20, 0] == one[20, 0] and default[20, 0] != pytest.approx(two[20, 0])
    assert 1.0 < default[20, 0] < 2.0 * 0.0 + 20.0  # shrunk towards the mean


def test_regression_needs_a_covariate_value_and_three_values_of_a_covariate() -> None:
    grid, ctx = _regression_context(20)
    x = ctx.covariates["C"].copy()
    x[20] = NAN
    holes = methods.Context(covariates={"C": x})
    assert np.isnan(methods.regression(grid, holes, {"covariates": ["C"]}).value[20]).all()
    anyway = methods.regression(grid, holes, {"covariates": ["C"], "min_covariates": 0})
    assert np.isfinite(anyway.value[20]).all()
    sparse = np.full(x.shape, NAN)
    sparse[:3] = [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    three = methods.regression(grid, methods.Context(covariates={"C": sparse}),
                               {"covariates": ["C"], "ridge": 0.0})  # fmt: skip
    # the covariate is used: not the intercept-only leave-one-out mean of the others
    assert three.value[0, 0] != pytest.approx(399 / 19)
    sparse[2] = NAN
    two = methods.regression(grid, methods.Context(covariates={"C": sparse}),
                             {"covariates": ["C"], "ridge": 0.0})  # fmt: skip
    assert np.isnan(two.value[20, 0])  # economy 20 has no value; two values: no column
    assert two.value[0, 0] == pytest.approx(399 / 19)  # intercept only: the others' mean


def test_regression_category_dummies_leave_the_first_level_out() -> None:
    n = 21
    y = np.where(np.arange(n) % 2 == 0, 10.0, 30.0)[:, None] * np.ones((1, 2))
    y[0] = NAN
    labels = np.array([["a" if e % 2 == 0 else "b"] * 2 for e in range(n)], dtype=object)
    cov = np.arange(n, dtype=float)[:, None] * np.ones((1, 2))
    ctx = methods.Context(covariates={"C": cov}, categories={"g": labels})
    got = methods.regression(_g(y.tolist()), ctx, {"covariates": ["C"], "categories": ["g"],
                                                    "ridge": 1e-9, "min_donors": 3})  # fmt: skip
    assert got.value[0, 0] == pytest.approx(10.0, abs=1e-3)


def test_inverse_is_exact_for_small_matrices_and_falls_back_on_a_zero_pivot() -> None:
    assert methods._inverse(np.array([[2.0, 0.0], [0.0, 4.0]])).tolist() == [
        [0.5, 0.0],
        [0.0, 0.25],
    ]
    spd = np.array([[4.0, 2.0, 0.5], [2.0, 3.0, 1.0], [0.5, 1.0, 2.0]])
    assert methods._inverse(spd) == pytest.approx(np.linalg.inv(spd))
    singular = np.array([[0.0, 0.0], [0.0, 2.0]])
    assert methods._inverse(singular) == pytest.approx(np.linalg.pinv(singular))
    assert methods._inverse(np.array([[np.inf]])).shape == (1, 1)


def _deck(k: int | None = None, **params: object) -> methods.Proposal:
    x = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [NAN]])
    official = [[10.0], [20.0], [30.0], [40.0], [NAN], [NAN]]
    labels = np.array([["hi"], ["hi"], ["hi"], ["lo"], ["hi"], ["hi"]], dtype=object)
    ctx = methods.Context(covariates={"C": x}, categories={"g": labels})
    extra = {"k": k} if k is not None else {}
    return methods.hot_deck(_g(official), ctx, {"covariates": ["C"], **extra, **params})


def test_hot_deck_takes_the_three_nearest_by_default() -> None:
    got = _deck()
    assert got.value[4, 0] == pytest.approx(30.0)  # E3, E2, E1
    assert got.value[0, 0] == pytest.approx(30.0)  # E1, E2, E3: never itself
    assert np.isnan(got.value[5, 0])  # no covariate
    mask = np.zeros((6, 1), bool)
    mask[4, 0] = True
    assert got.describe(mask).tolist() == ["mean of the 3 nearest official economies: E3, E2, E1"]
    assert _deck(2).value[4, 0] == pytest.approx(35.0)
    assert np.isnan(_deck(4).value).all()  # four donors are too few for k = 4


def test_hot_deck_penalises_donors_of_another_category() -> None:
    assert _deck(by="g").value[4, 0] == pytest.approx(20.0)  # E3 is lo: E2, E1, E0
    assert _deck(by="g", penalty=0.0).value[4, 0] == pytest.approx(30.0)
    assert _deck(by="missing").value[4, 0] == pytest.approx(30.0)


def test_an_estimation_is_frozen() -> None:
    """Both tables are handed on together; neither may be swapped for another run's."""
    result = estimate(_rows([("A", "S", 2010, 1.0, False)]), [], ["A"], [2010])
    assert result.estimates.empty and result.backtest.empty
    assert list(result.backtest.columns) == list(engine.BACKTEST_COLUMNS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.estimates = result.backtest  # type: ignore[misc]


def test_a_cap_not_estimated_for_this_use_caps_nothing() -> None:
    rows = [("A", "G3", 2010, 50.0, False), ("A", "G3", 2012, 50.0, False),
            ("A", "G4", 2010, 40.0, False), ("A", "G4", 2012, 80.0, False)]  # fmt: skip
    spec = _parse(
        '[[cascade]]\nindicators = ["G3"]\nuse = ["aggregates"]\n'
        'steps = [{ method = "interpolate", form = "linear" }]\n'
        '[[cascade]]\nindicators = ["G4"]\nat_most = "G3"\n'
        'steps = [{ method = "interpolate", form = "linear" }]\n'
    )
    got = estimate(_rows(rows), spec, ["A"], [2010, 2012], use="index").estimates
    assert got[["indicator", "value"]].values.tolist() == [["G4", 60.0]]


def test_a_cascade_declared_in_code_serves_both_uses_and_context_proposal_are_frozen() -> None:
    declared = cascade.Cascade("S", "identity", (None, None), ())
    assert declared.use == frozenset({"aggregates", "index"}) and declared.at_most is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        CTX.covariates = {}  # type: ignore[misc]
    proposal = methods.carry_forward(_g([[1.0, NAN]]), CTX, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        proposal.value = proposal.horizon  # type: ignore[misc]


def test_naive_baseline_carries_a_value_of_any_age() -> None:
    grid = _g([[1.0, *[NAN] * 12], [NAN, *[5.0] * 12]])
    # twelve years on, still the economy's own value, not the year's median 5
    assert engine.naive(grid, CTX)[0].tolist() == [1.0] * 13


def test_both_tables_are_numbered_from_zero_across_steps_and_cascades() -> None:
    rows = [("A", "S", 2010, 1.0, False), ("A", "S", 2012, 3.0, False),
            ("A", "T", 2010, 1.0, False), ("A", "T", 2011, 2.0, False)]  # fmt: skip
    spec = _parse(
        '[[cascade]]\nindicators = ["S", "T"]\n'
        'steps = [{ method = "interpolate", form = "linear" }, { method = "carry_forward" }]\n'
    )
    result = estimate(_rows(rows), spec, ["A"], [2010, 2013])
    assert result.estimates.index.tolist() == list(range(len(result.estimates)))
    assert len(result.estimates) == 4  # S 2011 interpolated, S 2013 and T 2012–13 carried
    assert result.backtest.index.tolist() == list(range(len(result.backtest)))
    assert set(result.backtest["indicator"]) == {"S", "T"}


def test_interpolation_horizon_counts_from_the_nearer_side_of_a_late_gap() -> None:
    got = methods.interpolate(_g([[NAN, 10.0, NAN, NAN, 40.0]]), CTX, {"form": "linear"})
    assert got.horizon[0].tolist() == [0, 0, 1, 1, 0]
    assert got.value[0, 2:4] == pytest.approx([20.0, 30.0])


def test_group_trend_horizon_is_zero_where_it_reaches_nothing() -> None:
    grid = _g([[0.0, 1.0, NAN, NAN], [10.0, NAN, 16.0, NAN], [NAN, NAN, 7.0, NAN]])
    got = methods.group_trend(grid, CTX, {})
    assert np.isnan(got.value[2, :3]).all()  # nothing before 2012 to move from
    assert got.horizon[2].tolist() == [0, 0, 0, 1]


def test_regression_counts_every_covariate_an_economy_has() -> None:
    grid, ctx = _regression_context(20)
    both = methods.Context(covariates={"C": ctx.covariates["C"], "D": ctx.covariates["C"] ** 2})
    got = methods.regression(grid, both, {"covariates": ["C", "D"], "min_covariates": 2})
    assert np.isfinite(got.value).all()
    d = both.covariates["D"].copy()
    d[20] = NAN
    one = methods.Context(covariates={"C": both.covariates["C"], "D": d})
    short = methods.regression(grid, one, {"covariates": ["C", "D"], "min_covariates": 2})
    assert np.isnan(short.value[20]).all() and np.isfinite(short.value[:20]).all()


def test_a_horizon_without_ten_errors_takes_the_steps_overall_width() -> None:
    """Ten one-year errors 1 … 10 (q90 9.1) and five two-year errors 0: the overall q90 of
    all fifteen is 8.6, narrower than the one-year width, and serves horizon 2."""
    rows = []
    for e in range(10):
        rows += [(f"E{e}", "S", 2010, 0.0, False), (f"E{e}", "S", 2011, e + 1.0, False)]
    for f in range(5):
        rows += [(f"F{f}", "S", 2010, 5.0, False), (f"F{f}", "S", 2012, 5.0, False)]
    rows += [("G", "S", 2010, 50.0, False)]
    spec = _parse('[[cascade]]\nindicators = ["S"]\nsteps = [{ method = "carry_forward" }]\n')
    economies = sorted({r[0] for r in rows})
    got = estimate(_rows(rows), spec, economies, [2010, 2012]).estimates
    g = got[got["economy"] == "G"].set_index("year")
    assert g.loc[2011, "low"] == pytest.approx(50.0 - 9.1)
    assert g.loc[2012, "horizon"] == 2
    assert (g.loc[2012, "low"], g.loc[2012, "high"]) == (pytest.approx(41.4), pytest.approx(58.6))


def test_extrapolation_default_window_is_eight_years() -> None:
    assert _trend([0.0, *[NAN] * 7, 1.0, 2.0, NAN])[10] == pytest.approx(3.0)  # 9 years back
    near = _trend([0.0, *[NAN] * 6, 1.0, 2.0, NAN])  # 8 years back: in the window
    assert near[9] != pytest.approx(3.0)


def test_extrapolation_chain_stops_at_the_first_column() -> None:
    """Four points asked, three exist: the first column is used once, not twice."""
    assert _trend([0.0, 1.0, 3.0, NAN], points=4)[3] == pytest.approx(4.5)


def test_a_regular_matrix_never_takes_the_pseudo_inverse(monkeypatch) -> None:
    """pinv runs on LAPACK, whose kernels vary by environment: pivots below 1 stay on the
    plain elimination."""

    def refuse(matrix: np.ndarray) -> np.ndarray:
        raise AssertionError("pseudo-inverse of a regular matrix")

    monkeypatch.setattr(np.linalg, "pinv", refuse)
    small = np.array([[0.5, 0.1], [0.1, 0.4]])
    assert methods._inverse(small) @ small == pytest.approx(np.eye(2))


def test_hot_deck_default_penalty_is_ten_standard_deviations() -> None:
    """109 economies at 0 and one at 1: that one lies 110 / √109 ≈ 10.54 standard deviations
    away, farther than a donor of another category at 0 (10), nearer than 11."""
    x = np.zeros((110, 1))
    x[1] = 1.0
    official = np.full((110, 1), NAN)
    official[0], official[1] = 100.0, 200.0  # E0: category b at 0; E1: category a at 1
    labels = np.array([["b"]] + [["a"]] * 109, dtype=object)
    ctx = methods.Context(covariates={"C": x}, categories={"g": labels})
    got = methods.hot_deck(_g(official.tolist()), ctx, {"covariates": ["C"], "by": "g", "k": 1})
    assert got.value[2, 0] == pytest.approx(100.0)
    params = {"covariates": ["C"], "by": "g", "k": 1, "penalty": 11.0}
    farther = methods.hot_deck(_g(official.tolist()), ctx, params)
    assert farther.value[2, 0] == pytest.approx(200.0)


def test_constant_growth_holds_for_values_below_one() -> None:
    got = methods.interpolate(_g([[0.5, NAN, 2.0], [2.0, NAN, 0.5]]), CTX, {})
    assert got.value[:, 1] == pytest.approx([1.0, 1.0])  # not the linear 1.25


def test_regression_sets_a_missing_covariate_to_the_years_mean() -> None:
    """Y = 3 D; economy 20 lacks D and is predicted at D's mean over the others (19 / 2 + 5)."""
    n = 21
    d = (np.arange(n, dtype=float) + 5.0)[:, None]
    c = ((7 * np.arange(n)) % 5).astype(float)[:, None]
    y = 3.0 * d
    y[20] = NAN
    d_missing = d.copy()
    d_missing[20] = NAN
    ctx = methods.Context(covariates={"C": c, "D": d_missing})
    got = methods.regression(_g(y.tolist()), ctx, {"covariates": ["C", "D"], "ridge": 0.0})
    assert got.value[20, 0] == pytest.approx(3.0 * (9.5 + 5.0))


def test_a_constant_covariate_is_a_column_of_zeros() -> None:
    grid, ctx = _regression_context(20)
    flat = methods.Context(covariates={"C": ctx.covariates["C"], "K": np.ones((21, 2))})
    got = methods.regression(grid, flat, {"covariates": ["C", "K"]})
    assert np.isfinite(got.value).all()


def test_an_unlabelled_economy_belongs_to_the_first_level() -> None:
    """Levels a, b and a missing label: the dummy is b's alone, so unlabelled economies share
    a's mean (a 10, unlabelled 50: together 30), b is 30 apart."""
    n = 24
    y = np.array([[10.0]] * 8 + [[30.0]] * 8 + [[50.0]] * 8)
    labels = np.array([["a"]] * 8 + [["b"]] * 8 + [[""]] * 8, dtype=object)
    for missing in ("", "nan", "None"):
        labels[16:] = missing
        ctx = methods.Context(covariates={"C": np.arange(n, dtype=float)[:, None] % 2},
                              categories={"g": labels})  # fmt: skip
        got = methods.regression(_g(y.tolist()), ctx, {"covariates": ["C"], "categories": ["g"],
                                                       "ridge": 1e-9, "min_donors": 3})  # fmt: skip
        fitted = got.value[[0, 8, 16], 0]
        assert fitted[1] > 25.0 and abs(fitted[0] - fitted[2]) < 10.0, missing
