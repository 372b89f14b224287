"""Stopping a real `seceq sweep` process (issue 12, "Faults"): SIGKILL, SIGTERM and Ctrl-C
while two local workers run.

Each test starts the command line in a subprocess, waits until the first chunk is on disk,
sends the signal and checks, within seconds, that no worker process is left, that the
command's stdout and stderr reach end-of-file (a caller reading to the end, `| tee`, does
not hang), the exit status, and that rerunning the same command resumes and ends with the
same numbers as an uninterrupted sweep.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from security_equation.analysis.executors import LocalExecutor
from security_equation.analysis.store import open_dataset
from security_equation.analysis.sweep import run_sweep

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")

#: 201 × 251 = 50,451 points: 13 chunks of 4096, about 2 s with two workers.
AXES = ["russia.systems.icbm_mobile.launchers=0:400:201", "us.defences.gmd.interceptors=0:1000:251"]
CHUNK = 4096
#: Seconds the workers and the pipes get to end after the signal (they take well under
#: one; generous for a loaded CI machine).
DEADLINE = 10.0


def _command(out: Path) -> list[str]:
    args = ["sweep", "us-russia-2023", "--axis", AXES[0], "--axis", AXES[1], "-o", str(out)]
    args += ["--workers", "2", "--chunk-size", str(CHUNK), "--format", "json"]
    return [sys.executable, "-c", "from security_equation.cli import main; main()", *args]


def _env() -> dict:
    return {**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}


# --------------------------------------------------------------------------- processes
def _children(pid: int) -> list[int]:
    """PIDs of the live child processes of ``pid``."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with the test extras (dask)
        out = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid and fields[0] != "Z":
                    out.append(int(entry.name))
        return out
    try:
        return [c.pid for c in psutil.Process(pid).children() if c.status() != psutil.STATUS_ZOMBIE]
    except psutil.NoSuchProcess:
        return []


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # pragma: no cover - no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


class Sweep:
    """A `seceq sweep` subprocess whose stdout and stderr are read to end-of-file."""

    def __init__(self, out: Path, *, ignore_sigint: bool = False) -> None:
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        preexec = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None
        self.proc = subprocess.Popen(
            _command(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), preexec_fn=preexec
        )
        self.eof: dict[str, tuple[float, bytes]] = {}
        for name, stream in (("stdout", self.proc.stdout), ("stderr", self.proc.stderr)):
            threading.Thread(target=self._drain, args=(name, stream), daemon=True).start()

    def _drain(self, name, stream) -> None:
        data = stream.read()
        self.eof[name] = (time.monotonic(), data)

    def wait_for_first_chunk(self, timeout: float = 60.0) -> list[int]:
        """Wait until a chunk is stored; the worker PIDs then."""
        deadline = time.monotonic() + timeout
        while not list(self.partial.glob("chunk-*.npz")):
            assert self.proc.poll() is None, f"sweep ended early: {self._stderr()}"
            assert time.monotonic() < deadline, "no chunk stored in time"
            time.sleep(0.02)
        workers = _children(self.proc.pid)
        assert self.proc.poll() is None, "the sweep finished before the signal: make it bigger"
        assert len(workers) == 2, workers
        return workers

    def _stderr(self) -> str:
        return self.eof.get("stderr", (0, b""))[1].decode(errors="replace")

    def stop(self, signum: int, workers: list[int]) -> tuple[int, float, str]:
        """Send ``signum``; (exit status, seconds until all ended, stderr)."""
        sent = time.monotonic()
        self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"the sweep did not exit within {DEADLINE} s of signal {signum}")
        while time.monotonic() - sent < DEADLINE and (any(map(_alive, workers)) or len(self.eof) < 2):
            time.sleep(0.02)
        left = [pid for pid in workers if _alive(pid)]
        for pid in left:  # do not leave them behind if the test fails
            os.kill(pid, signal.SIGKILL)
        assert not left, f"workers {left} still running {DEADLINE} s after the sweep ended"
        assert set(self.eof) == {"stdout", "stderr"}, "the sweep's output pipes did not reach EOF"
        return code, time.monotonic() - sent, self._stderr()


@pytest.fixture(scope="module")
def reference():
    from security_equation.io import load_scenario

    return run_sweep(load_scenario("us-russia-2023"), AXES, executor=LocalExecutor(2), chunk_size=CHUNK)


def _resume_matches(out: Path, reference) -> None:
    """Rerun the same command: it resumes from the stored chunks, ends like an
    uninterrupted sweep and leaves no partial store nor temporary file."""
    proc = subprocess.run(_command(out), capture_output=True, text=True, env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert 0 < info["resumed_points"] < info["points"] == 201 * 251
    ds = open_dataset(out)
    for name in reference.data_vars:
        assert np.array_equal(ds[name].values, reference[name].values, equal_nan=True), name
    assert not out.with_name(out.name + ".partial").exists()
    assert not [p.name for p in out.parent.iterdir() if ".tmp-" in p.name]


# --------------------------------------------------------------------------- tests
def test_sigkill_leaves_no_worker_and_resumes(tmp_path, reference):
    sweep = Sweep(tmp_path / "k.nc")
    workers = sweep.wait_for_first_chunk()
    # Workers do not hold the caller's terminal or pipes.
    if Path(f"/proc/{workers[0]}/fd/1").exists():
        assert os.readlink(f"/proc/{workers[0]}/fd/1") == os.devnull
    code, _, _ = sweep.stop(signal.SIGKILL, workers)
    assert code == -signal.SIGKILL
    assert not sweep.out.exists()
    _resume_matches(sweep.out, reference)


def test_sigterm_stops_like_ctrl_c_and_resumes(tmp_path, reference):
    sweep = Sweep(tmp_path / "t.nc")
    workers = sweep.wait_for_first_chunk()
    code, _, err = sweep.stop(signal.SIGTERM, workers)
    assert code == 128 + signal.SIGTERM, err
    assert "stopped by SIGTERM" in err and "run the same command again to resume" in err
    assert "Traceback" not in err
    assert list(sweep.partial.glob("chunk-*.npz")) and not sweep.out.exists()
    assert not [p.name for p in sweep.partial.iterdir() if ".tmp-" in p.name]
    _resume_matches(sweep.out, reference)


def test_ctrl_c_stops_the_sweep(tmp_path):
    sweep = Sweep(tmp_path / "i.nc")
    workers = sweep.wait_for_first_chunk()
    code, _, err = sweep.stop(signal.SIGINT, workers)
    assert code == 130, err
    assert "interrupted:" in err and f"saved in {sweep.partial}" in err
    assert "Traceback" not in err
    assert list(sweep.partial.glob("chunk-*.npz")) and not sweep.out.exists()


def test_ctrl_c_stops_the_sweep_even_when_started_with_sigint_ignored(tmp_path):
    """A background job (``seceq sweep … &`` in a script) starts with SIGINT ignored: the
    sweep used to run to the end and exit 0 after a Ctrl-C / ``kill -INT``."""
    sweep = Sweep(tmp_path / "g.nc", ignore_sigint=True)
    workers = sweep.wait_for_first_chunk()
    code, _, err = sweep.stop(signal.SIGINT, workers)
    assert code == 130, err
    assert "interrupted:" in err
    assert not sweep.out.exists()
