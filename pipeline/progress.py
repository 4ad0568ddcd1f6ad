"""Progress and notes on stderr, at the verbosity the user chose.

Statisticians run batches of ~200 workbooks; they want to see that work is moving without a
third-party progress-bar dependency. Output goes to stderr so that stdout stays parseable
(``--json``). On a terminal the counter rewrites one line (``\\r``); into a file or a pipe it
writes a few plain lines instead, so logs stay readable. ``-q`` silences both, ``-v`` adds
detail (:func:`detail`) and tracebacks of crashes.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

QUIET, NORMAL, VERBOSE = 0, 1, 2
#: The verbosity of this process, set once by the command line (``-q`` / ``-v``).
LEVEL = NORMAL
#: How many plain progress lines a batch writes when stderr is not a terminal.
PLAIN_LINES = 4
#: A plain progress line, as :func:`progress` writes it (logs leave these out).
PROGRESS_LINE = re.compile(r"^[^:\n]+: \d+/\d+ \(\d+\.\ds\)$")


def set_level(level: int) -> None:
    """Set the verbosity for the rest of the process."""
    global LEVEL
    LEVEL = level


def _on_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def _plain_steps(total: int) -> set[int]:
    """The item counts at which a plain (non-terminal) progress line is written."""
    return {max(1, round(total * k / PLAIN_LINES)) for k in range(1, PLAIN_LINES + 1)}


def progress(items: Iterable[T], total: int, label: str, every: int = 10) -> Iterator[T]:
    """Yield ``items`` unchanged, reporting ``label: i/total`` on stderr as they pass."""
    start = time.perf_counter()
    terminal, shown = _on_terminal(), LEVEL >= NORMAL
    plain = _plain_steps(total)
    done = 0
    for done, item in enumerate(items, start=1):
        yield item
        if not shown:
            continue
        elapsed = time.perf_counter() - start
        if terminal and (done % every == 0 or done == total):
            print(f"\r{label}: {done}/{total} ({elapsed:.1f}s)", end="", file=sys.stderr)
        elif not terminal and done in plain:
            print(f"{label}: {done}/{total} ({elapsed:.1f}s)", file=sys.stderr)
    if done and shown and terminal:
        print(file=sys.stderr)


def say(message: str) -> None:
    """One line of progress or a closing note on stderr (silent with ``-q``)."""
    if LEVEL >= NORMAL:
        print(message, file=sys.stderr)


def detail(message: str) -> None:
    """A line only shown with ``-v``."""
    if LEVEL >= VERBOSE:
        print(message, file=sys.stderr)
