"""Read one questionnaire workbook: safety checks, budget scan, values, header block, economy.

Order matters for hostile files: :mod:`pipeline.ingest.safety` inspects the bytes and the zip
directory first, :mod:`pipeline.ingest.sheetxml` parses each sheet's XML for its layout facts
and refuses a sheet over the budget (``schemas/ingest_budget.toml``), and only then does
:mod:`pipeline.ingest.grids` read the values of the sheets let through (saved formula
results, never evaluation). Any failure of a file becomes one finding naming the file, and
the batch goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.ingest import layout
from pipeline.ingest.grids import value_grids
from pipeline.ingest.safety import LIMITS, Limits, open_checked
from pipeline.ingest.sheet import SheetPlan, header_row_index, plan_sheet
from pipeline.ingest.sheetxml import SheetXml, scan_workbook

FILE_ECONOMY = re.compile(r"^([A-Za-z]{3})(?:[_\-. ]|$)")
ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class TextRows:
    """The rows of a text return as read (every field text), interpreted with the batch.

    A long CSV holds a few dozen values; turning them into interpreter-frame rows file by
    file costs about ten times reading them (pandas' fixed cost per operation), so the
    reader hands on the fields as read, in plain arrays, and its ``finish`` function
    interprets all files at once.
    """

    #: Name of the registered reader whose ``finish`` interprets the rows.
    reader: str
    source_file: str
    #: The sheet of every value (a text file's sheet is its file name).
    sheet: str
    #: The fields of each column the reader keeps, by column name (object arrays of text),
    #: one entry per row handed on.
    columns: dict[str, np.ndarray]
    #: Each row's position below the header in its file (0 = line 2).
    positions: np.ndarray

    @property
    def length(self) -> int:
        """Rows handed on."""
        return len(self.positions)


@dataclass
class WorkbookRead:
    """Planned data sheets, value cells or text rows, and pending findings of one file."""

    plans: list[SheetPlan] = field(default_factory=list)
    #: None for workbooks: an empty frame per file would cost more than reading the file.
    cells: pd.DataFrame | None = None
    findings: list = field(default_factory=list)
    economy: str | None = None
    #: Rows of a text return left for its reader's batch pass (:class:`TextRows`).
    text: TextRows | None = None


def file_finding(code: str, source_file: str, **context: object) -> dict:
    """A pending finding about a whole file (or a whole sheet when ``sheet`` is given)."""
    return {"code": code, "source_file": source_file, **context}


def economy_from_name(path: Path) -> str | None:
    """The ISO3 code a file name starts with (``KEN_admin_2024.xlsx`` → KEN), if any."""
    match = FILE_ECONOMY.match(path.stem)
    return match.group(1).upper() if match else None


def _load_grids(
    path: Path, source_file: str, scans: dict, limits: Limits
) -> tuple[list[tuple[str, list[tuple]]], list[dict]]:
    """Value grids of the sheets the scan let through; one finding per sheet it refused."""
    findings = [
        file_finding("ING-TOO-LARGE", source_file, sheet=name, detail=scan)
        for name, scan in scans.items()
        if isinstance(scan, str)
    ]
    names = [name for name, scan in scans.items() if not isinstance(scan, str)]
    grids = value_grids(path, names, limits.sheet_rows) if names else {}
    return [(name, grids[name]) for name in names], findings


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _parse_grids(
    grids: list[tuple[str, list[tuple]]], scans: dict, source_file: str
) -> WorkbookRead:
    """Find the questionnaire sheets among the grids and plan them."""
    result = WorkbookRead()
    for name, rows in grids:
        header = header_row_index(rows)
        if header is not None:
            plan, findings = plan_sheet(rows, header, name, scans[name], source_file)
            result.plans.append(plan)
            result.findings.extend(findings)
        elif name != layout.INSTRUCTIONS_SHEET and any(_filled(v) for row in rows for v in row):
            result.findings.append(file_finding("ING-EXTRA-SHEET", source_file, sheet=name))
    if not result.plans:
        detail = f"sheets: {', '.join(name for name, _ in grids) or 'none readable'}"
        result.findings.append(file_finding("ING-UNKNOWN-LAYOUT", source_file, detail=detail))
        return result
    declared = (plan.block.get("economy") for plan in result.plans)
    result.economy = next(
        (str(e).strip().upper() for e in declared if e is not None and str(e).strip()), None
    )
    return result


def resolve_economy(
    declared: str | None, path: Path, source_file: str, known: set[str] | None
) -> tuple[str | None, list[dict]]:
    """The economy of a workbook: as declared in it, else from the file name."""
    from_name = economy_from_name(path)
    findings: list[dict] = []
    economy = declared if declared and ISO3.match(declared) else None
    if declared and economy is None:
        findings.append(file_finding("ING-UNKNOWN-ECONOMY", source_file, value=declared))
        economy = from_name
    elif economy is None:
        economy = from_name
    elif from_name and from_name != economy:
        findings.append(
            file_finding("ING-ECONOMY-MISMATCH", source_file, value=economy, expected=from_name)
        )
    if economy is None:
        findings.append(file_finding("ING-UNKNOWN-ECONOMY", source_file, value=""))
    elif known is not None and economy not in known:
        findings.append(
            file_finding("ING-UNKNOWN-ECONOMY", source_file, value=economy, economy=economy)
        )
    return economy, findings


def _open(path: Path, source_file: str, limits: Limits) -> tuple[list, dict, list[dict]]:
    """Pre-open check, budget scan and value grids; raises on a file that is not readable."""
    verdict, archive = open_checked(path, limits)
    if archive is None:
        return [], {}, [file_finding(verdict.code, source_file, detail=verdict.detail)]
    findings = [file_finding("ING-MACRO-WORKBOOK", source_file)] if verdict.macro else []
    with archive:
        scans: dict[str, SheetXml | str] = scan_workbook(archive, limits)
    grids, load_findings = _load_grids(path, source_file, scans, limits)
    return grids, scans, [*findings, *load_findings]


def read_workbook(
    path: Path, source_file: str, known: set[str] | None = None, limits: Limits = LIMITS
) -> WorkbookRead:
    """Cells and findings of one workbook; never raises on a bad file."""
    try:
        grids, scans, findings = _open(path, source_file, limits)
    except MemoryError:
        detail = "reading it needs more memory than the per-file budget"
        return WorkbookRead(findings=[file_finding("ING-TOO-LARGE", source_file, detail=detail)])
    except OSError as error:
        detail = f"{type(error).__name__}: {error.strerror or error}"
        return WorkbookRead(findings=[file_finding("ING-UNREADABLE", source_file, detail=detail)])
    except Exception as error:  # hostile files: any failure to open or stream is a finding
        detail = f"{type(error).__name__}: {error}"
        return WorkbookRead(findings=[file_finding("ING-NOT-WORKBOOK", source_file, detail=detail)])
    if not scans:
        return WorkbookRead(findings=findings)
    result = _parse_grids(grids, scans, source_file)
    result.findings[:0] = findings
    if not result.plans:
        return result
    economy, economy_findings = resolve_economy(result.economy, path, source_file, known)
    result.findings.extend(economy_findings)
    result.economy = economy
    for plan in result.plans:
        plan.economy = economy or ""
    return result
