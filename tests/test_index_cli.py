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


@pytest.mark.parametrize("args", [["index"], ["index", "--edition", "idi_1999"]])
def test_index_usage_errors_exit_2(args: list[str], processed: Path) -> None:
    assert main([*args, "--processed", str(processed)]) == 2


def test_index_without_observations_exits_2(tmp_path: Path) -> None:
    assert main(["index", "--edition", "idi_2024", "--processed", str(tmp_path)]) == 2
