"""The worker process: a file that overruns its time, kills its reader or asks for too much
memory costs one answer, and the next file is read by a fresh worker."""

from __future__ import annotations

import os
import signal
import time

from pipeline.ingest.safety import Limits
from pipeline.ingest.worker import Worker


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _allocate(size: int) -> int:
    return len(bytearray(size))


def test_overrun_is_stopped_and_the_next_file_read() -> None:
    with Worker(Limits(seconds=0.5)) as worker:
        start = time.perf_counter()
        assert worker.run(_sleep, 30)[0] == "slow"
        assert time.perf_counter() - start < 5
        assert worker.run(_sleep, 0) == ("ok", "woke")


def test_dead_reader_is_reported_and_replaced() -> None:
    with Worker() as worker:
        status, detail = worker.run(_die)
        assert status == "died" and "signal 9" in detail
        assert worker.run(_sleep, 0) == ("ok", "woke")


def test_memory_budget_fails_inside_the_worker() -> None:
    with Worker(Limits(memory_bytes=200_000_000)) as worker:
        status, detail = worker.run(_allocate, 4_000_000_000)
        assert status == "error" and "MemoryError" in detail
        assert worker.run(_allocate, 1000) == ("ok", 1000)
        assert worker.peak_bytes < 300_000_000
