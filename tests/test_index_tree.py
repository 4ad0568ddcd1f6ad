"""The index tree: members, the children of each node, and the bottom-up walk the engine and
the uncertainty model both follow (pipeline/index/tree.py)."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pandas as pd
import pytest

import pipeline
from pipeline.index import tree
from pipeline.index.methodology import load


@pytest.fixture(scope="module")
def methodology():
    return load("idi_2024")


def test_members_are_indicators_then_nodes_with_one_label_each(methodology) -> None:
    rows = tree.members(methodology)
    codes = [*methodology.indicators["code"], *methodology.nodes["code"]]
    assert list(rows["code"]) == codes
    assert list(rows.index) == list(range(len(codes))), "positions and labels agree"


def test_children_are_positions_in_row_order_keyed_by_first_child() -> None:
    rows = pd.DataFrame(
        {
            "code": ["i1", "i2", "i3", "i4", "P2", "P1", "IDX"],
            "parent": ["P2", "P1", "P2", "nowhere", "IDX", "IDX", np.nan],
        }
    )
    of = tree.children(rows, ["IDX", "P1", "P2"])
    assert list(of) == ["P2", "P1", "IDX"], "in the order of each node's first child"
    assert of == {"P2": [0, 2], "P1": [1], "IDX": [4, 5]}
    assert tree.children(rows, []) == {}


def test_bottom_up_yields_each_node_after_its_child_nodes_with_its_children_rows(
    methodology,
) -> None:
    rows = tree.members(methodology)
    seen: set[str] = set()
    walked = []
    for node, children in tree.bottom_up(methodology):
        assert node._fields == tuple(methodology.nodes.columns), "the node's own fields only"
        expected = rows[rows["parent"] == node.code]
        pd.testing.assert_frame_equal(children, expected)
        assert set(children["code"]) & set(methodology.nodes["code"]) <= seen
        seen.add(node.code)
        walked.append(node.code)
    assert sorted(walked) == sorted(methodology.nodes["code"])
    assert walked[-1] == methodology.index


def test_methodology_imports_before_the_tree(monkeypatch) -> None:
    """The checker imports the tree while the methodology module is still loading, so the
    tree must not need the Methodology class at import time."""
    monkeypatch.setattr(pipeline, "index", pipeline.index)  # restored with the modules
    for name in [n for n in sys.modules if n.startswith("pipeline.index")]:
        monkeypatch.delitem(sys.modules, name)
    module = importlib.import_module("pipeline.index.methodology")
    assert hasattr(module, "Methodology")
