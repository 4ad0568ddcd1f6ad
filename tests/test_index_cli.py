"""``ictstats index`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_index_golden import DATA, published_observations

from pipeline.cli import main
from pipeline.index.tables import (
    EXCLUDED_COLUMNS,
    NORMALISED_COLUMNS,
    SCORE_COLUMNS,
    WEIGHT_COLUMNS,
)
from pipeline.store import read_table, write_table

#: Recomputed IDI vs published (1-decimal inputs), as in test_index_golden.
IDI_TOLERANCE = 0.075


@pytest.fixture
def processed(tmp_path: Path) -> Path:
    table = pd.read_csv(DATA / "idi_2024_data.csv", dtype=str, keep_default_na=False)
    write_table(published_observations(table, 2022), tmp_path / "ingest", "observations")
    return tmp_path


def test_index_writes_scores_normalised_and_weights(processed: Path) -> None:
    assert main(["index", "--edition", "idi_2024", "--processed", str(processed)]) == 0
    out = processed / "index" / "idi_2024"
    scores = read_table(out, "scores")
    assert tuple(scores.columns) == SCORE_COLUMNS
    assert tuple(read_table(out, "normalised").columns) == NORMALISED_COLUMNS
    assert tuple(read_table(out, "weights").columns) == WEIGHT_COLUMNS
    assert tuple(read_table(out, "excluded").columns) == EXCLUDED_COLUMNS
    assert (out / "scores.csv").exists()
    assert set(scores["year"]) == {2021, 2022}
    finland = scores[(scores["economy"] == "FIN") & (scores["node"] == "IDI")]
    assert finland.loc[finland["year"] == 2022, "score_rounded"].item() == 98.1  # published


def test_index_year_option_keeps_one_year(processed: Path) -> None:
    args = ["index", "--edition", "idi_2024", "--year", "2022", "--processed", str(processed)]
    assert main(args) == 0
    scores = read_table(processed / "index" / "idi_2024", "scores")
    assert set(scores["year"]) == {2022}


def test_index_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--list"]) == 0
    out = capsys.readouterr().out
    assert "idi_2017" in out and "idi_2025" in out
    assert "reference year 2022" in next(line for line in out.splitlines() if "idi_2024" in line)


@pytest.mark.parametrize("args", [["index"], ["index", "--edition", "idi_1999"]])
def test_index_usage_errors_exit_2(args: list[str], processed: Path) -> None:
    assert main([*args, "--processed", str(processed)]) == 2


def test_index_without_observations_exits_2(tmp_path: Path) -> None:
    assert main(["index", "--edition", "idi_2024", "--processed", str(tmp_path)]) == 2


def test_as_of_accepts_latest_in_any_case_and_iso_dates() -> None:
    import argparse
    import dataclasses

    from pipeline import vintage
    from pipeline.index.cli import _as_of_date, cutoff
    from pipeline.index.methodology import load

    assert _as_of_date(" Latest ") == vintage.LATEST
    assert _as_of_date("2024-03-01") == "2024-03-01"
    with pytest.raises(argparse.ArgumentTypeError):
        _as_of_date("March 2024")
    edition = load("idi_2024")
    assert cutoff(edition, "2020-01-31") == "2020-01-31", "--as-of wins"
    assert cutoff(edition, None) == "2024-05-31", "else the edition's as_of"
    undated = dataclasses.replace(
        edition, edition={k: v for k, v in edition.edition.items() if k != "as_of"}
    )
    assert cutoff(undated, None) == vintage.LATEST, "else every value known"


def test_year_option_computes_the_year_before_and_filters_every_table(
    processed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["index", "--edition", "idi_2024", "--year", "2022", "--as-of", "latest"]
    assert main([*args, "--processed", str(processed)]) == 0
    note = capsys.readouterr().err
    out = processed / "index" / "idi_2024"
    scores = read_table(out, "scores")
    top = scores[scores["level"] == scores["level"].max()]
    excluded, notes = read_table(out, "excluded"), read_table(out, "notes")
    assert (
        f"index idi_2024 (every value known): {top['economy'].nunique()} economies scored over "
        f"1 year(s), {len(excluded)} economy-years below the inclusion threshold, "
        f"{len(notes[['economy', 'year']].drop_duplicates())} unscored economy-years explained"
    ) in note, "the note counts what was written"
    assert scores["previous_score"].notna().any(), "2021 computed for the change"
    for name in ("normalised", "excluded", "notes"):
        assert set(read_table(out, name)["year"]) <= {2022}, name
    assert set(read_table(out, "normalised")["year"]) == {2022}
    assert main(["index", "--edition", "idi_2024", "--processed", str(processed)]) == 0
    assert "(values known on 2024-05-31)" in capsys.readouterr().err
    assert {2021, 2022} <= set(read_table(out, "notes")["year"]) | set(
        read_table(out, "excluded")["year"]
    )
