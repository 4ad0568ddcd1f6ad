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
import gc
import multiprocessing
import os
import resource
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.ingest.safety import LIMITS, Limits

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PROC = Path("/proc/self")


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects that exist now out of garbage collection until the block ends.

    A batch keeps what it reads until it interprets it, so the collector's full passes come
    during the batch, and each walks every object of the process (the imported libraries:
    about 0.1 s) to find none of them garbage; in the reader process, forked from the batch,
    the walk also writes to every page it shares with the batch, and each such write costs
    a page copy. Frozen, the objects of before are not walked (the reader process inherits
    that); the passes see only what the batch made. Unfrozen at the end, they are collected
    as before. A caller that froze objects itself keeps control of them.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _open(name: str, flags: int) -> int | None:
    try:
        return os.open(PROC / name, flags)
    except OSError:
        return None


class _Memory:
    """The child's resident memory and its high-water mark, read from ``/proc/self``.

    Asked three times per file, so the files stay open: opening and closing a /proc file
    costs several times reading it again from offset 0 (/proc regenerates the text on every
    read). Every figure is 0 where /proc is absent. Open it in the process it describes:
    ``/proc/self`` is resolved when the file is opened.
    """

    def __init__(self) -> None:
        self._statm = _open("statm", os.O_RDONLY)
        self._status = _open("status", os.O_RDONLY)
        self._clear = _open("clear_refs", os.O_WRONLY)

    def _read(self, fd: int | None, size: int) -> bytes:
        try:
            return os.pread(fd, size, 0) if fd is not None else b""
        except OSError:
            return b""

    def resident(self) -> int:
        """Resident bytes now."""
        fields = self._read(self._statm, 256).split()
        return int(fields[1]) * PAGE if len(fields) > 1 else 0

    def peak(self) -> int:
        """Resident high-water mark since the last :meth:`reset` (VmHWM)."""
        status = self._read(self._status, 16_384)
        start = status.find(b"\nVmHWM:")
        fields = status[start + 1 :].split(maxsplit=3)[1:2] if start >= 0 else []
        return int(fields[0]) * 1024 if fields and fields[0].isdigit() else 0

    def reset(self) -> None:
        """Reset the high-water mark to the resident memory of now."""
        if self._clear is not None:
            with contextlib.suppress(OSError):
                os.write(self._clear, b"5")


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
    memory = _Memory()
    _limit_memory(extra_bytes)
    while (task := connection.recv()) is not None:
        function, args = task
        memory.reset()
        base = memory.resident()
        try:
            answer: tuple = ("ok", function(*args))
        except BaseException as error:  # the batch turns it into a finding
            answer = ("error", f"{type(error).__name__}: {error}")
        connection.send((*answer, max(memory.peak() - base, 0)))


def _stat_cpu(stat: bytes) -> int | None:
    """The CPU a process last ran on, from its ``/proc/<pid>/stat`` text (field 39; the
    command name, field 2, may hold spaces and parentheses, so fields count from its end)."""
    fields = stat[stat.rfind(b")") + 2 :].split()
    return int(fields[36]) if len(fields) > 36 and fields[36].isdigit() else None


class Worker:
    """One child process reading files on request, with a deadline per file.

    While it lives, the batch process and its reader share one CPU (the one the batch ran
    on when the worker started; the batch's own set of CPUs is restored on :meth:`close`).
    They never run at once, since the batch waits for each answer, so nothing is lost; but
    a reader woken on another CPU that has just been idle starts from cold caches and, on
    machines whose idle CPUs slow down (frequency scaling, virtual CPUs), at a lower clock.
    On this project's 2-core machine the 415 workbooks of ``raw/`` cost 1.4–1.5 s of CPU
    so, 1.6–2.1 s without (the reader alone following the batch's CPU gains nothing: each
    move leaves its caches behind). The cost: while reading, the batch cannot move off that
    CPU if another process keeps it busy. Linux only; where the CPUs cannot be set, both run
    where the system puts them.
    """

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.peak_bytes = 0
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: multiprocessing.connection.Connection | None = None
        #: The batch's own set of CPUs while it is held on one (restored on close).
        self._allowed: set[int] | None = None

    def _share_one_cpu(self) -> None:
        """Hold the batch, and so the reader it forks, on the CPU it runs on now."""
        if self._allowed is not None or not hasattr(os, "sched_setaffinity"):
            return
        try:
            allowed = os.sched_getaffinity(0)
            cpu = _stat_cpu((PROC / "stat").read_bytes())
            os.sched_setaffinity(0, {cpu if cpu in allowed else min(allowed)})
        except (OSError, ValueError):  # not allowed here: run where the system puts us
            return
        self._allowed = allowed

    def _start(self) -> None:
        self._share_one_cpu()
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
        if self._allowed is not None:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, self._allowed)
            self._allowed = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
