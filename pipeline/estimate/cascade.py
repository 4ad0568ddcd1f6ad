"""Estimation cascades, declared in ``schemas/estimation/*.toml``: which methods fill an
indicator's gaps, in which order, with which parameters.

A cascade is data: the method *kinds* live in :mod:`pipeline.estimate.methods`, the order and
parameters here, so a new method order or a new indicator is a schema change. A file is
checked whole, and every problem (unknown key, unknown method or parameter, a nesting cap on
an indicator not estimated before it) is reported at once, as a methodology error (exit 2).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.estimate.methods import PARAMETERS
from pipeline.estimate.scales import SCALES
from pipeline.index.methodology import MethodologyError
from pipeline.paths import SCHEMAS

ESTIMATION = SCHEMAS / "estimation"

_CASCADE_KEYS = frozenset({"indicators", "scale", "bounds", "steps", "at_most", "use", "note"})
#: Where an estimate may go: "aggregates" only (country values never published) or
#: "index" too (an input of an index edition, flagged, as ITU's unpublished estimates).
USES = frozenset({"aggregates", "index"})


@dataclass(frozen=True)
class Step:
    """One method of a cascade with its parameters."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Name of the step in tables: the method, with its scale or form when it has one."""
        qualifier = self.params.get("scale") or self.params.get("form")
        return f"{self.method} ({qualifier})" if qualifier else self.method


@dataclass(frozen=True)
class Cascade:
    """The estimation of one indicator."""

    indicator: str
    scale: str  # the scale errors and prediction intervals are measured on
    bounds: tuple[float | None, float | None]
    steps: tuple[Step, ...]
    at_most: str | None = None  # nesting cap: never above this indicator (5G ≤ 4G ≤ 3G)
    use: frozenset[str] = frozenset({"aggregates", "index"})
    source: str = ""


def _step(spec: Any, where: str, problems: list[str]) -> Step | None:
    if not isinstance(spec, dict) or "method" not in spec:
        problems.append(f"{where}: a step needs a method")
        return None
    method = spec["method"]
    params = {k: v for k, v in spec.items() if k != "method"}
    if method not in PARAMETERS:
        problems.append(f"{where}: unknown method {method!r}; known: {sorted(PARAMETERS)}")
        return None
    unknown = sorted(set(params) - PARAMETERS[method])
    if unknown:
        problems.append(f"{where}: {method} does not take {', '.join(unknown)}")
    if "scale" in params and params["scale"] not in SCALES:
        problems.append(f"{where}: unknown scale {params['scale']!r}; known: {sorted(SCALES)}")
    return Step(method, params)


def parse(document: dict[str, Any], source: str) -> list[Cascade]:
    """Cascades of one file (raises MethodologyError listing every problem)."""
    problems: list[str] = []
    unknown_top = sorted(set(document) - {"cascade"})
    if unknown_top:
        problems.append(f"unknown top-level key(s): {', '.join(unknown_top)}")
    cascades: list[Cascade] = []
    for number, spec in enumerate(document.get("cascade", []), start=1):
        where = f"cascade {number}"
        unknown = sorted(set(spec) - _CASCADE_KEYS)
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(unknown)}")
        scale = spec.get("scale", "identity")
        if scale not in SCALES:
            problems.append(f"{where}: unknown scale {scale!r}")
        steps = [_step(s, f"{where} step {i}", problems) for i, s in
                 enumerate(spec.get("steps", []), start=1)]  # fmt: skip
        use = frozenset(spec.get("use", sorted(USES)))
        if use - USES:
            problems.append(f"{where}: use must be among {sorted(USES)}")
        low, high = [*spec.get("bounds", []), None, None][:2]
        for code in spec.get("indicators", []):
            cascades.append(
                Cascade(code, scale, (low, high), tuple(s for s in steps if s),
                        spec.get("at_most"), use, source)
            )  # fmt: skip
    problems += _order_problems(cascades)
    if problems:
        raise MethodologyError(source, problems)
    return cascades


def _order_problems(cascades: list[Cascade]) -> list[str]:
    """A nesting cap names an indicator estimated before (its estimates cap this one's)."""
    problems, seen = [], set()
    for cascade in cascades:
        if cascade.at_most and cascade.at_most not in seen:
            problems.append(
                f"{cascade.indicator}: at_most {cascade.at_most!r} must be estimated earlier"
            )
        if cascade.indicator in seen:
            problems.append(f"{cascade.indicator}: declared twice")
        seen.add(cascade.indicator)
    return problems


def load(folder: Path | None = None) -> list[Cascade]:
    """Every cascade of the folder's files (default ``schemas/estimation/``), in file-name
    then declaration order; a file that is not TOML is a methodology error naming it."""
    folder = Path(folder) if folder is not None else ESTIMATION
    cascades: list[Cascade] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                document = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise MethodologyError(path.name, [f"not valid TOML: {error}"]) from None
        cascades.extend(parse(document, path.name))
    names = [c.indicator for c in cascades]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise MethodologyError(str(folder), [f"declared in two files: {', '.join(duplicated)}"])
    return cascades
