"""Ingest: raw/ questionnaires and long CSV returns → observations + findings (issue #2).

``ingest_folder(raw)`` reads every workbook (``.xlsx``, ``.xlsm``; ``.xls`` and other Office
files are reported) and every long CSV in ``raw/`` into one observation table
(:data:`pipeline.observations.OBSERVATION_SCHEMA`) and one findings table (stage ``ingest``).
Reading a file never raises: a broken file is one finding and the batch goes on. Cells of all
files are interpreted together so the number parsing and checks run vectorised over the batch.
Each return's collection round, submission date and hash come from :mod:`pipeline.ingest.rounds`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.ingest.cells import interpret
from pipeline.ingest.duplicates import resolve_duplicates
from pipeline.ingest.longcsv import read_long_csv
from pipeline.ingest.pending import realise
from pipeline.ingest.rounds import Rounds, header_round
from pipeline.ingest.valuecells import value_cells
from pipeline.ingest.workbook import WorkbookRead, economy_from_name, read_workbook
from pipeline.observations import (
    INGESTED_COLUMNS,
    INGESTED_SCHEMA,
    VINTAGE_KEY,
    empty_observations,
)
from pipeline.paths import MISSING_RAW_HINT
from pipeline.progress import progress

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm")
CSV_SUFFIXES = (".csv",)
#: Hidden files and Excel's "~$name.xlsx" lock files are never returns.
IGNORED_PREFIXES = (".", "~$")
#: Sheets read before their cells are interpreted together (bounds memory on big batches).
CHUNK_SHEETS = 600


@dataclass(frozen=True)
class IngestResult:
    """What ingest returns: the observation table, the findings table and the returns read."""

    observations: pd.DataFrame
    findings: pd.DataFrame
    files: int = 0
    #: One row per return: source_file, round, submitted, submission, sha256.
    submissions: pd.DataFrame | None = None
    #: One row per declared collection round: round, name, closed.
    rounds: pd.DataFrame | None = None


def return_files(raw_dir: Path) -> list[Path]:
    """Return files in ``raw_dir`` (recursively), sorted; other files such as README are skipped."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}{MISSING_RAW_HINT}")
    suffixes = WORKBOOK_SUFFIXES + CSV_SUFFIXES
    return sorted(
        path
        for path in raw_dir.rglob("*")
        if path.is_file()
        and path.suffix.lower() in suffixes
        and not path.name.startswith(IGNORED_PREFIXES)
    )


def known_economies() -> set[str] | None:
    """ISO3 codes of the economy reference, or None when the reference is absent."""
    from pipeline.reference import economies

    try:
        return set(economies()["economy"])
    except FileNotFoundError:
        return None


def source_name(path: Path, root: Path) -> str:
    """A return's ``source_file``: its path relative to the raw folder (else its name)."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def read_file(path: Path, root: Path, known: set[str] | None) -> WorkbookRead:
    """Cells and findings of one return, by file type."""
    source_file = source_name(path, root)
    if path.suffix.lower() in CSV_SUFFIXES:
        return read_long_csv(path, source_file, known)
    return read_workbook(path, source_file, known)


def interpret_batch(plans: list, csv_cells: list[pd.DataFrame]) -> tuple[list, list]:
    """Observations and findings of a batch of planned sheets and CSV cells (vectorised)."""
    sheet_cells, findings = value_cells(plans)
    cells = [frame for frame in (sheet_cells, *csv_cells) if not frame.empty]
    if not cells:
        return [], findings
    observations, cell_findings = interpret(pd.concat(cells, ignore_index=True), indicators())
    return [observations], [*findings, *cell_findings]


def _owned(read: WorkbookRead, path: Path, known: set[str] | None) -> list:
    """The file's findings, those without an economy given the file's (from its header, else
    its name), so an unreadable return still shows in that economy's report."""
    economy = read.economy or economy_from_name(path)
    economy = economy if known is None or economy in known else None
    return [
        {**f, "economy": economy} if isinstance(f, dict) and not f.get("economy") else f
        for f in read.findings
    ]


def ingest_paths(
    paths: Iterable[Path],
    root: Path,
    known: set[str] | None = None,
    *,
    show_progress: bool = False,
) -> IngestResult:
    """Ingest the given return files; ``source_file`` is each path relative to ``root``.

    ``known`` is the set of valid economy codes (default: the economy reference). Cells are
    interpreted in chunks of about :data:`CHUNK_SHEETS` sheets, so memory holds one chunk of
    raw cells at a time plus the observations made so far.
    """
    paths = list(paths)
    known = known_economies() if known is None else known
    reads = ((Path(path), read_file(Path(path), root, known)) for path in paths)
    if show_progress:
        reads = progress(reads, total=len(paths), label="ingest")
    rounds = Rounds(root)
    produced, findings, plans, cells = [], [*rounds.findings], [], []
    for path, read in reads:
        findings.extend(rounds.record(path, source_name(path, root), header_round(read.plans)))
        findings.extend(_owned(read, path, known))
        plans.extend(plan for plan in read.plans if plan.economy)
        cells.extend([read.cells] if not read.cells.empty else [])
        if len(plans) + len(cells) >= CHUNK_SHEETS:
            made, found = interpret_batch(plans, cells)
            produced, findings, plans, cells = [*produced, *made], [*findings, *found], [], []
    made, found = interpret_batch(plans, cells)
    produced, findings = [*produced, *made], [*findings, *found]
    observations = empty_observations(INGESTED_COLUMNS)
    if produced:
        observations, duplicate_findings = resolve_duplicates(
            rounds.attach(pd.concat(produced, ignore_index=True))
        )
        findings.extend(duplicate_findings)
        observations = INGESTED_SCHEMA.validate(
            observations.sort_values([*VINTAGE_KEY], kind="stable").reset_index(drop=True)
        )
    findings = realise(findings)
    return IngestResult(observations, findings, len(paths), rounds.table(), rounds.declared())


def ingest_folder(raw_dir: Path, known: set[str] | None = None, **options: bool) -> IngestResult:
    """Ingest every return file in ``raw_dir``."""
    return ingest_paths(return_files(raw_dir), raw_dir, known, **options)
