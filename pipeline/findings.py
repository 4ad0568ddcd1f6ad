"""Findings: one long table of everything worth telling a focal point or a statistician.

Findings are data, not exceptions. Ingest problems use the closed catalogue in
``schemas/finding_codes.toml``; validation rules carry their own ids. Both land in the same
table, whose columns are fixed here, and the command's exit code is derived from it.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from pipeline.paths import SCHEMAS
from pipeline.values import is_missing

SEVERITIES = ("error", "warning", "info")
SEVERITY_ORDER = {name: rank for rank, name in enumerate(SEVERITIES)}

#: Columns of every findings table, in order.
FINDING_COLUMNS = (
    "stage",
    "rule_id",
    "severity",
    "economy",
    "year",
    "indicator",
    "breakdown",
    "source_file",
    "sheet",
    "cell",
    "value",
    "expected",
    "message",
    "finding_id",
)

#: What makes two findings the same finding in two runs (its id): a focal point's answer to
#: one stays attached to it as long as the rule, the value and where it sits do not change.
IDENTITY = ("rule_id", "economy", "indicator", "year", "breakdown", "value")

LOCATION = ("source_file", "sheet", "cell")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class FindingCode:
    """One entry of the finding catalogue."""

    code: str
    severity: str
    title: str
    description: str
    template: str


@cache
def catalogue(path: Path = SCHEMAS / "finding_codes.toml") -> dict[str, FindingCode]:
    """Load the closed catalogue of non-rule finding codes."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return {code: FindingCode(code=code, **entry) for code, entry in raw.items()}


FINDINGS_SCHEMA = pa.DataFrameSchema(
    {
        "stage": pa.Column(str),
        "rule_id": pa.Column(str),
        "severity": pa.Column(str, pa.Check.isin(SEVERITIES)),
        "economy": pa.Column(str, nullable=True),
        "year": pa.Column("Int64", nullable=True),
        "indicator": pa.Column(str, nullable=True),
        "breakdown": pa.Column(str, nullable=True),
        "source_file": pa.Column(str, nullable=True),
        "sheet": pa.Column(str, nullable=True),
        "cell": pa.Column(str, nullable=True),
        "value": pa.Column(str, nullable=True),
        "expected": pa.Column(str, nullable=True),
        "message": pa.Column(str),
        "finding_id": pa.Column(str),
    },
    strict=True,
    ordered=True,
    coerce=True,
)


def empty_findings() -> pd.DataFrame:
    """A findings table with no rows and the right columns and dtypes."""
    frame = pd.DataFrame({column: pd.Series(dtype=object) for column in FINDING_COLUMNS})
    return FINDINGS_SCHEMA.validate(frame)


class _Blank(dict):
    """Format mapping that renders missing keys and missing values as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def render_message(template: str, row: Mapping[str, object]) -> str:
    """Fill a message template from a findings row; never raises on a bad template."""
    clean = _Blank({k: "" if is_missing(v) else v for k, v in row.items()})
    try:
        return template.format_map(clean)
    except (ValueError, KeyError, IndexError, AttributeError):
        return template


def coded_findings(stage: str, code: str, rows: pd.DataFrame | list[dict]) -> pd.DataFrame:
    """Build findings of one catalogue ``code`` from rows of context.

    ``rows`` holds any of the finding columns plus extra keys (such as ``detail``) that the
    code's template uses. Unknown codes raise ``KeyError``: the catalogue is closed.
    """
    frame = coded_rows(stage, code, rows)
    return empty_findings() if len(frame) == 0 else normalise_findings(frame)


def coded_rows(stage: str, code: str, rows: pd.DataFrame | list[dict]) -> pd.DataFrame:
    """The rows of :func:`coded_findings` before the schema check (to check many codes once)."""
    entry = catalogue()[code]
    frame = pd.DataFrame(rows)
    if len(frame) == 0:
        return frame
    messages = [render_message(entry.template, record) for record in frame.to_dict("records")]
    return frame.assign(stage=stage, rule_id=code, severity=entry.severity, message=messages)


def finding_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable ids: the first 12 hex digits of the SHA-1 of the :data:`IDENTITY` columns.

    A finding without an indicator (a file that cannot be read) is also told apart by its
    file, sheet and cell, so two problems of one return do not share an id.
    """
    located = frame["indicator"].map(is_missing)
    parts = [frame[c].map(lambda v: "" if is_missing(v) else str(v)) for c in IDENTITY]
    where = [frame[c].map(lambda v: "" if is_missing(v) else str(v)) for c in LOCATION]
    text = parts[0].str.cat(parts[1:], sep="|")
    text = text.where(~located, text.str.cat(where, sep="|"))
    digests = [hashlib.sha1(t.encode("utf-8")).hexdigest()[:12] for t in text]
    return pd.Series(digests, index=frame.index, dtype=object)


def normalise_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """Select and order the finding columns, filling absent ones (an empty breakdown means
    totals), give every finding its id, and check the schema."""
    out = frame.reindex(columns=list(FINDING_COLUMNS))
    for column in ("value", "expected"):
        out[column] = out[column].map(lambda v: None if is_missing(v) else str(v))
    out["breakdown"] = out["breakdown"].map(lambda v: "" if is_missing(v) else str(v))
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    ids = out["finding_id"].astype(object)
    missing = ids.map(is_missing)
    if missing.any():
        ids[missing] = finding_ids(out[missing])
    out["finding_id"] = ids
    return FINDINGS_SCHEMA.validate(out)


def concat_findings(*tables: pd.DataFrame) -> pd.DataFrame:
    """Stack findings tables, sorted by severity then economy, year and indicator."""
    parts = [t for t in tables if t is not None and not t.empty]
    if not parts:
        return empty_findings()
    out = pd.concat(parts, ignore_index=True)
    order = out["severity"].map(SEVERITY_ORDER)
    out = out.assign(_order=order).sort_values(
        ["_order", "economy", "year", "indicator", "rule_id"], kind="stable", na_position="last"
    )
    return normalise_findings(out.drop(columns="_order").reset_index(drop=True))


#: Finding codes that say the methodology in ``schemas/`` is broken, not the data.
METHODOLOGY_CODES = frozenset({"MET-INVALID"})


def exit_code(findings: pd.DataFrame) -> int:
    """The exit code every command shares: 2 when a methodology file is broken (the run cannot
    be trusted, whatever the data), else 1 when a finding is an error, else 0."""
    if findings["rule_id"].isin(METHODOLOGY_CODES).any():
        return EXIT_USAGE
    return EXIT_FINDINGS if (findings["severity"] == "error").any() else EXIT_OK
