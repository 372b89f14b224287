"""Running a plan chunk by chunk (resumably) and labelling the results with xarray."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from security_equation.analysis.metrics import LEAST_STABLE, allied_pairs, describe_metric, with_least_stable
from security_equation.analysis.plans import (
    DEFAULT_CHUNK_SIZE,
    Axis,
    Plan,
    build_plan,
    chunk_ranges,
    parse_axes,
    run_chunk,
)
from security_equation.analysis.sampling import draw, require_uncertainty
from security_equation.analysis.store import PartialStore, write_dataset
from security_equation.io.atomic import check_writable
from security_equation.model.provenance import edited_values, swept_values
from security_equation.schema.scenario import Scenario

Progress = Callable[[int, int], None]


def _version() -> str:
    from security_equation import __version__

    return __version__


def _gaps(done: Sequence[tuple[int, int]], total: int) -> list[tuple[int, int]]:
    """Ranges of ``[0, total)`` not covered by ``done``."""
    gaps, position = [], 0
    for start, stop in sorted(done):
        if start > position:
            gaps.append((position, start))
        position = max(position, stop)
    if position < total:
        gaps.append((position, total))
    return gaps


def execute(
    plan: Plan,
    *,
    executor=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    store: PartialStore | None = None,
    progress: Progress | None = None,
    chunk_fn: Callable = run_chunk,
) -> dict[str, np.ndarray]:
    """Evaluate every point of ``plan``: flat arrays (plan.size,) per metric.

    Chunks already in ``store`` are loaded, not recomputed; new ones are saved there
    as they finish. ``progress(done_points, total_points)`` is called at the start and
    after every chunk.
    """
    from security_equation.analysis.executors import LocalExecutor

    names = plan.metric_names
    total = plan.size
    # Untouched until filled (np.empty maps zero pages lazily), so worker processes forked
    # now do not count the results in their memory; every point is filled below.
    out = {name: np.empty(total) for name in names}
    done: list[tuple[int, int]] = []
    if store is not None:
        for (start, stop), data in store.items():
            if (
                stop > total
                or list(data) != list(names)
                or any(v.shape != (stop - start,) for v in data.values())
            ):
                continue
            for name in names:
                out[name][start:stop] = data[name]
            done.append((start, stop))
    finished = sum(stop - start for start, stop in done)
    if progress is not None:
        progress(finished, total)
    todo = [c for gap in _gaps(done, total) for c in chunk_ranges(*gap, chunk_size)]
    if not todo:
        return out
    expected = sum(stop - start for start, stop in todo) + finished
    executor = executor if executor is not None else LocalExecutor(1)
    try:
        # closing(): whatever stops the loop (Ctrl-C, a full disk) stops the workers at once.
        with contextlib.closing(executor.map(chunk_fn, plan, todo)) as results:
            for (start, stop), data in results:
                if store is not None:
                    store.save((start, stop), data)
                for name in names:
                    out[name][start:stop] = data[name]
                finished += stop - start
                if progress is not None:
                    progress(finished, total)
    except BaseException:
        if store is not None:
            store.discard()
        raise
    if finished != expected or finished != total:  # pragma: no cover - an executor lost a chunk
        raise RuntimeError(f"sweep incomplete: {finished} of {total} points evaluated")
    return out


def spec(scenario: Scenario, plan: Plan) -> dict:
    """What determines the numbers of a sweep (hashed to match partial results)."""
    from security_equation.io.loading import dump_scenario

    return {
        "scenario": dump_scenario(scenario),
        "axes": [[a.path, repr(a.start), repr(a.stop), a.num] for a in plan.axes],
        "samples": plan.samples,
        "seed": plan.seed,
        "metrics": list(plan.metric_names),
        "version": _version(),
    }


def to_dataset(plan: Plan, flat: dict[str, np.ndarray], scenario: Scenario):
    """Label flat results: dims = the axes' dotted paths (then ``sample``)."""
    import xarray as xr

    dims = [a.path for a in plan.axes] + (["sample"] if plan.samples else [])
    coords: dict = {}
    for axis in plan.axes:
        coords[axis.path] = (axis.path, axis.values, {"long_name": axis.path, "axis_spec": axis.spec})
    if plan.samples:
        coords["sample"] = (
            "sample",
            np.arange(plan.samples, dtype=np.int32),
            {"long_name": "Monte Carlo sample index"},
        )
    data_vars: dict = {}
    # More than two sides: ``fsi`` is the least stable pair's (the lowest over the pairs).
    least = "fsi" not in flat
    for name, values in with_least_stable(flat, allied_pairs(plan.base)).items():
        data_vars[name] = (
            dims,
            values.reshape(plan.shape),
            {
                "role": "metric",
                "long_name": LEAST_STABLE if least and name == "fsi" else describe_metric(name),
            },
        )
    swept = {a.path for a in plan.axes}
    overridden = []
    if plan.samples and plan.params:
        values = draw(plan.params, plan.seed, 0, plan.samples)
        for j, (path, dist) in enumerate(plan.params):
            if path in swept:
                overridden.append(path)
                continue
            data_vars[path] = (
                ("sample",),
                values[:, j],
                {
                    "role": "parameter",
                    "long_name": f"sampled {path}",
                    "distribution": dist.describe(),
                    "distribution_spec": json.dumps(dist.model_dump(exclude_none=True)),
                },
            )
    attrs = {
        "title": f"Security Equation {'sweep' if plan.axes else 'Monte Carlo'}: {scenario.name}",
        "scenario": scenario.name,
        "scenario_origin": scenario.origin or "",
        "applied_overrides": json.dumps(list(scenario.applied_overrides)),
        "axes": json.dumps([a.spec for a in plan.axes]),
        "samples": plan.samples,
        "seed": plan.seed,
        "parameters": json.dumps({p: d.describe() for p, d in plan.params}),
        "parameters_overridden_by_axes": json.dumps(overridden),
        # What each axis replaces, and the values edited before the sweep (docs/model.md,
        # "Provenance of edited values"): a swept value does not carry the scenario's source.
        "swept_values": json.dumps(swept_values(scenario, [a.path for a in plan.axes])),
        "edited_values": json.dumps(edited_values(scenario)),
        "created_by": f"security-equation {_version()}",
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "conventions": "dims are dotted scenario paths; with samples, the same draws at every"
        " grid point (common random numbers); an axis overrides a sampled field",
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def run_sweep(
    scenario: Scenario,
    axes: Sequence[str | Axis],
    *,
    samples: int = 0,
    seed: int = 0,
    output: Path | str | None = None,
    force: bool = False,
    executor=None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    chunk_fn: Callable = run_chunk,
):
    """Sweep ``axes`` (``PATH=START:STOP:NUM`` or ``Axis``), optionally × ``samples`` draws.

    With ``output``, finished chunks are kept in ``output.partial/`` so that an
    interrupted sweep resumes, and the NetCDF file is written atomically at the end
    (an existing file only with ``force``). Returns the labelled Dataset.
    """
    if samples:
        require_uncertainty(scenario)
    parsed = parse_axes(axes, scenario)
    plan = build_plan(scenario, parsed, samples=samples, seed=seed)
    store = None
    if output is not None:
        output = check_writable(output, force)
        store = PartialStore(output, spec(scenario, plan), force=force)
    flat = execute(
        plan, executor=executor, chunk_size=chunk_size, store=store, progress=progress, chunk_fn=chunk_fn
    )
    ds = to_dataset(plan, flat, scenario)
    if output is not None and store is not None:
        write_dataset(ds, output, force=force)
        store.remove()
    return ds
