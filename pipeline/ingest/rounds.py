"""Collection rounds: which round a return belongs to, when its values became known, its hash.

ITU collects the indicators of year t in a yearly round, and economies revise earlier years in
later rounds, so one economy-year-indicator may have several values, each known from a date.
A round lives in a folder of ``raw/`` with a ``round.toml``::

    id = "2024"                 # the round's id (a string)
    name = "2024 collection"    # for people
    closed = 2024-06-30         # values of this round are known from this date
    [submitted]                 # optional: a later re-submission within the round
    "admin/KEN_2023_admin.xlsx" = 2024-09-15   # path relative to the round folder

A return belongs to the round of the nearest folder above it (up to the raw folder itself)
that holds a ``round.toml``. A return outside every round folder belongs to the round its
header block names (cell B7, :mod:`pipeline.ingest.layout`), else to round ``""``; its
``submitted`` date is that round's ``closed`` date when some folder of the batch declares the
round, else ``""`` (undated: known from the start). ``submission`` is the first 16 hex digits
of the file's SHA-256, so the same bytes are the same submission wherever the file sits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROUND_FILE = "round.toml"
SUBMISSION_DIGITS = 16


@dataclass(frozen=True)
class Round:
    """One collection round as its ``round.toml`` declares it."""

    id: str
    name: str
    closed: str
    folder: Path
    submitted: dict[str, str] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in blocks: returns can be large)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _iso(value: object) -> str:
    """A TOML date (or ISO text) as ``YYYY-MM-DD``; raises ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(str(value)).isoformat()


def load_round(path: Path) -> Round:
    """Parse one ``round.toml``; raises ValueError with a readable reason when it is bad."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        submitted = {str(k): _iso(v) for k, v in dict(raw.get("submitted", {})).items()}
        return Round(
            id=str(raw["id"]).strip(),
            name=str(raw.get("name", "")),
            closed=_iso(raw["closed"]),
            folder=Path(path).parent,
            submitted=submitted,
        )
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"bad {ROUND_FILE} ({type(err).__name__}: {err})") from err


class Rounds:
    """The rounds of one raw folder, and the vintage (round, submitted, submission) of each file."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.by_folder: dict[Path, Round] = {}
        self.findings: list[dict] = []
        for path in sorted(self.root.rglob(ROUND_FILE)):
            try:
                self.by_folder[path.parent.resolve()] = load_round(path)
            except ValueError as error:
                source = path.resolve().relative_to(self.root).as_posix()
                self.findings.append(
                    {"code": "ING-BAD-ROUND", "source_file": source, "detail": str(error)}
                )
        self.closed = {r.id: r.closed for r in self.by_folder.values()}
        self.files: list[dict] = []
        #: Each folder of a return as given → its resolved path and its round folder.
        self._folders: dict[Path, tuple[Path, tuple[Path, Round] | None]] = {}

    def _round_above(self, folder: Path) -> tuple[Path, Round] | None:
        """The nearest round folder at or above a resolved folder, up to the raw folder."""
        for candidate in (folder, *folder.parents):
            if candidate in self.by_folder:
                return candidate, self.by_folder[candidate]
            if candidate == self.root:
                return None
        return None

    def _place(self, path: Path) -> tuple[Path, tuple[Path, Round] | None]:
        """The resolved path of a return and its round folder. Resolving costs a system
        call per path component, so each folder is resolved once (a symlinked file, which
        may lead elsewhere, on its own)."""
        path = Path(path)
        if path.is_symlink():
            resolved = path.resolve()
            return resolved, self._round_above(resolved.parent)
        if path.parent not in self._folders:
            folder = path.parent.resolve()
            self._folders[path.parent] = folder, self._round_above(folder)
        folder, found = self._folders[path.parent]
        return folder / path.name, found

    def record(self, path: Path, source_file: str, header_round: object = None) -> list[dict]:
        """Note the vintage of one return; findings when its header disagrees with its folder."""
        declared = "" if header_round is None else str(header_round).strip()
        declared = declared.removesuffix(".0")  # a round typed as a number: 2025.0
        # no round folder: nothing to resolve the path for
        resolved, placed = self._place(path) if self.by_folder else (None, None)
        findings = []
        if resolved is not None and placed is not None:
            folder, found = placed
            relative = resolved.relative_to(folder).as_posix()
            round_id, submitted = found.id, found.submitted.get(relative, found.closed)
            if declared and declared != found.id:
                findings.append(
                    {
                        "code": "ING-ROUND-MISMATCH",
                        "source_file": source_file,
                        "value": declared,
                        "expected": found.id,
                    }
                )
        else:
            round_id, submitted = declared, self.closed.get(declared, "")
        sha = file_sha256(path)
        self.files.append(
            {
                "source_file": source_file,
                "round": round_id,
                "submitted": submitted,
                "submission": sha[:SUBMISSION_DIGITS],
                "sha256": sha,
            }
        )
        return findings

    def table(self) -> pd.DataFrame:
        """One row per return: source_file, round, submitted, submission, sha256."""
        columns = ["source_file", "round", "submitted", "submission", "sha256"]
        return pd.DataFrame(self.files, columns=columns).drop_duplicates("source_file")

    def declared(self) -> pd.DataFrame:
        """One row per round a ``round.toml`` declares: round, name, closed."""
        rows = [(r.id, r.name, r.closed) for r in self.by_folder.values()]
        return pd.DataFrame(rows, columns=["round", "name", "closed"]).drop_duplicates("round")

    def attach(self, observations: pd.DataFrame) -> pd.DataFrame:
        """``observations`` with the round, submitted and submission columns of their file."""
        files = self.table().drop(columns="sha256")
        merged = observations.drop(columns=["round", "submitted", "submission"], errors="ignore")
        merged = merged.merge(files, on="source_file", how="left", validate="many_to_one")
        return merged.fillna({"round": "", "submitted": "", "submission": ""})


def header_round(plans: list) -> object:
    """The first collection round a workbook's data sheets declare in their header block."""
    declared = (plan.block.get("round") for plan in plans)
    return next((value for value in declared if value is not None and str(value).strip()), None)
