"""Atomic replacement of the whole ``processed/`` folder (an interrupted run leaves
the previous outputs intact).

``ictstats run`` writes everything into a hidden sibling folder and, only when every stage has
finished, exchanges it with ``processed/``. On Linux the exchange is one ``renameat2`` call
with ``RENAME_EXCHANGE`` (both names always exist); elsewhere it is two renames, and a folder
left half-way (``processed`` missing, ``.processed.previous-*`` present) is restored by the
next run before it starts.

When ``processed/`` is a mount point (a volume of a container, a network share) it cannot be
renamed at all (EBUSY): then the staging folder is made inside it and its *contents* are
swapped, entry by entry, the old ones moved aside first. Staging folders that a killed run
left behind are removed by the next run, unless the run that made them is still alive (two
concurrent runs each keep their own).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Files of ``processed/`` that are kept under version control and carried into the new folder.
CARRIED = ("README.md", ".gitignore")
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux ``renameat2``; False when unavailable."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def recover(processed: Path) -> None:
    """Put back a previous ``processed/`` that a crash between two renames left aside."""
    if processed.exists():
        return
    previous = sorted(processed.parent.glob(f".{processed.name}.previous-*"))
    if previous:
        previous[-1].rename(processed)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(processed: Path) -> None:
    """Remove staging folders of runs that are no longer alive (a kill leaves them behind)."""
    candidates = [
        *processed.parent.glob(f".{processed.name}.staging-*"),
        *(processed.glob(".staging-*") if processed.is_dir() else []),
    ]
    for folder in candidates:
        pid = folder.name.rpartition("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _swap_contents(staging: Path, processed: Path) -> None:
    """Replace what ``processed`` holds by what ``staging`` holds (``processed`` stays put)."""
    previous = processed / f".previous-{os.getpid()}"
    previous.mkdir(exist_ok=True)
    for entry in processed.iterdir():
        if entry not in (staging, previous) and not entry.name.startswith(".staging-"):
            shutil.move(str(entry), previous / entry.name)
    for entry in staging.iterdir():
        shutil.move(str(entry), processed / entry.name)
    shutil.rmtree(previous)
    shutil.rmtree(staging, ignore_errors=True)


def swap_into_place(staging: Path, processed: Path) -> None:
    """Make ``staging`` the new ``processed``; the old folder is removed afterwards."""
    for name in CARRIED:
        if (processed / name).is_file() and not (staging / name).exists():
            shutil.copy2(processed / name, staging / name)
    if not processed.exists():
        staging.rename(processed)
        return
    if staging.parent == processed or os.path.ismount(processed):
        _swap_contents(staging, processed)
        return
    if _exchange(staging, processed):
        shutil.rmtree(staging)
        return
    previous = processed.parent / f".{processed.name}.previous-{os.getpid()}"
    try:
        processed.rename(previous)
    except OSError as error:  # EBUSY: a mount point that ismount() could not see (bind mount)
        if error.errno not in (errno.EBUSY, errno.EXDEV, errno.EPERM):
            raise
        _swap_contents(staging, processed)
        return
    staging.rename(processed)
    shutil.rmtree(previous)


@contextmanager
def staged(processed: Path) -> Iterator[Path]:
    """A fresh staging folder next to ``processed``; swapped in on success, removed on error."""
    processed = Path(processed).resolve()
    processed.parent.mkdir(parents=True, exist_ok=True)
    recover(processed)
    clean_stale(processed)
    if os.path.ismount(processed):
        staging = processed / f".staging-{os.getpid()}"
    else:
        staging = processed.parent / f".{processed.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_into_place(staging, processed)
