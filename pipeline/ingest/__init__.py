"""Ingest: the returns under raw/ → observations + findings.

``ingest_folder(raw)`` reads every return under ``raw/`` (recursively) with the reader the
registry chooses (:mod:`pipeline.ingest.readers`: questionnaire workbooks, long CSV, SDMX-CSV,
DataHub CSV) into one observation table (:data:`pipeline.observations.OBSERVATION_SCHEMA`)
and one findings table (stage ``ingest``). Each file is read in a worker process with a time
and memory budget (:mod:`pipeline.ingest.worker`); every path that is not read becomes a
finding (:mod:`pipeline.ingest.discovery`). Reading a file never raises: a broken file is one
finding and the batch goes on. Cells of all files are interpreted together so the number
parsing and checks run vectorised over the batch. Each return's collection round, submission
date and hash come from :mod:`pipeline.ingest.rounds`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.ingest.cells import interpret
from pipeline.ingest.discovery import discover, path_problem, source_name
from pipeline.ingest.duplicates import resolve_duplicates
from pipeline.ingest.frame import conform
from pipeline.ingest.notes import cap_notes
from pipeline.ingest.pending import realise
from pipeline.ingest.readers import finish_texts, in_batch, read_any
from pipeline.ingest.rounds import Rounds, header_round
from pipeline.ingest.safety import LIMITS
from pipeline.ingest.valuecells import value_cells
from pipeline.ingest.workbook import TextRows, WorkbookRead, economy_from_name, file_finding
from pipeline.ingest.worker import Worker, frozen_heap
from pipeline.observations import (
    INGESTED_COLUMNS,
    INGESTED_SCHEMA,
    VINTAGE_KEY,
    empty_observations,
)
from pipeline.progress import progress

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm")
CSV_SUFFIXES = (".csv",)
#: Value cells read before they are interpreted together (bounds memory on big batches).
CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class IngestResult:
    """What ingest returns: the observation table and the findings table."""

    observations: pd.DataFrame
    findings: pd.DataFrame
    files: int = 0
    #: One row per return: source_file, round, submitted, submission, sha256.
    submissions: pd.DataFrame | None = None
    #: One row per declared collection round: round, name, closed.
    rounds: pd.DataFrame | None = None
    #: Peak resident memory that reading one file added in the worker process (bytes).
    peak_bytes: int = 0


def return_files(raw_dir: Path) -> list[Path]:
    """Every path under ``raw_dir`` that ingest must read or report, sorted.

    That is every file a reader may take plus everything that must not disappear silently:
    other files, folders that cannot be listed, symbolic links (never followed here). Only
    the names in :data:`pipeline.ingest.discovery.IGNORED` are left out.
    """
    return discover(raw_dir)


def known_economies() -> set[str] | None:
    """ISO3 codes of the economy reference, or None when the reference is absent."""
    from pipeline.reference import economies

    try:
        return set(economies()["economy"])
    except FileNotFoundError:
        return None


def read_file(
    path: Path, root: Path, known: set[str] | None, worker: Worker | None = None
) -> WorkbookRead:
    """Cells and findings of one return, read by the reader the registry chooses.

    Paths that are not a readable regular file inside ``root`` become one finding here; the
    file itself is read in ``worker`` (a child process with a time budget) when one is given.
    """
    return _read_vetted(path, *_vet(path, root), known, worker)


def _vet(path: Path, root: Path) -> tuple[str, list[dict], dict | None]:
    """The name a path is recorded under, findings about that name, and a finding when the
    path may not be read (looked up once per path: each costs file-system calls)."""
    source_file, name_findings = source_name(path, root)
    return source_file, name_findings, path_problem(path, root, source_file)


def _read_vetted(
    path: Path,
    source_file: str,
    name_findings: list[dict],
    problem: dict | None,
    known: set[str] | None,
    worker: Worker | None,
) -> WorkbookRead:
    if problem is not None:
        return WorkbookRead(findings=[*name_findings, problem])
    if worker is None or in_batch(path, worker.limits):
        read = read_any(path, source_file, known, worker.limits if worker else LIMITS)
    else:
        read = _in_worker(worker, path, source_file, known)
    read.findings[:0] = name_findings
    return read


def _in_worker(
    worker: Worker, path: Path, source_file: str, known: set[str] | None
) -> WorkbookRead:
    status, payload = worker.run(read_any, path, source_file, known, worker.limits)
    if status == "ok":
        return payload
    code = {"slow": "ING-TOO-SLOW", "died": "ING-READER-CRASHED"}.get(status, "ING-NOT-WORKBOOK")
    return WorkbookRead(findings=[file_finding(code, source_file, detail=str(payload))])


def interpret_batch(
    plans: list,
    csv_cells: list[pd.DataFrame],
    texts: Sequence[TextRows] = (),
    known: set[str] | None = None,
) -> tuple[list, list]:
    """Observations and findings of a batch of planned sheets, cells of text files and text
    rows left for their readers' batch pass (vectorised)."""
    sheet_cells, findings = value_cells(plans)
    finished = finish_texts(list(texts), known)
    for read in finished:
        findings.extend(read.findings)
    csv_cells = [*csv_cells, *(read.cells for read in finished)]
    cells = [conform(frame) for frame in (sheet_cells, *csv_cells) if not frame.empty]
    if not cells:
        return [], findings
    cells, note_findings = cap_notes(pd.concat(cells, ignore_index=True), LIMITS.note_chars)
    observations, cell_findings = interpret(cells, indicators())
    return [observations], [*findings, *note_findings, *cell_findings]


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
    interpreted in chunks of about :data:`CHUNK_CELLS` cells, so memory holds one chunk of
    raw cells at a time plus the observations made so far.
    """
    with frozen_heap():
        return _ingest(
            list(paths), root, known_economies() if known is None else known, show_progress
        )


def _ingest(
    paths: list[Path], root: Path, known: set[str] | None, show_progress: bool
) -> IngestResult:
    """The batch of :func:`ingest_paths`, run with the objects of before it out of the
    collector's walks (:func:`pipeline.ingest.worker.frozen_heap`)."""
    rounds = Rounds(root)
    with Worker(LIMITS) as worker:
        vetted = ((Path(path), _vet(Path(path), root)) for path in paths)
        reads = ((path, named, _read_vetted(path, *named, known, worker)) for path, named in vetted)
        if show_progress:
            reads = progress(reads, total=len(paths), label="ingest")
        produced, findings = _read_all(reads, rounds, known)
    if produced:
        observations, duplicate_findings = resolve_duplicates(
            rounds.attach(pd.concat(produced, ignore_index=True))
        )
        findings.extend(duplicate_findings)
        observations = INGESTED_SCHEMA.validate(
            observations.sort_values([*VINTAGE_KEY], kind="stable").reset_index(drop=True)
        )
    else:  # built only when needed: a schema check of an empty table costs tens of ms
        observations = empty_observations(INGESTED_COLUMNS)
    return IngestResult(
        observations,
        realise([*rounds.findings, *findings]),
        len(paths),
        rounds.table(),
        rounds.declared(),
        peak_bytes=worker.peak_bytes,
    )


def _record(
    rounds: Rounds, path: Path, named: tuple[str, list, dict | None], read: WorkbookRead
) -> list[dict]:
    """The vintage of a return that was read (a path that was not is a finding already)."""
    source_file, _, problem = named
    if problem is not None:
        return []
    try:
        return rounds.record(path, source_file, header_round(read.plans))
    except OSError:  # unreadable now: its read already carries the finding
        return []


def _read_all(
    reads: Iterable[tuple[Path, tuple[str, list, dict | None], WorkbookRead]],
    rounds: Rounds,
    known: set[str] | None,
) -> tuple[list, list]:
    """Observations and findings of all reads, interpreted in chunks of about
    :data:`CHUNK_CELLS` cells (memory holds one chunk of raw cells at a time)."""
    produced, findings, plans, cells, texts, size = [], [], [], [], [], 0
    for path, named, read in reads:
        findings.extend(_record(rounds, path, named, read))
        findings.extend(_owned(read, path, known))
        mine = [plan for plan in read.plans if plan.economy]
        plans.extend(mine)
        if read.cells is not None and not read.cells.empty:
            cells.append(read.cells)
            size += len(read.cells)
        if read.text is not None and read.text.length:
            texts.append(read.text)
            size += read.text.length
        size += sum(len(plan.body) * max(map(len, plan.body), default=0) for plan in mine)
        if size >= CHUNK_CELLS:
            made, found = interpret_batch(plans, cells, texts, known)
            produced, findings, plans, cells, texts, size = (
                [*produced, *made],
                [*findings, *found],
                [],
                [],
                [],
                0,
            )
    made, found = interpret_batch(plans, cells, texts, known)
    return [*produced, *made], [*findings, *found]


def ingest_folder(raw_dir: Path, known: set[str] | None = None, **options: bool) -> IngestResult:
    """Ingest every return file in ``raw_dir``."""
    return ingest_paths(return_files(raw_dir), raw_dir, known, **options)
