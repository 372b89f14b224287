"""`seceq plot`, `seceq report` and `seceq serve`: figures, the HTML report, the web page.

Thin layer: load → compute → present (``report.plots``, ``report.html``, ``web.app``).
Nothing a user saved is replaced silently: an existing output file is overwritten only
with ``--force``, or after a yes at the prompt when the command runs in a terminal;
otherwise the command stops with exit code 2. Files are written atomically. Wire into
the app with ``register(app)``.
"""

from __future__ import annotations

import ipaddress
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from security_equation.cli.common import (
    DEFAULT_SCENARIO,
    ScenarioArg,
    SetOpt,
    console,
    err_console,
    load,
)
from security_equation.io.errors import InputError

#: --override without the -o short flag (-o names the output file here).
LongOverrideOpt = Annotated[
    list[str] | None,
    typer.Option("--override", help="Apply a named override defined in the scenario file."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", "-f", help="Overwrite an existing output file without asking.")
]
FrameworkOpt = Annotated[
    str | None,
    typer.Option("--framework", help="Treaty framework name or file (default: the scenario's own)."),
]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Random seed (same seed, same numbers).")]


class PlotKind(StrEnum):
    forces = "forces"
    treaty = "treaty"
    drawdown = "drawdown"
    square = "square"
    waterfall = "waterfall"
    race = "race"
    history = "history"
    sensitivity = "sensitivity"
    uncertainty = "uncertainty"
    sweep = "sweep"


class Method(StrEnum):
    sobol = "sobol"
    morris = "morris"


class ImageFormat(StrEnum):
    png = "png"
    svg = "svg"


def _interactive() -> bool:
    """Whether a person can answer a question (stdin and stderr are terminals)."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def check_output(path: Path, force: bool, suffixes: tuple[str, ...], option: str = "-o") -> Path:
    """Refuse a bad output path; ask before replacing an existing file.

    The suffix must be one of ``suffixes``, the folder must exist. An existing file is
    replaced with ``--force``, or when the user says yes at the prompt (terminals only);
    without a terminal and without ``--force`` this is an input error (exit code 2).
    """
    if path.suffix.lower() not in suffixes:
        raise InputError.single(
            f"the output file must end in {' or '.join(suffixes)}, got '{path.name}'", path=option
        )
    if path.is_dir():
        raise InputError.single(f"{path} is a directory; give a file name", path=option)
    if not path.parent.exists():
        raise InputError.single(f"folder {path.parent} does not exist", path=option)
    if path.exists() and not force:
        if not _interactive():
            raise InputError.single(f"{path} exists; use --force to overwrite it", path=option)
        if not typer.confirm(f"{path} exists. Overwrite it?", default=False, err=True):
            err_console.print(f"{path} left as it was")
            raise typer.Exit(1)
    return path


# --------------------------------------------------------------------------- plot
def plot(
    kind: Annotated[
        PlotKind,
        typer.Argument(
            help="What to draw: forces, treaty, drawdown, "
            "square, waterfall, race, history, "
            "sensitivity, uncertainty or sweep."
        ),
    ],
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Image file to write: .png or .svg (default: SCENARIO-KIND.png here).",
        ),
    ] = None,
    force: ForceOpt = False,
    attacker: Annotated[
        str | None, typer.Option("--attacker", help="drawdown: only this side's first strike.")
    ] = None,
    framework: FrameworkOpt = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            "-n",
            min=1,
            help="sensitivity: base samples (default 1024 Sobol, 100 Morris); uncertainty: Monte "
            "Carlo draws (default 1000); sweep: draws per grid point.",
        ),
    ] = None,
    seed: SeedOpt = 0,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="sensitivity: Sobol or Morris.")
    ] = Method.sobol,
    axis: Annotated[
        list[str] | None, typer.Option("--axis", "-a", help="sweep: PATH=START:STOP:NUM (one or two).")
    ] = None,
    override: LongOverrideOpt = None,
    set_: SetOpt = None,
) -> None:
    """Draw a figure of a scenario to a PNG or SVG file (greyscale-safe, with units)."""
    from security_equation.present import plots

    sc = load(scenario, override, set_)
    path = output if output is not None else Path(f"{sc.name}-{kind.value}.png")
    check_output(path, force, tuple(f".{f}" for f in plots.FORMATS))
    if axis and len(axis) > 2:
        raise InputError.single(f"at most two --axis for a heat map, got {len(axis)}", path="--axis")
    fig = plots.make_figure(
        kind.value,
        sc,
        framework=framework,
        attacker=attacker,
        samples=samples,
        seed=seed,
        method=method.value,
        axes=axis or (),
    )
    plots.write_figure(fig, path)
    console.print(f"{kind.value} figure of {sc.name}: {path}", highlight=False)


# --------------------------------------------------------------------------- report
def parse_spec(text: str) -> tuple[str, list[str]]:
    """``name``, ``path.yaml`` or ``name:override1,override2`` → (name or path, overrides)."""
    text = text.strip()
    if not text:
        raise InputError.single("empty scenario argument", path="--compare")
    name, sep, rest = text.partition(":")
    if not sep or Path(text).exists():
        return text, []
    overrides = [o.strip() for o in rest.split(",") if o.strip()]
    if not name or not overrides:
        raise InputError.single(f"expected NAME or NAME:OVERRIDE[,OVERRIDE…], got '{text}'", path="--compare")
    return name, overrides


def report(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    compare: Annotated[
        list[str] | None,
        typer.Option(
            "--compare",
            "-c",
            help="Also compare with this scenario: a bundled name, a file or NAME:OVERRIDE[,…] "
            "(repeat for more).",
        ),
    ] = None,
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            "-n",
            min=0,
            help="Monte Carlo draws for an uncertainty section (0: none; needs uncertain parameters).",
        ),
    ] = 0,
    seed: SeedOpt = 0,
    framework: FrameworkOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="HTML file to write (default: SCENARIO-report.html here)."
        ),
    ] = None,
    images: Annotated[
        ImageFormat, typer.Option("--images", help="Inline images as base64 PNG or as SVG.")
    ] = ImageFormat.png,
    force: ForceOpt = False,
    override: LongOverrideOpt = None,
    set_: SetOpt = None,
) -> None:
    """Write one self-contained HTML report (opens offline): summary, treaty, exchange,
    stability, arms race, uncertainty, comparison and provenance."""
    from security_equation.present.html import build_report, write_report

    sc = load(scenario, override, set_)
    path = output if output is not None else Path(f"{sc.name}-report.html")
    check_output(path, force, (".html", ".htm"))
    others = []
    for spec in compare or []:
        name, spec_overrides = parse_spec(spec)
        others.append((spec, load(name, spec_overrides, None)))
    html = build_report(
        sc, framework=framework, compare=others, samples=samples, seed=seed, image_format=images.value
    )
    write_report(html, path)
    console.print(f"report of {sc.name}: {path} ({len(html.encode('utf-8')) / 1e6:,.1f} MB)", highlight=False)


# --------------------------------------------------------------------------- serve
#: The app factory as uvicorn imports it in worker processes.
APP_FACTORY = "security_equation.web.app:create_app"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port.")] = 8000,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
    workers: Annotated[
        int,
        typer.Option("--workers", "-w", min=1, max=64, help="Server processes (more use more CPUs)."),
    ] = 1,
) -> None:
    """Serve the web page and JSON API (API docs at /docs)."""
    import uvicorn

    from security_equation.web.app import create_app

    if not _loopback(host):
        err_console.print(
            f"[yellow]warning:[/yellow] listening on {host}: anyone who can reach "
            "this address can use the server (there is no authentication)"
        )
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"Security Equation on http://{shown}:{port}/ (API docs: /docs); Ctrl+C stops", highlight=False
    )
    if workers > 1:  # worker processes import the app themselves
        uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, log_level=log_level, workers=workers)
    else:
        uvicorn.run(create_app(), host=host, port=port, log_level=log_level)


# --------------------------------------------------------------------------- wiring
def register(app: typer.Typer) -> None:
    """Add `plot`, `report` and `serve` to the `seceq` app (idempotent)."""
    have = {c.name for c in app.registered_commands}
    for name, func in (("plot", plot), ("report", report), ("serve", serve)):
        if name not in have:
            app.command(name)(func)
