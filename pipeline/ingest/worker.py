"""Read each return in a worker process that the batch can stop.

The readers are bounded by construction (budget scan before any grid, no super-linear
patterns), but a batch must survive what nobody foresaw too: a native library that loops,
aborts or allocates without bound on some file. So every file is read by one long-lived
child process, one file at a time, and the batch waits for each answer at most the per-file
``seconds`` of ``schemas/ingest_budget.toml``. A file that overruns is one ING-TOO-SLOW
finding (the child is killed and a fresh one takes the next file); a child that dies is one
ING-READER-CRASHED finding. The child's address space may grow by at most
``memory_bytes`` (``RLIMIT_AS``), so a runaway allocation fails inside it, never in the batch.

On Linux the child is forked, so it starts with every module already imported (no start-up
cost per batch); elsewhere it is spawned. It reports, with each answer, the peak resident
memory that reading the file added (``/proc/self/clear_refs`` resets the high-water mark),
which the batch keeps as :attr:`Worker.peak_bytes`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from pipeline.ingest.safety import LIMITS, Limits

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PROC = Path("/proc/self")


def _resident_bytes() -> int:
    try:
        return int((PROC / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _peak_bytes() -> int:
    """Resident high-water mark since the last reset (VmHWM), 0 where /proc is absent."""
    try:
        status = (PROC / "status").read_text()
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "")
    return int(line.split()[1]) * 1024 if line else 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        (PROC / "clear_refs").write_text("5")


def _limit_memory(extra_bytes: int) -> None:
    """Cap the child's address space at what it has now plus ``extra_bytes``."""
    try:
        size = int((PROC / "statm").read_text().split()[0]) * PAGE
        resource.setrlimit(resource.RLIMIT_AS, (size + extra_bytes, resource.RLIM_INFINITY))
    except (OSError, ValueError, IndexError):
        pass


def _serve(connection: multiprocessing.connection.Connection, extra_bytes: int) -> None:
    """Child loop: read one file per request until told to stop (``None``)."""
    tracemalloc.stop()  # inherited from a tracing parent it would only slow reading down
    _limit_memory(extra_bytes)
    while (task := connection.recv()) is not None:
        function, args = task
        _reset_peak()
        base = _resident_bytes()
        try:
            answer: tuple = ("ok", function(*args))
        except BaseException as error:  # the batch turns it into a finding
            answer = ("error", f"{type(error).__name__}: {error}")
        connection.send((*answer, max(_peak_bytes() - base, 0)))


class Worker:
    """One child process reading files on request, with a deadline per file."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.peak_bytes = 0
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: multiprocessing.connection.Connection | None = None

    def _start(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self.limits.memory_bytes), daemon=True
        )
        self._process.start()
        child.close()
        self._connection = parent

    def run(self, function: Callable, *args: object) -> tuple[str, object]:
        """``("ok", result)``, or ``("error" | "slow" | "died", detail)``."""
        if self._process is None or not self._process.is_alive():
            self._start()
        assert self._connection is not None and self._process is not None
        self._connection.send((function, args))
        seconds = self.limits.seconds
        if not self._connection.poll(seconds):
            self.stop()
            return "slow", f"reading took longer than {seconds:g} s"
        try:
            status, payload, peak = self._connection.recv()
        except (EOFError, OSError):
            process = self._process
            self.stop()
            code = process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return "died", f"the reader process ended ({how})"
        self.peak_bytes = max(self.peak_bytes, peak)
        return status, payload

    def stop(self) -> None:
        """Kill the child (a file overran its budget, or the batch is over)."""
        if self._process is not None:
            self._process.kill()
            self._process.join()
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = None

    def close(self) -> None:
        """Let the child finish cleanly, so its CPU time is accounted to this process."""
        if self._process is not None and self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.send(None)
            self._process.join(timeout=5)
        self.stop()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
