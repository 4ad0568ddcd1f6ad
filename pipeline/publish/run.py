"""``ictstats run``: every stage, in order, into a staging folder swapped in at the end.

Each stage runs through its own registered subcommand (the same code path a statistician uses
to rerun one stage), pointed at the staging folder, so the outputs of ``run`` and of the
stage commands cannot drift apart. What a stage prints on stdout goes to ``logs/<stage>.txt``
instead of the screen; its stderr stays on the screen and its closing notes there (index,
validate and uncertainty report on stderr) are copied to the log too, without the progress.
Which stages run, with which method and parameters, is decided by :func:`first_steps`,
:func:`index_steps` (each edition whose reference year is in the data) and
:func:`last_steps`, and recorded in the manifest.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pipeline import progress
from pipeline.findings import EXIT_USAGE
from pipeline.progress import PROGRESS_LINE, say
from pipeline.publish import counts
from pipeline.publish.manifest import StageRecord

#: Base sample size of the uncertainty analysis in a full run (a modest N keeps a run short);
#: ``ictstats uncertainty --edition E`` alone uses the design's own N.
UNCERTAINTY_N = 64


class StageError(RuntimeError):
    """A stage ended with a usage or IO error (exit code 2) or crashed: the run stops and
    nothing is swapped in; ``ictstats run`` reports it and exits with code 2."""


@dataclass(frozen=True)
class Step:
    """One subcommand invocation of a full run."""

    stage: str
    argv: list[str]
    method: str
    parameters: dict[str, object] = field(default_factory=dict)
    counter: Callable[[Path], dict[str, int]] = counts.none


class _Tee(io.StringIO):
    """Keeps a copy of what is written and passes it on to ``stream`` (stderr stays live)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)
        return super().write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        """Progress follows the real stderr: rewritten in place only on a terminal."""
        return self.stream.isatty()

    def notes(self) -> str:
        """The lines written, without the progress counters (rewritten or plain)."""
        lines = self.getvalue().split("\n")
        return "".join(
            f"{line}\n"
            for line in lines
            if line and "\r" not in line and not PROGRESS_LINE.match(line)
        )


def run_step(parser: argparse.ArgumentParser, step: Step, staging: Path) -> StageRecord:
    """Run one step's handler with stdout and stderr notes logged to ``logs/``; time it and
    count outputs."""
    say(f"run: {step.stage} {' '.join(step.argv[1:])}")
    args = parser.parse_args(step.argv)
    # With -q the screen stays silent but the log still gets every closing note.
    level = progress.LEVEL
    quiet = level == progress.QUIET
    buffer, errors = io.StringIO(), _Tee(io.StringIO() if quiet else sys.stderr)
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
            progress.set_level(max(level, progress.NORMAL))
            code = int(args.handler(args))
    except Exception as error:
        raise StageError(f"{step.stage} crashed ({type(error).__name__}: {error})") from error
    finally:
        progress.set_level(level)
    seconds = round(time.perf_counter() - start, 2)
    log = staging / "logs" / f"{step.stage}.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = " ".join(["ictstats", *step.argv]).replace(str(staging), "<processed>")
    with log.open("a", encoding="utf-8") as handle:
        notes = errors.notes().replace(str(staging), "<processed>")
        handle.write(f"$ {command}\n{buffer.getvalue()}{notes}\n")
    if code == EXIT_USAGE:
        raise StageError(f"{step.stage} failed with exit code {code} (see stderr)")
    return StageRecord(
        stage=step.stage,
        method=step.method,
        parameters=step.parameters,
        counts=step.counter(staging),
        seconds=seconds,
        exit_code=code,
        command=command,
    )


def available(parser: argparse.ArgumentParser) -> set[str]:
    """Subcommands registered in this installation (a stage not yet installed is skipped)."""
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(actions[0].choices) if actions else set()


def first_steps(raw: Path, staging: Path, previous: Path | None = None) -> list[Step]:
    """Ingest and validate: they need only the raw folder. ``previous`` is the observation
    table of the outputs being replaced: validate reports every value the new returns revise
    against it (revisions against the previous vintage in processed/)."""
    revision = ["--previous", str(previous)] if previous is not None else []
    return [
        Step(
            "ingest",
            ["ingest", str(raw), "--output", str(staging)],
            "ingest_paths (questionnaire workbooks and long CSV returns)",
            {"raw": raw.name},
            counts.ingest,
        ),
        Step(
            "validate",
            ["validate", "--processed", str(staging), "--raw", str(raw), *revision],
            "rule catalogue in schemas/rules/, reports per economy, revisions",
            {"previous_vintage": previous is not None},
            counts.validate,
        ),
        Step(
            "estimate",
            ["estimate", "--processed", str(staging)],
            "cascades in schemas/estimation/, leave-one-out and next-round back-tests",
            {},
            counts.estimate,
        ),
    ]


def index_steps(staging: Path, years: set[int]) -> list[Step]:
    """One step per shipped edition whose reference year is among the data years."""
    from pipeline.index.cli import cutoff
    from pipeline.index.methodology import available_editions, edition_path, load

    steps = []
    for name in available_editions():
        methodology = load(edition_path(name))
        year = methodology.reference_year
        if year is None or year not in years:
            continue
        argv = ["index", "--edition", name, "--year", str(year), "--processed", str(staging)]
        # Each edition is computed from the values known at its cutoff (``as_of``).
        parameters = {"edition": name, "year": year, "file": f"schemas/indices/{name}.toml",
                      "as_of": cutoff(methodology, None)}  # fmt: skip
        steps.append(Step(f"index {name}", argv, "compute_edition", parameters, counts.index(name)))
    return steps


def uncertainty_edition(index_steps: list[Step]) -> list[str]:
    """The latest computed edition that ships uncertainty settings (none → no analysis)."""
    from pipeline.paths import INDICES

    ready = [
        s for s in index_steps if (INDICES / f"{s.parameters['edition']}.uncertainty.toml").exists()
    ]
    latest = sorted(ready, key=lambda step: (int(str(step.parameters["year"])), step.stage))
    return [str(step.parameters["edition"]) for step in latest[-1:]]


def last_steps(staging: Path, editions: list[str], n: int) -> list[Step]:
    """Uncertainty of the given editions, then the SDG series."""
    where = ["--processed", str(staging)]
    steps = [
        Step(
            f"uncertainty {name}",
            ["uncertainty", "--edition", name, "--n", str(n), *where],
            f"design in schemas/indices/{name}.uncertainty.toml",
            {"edition": name, "n": n},
            counts.uncertainty,
        )
        for name in editions
    ]
    steps.append(Step("sdg", ["sdg", *where], "schemas/sdg/", {}, counts.sdg))
    return steps
