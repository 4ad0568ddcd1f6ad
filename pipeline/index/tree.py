"""The index tree of an edition: each node with its children, children before parents.

An edition file lists indicators and nodes (pillars, sub-indices, the index) each naming its
``parent`` (schemas/indices/README.md); the methodology checker has already refused cycles,
orphans and empty nodes and given every node its ``level`` counted from the bottom. The index
engine aggregates in this order and the uncertainty model is wired in it, so both walk the
same tree from here rather than each re-deriving the children of a node.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from pipeline.index.methodology import Methodology


def members(methodology: Methodology) -> pd.DataFrame:
    """Every indicator then every node, one row each (code, parent, weight …), file order."""
    return pd.concat([methodology.indicators, methodology.nodes], ignore_index=True)


def bottom_up(methodology: Methodology) -> Iterator[tuple[Any, pd.DataFrame]]:
    """(node, its children's rows) for every node, lower levels first (ties in file order).

    Children come indicators first, then nodes, each in the order the edition lists them:
    the order of the weight vectors and of the aggregated arrays.
    """
    rows = members(methodology)
    for node in methodology.nodes.sort_values("level", kind="stable").itertuples(index=False):
        yield node, rows[rows["parent"] == node.code]
