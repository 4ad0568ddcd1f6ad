"""Where the methodology and the working folders are.

Two kinds of folder, resolved differently:

* **The methodology** (``schemas/``: indicator dictionary, rules, index editions, SDG series,
  reference data) and the **sample returns** (``raw/`` of the repository) belong to the
  package. A wheel carries them inside ``pipeline/`` (copied there by ``setup.py`` at build
  time) and they are found through :mod:`importlib.resources`; an editable install from a
  checkout has no copy and reads the top-level folders where statisticians edit them.
* **The working folders** belong to the user: ``raw/`` (returns), ``processed/`` (outputs a run
  replaces) and ``store/`` (the store of record, which a run only adds to) resolve against the
  current directory, or against ``ICTSTATS_HOME`` when that is set — never against the place
  the package is installed, so a command run from an unrelated folder cannot overwrite the
  repository's outputs. Every command also takes ``--raw``/``--processed`` explicitly.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: The environment variable that names the working folder instead of the current directory.
HOME_VARIABLE = "ICTSTATS_HOME"


def _bundled(name: str, checkout_name: str) -> Path:
    """A data folder shipped with the package: inside the wheel, or beside an editable checkout."""
    packaged = resources.files("pipeline") / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[1] / checkout_name


def workdir() -> Path:
    """The user's working folder: ``$ICTSTATS_HOME`` if set, else the current directory."""
    return Path(os.environ.get(HOME_VARIABLE) or Path.cwd())


SCHEMAS = _bundled("schemas", "schemas")
REFERENCE = SCHEMAS / "reference"
INDICES = SCHEMAS / "indices"
#: The sample returns that ``ictstats example`` copies into a new working folder.
SAMPLE_RAW = _bundled("sample_raw", "raw")
#: The repository checkout, when the package runs from one (``ictstats docs`` edits its README).
CHECKOUT: Path | None = None if SCHEMAS.parent.name == "pipeline" else SCHEMAS.parent

WORKDIR = workdir()
RAW = WORKDIR / "raw"
PROCESSED = WORKDIR / "processed"
STORE = WORKDIR / "store"
#: What to say when the returns folder is missing (the most common first step gone wrong).
MISSING_RAW_HINT = " (give --raw, set ICTSTATS_HOME, or write a sample with `ictstats example DIR`)"
