"""Which paths under raw/ ingest must account for, and the safe name each is recorded under.

Every file under ``raw/`` is either read or named in a finding: a folder that cannot be
listed, a symbolic link that leads nowhere or out of ``raw/`` (its ``source_file`` would be
wrong, and a link must not make ingest read files it was not given), a FIFO or device, and
any file no reader takes all become findings. Only documentation (README, ``round.toml`` of a
collection round), hidden files and Excel's ``~$`` lock files are left out. Folders are walked
recursively (returns may sit in round folders such as ``raw/2024/``), never through a link.

The recorded name is the path relative to ``raw/``, never a resolved link target. A name that
is not valid UTF-8 is recorded with its bytes escaped (``\\xff``) so every table can hold it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.ingest.workbook import file_finding
from pipeline.paths import MISSING_RAW_HINT

#: Hidden files and Excel's "~$name.xlsx" lock files are never returns.
IGNORED_PREFIXES = (".", "~$")
#: Documentation and collection-round metadata that sit beside the returns.
IGNORED_NAMES = frozenset({"readme", "readme.md", "readme.txt", "round.toml"})


def ignored(name: str) -> bool:
    return name.startswith(IGNORED_PREFIXES) or name.lower() in IGNORED_NAMES


def discover(raw_dir: Path) -> list[Path]:
    """Every path under ``raw_dir`` to read or report, sorted (see the module docstring)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_dir}{MISSING_RAW_HINT}")
    found: list[Path] = []
    for folder, folders, files in os.walk(
        raw_dir, onerror=lambda e: found.append(Path(e.filename))
    ):
        base = Path(folder)
        folders[:] = [name for name in folders if not ignored(name)]
        found.extend(base / name for name in folders if (base / name).is_symlink())
        found.extend(base / name for name in files if not ignored(name))
    return sorted(set(found))


def source_name(path: Path, root: Path) -> tuple[str, list[dict]]:
    """The path relative to ``root`` as recorded in every table, and a finding if escaped."""
    relative = Path(os.path.relpath(path, root)).as_posix()
    if relative.startswith("../"):
        relative = Path(path).name
    try:
        relative.encode("utf-8")
        return relative, []
    except UnicodeEncodeError:
        safe = relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return safe, [file_finding("ING-BAD-FILENAME", safe)]


def path_problem(path: Path, root: Path, source_file: str) -> dict | None:
    """A finding when ``path`` is not a regular file inside ``root`` that may be read."""
    if path.is_symlink():
        target = path.resolve()
        if not target.exists():
            return file_finding("ING-BAD-PATH", source_file, detail="symbolic link to nothing")
        if not target.is_relative_to(Path(root).resolve()):
            detail = "symbolic link to a file outside the raw folder"
            return file_finding("ING-BAD-PATH", source_file, detail=detail)
        if target.is_dir():
            detail = "symbolic link to a folder (not followed)"
            return file_finding("ING-BAD-PATH", source_file, detail=detail)
    if path.is_dir():
        return file_finding("ING-UNREADABLE", source_file, detail="the folder could not be listed")
    if not path.is_file():
        return file_finding("ING-UNREADABLE", source_file, detail="not a regular file")
    return None
