"""The run manifest ``processed/manifest.json``.

It records what produced the outputs: the package version, a SHA-256 of every input file in
``raw/`` and every methodology file in ``schemas/``, and per stage the method, parameters,
counts and seconds, plus the size and hash of every output file. Hashes make two runs
comparable: same input hashes and same package version should give the same output hashes.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.publish.layout import TEXT_FILE

CHUNK = 1 << 20
#: Outputs whose bytes legitimately differ between identical runs (timestamps inside).
VOLATILE = frozenset({"manifest.json"})


@dataclass
class StageRecord:
    """What one stage did: method and parameters as data, counts, wall-clock seconds."""

    stage: str
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    exit_code: int = 0
    command: str = ""


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def hashes(folder: Path, relative_to: Path) -> dict[str, str]:
    """``relative path → sha256`` of every file under ``folder`` (hidden files skipped)."""
    if not folder.exists():
        return {}
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _hidden(p, folder))
    return {p.relative_to(relative_to).as_posix(): sha256(p) for p in files}


def _hidden(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return any(part.startswith(".") or part == "__pycache__" for part in parts)


def outputs(processed: Path) -> dict[str, dict[str, Any]]:
    """``relative path → {bytes, sha256}`` of every output file except the manifest."""
    found = hashes(processed, processed)
    return {
        name: {"bytes": (processed / name).stat().st_size, "sha256": digest}
        for name, digest in found.items()
        if name not in VOLATILE
    }


def build_manifest(
    raw: Path, schemas: Path, processed: Path, stages: list[StageRecord], exit_code: int
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict (``processed`` is the folder being written)."""
    return {
        "package": "ictstats",
        "version": __version__,
        "python": platform.python_version(),
        "exit_code": exit_code,
        "seconds": round(sum(s.seconds for s in stages), 2),
        "inputs": {
            "raw": hashes(raw, raw.parent),
            "schemas": hashes(schemas, schemas.parent),
            "publication_text": {TEXT_FILE.name: sha256(TEXT_FILE)},
        },
        "stages": [asdict(stage) for stage in stages],
        "outputs": outputs(processed),
    }


def manifest_json(manifest: dict[str, Any]) -> str:
    """Stable, readable JSON text."""
    return json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
