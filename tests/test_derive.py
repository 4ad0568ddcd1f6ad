"""Derived indicators (pipeline/derive.py): each formula kind, breakdowns, flags, provenance."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.derive import REGISTRY, derive, parse, with_derived
from pipeline.observations import (
    NEUTRAL,
    OBSERVATION_COLUMNS,
    OBSERVATION_SCHEMA,
    TOTAL,
    observation_table,
)

#: Derived values are exact arithmetic on the inputs.
REL_TOL = 1e-12


def _obs(indicator: str, value: float, *, economy: str = "AAA", year: int = 2022, **extra):
    row = {"economy": economy, "year": year, "indicator": indicator, "value": value}
    return row | {"source_file": f"{economy}_admin.xlsx", "sheet": "Mobile", "cell": "D5"} | extra


def _frame(rows: list[dict]) -> pd.DataFrame:
    return observation_table(rows)


POPULATION = pd.DataFrame(
    {"economy": ["AAA", "BBB"], "year": [2022, 2022], "population": [2_000_000.0, 500_000.0]}
)


def _one(result: pd.DataFrame, indicator: str, **dims: str) -> pd.Series:
    rows = result[result["indicator"] == indicator]
    for name, value in dims.items():
        rows = rows[rows[name] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_per100_known_answer_and_provenance() -> None:
    result = derive(_frame([_obs("i271", 2_400_000.0, estimate=True)]), POPULATION)
    row = _one(result, "i911")
    assert row["value"] == pytest.approx(120.0, rel=REL_TOL)
    assert row["kind"] == "derived"
    assert row["cell"] == "per100(i271)"
    assert row["source_file"] == "AAA_admin.xlsx"
    assert row["sheet"] == "Mobile"
    assert row["unit"] == "per 100 inhabitants"
    assert bool(row["estimate"]) is True


def test_ratio_estimate_is_any_input_and_lists_both_files() -> None:
    rows = [
        _obs("i136mwi", 1_000_000.0, source_file="a.xlsx"),
        _obs("i271mw", 4_000.0, estimate=True, source_file="b.xlsx"),
    ]
    row = _one(derive(_frame(rows), POPULATION), "i136mwi_subs")
    assert row["value"] == pytest.approx(250.0, rel=REL_TOL)
    assert bool(row["estimate"]) is True
    assert row["source_file"] == "a.xlsx; b.xlsx"
    assert row["cell"] == "ratio(i136mwi;i271mw)"


def test_ratio_uses_denominator_total_across_its_breakdowns() -> None:
    rows = [
        _obs("i135tfb", 9_000.0),
        _obs("i4213tfbb", 30.0),
        _obs("i4213tfbb", 10.0, technology="FIBRE"),
    ]
    row = _one(derive(_frame(rows), POPULATION), "i135tfb_subs")
    assert row["value"] == pytest.approx(300.0, rel=REL_TOL)


def test_per100_keeps_allowed_breakdowns_only() -> None:
    rows = [
        _obs("i4213tfbb", 400_000.0),
        _obs("i4213tfbb", 100_000.0, speed="IS_GE10M"),
        _obs("i4213tfbb", 50_000.0, technology="FIBRE"),
    ]
    result = derive(_frame(rows), POPULATION)
    fbb = result[result["indicator"] == "i992b"]
    assert sorted(fbb["speed"]) == ["IS_GE10M", TOTAL]
    assert set(fbb["technology"]) == {TOTAL}
    assert _one(result, "i992b", speed="IS_GE10M")["value"] == pytest.approx(5.0, rel=REL_TOL)


def test_per_internet_user_converts_mbits_to_bits_per_user() -> None:
    rows = [_obs("i4214", 100_000.0), _obs("HH7", 50.0, kind="household", source_file="h.xlsx")]
    row = _one(derive(_frame(rows), POPULATION), "i994")
    assert row["value"] == pytest.approx(100_000.0 * 1e6 / 1_000_000.0, rel=REL_TOL)
    assert row["source_file"] == "AAA_admin.xlsx; h.xlsx"


def test_missing_population_or_zero_denominator_gives_no_row() -> None:
    rows = [
        _obs("i271", 10.0, economy="CCC"),
        _obs("i136mwi", 5.0),
        _obs("i271mw", 0.0),
    ]
    result = derive(_frame(rows), POPULATION)
    assert result[result["indicator"].isin(["i911", "i136mwi_subs"])].empty
    assert len(result[result["indicator"] == "i911mw"]) == 1  # 0 subscriptions per 100 is valid


def test_output_is_a_valid_observation_table_and_vectorised_over_economies() -> None:
    rows = [_obs("i271", 1_000.0 * (k + 1), economy=e) for k, e in enumerate(["AAA", "BBB"])]
    result = derive(_frame(rows), POPULATION)
    OBSERVATION_SCHEMA.validate(result)
    values = result.set_index("economy")["value"]
    assert values["AAA"] == pytest.approx(0.05, rel=REL_TOL)
    assert values["BBB"] == pytest.approx(0.4, rel=REL_TOL)


def test_with_derived_keeps_inputs_and_adds_rows() -> None:
    observations = _frame([_obs("i271", 2_000_000.0)])
    combined = with_derived(observations, POPULATION)
    assert set(combined["indicator"]) == {"i271", "i911"}


def test_empty_observations_give_empty_valid_table() -> None:
    result = derive(_frame([]), POPULATION)
    assert result.empty
    assert list(result.columns) == list(OBSERVATION_COLUMNS)


@pytest.mark.parametrize(
    ("formula", "problem"),
    [("per100", "form"), ("sqrt(i271)", "unknown"), ("ratio(i1)", "argument")],
)
def test_parse_rejects_malformed_formulas(formula: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse(formula)


def test_every_registry_formula_is_used_by_the_dictionary() -> None:
    from pipeline.dictionary import indicators

    used = {parse(text)[0] for text in indicators()["derivation"].dropna()}
    assert used == set(REGISTRY)


def test_reported_value_wins_over_derived_and_only_limits_work() -> None:
    rows = [_obs("i271", 2_000_000.0), _obs("i911", 99.0, kind="admin"), _obs("i271mw", 10.0)]
    combined = with_derived(_frame(rows), POPULATION, only=["i911"])
    assert _one(combined, "i911")["value"] == 99.0
    assert "i911mw" not in set(combined["indicator"])


def test_with_derived_survives_a_reported_key_given_twice() -> None:
    """A derived indicator reported twice for one key (a frame not yet through the schema,
    e.g. two returns concatenated) made the clash merge longer than the derived rows:
    ValueError "Item wrong length"."""
    rows = [
        _obs("i271", 2_000_000.0),
        _obs("i911", 99.0),
        _obs("i911", 98.0, cell="D6"),
        _obs("i271", 1_000_000.0, economy="BBB"),
    ]
    full = [NEUTRAL | row for row in rows]
    unvalidated = pd.DataFrame(full, columns=list(OBSERVATION_COLUMNS))  # the schema refuses it
    combined = with_derived(unvalidated, POPULATION, only=["i911"])
    mobile = combined[combined["indicator"] == "i911"]
    assert sorted(mobile["value"]) == [98.0, 99.0, 200.0]
    assert mobile.loc[mobile["economy"] == "BBB", "kind"].tolist() == ["derived"]
