"""COINr's ASEM example (51 economies, 49 indicators, 4 levels) as an :class:`IndexModel`.

This is the peer-comparison case for the uncertainty engine: COINr 1.1.14 measures
84–87 ms per replication on it. The nominal pipeline follows ``build_example_coin()`` in
COINr 1.1.14 (R/examples.R): ``Denominate`` by the metadata's denominators, ``Impute`` with
``i_mean_grp`` by ``EurAsia_group``, ``Treat`` with the default skew/kurtosis rule and
``winmax = 5``, ``Normalise`` min-max to [0, 100], ``Aggregate`` by weighted arithmetic
mean. COINr's ``Screen(dat_thresh = 0.9)`` step runs on the imputed set, where every unit has
full data, so it removes nobody and is not repeated here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.paths import SCHEMAS
from pipeline.uncertainty.model import IndexModel, MethodStep, Node

#: COINr's example data, shipped with the methodology (provenance in its SOURCES.md).
COINR_REFERENCE = SCHEMAS / "examples" / "coinr_asem"
GROUP = "EurAsia_group"


def load_frames(directory: Path = COINR_REFERENCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr's ``ASEM_iMeta`` and ``ASEM_iData`` as exported to CSV."""
    return pd.read_csv(directory / "asem_imeta.csv"), pd.read_csv(directory / "asem_idata.csv")


def denominated(meta: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """Indicator columns divided by their denominator column, where the metadata names one."""
    indicators = meta.loc[meta["Type"] == "Indicator"]
    values = data[indicators["iCode"].tolist()].astype(float)
    denominators = indicators.set_index("iCode")["Denominator"].dropna()
    for code, denominator in denominators.items():
        values[code] = values[code] / data[denominator].astype(float)
    return values


def group_mean_imputed(values: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Missing values filled with the mean of the same group (COINr ``i_mean_grp``)."""
    return values.fillna(values.groupby(groups.to_numpy()).transform("mean"))


def _nodes(meta: pd.DataFrame, indicators: list[str]) -> tuple[Node, ...]:
    aggregates = meta.loc[meta["Type"] == "Aggregate"].sort_values("Level", kind="stable")
    codes = indicators + aggregates["iCode"].tolist()
    column = {code: position for position, code in enumerate(codes)}
    members = meta.loc[meta["Type"].isin(["Indicator", "Aggregate"])]
    nodes = []
    for code in aggregates["iCode"]:
        children = members.loc[members["Parent"] == code]
        nodes.append(
            Node(
                code=code,
                children=np.asarray([column[c] for c in children["iCode"]], dtype=int),
                weights=children["Weight"].to_numpy(dtype=float),
            )
        )
    return tuple(nodes)


def asem_model(directory: Path = COINR_REFERENCE, winmax: int = 5) -> IndexModel:
    """The ASEM example as COINr's ``build_example_coin()`` builds it."""
    meta, data = load_frames(directory)
    values = denominated(meta, data)
    imputed = group_mean_imputed(values, data[GROUP])
    indicators = values.columns.tolist()
    direction = meta.set_index("iCode").loc[indicators, "Direction"].to_numpy(dtype=float)
    every = np.arange(len(indicators))
    return IndexModel(
        name="coinr_asem",
        economies=tuple(data["uCode"]),
        indicators=tuple(indicators),
        inputs={"group_mean": imputed.to_numpy(), "none": values.to_numpy()},
        direction=direction,
        treatment=(MethodStep("skew_kurtosis", every, {"winmax": np.asarray(winmax)}),),
        normalisation=(MethodStep("minmax", every, {}),),
        nodes=_nodes(meta, indicators),
    )
