"""Checks of an index methodology: every problem is collected, none stops the others.

Used by :mod:`pipeline.index.methodology`. Each check returns a list of plain-language problem
texts naming the key they concern (``indicators[HH7].normalisation.goalpost``), so a
statistician can fix a file in one pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from graphlib import CycleError, TopologicalSorter
from typing import Any

import pandas as pd

from pipeline.index import tree

#: Weights within a parent must sum to 1 within this tolerance (absolute weights).
WEIGHT_SUM_TOLERANCE = 1e-6
TIE_RULES = ("distinct", "min", "average")
WEIGHT_MODES = ("absolute", "relative")

Registries = Mapping[str, tuple[Mapping[str, Any], Mapping[str, frozenset], Mapping[str, Any]]]


def _edition(edition: Mapping[str, Any]) -> list[str]:
    problems = [f"edition.{key} is missing" for key in ("name", "index") if key not in edition]
    if edition.get("ties") not in TIE_RULES:
        problems.append(f"edition.ties {edition.get('ties')!r} is not one of {TIE_RULES}")
    if edition.get("weights") not in WEIGHT_MODES:
        problems.append(f"edition.weights {edition.get('weights')!r} not in {WEIGHT_MODES}")
    return problems


def _codes(nodes: pd.DataFrame, indicators: pd.DataFrame, known: set[str] | None) -> list[str]:
    problems = []
    codes = pd.concat([nodes["code"], indicators["code"]], ignore_index=True)
    if codes.isna().any():
        problems.append(f"{int(codes.isna().sum())} node(s)/indicator(s) without a code")
    for code in sorted(codes[codes.duplicated()].dropna().unique()):
        problems.append(f"code {code!r} is defined more than once")
    if known is not None:
        for code in indicators["code"].dropna():
            if code not in known:
                problems.append(f"indicators[{code}]: not in the indicator dictionary")
    return problems


def _tree(
    edition: Mapping[str, Any], nodes: pd.DataFrame, indicators: pd.DataFrame
) -> tuple[list[str], dict[str, int]]:
    """Parents exist, one root (the index), no cycle, no empty node; levels from the bottom."""
    problems: list[str] = []
    node_codes = set(nodes["code"].dropna())
    for kind, table in (("nodes", nodes), ("indicators", indicators)):
        for code, parent in zip(table["code"], table["parent"], strict=True):
            named = isinstance(parent, str)  # a node without one is a root
            if (named or kind == "indicators") and not (named and parent in node_codes):
                problems.append(f"{kind}[{code}].parent {parent!r} is not a node")
    rows = pd.concat([indicators, nodes])  # by position: labels do not matter
    codes = rows["code"].to_numpy()
    children = {parent: set(codes[at]) for parent, at in tree.children(rows, node_codes).items()}
    roots = sorted(set(nodes.loc[nodes["parent"].isna(), "code"].dropna()))
    if roots != [edition.get("index")]:
        problems.append(
            f"the root node(s) {roots} must be exactly the index {edition.get('index')!r}"
        )
    problems += [f"nodes[{code}] has no children" for code in sorted(node_codes - set(children))]
    levels = {code: 1 for code in indicators["code"].dropna()}
    try:
        for code in TopologicalSorter(children).static_order():
            if code in children:
                levels[code] = 1 + max(levels.get(c, 1) for c in children[code])
    except CycleError as error:
        problems.append(f"the hierarchy has a cycle: {' → '.join(map(str, error.args[1]))}")
    return problems, levels


def _weights(
    edition: Mapping[str, Any], nodes: pd.DataFrame, indicators: pd.DataFrame
) -> tuple[list[str], dict[str, float]]:
    from pipeline.index.methodology import parse_weight

    problems: list[str] = []
    weights: dict[str, float] = {}
    sums: dict[str, float] = defaultdict(float)
    for kind, table in (("nodes", nodes), ("indicators", indicators)):
        for code, parent, raw in zip(table["code"], table["parent"], table["weight"], strict=True):
            try:
                weight = parse_weight(raw)
            except (ValueError, ZeroDivisionError):
                problems.append(f"{kind}[{code}].weight {raw!r} is not a number or fraction")
                continue
            if weight < 0:
                problems.append(f"{kind}[{code}].weight {raw!r} is negative")
            weights[code] = weight
            if isinstance(parent, str):
                sums[parent] += weight
    if edition.get("weights") == "absolute":
        for parent, total in sorted(sums.items()):
            if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
                problems.append(f"weights of the children of {parent} sum to {total:.6g}, not 1")
    return problems, weights


#: Method parameters that are text or flags, not numbers (impute.PARAMETERS).
TEXT_PARAMETERS = frozenset({"by", "official_only"})


def _number(value: object) -> float | None:
    """``value`` as a float, or None when it is not a number (a typo such as "n/a")."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _method(where: str, spec: Mapping[str, Any], registry: tuple) -> list[str]:
    methods, parameters, required = registry
    name = spec.get("method")
    if name not in methods:
        return [f"{where}: unknown method {name!r} (known: {', '.join(sorted(methods))})"]
    given = set(spec) - {"method"}
    problems = [
        f"{where}: unknown parameter {p!r} for {name}"
        for p in sorted(given - parameters.get(name, set()))
    ]
    problems += [f"{where}: {name} needs {p!r}" for p in sorted(required.get(name, set()) - given)]
    problems += [
        f"{where}.{p} {spec[p]!r} is not a number"
        for p in sorted((given & parameters.get(name, set())) - TEXT_PARAMETERS)
        if _number(spec[p]) is None
    ]
    return problems


def _methods(nodes: pd.DataFrame, indicators: pd.DataFrame, registries: Registries) -> list[str]:
    problems: list[str] = []
    for code, spec in zip(nodes["code"], nodes["aggregation"], strict=True):
        problems += _method(f"nodes[{code}].aggregation", spec, registries["aggregation"])
    for row in indicators.itertuples(index=False):
        where = f"indicators[{row.code}]"
        if row.transform not in registries["transform"][0]:
            problems.append(f"{where}.transform: unknown transform {row.transform!r}")
        problems += _method(
            f"{where}.normalisation", row.normalisation, registries["normalisation"]
        )
        problems += _method(f"{where}.treatment", row.treatment, registries["treatment"])
        for step in row.imputation:
            problems += _method(f"{where}.imputation", step, registries["imputation"])
        problems += _direction(where, row.direction, row.normalisation)
    return problems


def _direction(where: str, direction: object, spec: Mapping[str, Any]) -> list[str]:
    if direction not in (1, -1):
        return [f"{where}.direction {direction!r} must be 1 or -1"]
    goalpost, threshold = _number(spec.get("goalpost")), _number(spec.get("threshold", 0.0))
    if spec.get("method") == "goalposts" and goalpost is not None and threshold is not None:
        slope = goalpost - threshold
        if slope == 0 or (slope > 0) != (direction == 1):
            return [f"{where}: goalpost and threshold disagree with direction {direction}"]
    return []


#: Where each bounded normalisation puts its best score, and its default.
SCALE_KEYS = {"goalposts": ("scale", 100.0), "reference": ("scale", 1.0),
              "minmax": ("upper", 100.0), "percentile_rank": ("scale", 100.0)}  # fmt: skip


def _scales(edition: Mapping[str, Any], indicators: pd.DataFrame) -> list[str]:
    """A bounded normalisation must reach the edition's scale (0–10, 0–100…)."""
    problems = []
    for code, spec in zip(indicators["code"], indicators["normalisation"], strict=True):
        key, default = SCALE_KEYS.get(spec.get("method"), (None, None))
        value = _number(spec.get(key, default)) if key is not None else None
        if value is not None and value != float(edition.get("scale", 100)):
            problems.append(
                f"indicators[{code}].normalisation.{key} {spec.get(key, default)} differs from "
                f"edition.scale {edition.get('scale')}"
            )
    return problems


def check(
    edition: Mapping[str, Any],
    nodes: pd.DataFrame,
    indicators: pd.DataFrame,
    registries: Registries,
    known: set[str] | None,
) -> tuple[list[str], dict[str, int], dict[str, float]]:
    """All problems of a methodology, the level of each node and the parsed weights."""
    problems = _edition(edition) + _codes(nodes, indicators, known)
    tree_problems, levels = _tree(edition, nodes, indicators)
    weight_problems, weights = _weights(edition, nodes, indicators)
    problems += tree_problems + weight_problems + _methods(nodes, indicators, registries)
    problems += _scales(edition, indicators)
    for code, share in zip(nodes["code"], nodes["min_share"], strict=True):
        if _number(share) is None or not 0.0 <= share <= 1.0:
            problems.append(f"nodes[{code}].min_share {share!r} must be a number within [0, 1]")
    return problems, levels, weights
