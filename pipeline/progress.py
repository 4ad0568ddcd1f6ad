"""A tiny progress reporter for long batch jobs.

Statisticians run batches of ~200 workbooks; they want to see that work is moving without a
third-party progress-bar dependency. Output goes to stderr so that stdout stays parseable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int, label: str, every: int = 10) -> Iterator[T]:
    """Yield ``items`` unchanged, printing ``label: i/total`` every ``every`` items."""
    start = time.perf_counter()
    done = 0
    for done, item in enumerate(items, start=1):
        yield item
        if done % every == 0 or done == total:
            elapsed = time.perf_counter() - start
            print(f"\r{label}: {done}/{total} ({elapsed:.1f}s)", end="", file=sys.stderr)
    if done:
        print(file=sys.stderr)


def say(message: str) -> None:
    """One line of progress on stderr."""
    print(message, file=sys.stderr)
