"""`seceq sensitivity`, `seceq sweep` and `seceq run --samples`: uncertainty on the CLI.

Thin layer: load → compute (``uncertainty``, ``sweep``) → present (Rich table or JSON,
matplotlib figures). Bad input raises ``InputError`` (exit code 2 via ``cli.main``), and
so does a file that cannot be written (``io.atomic.WriteError``).

``seceq sweep`` stops on Ctrl-C and on SIGTERM (handlers installed before any worker
starts, even when the process started with SIGINT ignored): the workers are killed, the
finished chunks stay in ``OUTPUT.partial/``, one line on stderr says how far it got and
how to resume, and the exit status is 128 + the signal number (130 or 143).
"""

from __future__ import annotations

import signal
import time
from contextlib import closing
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from security_equation.analysis.plans import DEFAULT_CHUNK_SIZE
from security_equation.cli import options
from security_equation.cli.common import console, err_console, load, print_json
from security_equation.cli.options import Method, OutputFormat
from security_equation.io.errors import InputError
from security_equation.io.jsonable import finite_or_none
from security_equation.present.tables import metric_digits, number
from security_equation.schema.scenario import Scenario


# --------------------------------------------------------------------------- run --samples
def run_samples(
    scenario: Scenario | str,
    samples: int,
    seed: int = 0,
    output_format: OutputFormat = OutputFormat.table,
    workers: int | None = None,
) -> dict:
    """Monte Carlo over the scenario's distributions: every metric with its nominal
    value, median and 5–95 % interval (for ``seceq run --samples N --seed S``)."""
    from security_equation.analysis.executors import LocalExecutor
    from security_equation.analysis.montecarlo import monte_carlo, nominal_metrics, summary_rows

    if isinstance(scenario, str):
        scenario = load(scenario, None, None)
    if samples < 1:
        raise InputError.single(f"must be >= 1, got {samples}", path="--samples")
    executor = LocalExecutor(workers if workers is not None else 1)
    started = time.perf_counter()
    ds = monte_carlo(scenario, samples, seed, executor=executor)
    elapsed = time.perf_counter() - started
    result = {
        "scenario": scenario.name,
        "samples": samples,
        "seed": seed,
        "seconds": round(elapsed, 3),
        "parameters": {path: dist.describe() for path, dist in scenario.uncertainty.items()},
        "metrics": {
            row["metric"]: {k: v for k, v in row.items() if k != "metric"}
            for row in summary_rows(ds, nominal_metrics(scenario))
        },
    }
    if output_format is OutputFormat.json:
        print_json(result)
        return result
    params = Table(title=f"{scenario.name}: uncertain parameters", title_justify="left")
    params.add_column("parameter", style="bold", overflow="fold")
    params.add_column("distribution", overflow="fold")
    for path, text in result["parameters"].items():
        params.add_row(path, text)
    console.print(params)
    table = Table(
        title=f"Monte Carlo: {samples:,} samples, seed {seed} ({elapsed:,.1f} s)",
        title_justify="left",
        caption="5–95 %: the central 90 % of the samples",
        caption_justify="left",
    )
    table.add_column("metric", style="bold", no_wrap=True)
    table.add_column("nominal", justify="right", no_wrap=True)
    table.add_column("median", justify="right", no_wrap=True)
    table.add_column("5–95 %", justify="right", no_wrap=True)
    for name, row in result["metrics"].items():
        d = metric_digits(name)
        table.add_row(
            escape(name),  # pair names such as ``us.r[china]`` are not markup
            number(row["nominal"], d),
            number(row["median"], d),
            f"{number(row['p05'], d)} – {number(row['p95'], d)}",
        )
    console.print(table)
    return result


# --------------------------------------------------------------------------- sensitivity
#: ``seceq sensitivity --samples``.
SensitivitySamplesOpt = options.samples_option(
    "Sobol base samples (a power of two; runs N·(D+2)) or Morris trajectories"
    " (runs N·(D+1)). Default: 1024 (Sobol), 100 (Morris).",
    2,
)


def sensitivity(
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="Sobol indices or Morris screening.")
    ] = Method.sobol,
    samples: SensitivitySamplesOpt = None,
    seed: options.SeedOpt = 0,
    plot: options.PlotOpt = None,
    force: options.ForceOpt = False,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
    output_format: options.FormatOpt = OutputFormat.table,
) -> None:
    """Rank the uncertain parameters by their influence on FSI and each side's r (SALib)."""
    from security_equation.analysis.sensitivity import sensitivity as analyse
    from security_equation.io.atomic import check_writable

    loaded = load(scenario, override, set_)
    if plot is not None:
        check_writable(plot, force, "--plot")
    table = analyse(loaded, method.value, samples, seed)
    if plot is not None:
        from security_equation.present.figures import save_figure
        from security_equation.present.sensitivity_plots import sensitivity_bar_figure

        save_figure(sensitivity_bar_figure(table), plot)
    attrs = table.attrs
    for warning in attrs.get("warnings", ()):
        err_console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False, emoji=False)
    if output_format is OutputFormat.json:
        records = [
            {k: (finite_or_none(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in table.to_dict(orient="records")
        ]
        print_json({**attrs, "plot": str(plot) if plot else None, "indices": records})
        return
    sobol = method is Method.sobol
    notes = attrs.get("notes", {})
    for output in attrs["outputs"]:
        rows = table[table["output"] == output]
        note = notes.get(output)
        t = Table(
            title=f"{output}: {method.value} sensitivity ({attrs['evaluations']:,} evaluations, seed {seed})",
            title_justify="left",
            caption=f"[bold yellow]{escape(note)}[/bold yellow]" if note else None,
            caption_justify="left",
        )
        t.add_column("rank", justify="right")
        t.add_column("parameter", style="bold")
        if sobol:
            t.add_column("ST ± 95 %", justify="right")
            t.add_column("S1 ± 95 %", justify="right")
        else:
            t.add_column("μ* ± 95 %", justify="right")
            t.add_column("σ", justify="right")
        t.add_column("distribution", style="dim")
        for _, row in rows.iterrows():
            if sobol:
                cells = (f"{row.ST:.3f} ± {row.ST_conf:.3f}", f"{row.S1:.3f} ± {row.S1_conf:.3f}")
            else:
                cells = (f"{row.mu_star:.4f} ± {row.mu_star_conf:.4f}", f"{row.sigma:.4f}")
            t.add_row(
                str(row["rank"]),
                row.parameter,
                *cells,
                row.distribution,
                style=None if row.meaningful else "dim",
            )
        console.print(t)
    if plot is not None:
        console.print(f"figure: {plot}")


# --------------------------------------------------------------------------- sweep
def _progress_bar(total_label: str):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("points"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )


def _fsi_extremes(ds) -> dict:
    da = ds["fsi"]
    if "sample" in da.dims:
        da = da.median(dim="sample")
    values = da.values
    if not np.isfinite(values).any():
        return {}
    out = {}
    for label, index in (("min", np.nanargmin(values)), ("max", np.nanargmax(values))):
        where = np.unravel_index(index, values.shape)
        out[label] = {
            "fsi": finite_or_none(values[where]),
            "at": {str(d): float(ds[d].values[i]) for d, i in zip(da.dims, where, strict=True)},
        }
    return out


#: ``seceq sweep --axis``, ``--samples`` and ``--output``.
SweepAxisOpt = options.axis_option(
    "PATH=START:STOP:NUM, e.g. russia.systems.icbm_mobile.launchers="
    "0:400:41 (inclusive; repeat for more axes)."
)
SweepSamplesOpt = options.samples_option(
    "Monte Carlo draws at every grid point (0: nominal).", 0, optional=False
)
SweepOutputOpt = options.output_option(
    "Write the results to this NetCDF file (resumable; a heat map goes next to it)."
)


def _interrupted(exc: BaseException, output, done: int, total: int) -> int:
    """Report a stopped sweep on stderr; the exit status is 128 + the signal number
    (130 for Ctrl-C, 143 for SIGTERM)."""
    signum = getattr(exc, "signum", signal.SIGINT)
    what = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
    if output is None:
        where = "nothing was saved (no --output)"
    elif Path(output).exists():  # stopped after the results were written (drawing the heat map)
        where = f"the results are in {output}"
    else:
        partial = Path(output).with_name(Path(output).name + ".partial")
        if not partial.exists():
            where = "stopped before any result was saved"
        else:
            saved = f"{done:,} of {total:,} points" if total else "the finished chunks"
            where = f"{saved} saved in {partial}; run the same command again to resume"
    err_console.print(f"{what}: {escape(where)}", highlight=False, soft_wrap=True, emoji=False)
    return 128 + int(signum)


def sweep(
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    axis: SweepAxisOpt = None,
    samples: SweepSamplesOpt = 0,
    seed: options.SeedOpt = 0,
    output: SweepOutputOpt = None,
    plot: options.PlotOpt = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on a Dask cluster: tcp://HOST:PORT (needs the dask extra)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Local worker processes (default: all CPUs; 1: in this process)."
        ),
    ] = None,
    chunk_size: Annotated[
        int,
        typer.Option("--chunk-size", min=1, help="Points per chunk (rounded up to whole blocks of 4096)."),
    ] = DEFAULT_CHUNK_SIZE,
    force: options.ForceOpt = False,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
    output_format: options.FormatOpt = OutputFormat.table,
) -> int | None:
    """Evaluate the scenario over a grid of any numeric fields (× Monte Carlo samples)."""
    from security_equation.analysis.executors import make_executor, stop_on_signals
    from security_equation.analysis.plans import parse_axes
    from security_equation.analysis.sweep import run_sweep
    from security_equation.io.atomic import check_writable

    if not axis:
        raise InputError.single("give at least one --axis PATH=START:STOP:NUM", path="--axis")
    loaded = load(scenario, override, set_)
    axes = parse_axes(axis, loaded)
    if output is not None:
        check_writable(output, force, "-o")
    plot_path = plot if plot is not None else (output.with_suffix(".png") if output is not None else None)
    if plot_path is not None:
        if output is not None and plot_path.resolve() == output.resolve():
            raise InputError.single("the plot and the output must be different files", path="--plot")
        check_writable(plot_path, force, "--plot")
    started = time.perf_counter()
    first_done: list[int] = []
    last_done: list[int] = [0, 0]
    # Ctrl-C and SIGTERM stop the sweep (handlers in place before any worker starts);
    # the chunks already saved stay in OUTPUT.partial/ for a rerun to resume from.
    with stop_on_signals():
        try:
            # The bar closes first, then the executor (its workers stopped on any exit).
            with closing(make_executor(scheduler, workers)) as executor, _progress_bar("sweep") as bar:
                task = bar.add_task("sweep", total=None)

                def progress(done: int, total: int) -> None:
                    if not first_done:
                        first_done.append(done)
                    last_done[:] = [done, total]
                    bar.update(task, completed=done, total=total)

                ds = run_sweep(
                    loaded,
                    axes,
                    samples=samples,
                    seed=seed,
                    output=output,
                    force=force,
                    executor=executor,
                    chunk_size=chunk_size,
                    progress=progress,
                )
                backend = repr(executor)
            elapsed = time.perf_counter() - started
            if plot_path is not None:
                from security_equation.present.figures import save_figure
                from security_equation.present.sweep_plots import fsi_heatmap_figure

                save_figure(fsi_heatmap_figure(ds), plot_path)
        except KeyboardInterrupt as exc:
            return _interrupted(exc, output, *last_done)
    points = int(ds["fsi"].size)
    resumed = first_done[0] if first_done else 0
    computed = points - resumed
    result = {
        "scenario": loaded.name,
        "axes": [
            {
                "path": str(d),
                "start": float(ds[d].values[0]),
                "stop": float(ds[d].values[-1]),
                "num": int(ds.sizes[d]),
            }
            for d in ds["fsi"].dims
            if d != "sample"
        ],
        "samples": samples,
        "seed": seed,
        "points": points,
        "resumed_points": resumed,
        "seconds": round(elapsed, 3),
        "evaluations_per_second": round(computed / elapsed) if elapsed > 0 and computed else None,
        "backend": backend,
        "fsi": _fsi_extremes(ds),
        "output": str(output) if output is not None else None,
        "plot": str(plot_path) if plot_path is not None else None,
    }
    if output_format is OutputFormat.json:
        print_json(result)
        return
    table = Table(title=f"Sweep of {loaded.name}", title_justify="left", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for ax in result["axes"]:
        table.add_row("axis", f"{ax['path']} = {ax['start']:g} … {ax['stop']:g} ({ax['num']} values)")
    if samples:
        table.add_row("samples", f"{samples:,} per grid point (seed {seed})")
    table.add_row("points", f"{points:,}" + (f" ({resumed:,} resumed)" if resumed else ""))
    rate = result["evaluations_per_second"]
    table.add_row(
        "time",
        f"{elapsed:,.1f} s" + (f" · {rate:,} evaluations/s" if rate else "") + f" · {result['backend']}",
    )
    for label in ("min", "max"):
        if label in result["fsi"]:
            info = result["fsi"][label]
            at = ", ".join(f"{k} = {v:g}" for k, v in info["at"].items())
            table.add_row(f"FSI {label}", f"{number(info['fsi'], 3)} at {at}")
    if output is not None:
        table.add_row("output", str(output))
    if plot_path is not None:
        table.add_row("heat map", str(plot_path))
    console.print(table)
