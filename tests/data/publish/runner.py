"""One ``ictstats run`` on the shipped raw/ per test session, shared by the e2e and notebook
tests (pytest imports this module once, so the cache spans test files)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from functools import cache
from pathlib import Path

from pipeline.cli import main
from pipeline.paths import RAW


@cache
def shipped_run() -> tuple[Path, int, float]:
    """(processed folder, exit code, seconds) of a full run into a temporary folder."""
    root = Path(tempfile.mkdtemp(prefix="ictstats-e2e-"))
    atexit.register(shutil.rmtree, root, True)
    start = time.perf_counter()
    code = main(["run", "--raw", str(RAW), "--processed", str(root / "processed")])
    return root / "processed", code, time.perf_counter() - start
