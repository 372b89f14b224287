"""A real Dask cluster: a scheduler and two single-threaded workers as subprocesses.

The only test of the Dask path, so it runs by default (marked ``cluster`` to allow
``-m "not cluster"``). It needs no network beyond 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from security_equation.analysis.store import open_dataset

AXES = ["russia.systems.icbm_mobile.launchers=0:400:21", "us.defences.gmd.interceptors=0:1000:11"]

pytestmark = pytest.mark.cluster

DASK = Path(sys.executable).parent / "dask"
UNCERTAIN = "russia.systems.icbm_mobile.alert_fraction.day_to_day={dist: uniform, low: 0.1, high: 0.5}"


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler_address(tmp_path_factory):
    pytest.importorskip("distributed")
    if not DASK.exists():
        pytest.skip(f"no dask console script at {DASK}")
    tmp = tmp_path_factory.mktemp("dask")
    info = tmp / "scheduler.json"
    common = {"cwd": tmp, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs: list[subprocess.Popen] = []
    try:
        # Port 0: the scheduler picks a free port and writes its address to the file.
        procs.append(
            subprocess.Popen(
                [
                    str(DASK),
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--no-dashboard",
                    "--scheduler-file",
                    str(info),
                ],
                **common,
            )
        )
        deadline = time.monotonic() + 30
        address = None
        while time.monotonic() < deadline and address is None:
            if procs[0].poll() is not None:
                pytest.fail("the Dask scheduler exited at start")
            try:
                address = json.loads(info.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        assert address, "the Dask scheduler did not start within 30 s"
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        str(DASK),
                        "worker",
                        address,
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--no-nanny",
                        "--name",
                        f"w{i}",
                        "--local-directory",
                        str(tmp / f"w{i}"),
                    ],
                    **common,
                )
            )
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=40)
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)


def test_sweep_on_a_dask_cluster_equals_the_local_sweep(seceq, scheduler_address, tmp_path):
    common = [
        "us-russia-2023",
        "--axis",
        AXES[0],
        "--axis",
        AXES[1],
        "--samples",
        "30",
        "--seed",
        "8",
        "--set",
        UNCERTAIN,
        "--chunk-size",
        "4096",
        "--format",
        "json",
    ]
    code, out, err = seceq("sweep", *common, "--scheduler", scheduler_address, "-o", tmp_path / "dask.nc")
    assert code == 0, err
    info = json.loads(out)
    assert info["points"] == 21 * 11 * 30  # 6930 points: two chunks, one per worker
    assert "DaskExecutor" in info["backend"]
    code, out, err = seceq("sweep", *common, "--workers", "2", "-o", tmp_path / "local.nc")
    assert code == 0, err
    remote, local = open_dataset(tmp_path / "dask.nc"), open_dataset(tmp_path / "local.nc")
    assert set(remote.data_vars) == set(local.data_vars)
    for name in local.data_vars:
        assert np.array_equal(remote[name].values, local[name].values), name
    assert (tmp_path / "dask.png").exists()


def test_monte_carlo_on_a_dask_cluster(scheduler_address, uncertain):
    from security_equation.analysis.executors import DaskExecutor
    from security_equation.analysis.montecarlo import monte_carlo

    with DaskExecutor(scheduler_address) as executor:
        assert executor.workers == 2
        remote = monte_carlo(uncertain, 5000, seed=2, chunk_size=1000, executor=executor)
    local = monte_carlo(uncertain, 5000, seed=2)
    for name in local.data_vars:
        assert np.array_equal(remote[name].values, local[name].values), name
