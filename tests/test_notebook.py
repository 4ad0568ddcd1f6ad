"""The walkthrough notebook runs top to bottom on a real run's outputs.

Code cells are executed in order in one namespace with ``exec`` (what a kernel does, minus the
display machinery), so no Jupyter dependency is needed; the notebook's own ``assert`` cells
check that the score reproduced by hand equals the index stage's to 1e-9.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
from runner import shipped_run

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


def code_cells(path: Path) -> list[str]:
    """Source of every code cell, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_notebook_is_valid_nbformat_4():
    data = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert data["nbformat"] == 4
    assert all(not cell.get("outputs") for cell in data["cells"] if cell["cell_type"] == "code")


@pytest.mark.slow
def test_notebook_reproduces_a_score(monkeypatch):
    processed, _, _ = shipped_run()
    monkeypatch.setenv("ICTSTATS_PROCESSED", str(processed))
    matplotlib.use("Agg")
    namespace: dict[str, object] = {"__name__": "__main__"}
    for number, source in enumerate(code_cells(NOTEBOOK), start=1):
        exec(compile(source, f"walkthrough.ipynb cell {number}", "exec"), namespace)
    assert namespace["ECONOMY"] in set(namespace["scores"]["economy"])
    assert namespace["figure"].axes


@pytest.mark.slow
def test_notebook_names_an_unscored_economy_instead_of_a_key_error(monkeypatch):
    """ICTSTATS_ECONOMY naming an economy without an index score (fewer indicators than the
    edition's min_share needs) stops at the choice of economy with a message saying so, not
    with a KeyError deep in the by-hand aggregation."""
    processed, _, _ = shipped_run()
    scores = pd.read_parquet(processed / "index" / "idi_2025" / "scores.parquet")
    scored = set(scores.loc[scores["node"] == "IDI", "economy"])
    excluded = pd.read_parquet(processed / "index" / "idi_2025" / "excluded.parquet")
    unscored = sorted(set(excluded["economy"]) - scored)[0]
    monkeypatch.setenv("ICTSTATS_PROCESSED", str(processed))
    monkeypatch.setenv("ICTSTATS_ECONOMY", unscored)
    matplotlib.use("Agg")
    namespace: dict[str, object] = {"__name__": "__main__"}
    cells = code_cells(NOTEBOOK)
    exec(compile(cells[0], "walkthrough.ipynb cell 1", "exec"), namespace)
    with pytest.raises(AssertionError, match=f"{unscored} has no idi_2025 score"):
        exec(compile(cells[1], "walkthrough.ipynb cell 2", "exec"), namespace)
