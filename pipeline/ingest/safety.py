"""Checks a file must pass before any spreadsheet library touches it (issue #2 part 7).

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

import zipfile
from dataclasses import dataclass
from pathlib import Path

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
MACRO_PART = "xl/vbaProject.bin"
WORKBOOK_PART = "xl/workbook.xml"


@dataclass(frozen=True)
class Limits:
    """Size limits for one questionnaire; generous for real returns, fatal for bombs."""

    file_bytes: int = 50_000_000
    uncompressed_bytes: int = 200_000_000
    member_ratio: float = 200.0
    ratio_floor_bytes: int = 2_000_000
    members: int = 5_000
    sheet_xml_bytes: int = 50_000_000
    sheet_rows: int = 20_000
    sheet_columns: int = 200


LIMITS = Limits()


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
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        return _ole_verdict(path, limits)
    if size > limits.file_bytes:
        return Verdict("ING-TOO-LARGE", f"file of {size} bytes")
    if not head.startswith(ZIP_MAGIC):
        return Verdict("ING-NOT-WORKBOOK", "not a zip archive" if size else "empty file")
    try:
        with zipfile.ZipFile(path) as archive:
            verdict = _zip_verdict(archive, limits)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        return Verdict("ING-NOT-WORKBOOK", f"truncated or corrupt zip ({error})")
    macro = verdict.macro or path.suffix.lower() == ".xlsm"
    return Verdict(verdict.code, verdict.detail, macro=macro)
