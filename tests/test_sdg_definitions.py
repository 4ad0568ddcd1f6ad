"""The shipped SDG methodology is clean, and a broken one reports every problem."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from pipeline.dictionary import indicators
from pipeline.sdg.definitions import (
    SDG_SCHEMAS,
    SeriesDefinition,
    load_methodology,
    methodology_problems,
)

#: The five SDG indicators for which ITU is custodian and the series each must produce.
EXPECTED = {
    "4.4.1": {"SE_ADT_ACTS"},
    "5.b.1": {"IT_MOB_OWN"},
    "9.c.1": {"IT_MOB_2GNTWK", "IT_MOB_3GNTWK", "IT_MOB_4GNTWK", "IT_MOB_5GNTWK"},
    "17.6.1": {"IT_NET_BBND", "IT_NET_BBNDN"},
    "17.8.1": {"IT_USE_II99"},
}


def test_shipped_methodology_is_clean() -> None:
    methodology = load_methodology()
    assert methodology_problems(methodology, frozenset(indicators()["code"])) == []


def test_five_indicators_and_their_series() -> None:
    found: dict[str, set[str]] = {}
    for series in load_methodology().series:
        found.setdefault(series.indicator_sdg, set()).add(series.code)
    assert found == EXPECTED


def test_series_sources_are_the_dictionary_sdg_indicators() -> None:
    """Each source indicator carries the same SDG indicator in schemas/indicators.csv."""
    table = indicators()
    for series in load_methodology().series:
        assert str(table.at[series.source, "sdg"]) == series.indicator_sdg, series.code


def test_breakdowns_are_allowed_by_the_dictionary() -> None:
    table = indicators()
    for series in load_methodology().series:
        allowed = set(table.at[series.source, "breakdowns"])
        assert set(series.breakdowns) <= allowed, series.code


def _broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sdg"
    shutil.copytree(SDG_SCHEMAS, target)
    text = (target / "series.toml").read_text(encoding="utf-8")
    text = text.replace('formula = "per100"', 'formula = "per1000"', 1)
    text = text.replace('breakdowns = ["skill", "sex"]', 'breakdowns = ["skill", "colour"]', 1)
    text = text.replace('aggregation = "sum"', 'aggregation = "median"', 1)
    (target / "series.toml").write_text(text, encoding="utf-8")
    return target


def test_broken_methodology_reports_every_problem_at_once(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="schemas/sdg problems") as error:
        load_methodology(_broken_copy(tmp_path))
    message = str(error.value)
    assert "IT_NET_BBND: unknown formula 'per1000'" in message
    assert "SE_ADT_ACTS: unknown breakdown 'colour'" in message
    assert "IT_NET_BBNDN: unknown aggregation 'median'" in message


def test_missing_keys_are_named(tmp_path: Path) -> None:
    target = tmp_path / "sdg"
    shutil.copytree(SDG_SCHEMAS, target)
    text = (target / "series.toml").read_text(encoding="utf-8")
    (target / "series.toml").write_text(text.replace('unit = "PT"\n', "", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"series #1: missing unit"):
        load_methodology(target)


def test_unknown_source_indicator_is_a_problem() -> None:
    methodology = load_methodology()
    problems = methodology_problems(methodology, frozenset({"HH7"}))
    assert any("unknown source indicator 'i271pop'" in p for p in problems)


COVERAGES = [(0, True), (0.0, True), (1, True), (1.0, True), (1.01, False), (-0.01, False),
             (None, True)]  # fmt: skip


@pytest.mark.parametrize(("coverage", "clean"), COVERAGES)
def test_series_min_coverage_within_zero_and_one(coverage: float | None, clean: bool) -> None:
    methodology = load_methodology()
    series = dataclasses.replace(methodology.series[0], min_coverage=coverage)
    problems = methodology_problems(dataclasses.replace(methodology, series=(series,)))
    expected = f"series.toml series {series.code}: min_coverage {coverage} is not in [0, 1]"
    assert problems == ([] if clean else [expected])


def test_definitions_are_read_only_and_sent_to_sdmx_unless_they_say_not() -> None:
    methodology = load_methodology()
    with pytest.raises(dataclasses.FrozenInstanceError):
        methodology.series = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        methodology.series[0].code = "X"  # type: ignore[misc]
    fields = {f.name: f.default for f in dataclasses.fields(SeriesDefinition)}
    assert fields["sdmx"] is True and fields["min_coverage"] is None


def test_a_series_is_sent_to_sdmx_when_the_file_does_not_say(tmp_path: Path) -> None:
    target = tmp_path / "sdg"
    shutil.copytree(SDG_SCHEMAS, target)
    text = (target / "series.toml").read_text(encoding="utf-8")
    (target / "series.toml").write_text(text.replace("sdmx = true\n", "", 1), encoding="utf-8")
    assert load_methodology(target).series[0].sdmx is True


def test_a_series_defined_twice_is_a_problem_and_totals_only_complements_breakdowns() -> None:
    methodology = load_methodology()
    first = methodology.series[0]
    twice = dataclasses.replace(methodology, series=(first, first))
    assert methodology_problems(twice) == [f"series.toml: series {first.code} defined twice"]
    assert first.breakdowns == ("sex", "age", "area")
    assert first.totals_only == ("speed", "technology", "skill")
