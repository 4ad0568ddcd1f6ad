"""Where the project's folders are.

The package is installed editable from the repository, so the methodology in ``schemas/``
and the returns in ``raw/`` are found next to the ``pipeline`` package. An environment
variable can point elsewhere (tests use it to run against a scratch copy).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("ICTSTATS_ROOT", Path(__file__).resolve().parents[1]))
SCHEMAS = ROOT / "schemas"
REFERENCE = SCHEMAS / "reference"
INDICES = SCHEMAS / "indices"
RAW = ROOT / "raw"
PROCESSED = ROOT / "processed"
