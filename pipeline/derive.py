"""Derived indicators: per 100 inhabitants, ratios and per-Internet-user values.

The dictionary (``schemas/indicators.csv``) names each derived indicator's formula in its
``derivation`` column, e.g. ``per100(i271)`` or ``ratio(i136mwi;i271mw)``; this module holds
the formula *kinds* in a small registry keyed by name, so a new derived
indicator is a data change. Definitions follow the ITU Handbook for the Collection of
Administrative Data on Telecommunications/ICT (2020) and the IDI 2023+ Annex 1 (traffic per
subscription).

Every derived row keeps the breakdowns the dictionary allows for it (e.g. ``i992b`` by
speed), is flagged ``estimate`` when any input is an estimate, carries the formula text in
``cell`` and lists its inputs' source files (numerator first) in ``source_file``, so the value
stays traceable to the cells it came from (ARCHITECTURE.md, observation table).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from graphlib import TopologicalSorter

import numpy as np
import pandas as pd

from pipeline.dictionary import indicators
from pipeline.observations import DIMENSION_NAMES, KEY, OBSERVATION_COLUMNS, TOTAL, totals
from pipeline.rates import PER_100, per_inhabitants, ratio

#: Operand name standing for the reference population (persons), not an indicator code.
POPULATION = "population"

#: Columns an operand carries into the join besides its key.
_CARRIED = ("value", "estimate", "break_in_series", "source_file", "sheet")

_FORMULA = re.compile(r"^\s*(?P<name>\w+)\((?P<args>[^()]*)\)\s*$")


def _per100(values: Sequence[np.ndarray]) -> np.ndarray:
    """Count per 100 inhabitants (Handbook 2020: subscriptions ÷ population × 100)."""
    count, population = values
    return per_inhabitants(count, population)


def _ratio(values: Sequence[np.ndarray]) -> np.ndarray:
    """Plain ratio, e.g. annual traffic per subscription (IDI 2023+ Annex 1)."""
    numerator, denominator = values
    return ratio(numerator, denominator)


def _per_internet_user(values: Sequence[np.ndarray]) -> np.ndarray:
    """bit/s per Internet user from Mbit/s: x·10⁶ ÷ (HH7/100 · population) (IDI 2017 Access)."""
    mbits, internet_users_pct, population = values
    return ratio(mbits * 1e6, internet_users_pct / PER_100 * population)


@dataclass(frozen=True)
class Formula:
    """A formula kind: which operands it needs (from its arguments) and how it combines them."""

    operands: Callable[[tuple[str, ...]], tuple[str, ...]]
    compute: Callable[[Sequence[np.ndarray]], np.ndarray]
    arity: int


REGISTRY: dict[str, Formula] = {
    "per100": Formula(lambda args: (args[0], POPULATION), _per100, 1),
    "ratio": Formula(lambda args: (args[0], args[1]), _ratio, 2),
    "per_internet_user": Formula(lambda args: (args[0], "HH7", POPULATION), _per_internet_user, 1),
}


def parse(formula: str) -> tuple[str, tuple[str, ...]]:
    """Split ``name(a;b)`` into its kind and arguments; raise ValueError when malformed."""
    match = _FORMULA.match(formula)
    if match is None:
        raise ValueError(f"derivation {formula!r} is not of the form name(arg;arg)")
    name = match["name"]
    args = tuple(part.strip() for part in match["args"].split(";") if part.strip())
    if name not in REGISTRY:
        raise ValueError(f"derivation {formula!r}: unknown formula {name!r} ({sorted(REGISTRY)})")
    if len(args) != REGISTRY[name].arity:
        raise ValueError(f"derivation {formula!r}: {name} takes {REGISTRY[name].arity} argument(s)")
    return name, args


def _operand(pool: dict[str, pd.DataFrame], code: str, keep: tuple[str, ...]) -> pd.DataFrame:
    """Rows of ``code`` that are totals on every dimension outside ``keep``."""
    columns = ["economy", "year", *keep, *_CARRIED]
    rows = pool.get(code)
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns}).astype(
            {"year": "int64", "value": float, "estimate": bool, "break_in_series": bool}
        )
    return totals(rows, keep)[columns]


def _join(left: pd.DataFrame, right: pd.DataFrame, on: list[str], tag: str) -> pd.DataFrame:
    """Inner join of the running frame with one more operand, OR-ing its flags in."""
    merged = left.merge(right, on=on, how="inner", suffixes=("", tag))
    if f"estimate{tag}" in merged:
        merged["estimate"] = merged["estimate"] | merged[f"estimate{tag}"].astype(bool)
        merged["break_in_series"] = merged["break_in_series"] | merged[f"break_in_series{tag}"]
    return merged


def _source_files(frame: pd.DataFrame, count: int) -> pd.Series:
    """The inputs' distinct source files, numerator first, joined by "; "."""
    files = [frame["source_file"]] + [
        frame[f"source_file_{p}"] for p in range(1, count) if f"source_file_{p}" in frame
    ]
    combined = files[0]
    for position, file in enumerate(files[1:], start=1):
        repeated = np.logical_or.reduce([file == earlier for earlier in files[:position]])
        combined = combined.where(repeated | (file == ""), combined + "; " + file)
    return combined


def _derive_one(
    code: str, formula: str, pool: dict[str, pd.DataFrame], population: pd.DataFrame
) -> pd.DataFrame:
    """Derived rows of one dictionary indicator, vectorised over economies and years."""
    name, args = parse(formula)
    kind = REGISTRY[name]
    table = indicators()
    keep = tuple(d for d in DIMENSION_NAMES if d in table.at[code, "breakdowns"])
    codes = kind.operands(args)
    frame = _operand(pool, codes[0], keep)
    for position, operand in enumerate(codes[1:], start=1):
        tag = f"_{position}"
        if operand == POPULATION:
            right = population[["economy", "year", "population"]].rename(
                columns={"population": f"value{tag}"}
            )
            frame = _join(frame, right, ["economy", "year"], tag)
            continue
        allowed = table.at[operand, "breakdowns"] if operand in table.index else ()
        shared = tuple(d for d in keep if d in allowed)
        frame = _join(frame, _operand(pool, operand, shared), ["economy", "year", *shared], tag)
    values = [frame["value"].to_numpy(float)] + [
        frame[f"value_{p}"].to_numpy(float) for p in range(1, len(codes))
    ]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = frame.assign(
            value=kind.compute(values), source_file=_source_files(frame, len(codes))
        )
    frame = frame[np.isfinite(frame["value"].to_numpy(float))]
    return _as_observations(frame, code, formula, str(table.at[code, "unit"]))


def _as_observations(frame: pd.DataFrame, code: str, formula: str, unit: str) -> pd.DataFrame:
    """Shape computed rows as observation-table rows of kind ``derived``."""
    out = frame.assign(indicator=code, unit=unit, footnote="", kind="derived", cell=formula.strip())
    for dimension in DIMENSION_NAMES:
        if dimension not in out:
            out[dimension] = TOTAL
    out = out.astype({"year": "int64", "estimate": bool, "break_in_series": bool})
    return out[list(OBSERVATION_COLUMNS)]


def _order(formulas: dict[str, str]) -> list[str]:
    """Derived codes in dependency order, so a formula may use another derived indicator."""
    graph = {
        code: {op for op in REGISTRY[parse(f)[0]].operands(parse(f)[1]) if op in formulas}
        for code, f in formulas.items()
    }
    return list(TopologicalSorter(graph).static_order())


def _needed(formulas: dict[str, str], wanted: Iterable[str]) -> set[str]:
    """The wanted derived codes and the derived codes they are computed from."""
    needed: set[str] = set()
    todo = [code for code in wanted if code in formulas]
    while todo:
        code = todo.pop()
        if code not in needed:
            needed.add(code)
            name, args = parse(formulas[code])
            todo += [op for op in REGISTRY[name].operands(args) if op in formulas]
    return needed


def derive(
    observations: pd.DataFrame,
    population: pd.DataFrame,
    only: Iterable[str] | None = None,
) -> pd.DataFrame:
    """All derived rows (kind ``derived``) for every dictionary indicator with a derivation.

    ``population`` is :func:`pipeline.reference.population` (economy, year, population in
    persons). Rows whose inputs are missing, or whose result is not finite (division by zero),
    are not produced: a derived value exists only where all of its inputs do. ``only``
    restricts the work to some derived codes (and what they depend on), e.g. an edition's.
    """
    table = indicators()
    formulas = table["derivation"].dropna().to_dict()
    if only is not None:
        keep = _needed(formulas, only)
        formulas = {code: text for code, text in formulas.items() if code in keep}
    pool = {code: rows for code, rows in observations.groupby("indicator", sort=False)}
    derived = []
    for code in _order(formulas):
        rows = _derive_one(code, formulas[code], pool, population)
        pool[code] = rows
        derived.append(rows)
    result = pd.concat(derived, ignore_index=True) if derived else observations.iloc[:0]
    return result.sort_values(list(KEY[:3]), kind="stable", ignore_index=True)


def with_derived(
    observations: pd.DataFrame,
    population: pd.DataFrame,
    only: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Observations plus derived rows; a reported value wins over a derived one for a key."""
    derived = derive(observations, population, only)
    reported = observations[observations["indicator"].isin(derived["indicator"].unique())]
    if len(reported):
        # a key reported twice (two returns) must not duplicate the derived row in the merge
        keys = reported[list(KEY)].drop_duplicates()
        clash = derived.merge(keys, on=list(KEY), how="left", indicator=True)
        derived = derived[(clash["_merge"] == "left_only").to_numpy()]
    return pd.concat([observations, derived], ignore_index=True)
