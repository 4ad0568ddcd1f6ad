"""The index tree of an edition: each node with its children, children before parents.

An edition file lists indicators and nodes (pillars, sub-indices, the index) each naming its
``parent`` (schemas/indices/README.md); the methodology checker has already refused cycles,
orphans and empty nodes and given every node its ``level`` counted from the bottom. The index
engine aggregates in this order and the uncertainty model is wired in it, so both walk the
same tree from here rather than each re-deriving the children of a node.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the methodology checker imports this module while methodology loads
    from pipeline.index.methodology import Methodology


def members(methodology: Methodology) -> pd.DataFrame:
    """Every indicator then every node, one row each (code, parent, weight …), file order."""
    return pd.concat([methodology.indicators, methodology.nodes], ignore_index=True)


def children(rows: pd.DataFrame, nodes: Iterable[str]) -> dict[str, list[int]]:
    """Each node code with children → the positions in ``rows`` of its children, in ``rows``'
    order; rows whose parent is missing or not one of ``nodes`` belong to no node.

    The one definition of a node's children: the checker derives the levels from it and
    :func:`bottom_up` hands the engine the children's rows in this order.
    """
    parents = rows["parent"]
    inside = parents.isin(set(nodes)).to_numpy()
    positions = pd.Series(np.flatnonzero(inside))
    grouped = positions.groupby(parents.to_numpy()[inside], sort=False)
    return {code: list(group) for code, group in grouped}


def bottom_up(methodology: Methodology) -> Iterator[tuple[Any, pd.DataFrame]]:
    """(node, its children's rows) for every node, lower levels first (ties in file order).

    Children come indicators first, then nodes, each in the order the edition lists them:
    the order of the weight vectors and of the aggregated arrays.
    """
    rows = members(methodology)
    of = children(rows, methodology.nodes["code"])
    for node in methodology.nodes.sort_values("level", kind="stable").itertuples(index=False):
        yield node, rows.iloc[of.get(node.code, [])]
