"""Reading and writing result tables under ``processed/``.

Every table is written twice — Parquet for machines, CSV for people and spreadsheets — and
each write goes through a temporary file and an atomic rename, so an interrupted run never
leaves half a table behind. Stages never write files themselves; the CLI and
publish hand their returned frames to these functions.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def atomic_write(path: Path, writer: Callable[[Path], None]) -> Path:
    """Run ``writer`` on a temporary sibling of ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        tmp.chmod(0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _umask() -> int:
    """The process umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_table(frame: pd.DataFrame, directory: Path, name: str, *, csv: bool = True) -> Path:
    """Write ``frame`` as ``name.parquet`` (and ``name.csv``) in ``directory``."""
    directory = Path(directory)
    atomic_write(directory / f"{name}.parquet", lambda p: frame.to_parquet(p, index=False))
    if csv:
        atomic_write(directory / f"{name}.csv", lambda p: frame.to_csv(p, index=False))
    return directory / f"{name}.parquet"


def write_text(text: str, path: Path) -> Path:
    """Write a text file (Markdown, HTML, JSON) atomically."""
    return atomic_write(Path(path), lambda p: p.write_text(text, encoding="utf-8"))


class MissingInputError(FileNotFoundError):
    """A stage's input table is absent; the message names the command that writes it."""


#: Stage folder under ``processed/`` → the command that writes it.
PRODUCERS = {
    "ingest": "ictstats ingest",
    "validate": "ictstats validate",
    "index": "ictstats index --edition EDITION",
    "uncertainty": "ictstats uncertainty --edition EDITION",
    "sdg": "ictstats sdg",
    "publication": "ictstats publish",
}


def producer_of(directory: Path) -> str:
    """The command that writes tables into ``directory`` (a stage folder or one below it)."""
    for part in (directory.name, directory.parent.name):
        if part in PRODUCERS:
            return PRODUCERS[part]
    return "ictstats run"


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """Read a table written by :func:`write_table` (Parquet preferred).

    Raises :class:`MissingInputError` when neither file exists, naming the command that produces the
    table, so that a statistician who runs a stage out of order learns what to run first.
    """
    directory = Path(directory)
    parquet, csv = directory / f"{name}.parquet", directory / f"{name}.csv"
    if parquet.exists():
        return pd.read_parquet(parquet)
    if csv.exists():
        return pd.read_csv(csv)
    raise MissingInputError(
        f"no {name} table in {directory} (it is written by `{producer_of(directory)}`, "
        "or by `ictstats run`)"
    )
