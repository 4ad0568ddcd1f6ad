"""The worker process: a file that overruns its time, kills its reader or asks for too much
memory costs one answer, and the next file is read by a fresh worker."""

from __future__ import annotations

import os
import signal
import time

import pytest

from pipeline.ingest.safety import Limits
from pipeline.ingest.worker import Worker, _stat_cpu


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


def _cpus() -> set[int]:
    return os.sched_getaffinity(0)


def test_cpu_of_a_stat_line_counts_fields_from_the_command_names_end() -> None:
    """Field 39 of /proc/<pid>/stat, whatever spaces or parentheses the command name holds."""
    after = " ".join(["S", *map(str, range(4, 39)), "7", "0"])
    assert _stat_cpu(f"123 (a) b (c) d) {after}".encode()) == 7
    assert _stat_cpu(f"1 (python3) {after}".encode()) == 7
    assert _stat_cpu(b"1 (python3) S 1 2") is None
    assert _stat_cpu(_own_stat()) in _cpus()


def _own_stat() -> bytes:
    with open("/proc/self/stat", "rb") as handle:
        return handle.read()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU sets are Linux's")
def test_batch_and_reader_share_one_cpu_while_reading_and_the_batch_gets_its_set_back() -> None:
    before = _cpus()
    with Worker() as worker:
        assert worker.run(_sleep, 0) == ("ok", "woke")
        held = _cpus()
        assert len(held) == 1 and held <= before
        assert worker._process is not None
        assert os.sched_getaffinity(worker._process.pid) == held
        assert worker.run(_die)[0] == "died"  # a fresh reader is held there too
        assert worker.run(os.getpid)[0] == "ok"
        assert os.sched_getaffinity(worker._process.pid) == held
    assert _cpus() == before


def test_a_refused_cpu_set_leaves_reading_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(pid: int, cpus: object) -> None:
        raise PermissionError("not here")

    before = _cpus()
    monkeypatch.setattr(os, "sched_setaffinity", refuse)
    with Worker() as worker:
        assert worker.run(_sleep, 0) == ("ok", "woke")
        assert _cpus() == before
    assert _cpus() == before
