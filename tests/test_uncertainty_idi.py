"""The IDI 2024 design on ITU's published values: model parity, intervals, indices, CLI.

Data: tests/data/uncertainty/idi_2024_published_values.csv (PROVENANCE.md): the 109 economies
with all ten values published in ITU's IDI 2024 dataset.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.index.engine import compute_edition
from pipeline.observations import DIMENSION_NAMES, OBSERVATION_COLUMNS, TOTAL
from pipeline.store import read_table, write_table
from pipeline.uncertainty import spec
from pipeline.uncertainty.analysis import RANK_COLUMNS, SENSITIVITY_COLUMNS, analyse
from pipeline.uncertainty.edition import model_from_result
from pipeline.uncertainty.model import nominal_scores

DATA = Path(__file__).parent / "data" / "uncertainty"
REFERENCE_YEAR = 2022
#: The model re-runs the index engine's arithmetic on the same arrays.
PARITY_TOLERANCE = 1e-9


def observations() -> pd.DataFrame:
    values = pd.read_csv(DATA / "idi_2024_published_values.csv")
    frame = values.assign(
        **{dimension: TOTAL for dimension in DIMENSION_NAMES},
        unit="",
        break_in_series=False,
        footnote="",
        kind="external",
        source_file="IDIDataset.xlsx",
        sheet="",
        cell=values["indicator"],
    )
    return frame[list(OBSERVATION_COLUMNS)]


@pytest.fixture(scope="module")
def edition():
    result = compute_edition(observations(), "idi_2024", years=[REFERENCE_YEAR], cascades=[])
    return result, model_from_result(result)


@pytest.fixture(scope="module")
def analysed(edition):
    _, model = edition
    return analyse(model, spec.load("idi_2024", model))  # the shipped design, as published


def test_model_nominal_scores_equal_the_index_engine(edition) -> None:
    result, model = edition
    scores = result.scores[result.scores["year"] == REFERENCE_YEAR]
    nominal = pd.DataFrame(nominal_scores(model), index=list(model.economies), columns=model.codes)
    assert len(model.economies) == 109
    for node in ("IDI", "UC", "MC", "COV"):
        engine = scores[scores["node"] == node].set_index("economy")["score"]
        np.testing.assert_allclose(nominal[node], engine.loc[nominal.index], atol=PARITY_TOLERANCE)


def test_tables_have_the_architecture_columns(analysed) -> None:
    assert tuple(analysed.ranks.columns) == RANK_COLUMNS
    assert tuple(analysed.sensitivity.columns) == SENSITIVITY_COLUMNS
    assert len(analysed.ranks) == 109
    assert len(analysed.sensitivity) == (109 + 1) * 4


def test_rank_intervals_contain_the_nominal_rank(analysed) -> None:
    ranks = analysed.ranks
    assert (ranks["p05_rank"] <= ranks["nominal_rank"]).all()
    assert (ranks["nominal_rank"] <= ranks["p95_rank"]).all()
    assert (ranks["p05_score"] <= ranks["nominal_score"] + 1e-9).mean() > 0.95


def test_indices_lie_in_unit_interval_within_confidence_intervals(analysed) -> None:
    table = analysed.sensitivity.dropna(subset=["first_order", "total"])
    assert (table["first_order_low"] <= 1).all() and (table["first_order_high"] >= 0).all()
    assert (table["total_low"] <= 1).all() and (table["total_high"] >= 0).all()
    index = analysed.sensitivity[analysed.sensitivity["target"] == "mean_abs_rank_shift"]
    assert index[["first_order", "total"]].notna().all().all()


def test_cli_writes_tables_and_charts(tmp_path: Path) -> None:
    write_table(observations(), tmp_path / "ingest", "observations")
    code = main(["uncertainty", "--edition", "idi_2024", "--n", "64", "--processed", str(tmp_path)])
    assert code == 0
    out = tmp_path / "uncertainty" / "idi_2024"
    assert tuple(read_table(out, "ranks").columns) == RANK_COLUMNS
    assert tuple(read_table(out, "sensitivity").columns) == SENSITIVITY_COLUMNS
    for chart in ("rank_intervals.png", "sensitivity.png"):
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_refuses_unknown_edition_and_tiny_samples(tmp_path: Path) -> None:
    assert main(["uncertainty", "--edition", "idi_1999", "--processed", str(tmp_path)]) == 2
    assert main(["uncertainty", "--edition", "idi_2024", "--n", "1"]) == 2


def test_cli_without_observations_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["uncertainty", "--edition", "idi_2024", "--processed", str(tmp_path)]) == 2
