"""NetCDF output, the CLI, refusing to overwrite, and resuming interrupted sweeps."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from security_equation.analysis.executors import LocalExecutor, make_executor
from security_equation.analysis.plans import run_chunk
from security_equation.analysis.store import PartialStore, open_dataset, sanitize, write_dataset
from security_equation.analysis.sweep import run_sweep
from security_equation.io.errors import InputError
from tests.factories import SWEEP_AXES as AXES
from tests.factories import SWEEP_SAMPLES as SAMPLES
from tests.factories import sweep_grid, sweep_plan, sweep_store


def assert_same(a: xr.Dataset, b: xr.Dataset) -> None:
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        assert a[name].dims == b[name].dims, name
        assert np.array_equal(a[name].values, b[name].values), name
    for name in a.coords:
        assert np.array_equal(a[name].values, b[name].values), name


def test_sanitize():
    assert sanitize("us.r") == "us__r"
    assert sanitize("russia.systems.icbm_mobile.launchers") == "russia__systems__icbm_mobile__launchers"
    assert sanitize("1x-y") == "v_1x_y"


def test_workers_and_chunk_sizes_give_identical_results(uncertain, reference):
    two = sweep_grid(uncertain, executor=LocalExecutor(2), chunk_size=7)
    big = sweep_grid(uncertain, chunk_size=1000)
    whole = sweep_grid(uncertain, chunk_size=100_000)
    assert_same(reference, two)
    assert_same(reference, big)
    assert_same(reference, whole)
    assert reference["fsi"].dims == (*[a.split("=")[0] for a in AXES], "sample")


def test_netcdf_round_trip(reference, tmp_path):
    path = write_dataset(reference, tmp_path / "out.nc")
    with xr.open_dataset(path) as raw:  # plain xarray reads it, with sanitized names
        assert "us__r" in raw.data_vars
        assert raw["us__r"].attrs["dotted_path"] == "us.r"
        assert "russia__systems__icbm_mobile__launchers" in raw.dims
    back = open_dataset(path)
    assert_same(reference, back)
    assert back.attrs["scenario"] == "us-russia-2023"
    assert back.attrs["seed"] == 4
    assert json.loads(back.attrs["axes"]) == [
        "russia.systems.icbm_mobile.launchers=0:400:21",
        "us.defences.gmd.interceptors=0:1000:11",
    ]
    assert back.attrs["created_by"].startswith("security-equation ")
    assert back["us.defences.gmd.kill_probability"].attrs["role"] == "parameter"
    assert not list(tmp_path.glob(".*tmp*"))


def test_cli_sweep_writes_netcdf_and_heat_map(seceq, nominal, tmp_path):
    out = tmp_path / "sweep.nc"
    code, stdout, err = seceq(
        "sweep",
        "us-russia-2023",
        "--axis",
        AXES[0],
        "--axis",
        AXES[1],
        "-o",
        out,
        "--workers",
        "1",
        "--format",
        "json",
    )
    assert code == 0, err
    info = json.loads(stdout)
    assert info["points"] == 21 * 11 and info["output"] == str(out)
    assert info["plot"] == str(tmp_path / "sweep.png")
    png = tmp_path / "sweep.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "sweep.nc.partial").exists()
    ds = open_dataset(out)
    assert ds["fsi"].shape == (21, 11)
    assert_same(ds, run_sweep(nominal, AXES))
    assert 0.0 <= info["fsi"]["min"]["fsi"] <= info["fsi"]["max"]["fsi"] <= 1.0


def test_cli_sweep_table_output_and_explicit_plot(seceq, tmp_path):
    plot = tmp_path / "heat.png"
    code, stdout, err = seceq("sweep", "--axis", AXES[0], "--plot", plot, "--workers", "1")
    assert code == 0, err
    assert "FSI min" in stdout and plot.exists()


def test_refuses_to_overwrite_without_force(seceq, tmp_path):
    out = tmp_path / "kept.nc"
    out.write_bytes(b"precious")
    code, _, err = seceq("sweep", "--axis", AXES[0], "-o", out)
    assert code == 2 and "exists; use --force" in err
    assert out.read_bytes() == b"precious"
    code, _, err = seceq("sweep", "--axis", AXES[0], "-o", out, "--force", "--workers", "1")
    assert code == 0, err
    assert open_dataset(out)["fsi"].shape == (21,)


def test_refuses_to_overwrite_an_existing_heat_map(seceq, tmp_path):
    (tmp_path / "s.png").write_bytes(b"mine")
    code, _, err = seceq("sweep", "--axis", AXES[0], "-o", tmp_path / "s.nc")
    assert code == 2 and "--force" in err and "s.png" in err
    assert not (tmp_path / "s.nc").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--axis", "russia.systems.icbm_mobil.launchers=0:400:3"],
        ["--axis", "russia.systems.icbm_mobile.launchers=0:400:0"],
        ["--axis", "us.systems.trident_ii.reliability=0:1.5:3"],
        ["--axis", "nonsense"],
        [],
        ["--axis", AXES[0], "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"],
        ["--axis", AXES[0], "--scheduler", "no-port-here"],
    ],
)
def test_cli_sweep_input_errors_exit_2(seceq, args):
    code, _, err = seceq("sweep", *args)
    assert code == 2, err
    assert "error" in err.lower() or "usage" in err.lower()


def test_cli_sweep_samples_need_uncertain_parameters(seceq, tmp_path):
    from security_equation.io import load_scenario
    from security_equation.io.loading import dump_scenario

    certain = tmp_path / "certain.yaml"
    certain.write_text(dump_scenario(load_scenario("us-russia-2023").model_copy(update={"uncertainty": {}})))
    code, _, err = seceq("sweep", certain, "--axis", AXES[0], "--samples", "5")
    assert code == 2 and "no uncertain parameters" in err


def test_cli_sweep_unknown_field_message(seceq):
    code, _, err = seceq("sweep", "--axis", "russia.systems.foo.launchers=0:1:2")
    assert code == 2
    assert "--axis russia.systems.foo.launchers: no such numeric field (did you mean" in err


# --------------------------------------------------------------------------- resume
class Boom(RuntimeError):
    pass


def test_interrupted_sweep_resumes_without_recomputing(uncertain, reference, tmp_path):
    out = tmp_path / "r.nc"
    calls: list[tuple[int, int]] = []

    def failing_after_one(plan, chunk):
        if calls:
            raise Boom("interrupted")
        calls.append(chunk)
        return run_chunk(plan, chunk)

    with pytest.raises(Boom):
        sweep_grid(uncertain, output=out, chunk_size=4096, chunk_fn=failing_after_one)
    assert not out.exists()
    partial = tmp_path / "r.nc.partial"
    stored = sorted(p.name for p in partial.glob("chunk-*.npz"))
    assert stored == [f"chunk-{0:012d}-{4096:012d}.npz"]
    assert (partial / "spec.json").exists()

    recomputed: list[tuple[int, int]] = []

    def counting(plan, chunk):
        recomputed.append(chunk)
        return run_chunk(plan, chunk)

    done = []
    ds = sweep_grid(
        uncertain,
        output=out,
        chunk_fn=counting,
        progress=lambda d, t: done.append((d, t)),
    )
    assert recomputed == [(4096, 4620)]
    assert done[0] == (4096, 4620) and done[-1] == (4620, 4620)
    assert_same(reference, ds)
    assert_same(reference, open_dataset(out))
    assert not partial.exists()


def test_resume_with_another_chunk_size_fills_only_the_gaps(uncertain, reference, tmp_path):
    out = tmp_path / "r.nc"
    store = sweep_store(uncertain, out)
    store.save((4096, 4620), run_chunk(sweep_plan(uncertain), (4096, 4620)))
    seen = []
    ds = sweep_grid(
        uncertain,
        output=out,
        chunk_size=100_000,
        chunk_fn=lambda plan, c: seen.append(c) or run_chunk(plan, c),
    )
    assert seen == [(0, 4096)]
    assert_same(reference, ds)


def test_corrupt_partial_chunk_is_recomputed(uncertain, reference, tmp_path):
    out = tmp_path / "r.nc"
    store = sweep_store(uncertain, out)
    (store.directory / f"chunk-{0:012d}-{4096:012d}.npz").write_bytes(b"not a zip")
    ds = sweep_grid(uncertain, output=out)
    assert_same(reference, ds)


def test_partial_of_another_sweep_needs_force(uncertain, tmp_path):
    out = tmp_path / "r.nc"
    store = PartialStore(out, {"something": "else"})
    store.save((0, 10), {"fsi": np.zeros(10)})
    with pytest.raises(InputError, match="different sweep"):
        sweep_grid(uncertain, seed=5, output=out)
    ds = sweep_grid(uncertain, seed=5, output=out, force=True)
    assert out.exists() and ds["fsi"].shape == (21, 11, SAMPLES)


# --------------------------------------------------------------------------- executors
def test_executor_options(monkeypatch):
    assert make_executor(None, 3).workers == 3
    with pytest.raises(InputError, match="either --scheduler or --workers"):
        make_executor("tcp://127.0.0.1:1", 2)
    with pytest.raises(InputError, match=">= 1"):
        LocalExecutor(0)
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(InputError, match=r"security-equation\[dask\]"):
        make_executor("tcp://127.0.0.1:1")


def test_unreachable_scheduler_is_an_input_error():
    from security_equation.analysis.executors import DaskExecutor

    with pytest.raises(InputError, match="cannot connect to the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)
