"""Uncertainty designs (``schemas/indices/<edition>.uncertainty.toml``): load and check them.

A design says which assumptions of an edition vary and how (JRC/OECD Handbook on
Constructing Composite Indicators, 2008, §6): ``weights`` (each weight at the given levels
times 1 ± ``fraction``, uniform),
``normalisation`` / ``aggregation`` (alternative methods with parameters; the alternative
``method = "edition"`` is the edition's own), ``imputation`` (alternative imputed input sets
of the model), ``winsorisation`` (alternative ``winmax`` limits of the outlier treatment)
and ``exclusion`` (the index without one of the listed indicators, or with all). Discrete
choices are equiprobable. Like the index methodology, the check reports *every* problem
with its key at once as MET-INVALID findings.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.findings import coded_findings
from pipeline.index import aggregate, normalise, treat
from pipeline.paths import INDICES
from pipeline.uncertainty.model import IndexModel

#: Alternative naming the edition's own per-indicator/per-node methods (e.g. IDI goalposts).
EDITION_METHOD = "edition"
KINDS = ("weights", "normalisation", "aggregation", "imputation", "winsorisation", "exclusion")
SETTINGS_DEFAULTS: dict[str, Any] = {
    "samples": 256,
    "seed": 20240601,
    "bootstrap": 500,
    "confidence": 0.95,
}
#: Registries whose methods a discrete alternative may name, with the parameters they read.
METHOD_REGISTRIES = {
    "normalisation": (normalise.REGISTRY, normalise.PARAMETERS, normalise.REQUIRED),
    "aggregation": (aggregate.REGISTRY, aggregate.PARAMETERS, {}),
}


@dataclass(frozen=True)
class Assumption:
    """One varied assumption; ``choices`` are the discrete alternatives (empty for weights)."""

    name: str
    kind: str
    choices: tuple[Any, ...] = ()
    levels: tuple[int, ...] = ()
    fraction: float = 0.0
    method: str = "skew_kurtosis"


@dataclass(frozen=True)
class Design:
    """A checked design: settings and the assumptions in file order."""

    edition: str
    assumptions: tuple[Assumption, ...]
    settings: dict[str, Any] = field(default_factory=lambda: dict(SETTINGS_DEFAULTS))
    source: str = ""


class DesignError(ValueError):
    """All problems found in one design file."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))

    def findings(self) -> pd.DataFrame:
        """The problems as MET-INVALID findings (schemas/finding_codes.toml)."""
        rows = [{"source_file": self.source, "detail": text} for text in self.problems]
        return coded_findings("uncertainty", "MET-INVALID", rows)


def _settings(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    settings = {**SETTINGS_DEFAULTS, **raw}
    known = {*SETTINGS_DEFAULTS, "edition"}
    problems = [f"settings.{key} is not a known setting" for key in raw if key not in known]
    for key in ("samples", "bootstrap", "seed"):
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"settings.{key} must be a positive integer, not {value!r}")
    confidence = settings["confidence"]
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        problems.append(
            f"settings.confidence must lie strictly between 0 and 1, not {confidence!r}"
        )
    return settings, problems


def _method_alternative(where: str, kind: str, entry: object) -> list[str]:
    registry, parameters, required = METHOD_REGISTRIES[kind]
    if not isinstance(entry, dict) or "method" not in entry:
        return [f"{where}: an alternative needs a method, got {entry!r}"]
    method = entry["method"]
    if method == EDITION_METHOD:
        extra = sorted(set(entry) - {"method"})
        return [f"{where}: the edition's own methods take no parameters {extra}"] if extra else []
    if method not in registry:
        return [f"{where}: unknown {kind} method {method!r}; known: {sorted(registry)}"]
    given = set(entry) - {"method"}
    problems = [
        f"{where}: {method} has no parameter {key!r}"
        for key in sorted(given)
        if key not in parameters[method]
    ]
    missing = sorted(set(required.get(method, ())) - given)
    return problems + [f"{where}: {method} needs parameter {key!r}" for key in missing]


def _only_children(model: IndexModel) -> set[str]:
    """Indicators that are the single child of their node (excluding one empties the node)."""
    return {model.codes[int(n.children[0])] for n in model.nodes if len(n.children) == 1}


def _check_choices(where: str, kind: str, raw: dict[str, Any], model: IndexModel) -> list[str]:
    key = {"winsorisation": "values", "exclusion": "indicators"}.get(kind, "alternatives")
    choices = raw.get(key)
    if not isinstance(choices, list) or len(choices) < (1 if kind == "exclusion" else 2):
        return [f"{where}.{key} must list at least {1 if kind == 'exclusion' else 2} choices"]
    problems: list[str] = []
    for position, entry in enumerate(choices):
        at = f"{where}.{key}[{position}]"
        if kind in METHOD_REGISTRIES:
            problems += _method_alternative(at, kind, entry)
        elif kind == "imputation" and entry not in model.inputs:
            problems.append(f"{at}: imputed input {entry!r} not in {sorted(model.inputs)}")
        elif kind == "winsorisation" and (not isinstance(entry, int) or entry < 0):
            problems.append(f"{at}: winmax must be a non-negative integer, not {entry!r}")
        elif kind == "exclusion" and entry not in model.indicators:
            problems.append(f"{at}: {entry!r} is not an indicator of {model.name}")
        elif kind == "exclusion" and entry in _only_children(model):
            problems.append(f"{at}: {entry!r} is the only child of its node; it cannot go")
    return problems


def _check_weights(where: str, raw: dict[str, Any], model: IndexModel) -> list[str]:
    levels, fraction = raw.get("levels"), raw.get("fraction")
    problems = []
    below_top = set(model.levels().values()) - {max(model.levels().values())}
    if not isinstance(levels, list) or not levels or not set(levels) <= below_top:
        problems.append(f"{where}.levels {levels!r} must list levels among {sorted(below_top)}")
    if not isinstance(fraction, int | float) or not 0 < fraction < 1:
        problems.append(f"{where}.fraction must lie strictly between 0 and 1, not {fraction!r}")
    return problems


ASSUMPTION_KEYS = {
    "name",
    "kind",
    "levels",
    "fraction",
    "alternatives",
    "values",
    "indicators",
    "method",
}


def _check_assumption(where: str, raw: object, model: IndexModel) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where} must be a table"]
    problems = [] if raw.get("name") else [f"{where}.name is missing"]
    problems += [f"{where}.{key}: unknown key" for key in sorted(set(raw) - ASSUMPTION_KEYS)]
    kind = raw.get("kind")
    if kind not in KINDS:
        return [*problems, f"{where}.kind {kind!r} is not one of {KINDS}"]
    if kind == "weights":
        return problems + _check_weights(where, raw, model)
    problems += _check_choices(where, kind, raw, model)
    method = raw.get("method", "skew_kurtosis")
    if kind == "winsorisation" and "winmax" not in treat.PARAMETERS.get(method, ()):
        problems.append(f"{where}.method {method!r} is not a treatment with a winmax limit")
    return problems


def _assumption(raw: dict[str, Any]) -> Assumption:
    kind = raw["kind"]
    key = {"winsorisation": "values", "exclusion": "indicators"}.get(kind, "alternatives")
    choices = tuple(raw.get(key, ()))
    if kind == "exclusion":
        choices = (None, *choices)
    return Assumption(
        name=str(raw["name"]),
        kind=kind,
        choices=choices,
        levels=tuple(raw.get("levels", ())),
        fraction=float(raw.get("fraction", 0.0)),
        method=str(raw.get("method", "skew_kurtosis")),
    )


def _overlapping_levels(entries: list[Any]) -> list[str]:
    """Two ``weights`` assumptions on one level: the later one's multipliers would silently
    replace the earlier one's (one design column per weight), leaving the first inert."""
    levels = [
        level
        for entry in entries
        if isinstance(entry, dict) and entry.get("kind") == "weights"
        for level in set(entry.get("levels", []) if isinstance(entry.get("levels"), list) else [])
    ]
    return [
        f"level {level!r} is perturbed by more than one weights assumption"
        for level in sorted({lv for lv in levels if levels.count(lv) > 1}, key=str)
    ]


def build(raw: dict[str, Any], source: str, model: IndexModel) -> Design:
    """Check a parsed design against the model it varies; raise :class:`DesignError`."""
    settings, problems = _settings(raw.get("settings", {}))
    problems += [f"unknown key {key!r}" for key in raw if key not in ("settings", "assumptions")]
    entries = raw.get("assumptions", [])
    if not entries:
        problems.append("no [[assumptions]] given")
    for position, entry in enumerate(entries):
        problems += _check_assumption(f"assumptions[{position}]", entry, model)
    names = [entry.get("name") for entry in entries if isinstance(entry, dict)]
    problems += [
        f"assumption name {n!r} is used twice"
        for n in sorted({n for n in names if n and names.count(n) > 1})
    ]
    kinds = [entry.get("kind") for entry in entries if isinstance(entry, dict)]
    problems += [
        f"kind {k!r} is varied by more than one assumption"
        for k in sorted({k for k in kinds if k in KINDS and k != "weights" and kinds.count(k) > 1})
    ]
    problems += _overlapping_levels(entries)
    if problems:
        raise DesignError(source, problems)
    edition = str(raw.get("settings", {}).get("edition", model.name))
    return Design(edition, tuple(_assumption(e) for e in entries), settings, source)


def design_path(edition: str) -> Path:
    """Shipped design of an edition: ``schemas/indices/<edition>.uncertainty.toml``."""
    return INDICES / f"{edition}.uncertainty.toml"


def load(path: Path | str, model: IndexModel) -> Design:
    """Load and check a design file (an edition name finds the shipped file)."""
    path = Path(path)
    if not path.suffix:
        path = design_path(str(path))
    with path.open("rb") as handle:
        try:
            raw = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:  # exit code 1 with the file, not a traceback
            raise DesignError(path.name, [f"not valid TOML: {error}"]) from error
    return build(raw, path.name, model)
