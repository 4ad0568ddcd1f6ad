"""Validate: check returns against the methodology and tell each economy what to fix.

:func:`validate` is the stage's pure function: observations, reference population and the rule
catalogue in; findings and rule summaries out. The CLI (``pipeline/validate/cli.py``) reads and
writes files; reports are built in :mod:`pipeline.validate.report`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pipeline.derive import with_derived
from pipeline.findings import coded_findings, concat_findings
from pipeline.validate import catalogue
from pipeline.validate.engine import (
    findings_of,
    rule_summary,
    rule_summary_by_economy,
    run_rules,
)
from pipeline.validate.items import with_total_flags
from pipeline.validate.kinds import Context
from pipeline.validate.revisions import revisions
from pipeline.validate.structure import structure_findings


@dataclass(frozen=True)
class Validation:
    """What a validation run returns: the findings table and the two rule summaries."""

    findings: pd.DataFrame
    rule_summary: pd.DataFrame
    rule_summary_by_economy: pd.DataFrame


def validate(
    observations: pd.DataFrame,
    population: pd.DataFrame,
    *,
    rules: tuple[catalogue.Rule, ...] | None = None,
    languages: Mapping[str, str] | None = None,
    previous: pd.DataFrame | None = None,
) -> Validation:
    """Run structure checks, every sound rule, and (given ``previous``) the revision check.

    Rules see the reported observations plus the derived indicators (``pipeline.derive``), so
    a rule may check e.g. traffic per subscription; a derived finding's ``cell`` is its formula.

    Rules with catalogue problems are reported as ``MET-INVALID`` findings and skipped.
    ``languages`` maps economy → ``en``/``fr``/``es`` for the messages (English otherwise).
    """
    rules = catalogue.load() if rules is None else rules
    observations = observations.reset_index(drop=True)
    prepared = with_total_flags(with_derived(observations, population))
    sound = tuple(rule for rule in rules if not catalogue.rule_problems(rule))
    broken = catalogue.problems(rules)
    run = run_rules(prepared, sound, Context(population=population))
    tables = [
        structure_findings(observations),
        findings_of(run, sound, languages or {}),
        coded_findings("validate", "MET-INVALID", broken) if broken else None,
        revisions(observations, previous) if previous is not None else None,
    ]
    economies = sorted(observations["economy"].unique())
    return Validation(
        findings=concat_findings(*tables),
        rule_summary=rule_summary(run, sound),
        rule_summary_by_economy=rule_summary_by_economy(run, sound, economies),
    )
