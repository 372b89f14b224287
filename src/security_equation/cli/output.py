"""`seceq plot`, `seceq report` and `seceq serve`: figures, the HTML report, the web page.

Thin layer: load → compute and draw (``analysis.figures``, ``analysis.report``, ``web.app``).
Nothing a user saved is replaced silently: an existing output file is overwritten only
with ``--force``, or after a yes at the prompt when the command runs in a terminal;
otherwise the command stops with exit code 2. Files are written atomically. Wire into
the app with ``register(app)``.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Annotated

import typer

from security_equation.cli import options
from security_equation.cli.common import console, err_console, load, parse_spec
from security_equation.cli.options import Method
from security_equation.io.atomic import check_writable
from security_equation.io.errors import InputError
from security_equation.present.figures import FORMATS, KINDS, ImageFormat, PlotKind


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
    if not force and path.is_file() and _interactive():
        if not typer.confirm(f"{path} exists. Overwrite it?", default=False, err=True):
            err_console.print(f"{path} left as it was")
            raise typer.Exit(1)
        force = True
    return check_writable(path, force, option)


# --------------------------------------------------------------------------- plot
_KIND_HELP = f"What to draw: {', '.join(list(KINDS)[:-1])} or {list(KINDS)[-1]}."
PlotOutputOpt = options.output_option("Image file to write: .png or .svg (default: SCENARIO-KIND.png here).")
PlotAxisOpt = options.axis_option("sweep: PATH=START:STOP:NUM (one or two).")
PlotSamplesOpt = options.samples_option(
    "sensitivity: base samples (default 1024 Sobol, 100 Morris); uncertainty: Monte "
    "Carlo draws (default 1000); sweep: draws per grid point.",
    1,
)


def plot(
    kind: Annotated[
        PlotKind,
        typer.Argument(help=_KIND_HELP),
    ],
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    output: PlotOutputOpt = None,
    force: options.ForceOpt = False,
    attacker: Annotated[
        str | None, typer.Option("--attacker", help="drawdown: only this side's first strike.")
    ] = None,
    framework: options.FrameworkOpt = None,
    samples: PlotSamplesOpt = None,
    seed: options.SeedOpt = 0,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="sensitivity: Sobol or Morris.")
    ] = Method.sobol,
    axis: PlotAxisOpt = None,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
) -> None:
    """Draw a figure of a scenario to a PNG or SVG file (greyscale-safe, with units)."""
    from security_equation.analysis.figures import make_figure
    from security_equation.present.figures import write_figure

    sc = load(scenario, override, set_)
    path = output if output is not None else Path(f"{sc.name}-{kind.value}.png")
    check_output(path, force, tuple(f".{f}" for f in FORMATS))
    if axis and len(axis) > 2:
        raise InputError.single(f"at most two --axis for a heat map, got {len(axis)}", path="--axis")
    fig = make_figure(
        kind.value,
        sc,
        framework=framework,
        attacker=attacker,
        samples=samples,
        seed=seed,
        method=method.value,
        axes=axis or (),
    )
    write_figure(fig, path)
    console.print(f"{kind.value} figure of {sc.name}: {path}", highlight=False)


# --------------------------------------------------------------------------- report
ReportSamplesOpt = options.samples_option(
    "Monte Carlo draws for an uncertainty section (0: none; needs uncertain parameters).", 0, optional=False
)
ReportOutputOpt = options.output_option("HTML file to write (default: SCENARIO-report.html here).")


def report(
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    compare: Annotated[
        list[str] | None,
        typer.Option(
            "--compare",
            "-c",
            help="Also compare with this scenario: a bundled name, a file or NAME:OVERRIDE[,…] "
            "(repeat for more).",
        ),
    ] = None,
    samples: ReportSamplesOpt = 0,
    seed: options.SeedOpt = 0,
    framework: options.FrameworkOpt = None,
    output: ReportOutputOpt = None,
    images: Annotated[
        ImageFormat, typer.Option("--images", help="Inline images as base64 PNG or as SVG.")
    ] = ImageFormat.png,
    force: options.ForceOpt = False,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
) -> None:
    """Write one self-contained HTML report (opens offline): summary, treaty, exchange,
    stability, arms race, uncertainty, comparison and provenance."""
    from security_equation.analysis.report import build_report
    from security_equation.present.html import write_report

    sc = load(scenario, override, set_)
    path = output if output is not None else Path(f"{sc.name}-report.html")
    check_output(path, force, (".html", ".htm"))
    others = []
    for spec in compare or []:
        name, spec_overrides = parse_spec(spec, "--compare")
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


def _wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::", "[::]")


def _served_names(host: str, allow: list[str]) -> list[str]:
    """The host names the server answers to besides loopback: ``--host`` (for a wildcard
    address, this machine's name and addresses) and every ``--allow-host``."""
    import socket

    names = [host, *allow]
    if not _wildcard(host):
        return names
    hostname = socket.gethostname()
    names += [hostname, socket.getfqdn()]
    try:
        names += [info[4][0] for info in socket.getaddrinfo(hostname, None)]
    except OSError:
        pass
    return names


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
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another host name the server answers to (repeatable; '*' for any). It always "
            "answers to localhost, 127.0.0.1, [::1] and --host; requests naming another host get "
            "400 (against DNS rebinding).",
        ),
    ] = None,
) -> None:
    """Serve the web page and JSON API (API docs at /docs)."""
    import os

    import uvicorn

    from security_equation.web.app import HOSTS_ENV, create_app

    if not _loopback(host):
        err_console.print(
            f"[yellow]warning:[/yellow] listening on {host}: anyone who can reach "
            "this address can use the server (there is no authentication)"
        )
    names = _served_names(host, list(allow_host or []))
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"Security Equation on http://{shown}:{port}/ (API docs: /docs); Ctrl+C stops", highlight=False
    )
    if workers > 1:  # worker processes import the app themselves and read the names here
        before = os.environ.get(HOSTS_ENV)
        os.environ[HOSTS_ENV] = ",".join(names)
        try:
            uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, log_level=log_level, workers=workers)
        finally:
            if before is None:
                os.environ.pop(HOSTS_ENV, None)
            else:
                os.environ[HOSTS_ENV] = before
    else:
        uvicorn.run(create_app(names), host=host, port=port, log_level=log_level)


# --------------------------------------------------------------------------- wiring
def register(app: typer.Typer) -> None:
    """Add `plot`, `report` and `serve` to the `seceq` app (idempotent)."""
    have = {c.name for c in app.registered_commands}
    for name, func in (("plot", plot), ("report", report), ("serve", serve)):
        if name not in have:
            app.command(name)(func)
