"""Atomic replacement of the whole ``processed/`` folder (issue #7: an interrupted run leaves
the previous outputs intact).

``ictstats run`` writes everything into a hidden sibling folder and, only when every stage has
finished, exchanges it with ``processed/``. On Linux the exchange is one ``renameat2`` call
with ``RENAME_EXCHANGE`` (both names always exist); elsewhere it is two renames, and a folder
left half-way (``processed`` missing, ``.processed.previous-*`` present) is restored by the
next run before it starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
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


def swap_into_place(staging: Path, processed: Path) -> None:
    """Make ``staging`` the new ``processed``; the old folder is removed afterwards."""
    for name in CARRIED:
        if (processed / name).is_file() and not (staging / name).exists():
            shutil.copy2(processed / name, staging / name)
    if not processed.exists():
        staging.rename(processed)
        return
    if _exchange(staging, processed):
        shutil.rmtree(staging)
        return
    previous = processed.parent / f".{processed.name}.previous-{os.getpid()}"
    processed.rename(previous)
    staging.rename(processed)
    shutil.rmtree(previous)


@contextmanager
def staged(processed: Path) -> Iterator[Path]:
    """A fresh staging folder next to ``processed``; swapped in on success, removed on error."""
    processed = Path(processed).resolve()
    processed.parent.mkdir(parents=True, exist_ok=True)
    recover(processed)
    staging = processed.parent / f".{processed.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_into_place(staging, processed)
