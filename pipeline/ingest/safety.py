"""Checks a file must pass before any spreadsheet library touches it, and the per-file budget.

Returns arrive by e-mail from ~190 economies; some are not workbooks at all, some are
encrypted, some are legacy .xls, and a hostile or broken file must never stop the batch or
exhaust memory. These checks read only the first bytes and the zip's central directory, so
they cost almost nothing and run before openpyxl parses anything.

Zip bombs: the declared uncompressed sizes in the central directory are checked against
:data:`LIMITS`. Python's ``zipfile`` never returns more bytes than a member declares (and
checks the CRC), so bounding the declared sizes bounds what any later reader can inflate.
Encrypted Office files are OLE/CFB containers holding an ``EncryptionInfo`` stream
(MS-OFFCRYPTO §2.3.4); other OLE files are legacy Excel 97-2003 workbooks (MS-XLS).
"""

from __future__ import annotations

import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.paths import SCHEMAS

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
MACRO_PART = "xl/vbaProject.bin"
WORKBOOK_PART = "xl/workbook.xml"


BUDGET_FILE = "ingest_budget.toml"


@dataclass(frozen=True)
class Limits:
    """The per-file budget (``schemas/ingest_budget.toml``): generous for real returns, fatal
    for bombs. Tests pass smaller values to exercise a breach cheaply."""

    file_bytes: int = 50_000_000
    uncompressed_bytes: int = 200_000_000
    member_ratio: float = 200.0
    ratio_floor_bytes: int = 2_000_000
    members: int = 5_000
    file_cells: int = 1_000_000
    seconds: float = 30.0
    memory_bytes: int = 1_500_000_000
    sheet_xml_bytes: int = 50_000_000
    sheet_rows: int = 20_000
    sheet_columns: int = 200
    sheet_cells: int = 400_000
    sheet_area: int = 2_000_000
    note_chars: int = 2_000
    text_in_batch_bytes: int = 262_144
    report_xml_bytes: int = 5_000_000


#: Field of :class:`Limits` for each ``section.key`` of the budget file.
BUDGET_FIELDS = {
    "file.bytes": "file_bytes",
    "file.uncompressed_bytes": "uncompressed_bytes",
    "file.member_ratio": "member_ratio",
    "file.ratio_floor_bytes": "ratio_floor_bytes",
    "file.members": "members",
    "file.cells": "file_cells",
    "file.seconds": "seconds",
    "file.memory_bytes": "memory_bytes",
    "sheet.xml_bytes": "sheet_xml_bytes",
    "sheet.rows": "sheet_rows",
    "sheet.columns": "sheet_columns",
    "sheet.cells": "sheet_cells",
    "sheet.area": "sheet_area",
    "text.note_chars": "note_chars",
    "text.in_batch_bytes": "text_in_batch_bytes",
    "report.copy_xml_bytes": "report_xml_bytes",
}


def load_limits(path: Path | None = None) -> Limits:
    """The budget as declared in ``schemas/ingest_budget.toml`` (an unknown key raises)."""
    with (path or SCHEMAS / BUDGET_FILE).open("rb") as handle:
        raw = tomllib.load(handle)
    entries = {
        f"{section}.{key}": value for section, table in raw.items() for key, value in table.items()
    }
    return Limits(**{BUDGET_FIELDS[name]: value for name, value in entries.items()})


LIMITS = load_limits()


@dataclass(frozen=True)
class Verdict:
    """Outcome of the pre-open check: a finding code and detail, or ``None`` when readable."""

    code: str | None = None
    detail: str = ""
    macro: bool = False

    @property
    def readable(self) -> bool:
        return self.code is None


def _ole_verdict(path: Path, limits: Limits) -> Verdict:
    if path.stat().st_size > limits.file_bytes:
        return Verdict("ING-TOO-LARGE", f"file of {path.stat().st_size} bytes")
    if ENCRYPTION_STREAM in path.read_bytes():
        return Verdict("ING-ENCRYPTED")
    return Verdict("ING-LEGACY-XLS")


def _zip_verdict(archive: zipfile.ZipFile, limits: Limits) -> Verdict:
    members = archive.infolist()
    if len(members) > limits.members:
        return Verdict("ING-TOO-LARGE", f"zip holds {len(members)} parts")
    total = sum(member.file_size for member in members)
    if total > limits.uncompressed_bytes:
        return Verdict("ING-TOO-LARGE", f"declares {total} uncompressed bytes (zip bomb?)")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor_bytes and ratio > limits.member_ratio:
            return Verdict(
                "ING-TOO-LARGE", f"part {member.filename} compresses {ratio:.0f}:1 (zip bomb?)"
            )
    names = {member.filename for member in members}
    if WORKBOOK_PART not in names:
        return Verdict("ING-NOT-WORKBOOK", "zip archive without xl/workbook.xml")
    return Verdict(macro=MACRO_PART in names)


def check_file(path: Path, limits: Limits = LIMITS) -> Verdict:
    """Decide whether ``path`` may be opened as a workbook, without parsing it."""
    verdict, archive = open_checked(path, limits)
    if archive is not None:
        archive.close()
    return verdict


def open_checked(path: Path, limits: Limits = LIMITS) -> tuple[Verdict, zipfile.ZipFile | None]:
    """The verdict of :func:`check_file` and, for a readable workbook, its zip archive left
    open for the reader (the caller closes it), so the central directory is read once."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        return _ole_verdict(path, limits), None
    if size > limits.file_bytes:
        return Verdict("ING-TOO-LARGE", f"file of {size} bytes"), None
    if not head.startswith(ZIP_MAGIC):
        return Verdict("ING-NOT-WORKBOOK", "not a zip archive" if size else "empty file"), None
    archive = None
    try:
        archive = zipfile.ZipFile(path)
        verdict = _zip_verdict(archive, limits)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        if archive is not None:
            archive.close()
        return Verdict("ING-NOT-WORKBOOK", f"truncated or corrupt zip ({error})"), None
    macro = verdict.macro or path.suffix.lower() == ".xlsm"
    verdict = Verdict(verdict.code, verdict.detail, macro=macro)
    if not verdict.readable:
        archive.close()
        return verdict, None
    return verdict, archive
