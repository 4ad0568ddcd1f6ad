"""SDG series definitions and settings, loaded from ``schemas/sdg/*.toml`` and checked whole.

The series, their formulas, units and breakdowns are methodology, so they live in data files a
statistician can review. :func:`methodology_problems` reports *every* problem in
those files at once (unknown formula, unknown source indicator, unknown breakdown, …) with the
file and key, so a broken edit is found before any number is computed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.observations import DIMENSION_NAMES
from pipeline.paths import SCHEMAS

SDG_SCHEMAS = SCHEMAS / "sdg"
SERIES_FILE = "series.toml"
AGGREGATION_FILE = "aggregation.toml"
SDMX_FILE = "sdmx.toml"

_REQUIRED = ("code", "indicator_sdg", "name", "source", "formula", "unit", "weight", "aggregation")


@dataclass(frozen=True)
class SeriesDefinition:
    """One UN SDG series: what it is computed from and how it is broken down and aggregated."""

    code: str
    indicator_sdg: str
    name: str
    source: str
    formula: str
    unit: str
    weight: str
    aggregation: str
    breakdowns: tuple[str, ...] = ()
    detail_only: tuple[str, ...] = ()
    api_code: str = ""
    sdmx: bool = True
    min_coverage: float | None = None

    @property
    def totals_only(self) -> tuple[str, ...]:
        """Observation dimensions that must be ``_T`` for this series."""
        return tuple(d for d in DIMENSION_NAMES if d not in self.breakdowns)


@dataclass(frozen=True)
class SdgMethodology:
    """Everything the SDG stage reads from ``schemas/sdg/``."""

    series: tuple[SeriesDefinition, ...]
    aggregation: dict[str, Any] = field(default_factory=dict)
    sdmx: dict[str, Any] = field(default_factory=dict)

    def by_code(self) -> dict[str, SeriesDefinition]:
        """Series definitions keyed by series code."""
        return {s.code: s for s in self.series}


def _read(directory: Path, name: str) -> dict[str, Any]:
    with (directory / name).open("rb") as handle:
        return tomllib.load(handle)


def _definition(entry: dict[str, Any]) -> SeriesDefinition:
    return SeriesDefinition(
        **{key: entry[key] for key in _REQUIRED},
        breakdowns=tuple(entry.get("breakdowns", ())),
        detail_only=tuple(entry.get("detail_only", ())),
        api_code=entry.get("api_code", ""),
        sdmx=bool(entry.get("sdmx", True)),
        min_coverage=entry.get("min_coverage"),
    )


def load_methodology(directory: Path = SDG_SCHEMAS) -> SdgMethodology:
    """Read the three SDG files; raises ``ValueError`` listing every problem if any is broken."""
    directory = Path(directory)
    raw = {name: _read(directory, name) for name in (SERIES_FILE, AGGREGATION_FILE, SDMX_FILE)}
    problems = _entry_problems(raw[SERIES_FILE].get("series", []))
    if problems:
        raise ValueError("schemas/sdg problems:\n" + "\n".join(problems))
    methodology = SdgMethodology(
        series=tuple(_definition(e) for e in raw[SERIES_FILE]["series"]),
        aggregation=raw[AGGREGATION_FILE],
        sdmx=raw[SDMX_FILE],
    )
    problems = methodology_problems(methodology)
    if problems:
        raise ValueError("schemas/sdg problems:\n" + "\n".join(problems))
    return methodology


def _entry_problems(entries: list[dict[str, Any]]) -> list[str]:
    problems = []
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in _REQUIRED if key not in entry]
        if missing:
            problems.append(f"{SERIES_FILE} series #{number}: missing {', '.join(missing)}")
    return problems or ([] if entries else [f"{SERIES_FILE}: no [[series]] entries"])


def _series_problems(series: SeriesDefinition, indicators: frozenset[str] | None) -> list[str]:
    from pipeline.sdg.aggregates import AGGREGATIONS, WEIGHTS
    from pipeline.sdg.formulas import FORMULAS

    where = f"{SERIES_FILE} series {series.code}"
    registries = {"formula": FORMULAS, "weight": WEIGHTS, "aggregation": AGGREGATIONS}
    problems = [
        f"{where}: unknown {key} {getattr(series, key)!r}"
        for key, registry in registries.items()
        if getattr(series, key) not in registry
    ]
    unknown = set(series.breakdowns) - set(DIMENSION_NAMES)
    problems += [f"{where}: unknown breakdown {d!r}" for d in sorted(unknown)]
    stray = set(series.detail_only) - set(series.breakdowns)
    problems += [f"{where}: detail_only {d!r} is not a breakdown" for d in sorted(stray)]
    if series.min_coverage is not None and not 0 <= series.min_coverage <= 1:
        problems.append(f"{where}: min_coverage {series.min_coverage} is not in [0, 1]")
    if indicators is not None and series.source not in indicators:
        problems.append(f"{where}: unknown source indicator {series.source!r}")
    return problems


def methodology_problems(
    methodology: SdgMethodology, indicators: frozenset[str] | None = None
) -> list[str]:
    """Every problem in the SDG methodology, one line each naming file and key.

    ``indicators`` is the set of known indicator codes (schemas/indicators.csv); when given,
    each series' source must be one of them. Registries are imported here, not at module
    level, because they import this module's neighbours.
    """
    codes = [s.code for s in methodology.series]
    problems = [
        f"{SERIES_FILE}: series {c} defined twice" for c in sorted(set(codes)) if codes.count(c) > 1
    ]
    for series in methodology.series:
        problems += _series_problems(series, indicators)
    sdmx_dims = methodology.sdmx.get("dimension", {})
    problems += [
        f"{SDMX_FILE} dimension.{d}: not an observation dimension"
        for d in sorted(set(sdmx_dims) - set(DIMENSION_NAMES))
    ]
    for key in ("carry_years", "min_coverage", "min_economies", "group_type"):
        if key not in methodology.aggregation:
            problems.append(f"{AGGREGATION_FILE}: missing {key}")
    return problems
