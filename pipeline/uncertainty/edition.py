"""An index edition computed by :func:`pipeline.index.engine.compute_edition` as an IndexModel.

The replication engine starts from what the index engine used for the nominal scores: the
values after the imputation chain (lags, estimates) and the edition's fixed transforms
(IDI 2023+ Annex 1: ln(x+1) traffic), the economies that passed the inclusion rule, and the
methodology's methods, parameters, weights and tree. Normalisation parameters in value units
(goalposts, thresholds) are transformed like the values, as the index engine does.
The nominal scores of the model equal the index engine's (tests/test_uncertainty_idi.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.index import normalise, treat, tree
from pipeline.index.engine import IndexResult
from pipeline.index.methodology import Methodology
from pipeline.uncertainty.model import IndexModel, MethodStep, Node


def _steps(indicators: pd.DataFrame, column: str) -> tuple[MethodStep, ...]:
    """One step per method, with per-column parameter arrays (NaN where unset)."""
    methods = indicators[column].map(lambda spec: spec["method"]).to_numpy()
    steps = []
    for method in dict.fromkeys(methods):
        columns = np.flatnonzero(methods == method)
        specs = indicators[column].iloc[columns]
        names = sorted({key for spec in specs for key in spec if key != "method"})
        params = {n: np.array([float(s.get(n, np.nan)) for s in specs]) for n in names}
        if column == "normalisation":
            transforms = indicators["transform"].iloc[columns].tolist()
            for name in normalise.VALUE_PARAMETERS & set(params):
                params[name] = np.array(
                    [
                        treat.transform(t, np.array([v]))[0]
                        for t, v in zip(transforms, params[name], strict=True)
                    ]
                )
        steps.append(MethodStep(str(method), columns, params))
    return tuple(steps)


def _nodes(methodology: Methodology) -> tuple[Node, ...]:
    nodes = methodology.nodes.sort_values("level", kind="stable")
    codes = list(methodology.indicators["code"]) + list(nodes["code"])
    column = {code: position for position, code in enumerate(codes)}
    built = []
    for node, children in tree.bottom_up(methodology):
        spec = dict(node.aggregation)
        built.append(
            Node(
                code=str(node.code),
                children=np.asarray([column[c] for c in children["code"]], dtype=int),
                weights=children["weight"].to_numpy(dtype=float),
                aggregation=str(spec.pop("method")),
                params=spec,
                min_share=float(node.min_share),
            )
        )
    return tuple(built)


def model_from_result(result: IndexResult, year: int | None = None) -> IndexModel:
    """The edition's model for one data year (default: the methodology's reference year)."""
    methodology = result.methodology
    year = year if year is not None else methodology.reference_year
    top = result.scores[(result.scores["node"] == methodology.index)]
    top = top[top["year"] == year] if year is not None else top
    economies = sorted(top["economy"].unique())
    rows = result.normalised
    rows = rows[rows["economy"].isin(economies)]
    rows = rows[rows["year"] == year] if year is not None else rows
    codes = list(methodology.indicators["code"])
    wide = rows.pivot_table(
        index="economy", columns="indicator", values="transformed", aggfunc="first", dropna=False
    )
    wide = wide.reindex(index=economies, columns=codes)
    return IndexModel(
        name=methodology.name,
        economies=tuple(economies),
        indicators=tuple(codes),
        inputs={"edition": wide.to_numpy(dtype=float)},
        direction=methodology.indicators["direction"].to_numpy(dtype=float),
        treatment=_steps(methodology.indicators, "treatment"),
        normalisation=_steps(methodology.indicators, "normalisation"),
        nodes=_nodes(methodology),
    )
