"""The SDG stage function and its closing note, without the command around them
(pipeline/sdg/stage.py, pipeline/sdg/cli.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from test_sdg_series import observation, observations

from pipeline.sdg import run
from pipeline.sdg.cli import closing_note
from pipeline.sdg.definitions import load_methodology
from pipeline.sdg.stage import SdgTables, definitions_frame, sdg_regions

ECONOMIES = pd.DataFrame(
    {
        "economy": ["AAA", "BBB"],
        "m49": [4, 8],
        "itu_region": "Africa",
        "ldc": False,
        "lldc": False,
        "sids": False,
        "income_group": "L",
    }
)
POPULATION = pd.DataFrame({"economy": ["AAA", "BBB"], "year": 2023, "population": 1e6})
INCOME = pd.DataFrame({"economy": ["AAA"], "year": [2023], "income_group": ["L"]})


def test_the_methodology_given_is_the_one_used() -> None:
    shipped = load_methodology()
    only = dataclasses.replace(shipped, series=(shipped.by_code()["IT_MOB_OWN"],))
    obs = observations(observation("HH7", 50.0), observation("HH18", 60.0))
    tables = run(obs, POPULATION, ECONOMIES, INCOME, only)
    assert set(tables.series["series"]) == {"IT_MOB_OWN"}
    assert {"IT_MOB_OWN", "IT_USE_II99"} <= set(
        run(obs, POPULATION, ECONOMIES, INCOME).series["series"]
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        tables.series = pd.DataFrame()  # type: ignore[misc]


def test_definitions_frame_and_regions_carry_what_aggregation_reads() -> None:
    shipped = load_methodology()
    first = dataclasses.replace(shipped.series[0], min_coverage=0.6)
    methodology = dataclasses.replace(shipped, series=(first, *shipped.series[1:]))
    frame = definitions_frame(methodology)
    assert list(frame.columns) == ["weight", "aggregation", "unit", "min_coverage"]
    assert list(frame.index) == [s.code for s in methodology.series]
    assert frame.loc[first.code, "min_coverage"] == 0.6
    regions = sdg_regions()
    assert str(regions["m49"].dtype) == "Int64"
    assert {"economy", "sdg_region"} <= set(regions.columns)


def _tables(aggregates: pd.DataFrame) -> SdgTables:
    series = pd.DataFrame(
        {"indicator_sdg": ["17.8.1"], "series": ["IT_USE_II99"], "economy": ["AAA"],
         "year": [2023], "value": [50.0]}
    )  # fmt: skip
    return SdgTables(series, aggregates, pd.DataFrame({"x": [1]}), pd.DataFrame())


def test_closing_note_counts_published_aggregates_below_the_sending_threshold() -> None:
    threshold = load_methodology().sdmx["aggregate_min_coverage"]
    aggregates = pd.DataFrame(
        {
            "series": "IT_USE_II99",
            "published": [True, True, False, True, True],
            "m49": pd.array([1, None, 2, 3, 4], dtype="Int64"),
            "coverage": [threshold - 0.01, 0.1, 0.1, threshold, 1.0],
        }
    )
    note = closing_note(_tables(aggregates))
    assert f"Aggregates published but not sent (coverage below {threshold:.0%}): 1" in note
    assert "SDMX-CSV rows: 1 " in note
    assert "Left out of SDMX-CSV" not in note
    note = closing_note(_tables(aggregates.assign(coverage=1.0)))
    assert "published but not sent" not in note


def test_closing_note_lists_the_rows_left_out() -> None:
    left = pd.DataFrame({"series": ["IT_USE_II99"], "reason": ["economy without M49 code"],
                         "rows": [3]})  # fmt: skip
    none = pd.DataFrame(columns=["series", "published", "m49", "coverage"])
    note = closing_note(dataclasses.replace(_tables(none), left_out=left)).splitlines()
    assert note[-3] == "Left out of SDMX-CSV:"
    assert "economy without M49 code" in note[-1]
    assert "Left out" not in closing_note(_tables(none))


def test_prepared_date_is_the_latest_submission_else_today() -> None:
    import datetime as dt

    from pipeline.sdg.cli import prepared_date

    rows = pd.DataFrame({"DATA_LAST_UPDATE": ["2024-03-01", "", "2024-05-02", "2023-12-31"]})
    assert prepared_date(rows) == "2024-05-02T00:00:00"
    today = f"{dt.date.today().isoformat()}T00:00:00"
    assert prepared_date(rows.iloc[[1]]) == today
    assert prepared_date(rows.iloc[:0]) == today


def test_closing_note_table_counts_series_economies_and_published_aggregates() -> None:
    aggregates = pd.DataFrame(
        {
            "series": "IT_USE_II99",
            "published": [True, False],
            "m49": pd.array([1, 2], dtype="Int64"),
            "coverage": [1.0, 1.0],
        }
    )
    left = pd.DataFrame({"series": ["IT_MOB_OWN"], "reason": ["no code"], "rows": [3]})
    lines = closing_note(dataclasses.replace(_tables(aggregates), left_out=left)).splitlines()
    assert lines[0] == "SDG series × economies:"
    assert lines[1].split() == [
        "indicator_sdg", "series", "economies", "years", "first_year", "last_year", "rows",
        "aggregates_published", "aggregates",
    ]  # fmt: skip
    assert lines[2].split() == ["17.8.1", "IT_USE_II99", "1", "1", "2023", "2023", "1", "1", "2"]
    assert lines[-2].split() == ["series", "reason", "rows"], "no row numbers"
    assert lines[-1].split() == ["IT_MOB_OWN", "no", "code", "3"]
