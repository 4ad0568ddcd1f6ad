"""The rule catalogue: ``schemas/rules/*.toml`` loaded into :class:`Rule` records and checked.

A rule is a record — id, label, plain-language why with its source, severity, kind and
parameters, message template, and pass / fail / not-evaluable examples — kept in data, not
code (as in R ``validate``). :func:`problems` reports *every* problem of the
catalogue at once (unknown kind, missing parameter, unknown indicator or breakdown, a message
placeholder that is not a findings column) so a broken rule file is fixed in one pass.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.dictionary import indicators
from pipeline.findings import FINDING_COLUMNS, SEVERITIES
from pipeline.observations import DIMENSION_NAMES
from pipeline.paths import SCHEMAS
from pipeline.validate.kinds import REGISTRY

RULES_DIR = SCHEMAS / "rules"
_FIELDS = ("id", "label", "why", "source", "severity", "kind", "params", "message")
_ENTRY_KEYS = {*_FIELDS, "examples"}
#: Parameters that take one of a closed set of words (a misspelt word must not silently
#: select the default behaviour).
_MODES = {"direction": ("over", "under", "both")}


@dataclass(frozen=True)
class Rule:
    """One validation rule as written in the catalogue."""

    id: str
    label: str
    why: str
    source: str
    severity: str
    kind: str
    params: dict
    message: str
    questionnaire: str
    file: str
    examples: tuple[dict, ...] = field(default=(), compare=False)
    unknown: tuple[str, ...] = field(default=(), compare=False)


def _rules_of(path: Path) -> list[Rule]:
    with path.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"schemas/rules/{path.name} is not valid TOML: {error}") from error
    questionnaire = data.get("questionnaire", path.stem)
    return [
        Rule(
            **{key: entry.get(key, {} if key == "params" else "") for key in _FIELDS},
            questionnaire=questionnaire,
            file=path.name,
            examples=tuple(entry.get("examples", ())),
            unknown=tuple(sorted(set(entry) - _ENTRY_KEYS)),
        )
        for entry in data.get("rule", [])
    ]


@cache
def load(directory: Path = RULES_DIR) -> tuple[Rule, ...]:
    """Every rule of every TOML file in ``directory``, in file then entry order."""
    return tuple(rule for path in sorted(directory.glob("*.toml")) for rule in _rules_of(path))


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError:
        return {"<malformed template>"}


def _codes(rule: Rule, names: tuple[str, ...]) -> list[str]:
    codes: list[str] = []
    for name in names:
        given = rule.params.get(name, [])
        codes.extend([given] if isinstance(given, str) else given)
    return codes


def rule_problems(rule: Rule) -> list[str]:
    """Everything wrong with one rule (empty when it is sound)."""
    found = [f"missing {key}" for key in _FIELDS[:-2] if not getattr(rule, key)]
    found += [f"unknown key {key!r}" for key in rule.unknown]
    found += [
        f"{name} {rule.params[name]!r} not one of {words}"
        for name, words in _MODES.items()
        if name in rule.params and rule.params[name] not in words
    ]
    if rule.severity not in SEVERITIES:
        found.append(f"severity {rule.severity!r} not one of {SEVERITIES}")
    bad = _placeholders(rule.message) - set(FINDING_COLUMNS)
    if bad:
        found.append(f"message placeholders {sorted(bad)} are not findings columns")
    kind = REGISTRY.get(rule.kind)
    if kind is None:
        return [*found, f"unknown kind {rule.kind!r} (known: {sorted(REGISTRY)})"]
    found += [f"missing parameter {p!r}" for p in kind.required if p not in rule.params]
    found += [f"unknown parameter {p!r}" for p in sorted(set(rule.params) - kind.allowed)]
    known = set(indicators().index)
    found += [
        f"unknown indicator {c!r}" for c in _codes(rule, kind.indicator_params) if c not in known
    ]
    found += [
        f"unknown breakdown {c!r}"
        for c in _codes(rule, kind.breakdown_params)
        if c not in DIMENSION_NAMES
    ]
    return found


def problems(rules: tuple[Rule, ...]) -> list[dict]:
    """All catalogue problems as rows for ``MET-INVALID`` findings (source_file, detail)."""
    rows = [
        {"source_file": f"schemas/rules/{rule.file}", "detail": f"{rule.id or '?'}: {problem}"}
        for rule in rules
        for problem in rule_problems(rule)
    ]
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            rows.append(
                {
                    "source_file": f"schemas/rules/{rule.file}",
                    "detail": f"{rule.id}: duplicate id (also in {seen[rule.id]})",
                }
            )
        seen[rule.id] = rule.file
    return rows
