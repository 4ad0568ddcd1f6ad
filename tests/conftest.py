"""Test-session setup: the shipped repository is the working folder of every test.

``pipeline.paths`` resolves ``raw/`` and ``processed/`` against the current directory or
``ICTSTATS_HOME``. Tests refer to the shipped returns as ``paths.RAW``, so the session pins
``ICTSTATS_HOME`` to the repository root before any test module imports the package: the
suite then gives the same results from whatever folder pytest is started in. Tests that write
outputs always pass their own temporary ``--processed``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
os.environ["ICTSTATS_HOME"] = str(REPOSITORY)
