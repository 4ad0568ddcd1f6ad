"""Index methodology files (``schemas/indices/<edition>.toml``): load and check them.

A methodology is data: an ``[edition]`` table (name, index code, edition year,
reference-year offset, lag, inclusion threshold, scale, rounding, tie rule), ``[defaults]``
for per-indicator methods, ``[[nodes]]`` (pillars, sub-indices, the index: code, parent,
weight, aggregation, ``min_share`` availability threshold) and ``[[indicators]]`` (dictionary
code, parent, weight, direction, transform, treatment, normalisation with parameters,
imputation chain). The hierarchy can be of any depth.

The checker reports *every* problem at once (COINr's metadata checks stop at the
first one): unknown methods or parameters, unknown indicators or parents, duplicate codes,
cycles, weights that do not sum to 1 within a parent, missing goalposts, inconsistent
direction. :class:`MethodologyError` carries the list and turns it into MET-INVALID findings.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.findings import coded_findings
from pipeline.index import aggregate, impute, normalise, treat
from pipeline.index.checks import check
from pipeline.paths import INDICES

EDITION_DEFAULTS: dict[str, Any] = {
    "reference_year_offset": 0,
    "min_indicators": 0,
    "scale": 100,
    "rounding": 1,
    "ties": "distinct",
    "ranks_published": True,
    "weights": "absolute",
    # Fill the inputs still missing after the imputation chain with the declared estimation
    # cascades (schemas/estimation/), as ITU does with its unpublished estimates (IDI 2024,
    # Annex 1: "only if neither exists is a value estimated or imputed").
    "estimation": False,
}

METHOD_DEFAULTS: dict[str, Any] = {
    "transform": "none",
    "treatment": {"method": "none"},
    "normalisation": {"method": "goalposts"},
    "aggregation": {"method": "arithmetic"},
    "imputation": [],
}


class MethodologyError(ValueError):
    """All problems found in one methodology file."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        listing = "\n  - ".join(problems)
        super().__init__(f"{source}: {len(problems)} problem(s):\n  - {listing}")

    def findings(self) -> pd.DataFrame:
        """The problems as MET-INVALID findings (schemas/finding_codes.toml)."""
        rows = [{"source_file": self.source, "detail": text} for text in self.problems]
        return coded_findings("index", "MET-INVALID", rows)


@dataclass(frozen=True)
class Methodology:
    """A checked edition: metadata, the node table and the indicator table."""

    name: str
    edition: dict[str, Any]
    nodes: pd.DataFrame
    indicators: pd.DataFrame
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def index(self) -> str:
        return str(self.edition["index"])

    @property
    def reference_year(self) -> int | None:
        year = self.edition.get("edition_year")
        return None if year is None else int(year) + int(self.edition["reference_year_offset"])


def parse_weight(value: object) -> float:
    """A weight as a number or an exact fraction string such as ``"1/3"`` (no eval)."""
    if isinstance(value, bool):
        raise ValueError(f"weight {value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    return float(Fraction(str(value).strip()))


def _method_spec(value: object, default: dict[str, Any]) -> dict[str, Any]:
    if value is None:
        return dict(default)
    if isinstance(value, str):
        return {"method": value}
    return dict(value)  # type: ignore[arg-type]


def _indicator_rows(raw: dict[str, Any], defaults: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for entry in raw.get("indicators", []):
        spec = {**defaults, **entry}
        rows.append(
            {
                "code": entry.get("code"),
                "name": entry.get("name", entry.get("code")),
                "parent": entry.get("parent"),
                "weight": entry.get("weight", 1),
                "direction": entry.get("direction", 1),
                "transform": spec["transform"],
                "treatment": _method_spec(spec["treatment"], {"method": "none"}),
                "normalisation": _method_spec(spec["normalisation"], {"method": "goalposts"}),
                "imputation": [_method_spec(s, {}) for s in spec["imputation"]],
            }
        )
    return pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))


INDICATOR_COLUMNS = (
    "code",
    "name",
    "parent",
    "weight",
    "direction",
    "transform",
    "treatment",
    "normalisation",
    "imputation",
)
NODE_COLUMNS = ("code", "name", "parent", "weight", "aggregation", "min_share", "level")


def _node_rows(raw: dict[str, Any], defaults: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {
            "code": entry.get("code"),
            "name": entry.get("name", entry.get("code")),
            "parent": entry.get("parent"),
            "weight": entry.get("weight", 1),
            "aggregation": _method_spec(entry.get("aggregation"), defaults["aggregation"]),
            "min_share": entry.get("min_share", 0.0),  # checked, then made a float
            "level": 0,
        }
        for entry in raw.get("nodes", [])
    ]
    return pd.DataFrame(rows, columns=list(NODE_COLUMNS))


def _known_keys() -> dict[str, set[str]]:
    """Keys a methodology file may use, per table; anything else is a typo that would
    otherwise switch a rule off silently (``min_indicator = 5`` for ``min_indicators``)."""
    return {
        "": {"extends", "edition", "defaults", "indicators", "nodes"},
        "edition": {*EDITION_DEFAULTS, "name", "index", "title", "edition_year", "as_of"},
        "defaults": set(METHOD_DEFAULTS),
        "indicators": set(INDICATOR_COLUMNS),
        "nodes": set(NODE_COLUMNS) - {"level"},
    }


def unknown_keys(raw: dict[str, Any]) -> list[str]:
    """Keys of a parsed methodology file that no table of the format knows."""
    known = _known_keys()
    problems = [f"unknown key {key!r}" for key in raw if key not in known[""]]
    for table in ("edition", "defaults"):
        problems += [
            f"{table}.{k}: unknown key" for k in raw.get(table, {}) if k not in known[table]
        ]
    for table in ("indicators", "nodes"):
        for position, entry in enumerate(raw.get(table, [])):
            extra = sorted(set(entry) - known[table]) if isinstance(entry, dict) else []
            problems += [f"{table}[{position}].{key}: unknown key" for key in extra]
    return problems


def build(raw: dict[str, Any], source: str, known_indicators: set[str] | None) -> Methodology:
    """Check a parsed methodology mapping and build the :class:`Methodology` (or raise)."""
    edition = {**EDITION_DEFAULTS, **raw.get("edition", {})}
    defaults = {**METHOD_DEFAULTS, **raw.get("defaults", {})}
    indicators = _indicator_rows(raw, defaults)
    nodes = _node_rows(raw, defaults)
    registries = {
        "normalisation": (normalise.REGISTRY, normalise.PARAMETERS, normalise.REQUIRED),
        "aggregation": (aggregate.REGISTRY, aggregate.PARAMETERS, {}),
        "treatment": (treat.REGISTRY, treat.PARAMETERS, {}),
        "imputation": (impute.REGISTRY, impute.PARAMETERS, {}),
        "transform": (treat.TRANSFORMS, {}, {}),
    }
    problems, levels, weights = check(edition, nodes, indicators, registries, known_indicators)
    problems = [*unknown_keys(raw), *problems]
    if problems:
        raise MethodologyError(source, problems)
    nodes = nodes.assign(
        level=nodes["code"].map(levels),
        weight=nodes["code"].map(weights),
        min_share=nodes["min_share"].astype(float),
    )
    indicators = indicators.assign(weight=indicators["code"].map(weights))
    name = str(edition.get("name", Path(source).stem))
    return Methodology(name, edition, nodes, indicators, source)


def edition_path(name: str) -> Path:
    """Path of a shipped edition file by name (``idi_2024`` → schemas/indices/idi_2024.toml)."""
    return INDICES / f"{name}.toml"


def available_editions() -> list[str]:
    """Names of the shipped editions (uncertainty settings files excluded)."""
    return sorted(
        path.stem for path in INDICES.glob("*.toml") if not path.stem.endswith(".uncertainty")
    )


def _read(path: Path, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Parse a file; ``extends = "other"`` inherits the other edition's tables, so editions
    that share a methodology (IDI 2023/2024/2025, v3.1) differ only in their data rules."""
    with path.open("rb") as handle:
        try:
            raw = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:  # reported like any other file problem
            raise MethodologyError(path.name, [f"not valid TOML: {error}"]) from error
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    if base_name in seen:
        raise MethodologyError(path.name, [f"extends cycle: {' → '.join((*seen, base_name))}"])
    base = _read(path.parent / f"{base_name}.toml", (*seen, path.stem))
    merged = {**base, **raw}
    for table in ("edition", "defaults"):
        merged[table] = {**base.get(table, {}), **raw.get(table, {})}
    return merged


def load(path: Path | str, known_indicators: set[str] | None = None) -> Methodology:
    """Load and check an edition file; dictionary codes are checked when no set is given."""
    path = Path(path)
    if not path.exists() and not path.suffix:
        path = edition_path(str(path))
    raw = _read(path)
    if known_indicators is None:
        from pipeline.dictionary import indicators

        known_indicators = set(indicators().index)
    return build(raw, str(path.name), known_indicators)
