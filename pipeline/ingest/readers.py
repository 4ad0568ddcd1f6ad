"""The reader registry: which reader takes a file, chosen by suffix and by content.

Like sdmx1's reader list, each :class:`Reader` says which suffixes it may read and, from the
first bytes of the file, whether it recognises the content; the first that does reads the
file. Every reader returns a :class:`pipeline.ingest.workbook.WorkbookRead`: planned sheets,
or cells in the interpreter frame (:mod:`pipeline.ingest.frame`), plus pending findings. A new
input format is one module with a ``read`` and an ``accepts`` function, one line here, and
its tests. A reader of small text files may instead hand on the rows as read
(:class:`pipeline.ingest.workbook.TextRows`) and declare a ``finish`` function that turns the
rows of all its files in a batch into cells at once. Order matters: specific CSV forms come
before the long CSV, which also reports a CSV that is not a return at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest import datahub_csv, longcsv, sdmx_csv
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.workbook import TextRows, WorkbookRead, file_finding, read_workbook

#: Bytes of a file's start the readers look at to recognise it.
HEAD_BYTES = 65_536


@dataclass(frozen=True)
class Reader:
    """One input format."""

    name: str
    suffixes: tuple[str, ...]
    accepts: Callable[[bytes], bool]
    read: Callable[..., WorkbookRead]
    #: Cells and findings of the text rows of many files (readers that return TextRows).
    finish: Callable[[list[TextRows], set[str] | None], WorkbookRead] | None = None
    #: Reads with Python's standard library only, in time and memory linear in the file's
    #: size: a small file may be read in the batch process (see :func:`in_batch`).
    linear: bool = False


def _any(head: bytes) -> bool:
    return True


READERS: tuple[Reader, ...] = (
    Reader("questionnaire", (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm"), _any, read_workbook),
    Reader("sdmx-csv", (".csv",), sdmx_csv.accepts, sdmx_csv.read_sdmx_csv, linear=True),
    Reader(
        "datahub-csv", (".csv",), datahub_csv.accepts, datahub_csv.read_datahub_csv, linear=True
    ),
    Reader("long-csv", (".csv",), _any, longcsv.read_long_csv, longcsv.finish, linear=True),
)
SUFFIXES = tuple(sorted({suffix for reader in READERS for suffix in reader.suffixes}))
#: Suffixes that only linear readers take, whatever the content turns out to be.
LINEAR_SUFFIXES = frozenset(SUFFIXES) - {
    suffix for reader in READERS if not reader.linear for suffix in reader.suffixes
}


def in_batch(path: Path, limits: Limits = LIMITS) -> bool:
    """Whether the batch process may read the file itself rather than its worker.

    The worker exists for the native libraries a workbook goes through (zip, libxml2,
    calamine), where an unforeseen fault could loop, abort or allocate without bound. A
    file that only linear readers can take, up to ``text_in_batch_bytes``, is bounded by
    construction; reading it in the batch saves the worker's cost per file, which for a
    long CSV of a few dozen rows is larger than reading it.
    """
    if path.suffix.lower() not in LINEAR_SUFFIXES:
        return False
    try:
        return path.stat().st_size <= limits.text_in_batch_bytes
    except OSError:  # the worker's read reports it
        return False


def choose(path: Path, head: bytes) -> Reader | None:
    """The first registered reader for the file's suffix that recognises its content."""
    suffix = path.suffix.lower()
    return next((r for r in READERS if suffix in r.suffixes and r.accepts(head)), None)


def read_any(
    path: Path, source_file: str, known: set[str] | None, limits: Limits = LIMITS
) -> WorkbookRead:
    """Read one file with the reader the registry chooses; never raises on a bad file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        detail = f"{type(error).__name__}: {error.strerror or error}"
        return WorkbookRead(findings=[file_finding("ING-UNREADABLE", source_file, detail=detail)])
    reader = choose(path, head)
    if reader is None:
        detail = f"no reader takes {path.suffix or 'files without a suffix'}"
        return WorkbookRead(findings=[file_finding("ING-NOT-A-RETURN", source_file, detail=detail)])
    return reader.read(path, source_file, known, limits)


def finish_texts(texts: list[TextRows], known: set[str] | None) -> list[WorkbookRead]:
    """Cells and findings of the text rows of a batch, one pass per reader (batch order)."""
    finishers = {reader.name: reader.finish for reader in READERS if reader.finish}
    names = dict.fromkeys(text.reader for text in texts)
    return [finishers[name]([t for t in texts if t.reader == name], known) for name in names]
