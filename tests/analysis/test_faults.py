"""Faults in the partial store and the local executor (issue 12): corrupt chunks, chunks
synced to disk, temporary files left by killed or failed runs, a full disk mid-sweep,
and workers stopped as soon as a sweep stops."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from security_equation.analysis import store as store_module
from security_equation.analysis.executors import LocalExecutor, stop_on_signals
from security_equation.analysis.plans import run_chunk
from security_equation.analysis.store import open_dataset
from security_equation.io.atomic import WriteError, atomic_path, temporary_path
from tests.factories import sweep_grid, sweep_plan, sweep_store


def _same(a, b) -> None:
    for name in b.data_vars:
        assert np.array_equal(a[name].values, b[name].values, equal_nan=True), name


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --------------------------------------------------------------------------- corrupt chunks
def test_truncated_chunk_is_recomputed_not_a_crash(uncertain, reference, tmp_path):
    """A chunk cut short (a crash while the disk wrote it): a zip without its directory,
    which numpy reports as BadZipFile. It is removed and recomputed."""
    out = tmp_path / "r.nc"
    store = sweep_store(uncertain, out)
    plan = sweep_plan(uncertain)
    store.save((0, 4096), run_chunk(plan, (0, 4096)))
    store.save((4096, 4620), run_chunk(plan, (4096, 4620)))
    first = store.directory / f"chunk-{0:012d}-{4096:012d}.npz"
    first.write_bytes(first.read_bytes()[: first.stat().st_size // 2])
    assert store.load((0, 4096)) is None and not first.exists()
    store.save((0, 4096), run_chunk(plan, (0, 4096)))
    first.write_bytes(first.read_bytes()[:100])

    recomputed = []
    ds = sweep_grid(
        uncertain,
        output=out,
        chunk_fn=lambda plan, c: recomputed.append(c) or run_chunk(plan, c),
    )
    assert recomputed == [(0, 4096)]
    _same(ds, reference)
    _same(open_dataset(out), reference)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04", b"PK\x05\x06" + b"\0" * 18, b"\x93NUMPY"])
def test_unreadable_chunks_of_any_kind_are_dropped(uncertain, tmp_path, content):
    store = sweep_store(uncertain, tmp_path / "r.nc")
    path = store.directory / f"chunk-{0:012d}-{4096:012d}.npz"
    path.write_bytes(content)
    assert store.completed() == [(0, 4096)]
    assert list(store.items()) == []
    assert not path.exists()


def test_chunks_are_synced_to_disk_before_they_count(uncertain, tmp_path, monkeypatch):
    store = sweep_store(uncertain, tmp_path / "r.nc")
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").exists() else str(fd))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store.save((0, 10), {"fsi": np.zeros(10)})
    if not Path("/proc/self/fd").exists():  # pragma: no cover - not Linux
        assert len(synced) >= 2
        return
    name = f"chunk-{0:012d}-{10:012d}.npz"
    # The data (under its temporary name), then the folder that now lists the chunk.
    assert synced == [str(store.directory / f".{name}.tmp-{os.getpid()}"), str(store.directory)]
    assert (store.directory / name).exists()


# --------------------------------------------------------------------------- temporaries
def test_stale_temporaries_of_the_output_are_removed_by_a_later_run(uncertain, reference, tmp_path):
    out = tmp_path / "r.nc"
    dead = _dead_pid()
    stale = tmp_path / f".r.nc.tmp-{dead}"  # a run killed while writing the result
    stale.write_bytes(b"half a netcdf file")
    alive = tmp_path / f".r.nc.tmp-{os.getppid()}"  # a run still writing: not ours to remove
    alive.write_bytes(b"in progress")
    other = tmp_path / f".other.nc.tmp-{dead}"  # another output's: left alone
    other.write_bytes(b"x")
    ds = sweep_grid(uncertain, output=out)
    _same(ds, reference)
    assert not stale.exists()
    assert alive.exists() and other.exists()


def test_stale_temporaries_in_the_partial_store_are_removed(uncertain, tmp_path):
    out = tmp_path / "r.nc"
    store = sweep_store(uncertain, out)
    dead = _dead_pid()
    for name in (f".chunk-{0:012d}-{4096:012d}.npz.tmp-{dead}", f".spec.json.tmp-{dead}"):
        (store.directory / name).write_bytes(b"x")
    sweep_store(uncertain, out)
    assert _temporaries(store.directory) == []


def test_atomic_write_removes_only_dead_processes_temporaries(tmp_path):
    target = tmp_path / "x.txt"
    dead = tmp_path / f".x.txt.tmp-{_dead_pid()}"
    dead.write_text("old")
    with atomic_path(target) as tmp:
        assert tmp == temporary_path(target)
        tmp.write_text("new")
    assert target.read_text() == "new" and not dead.exists()
    assert _temporaries(tmp_path) == []


def test_full_disk_mid_sweep_leaves_no_temporary_and_resumes(uncertain, reference, tmp_path, monkeypatch):
    out = tmp_path / "r.nc"
    real_savez = np.savez
    saves = []

    def savez(file, *args, **kwargs):
        saves.append(1)
        if len(saves) > 1:  # the second chunk: half written, then the disk is full
            file.write(b"PK\x03\x04" + b"\0" * 1000)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_savez(file, *args, **kwargs)

    monkeypatch.setattr(np, "savez", savez)
    with pytest.raises(WriteError) as info:
        sweep_grid(uncertain, output=out, chunk_size=4096)
    assert info.value.errno == errno.ENOSPC
    assert str(info.value) == (
        f"cannot write {out}.partial/chunk-{4096:012d}-{4620:012d}.npz: No space left on device"
    )
    partial = tmp_path / "r.nc.partial"
    assert _temporaries(partial) == [] and _temporaries(tmp_path) == []
    assert [p.name for p in partial.glob("chunk-*")] == [f"chunk-{0:012d}-{4096:012d}.npz"]
    assert not out.exists()

    monkeypatch.setattr(np, "savez", real_savez)
    ds = sweep_grid(uncertain, output=out, chunk_size=4096)
    _same(ds, reference)
    assert not partial.exists() and _temporaries(tmp_path) == []


def test_read_only_output_folder_is_a_write_error(uncertain, tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(WriteError, match=r"cannot write .*r\.nc\.partial: Read-only file system"):
        sweep_grid(uncertain, output=tmp_path / "r.nc")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- executor
def _slow_chunk(plan, chunk):
    if chunk[0] == 0:
        return {"chunk": chunk}
    time.sleep(60)
    return {}


def _failing_chunk(plan, chunk):
    if chunk[0] == 0:
        raise RuntimeError("chunk failed")
    time.sleep(60)
    return {}


def _workers() -> set:
    import multiprocessing

    return set(multiprocessing.active_children())


def _wait_dead(processes, seconds: float = 5.0) -> None:
    assert processes
    deadline = time.monotonic() + seconds
    while any(p.is_alive() for p in processes) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(p.is_alive() for p in processes)


CHUNKS = [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_a_signal_while_waiting_for_workers_stops_them_at_once():
    """A signal handler that raises (Ctrl-C) interrupts the wait for chunks; the workers,
    busy for another minute, are killed."""
    before = _workers()
    seen: set = set()
    results = LocalExecutor(2).map(_slow_chunk, None, CHUNKS[1:])
    started = time.monotonic()
    with pytest.raises(TimeoutError), stop_after(0.5, lambda: seen.update(_workers() - before)):
        next(results)
    assert len(seen) == 2
    _wait_dead(seen)
    assert time.monotonic() - started < 5


def test_closing_the_chunk_iterator_kills_the_workers_at_once():
    before = _workers()
    results = LocalExecutor(2).map(_slow_chunk, None, CHUNKS)
    assert next(results) == ((0, 1), {"chunk": (0, 1)})
    workers = _workers() - before
    assert len(workers) == 2
    started = time.monotonic()
    results.close()
    _wait_dead(workers)
    assert time.monotonic() - started < 5


def test_a_failing_chunk_stops_the_other_workers():
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="chunk failed"):
        list(LocalExecutor(2).map(_failing_chunk, None, CHUNKS))
    assert time.monotonic() - started < 10


class stop_after:  # noqa: N801 - used like a function
    """Raise TimeoutError in the main thread after ``seconds`` (SIGALRM)."""

    def __init__(self, seconds: float, before=lambda: None) -> None:
        self.seconds = seconds
        self.before = before

    def __enter__(self):
        def alarm(signum, frame):
            self.before()
            raise TimeoutError

        self.previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


def test_signal_handlers_come_back_after_the_sweep():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with stop_on_signals():
        assert signal.getsignal(signal.SIGTERM) not in before
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_store_module_documents_the_recovery():
    doc = store_module.__doc__
    assert "synced to disk" in doc and "recomputed" in doc
