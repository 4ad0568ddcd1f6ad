"""The one-screen summary ``ictstats run`` prints at the end, or its JSON form (``--json``).

Per stage: seconds and counts; then the main outputs with their sizes and the exit code, all
taken from the manifest so the screen and the file never disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Output files (or folders, summed) listed in the summary, relative to processed/.
HIGHLIGHTS = (
    "ingest/observations.parquet",
    "validate/findings.csv",
    "index/",
    "uncertainty/",
    "sdg/sdg_sdmx.csv",
    "publication/ictstats_tables.xlsx",
    "publication/tables/",
    "publication/profiles/",
    "publication/charts/",
    "publication/index.html",
)


def human(size: int) -> str:
    """Bytes as B, kB or MB (powers of 1000, as file managers show)."""
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def output_sizes(outputs: dict[str, dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(path, files, bytes) for every highlighted output present."""
    rows = []
    for prefix in HIGHLIGHTS:
        chosen = [v["bytes"] for k, v in outputs.items() if k == prefix or k.startswith(prefix)]
        if chosen and (prefix.endswith("/") or len(chosen) == 1):
            rows.append((prefix, len(chosen), sum(chosen)))
    return rows


def summary(manifest: dict[str, Any], processed: Path, seconds: float) -> str:
    """Plain text, at most ~30 lines."""
    lines = [f"ictstats {manifest['version']} run → {processed}", ""]
    lines.append(f"{'stage':<24} {'s':>6}  counts")
    for stage in manifest["stages"]:
        counted = ", ".join(f"{k} {v}" for k, v in stage["counts"].items())
        lines.append(f"{stage['stage']:<24} {stage['seconds']:>6.1f}  {counted}")
    lines += ["", f"{'output':<34} {'files':>5} {'size':>9}"]
    for path, files, size in output_sizes(manifest["outputs"]):
        lines.append(f"{path:<34} {files:>5} {human(size):>9}")
    total = sum(v["bytes"] for v in manifest["outputs"].values())
    lines += [
        f"{'all outputs':<34} {len(manifest['outputs']):>5} {human(total):>9}",
        "",
        f"total {seconds:.1f} s · exit code {manifest['exit_code']}"
        + (" (error findings: see processed/validate/)" if manifest["exit_code"] == 1 else ""),
    ]
    return "\n".join(lines)


def summary_json(manifest: dict[str, Any], processed: Path, seconds: float) -> str:
    """The run summary as JSON for scripts: stages with counts, seconds and exit codes."""
    stages = [
        {key: stage.get(key) for key in ("stage", "seconds", "exit_code", "counts")}
        for stage in manifest["stages"]
    ]
    outputs = manifest["outputs"].values()
    document = {
        "version": manifest["version"],
        "processed": str(processed),
        "exit_code": manifest["exit_code"],
        "seconds": round(seconds, 2),
        "stages": stages,
        "outputs": {"files": len(outputs), "bytes": sum(v["bytes"] for v in outputs)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def failure_json(error: str, seconds: float) -> str:
    """The JSON summary of a run that stopped (exit code 2, nothing replaced)."""
    return json.dumps({"exit_code": 2, "seconds": round(seconds, 2), "error": error}, indent=2)
