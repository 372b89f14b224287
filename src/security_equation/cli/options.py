"""Every option the ``seceq`` commands share, defined once: a flag means the same thing,
with the same help, in every command that takes it.

Short flags too: ``-o`` is always ``--output`` (a file to write), ``-O`` ``--override``,
``-s`` ``--set``, ``-f`` ``--format``, ``-F`` ``--framework``; ``--force`` has no short
flag, so it is never typed by accident.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

# The scenario an argument defaults to (re-exported for the commands).
from security_equation.io.loading import DEFAULT_SCENARIO as DEFAULT_SCENARIO


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class Method(StrEnum):
    """Global sensitivity methods (``analysis.sensitivity``)."""

    sobol = "sobol"
    morris = "morris"


_OVERRIDE_HELP = "Apply a named override defined in the scenario file."
_FORCE_HELP = "Overwrite existing output files without asking."
_FRAMEWORK_HELP = (
    "Treaty framework: a bundled name (see `seceq treaty frameworks`) or a YAML file"
    " (default: the scenario's own)."
)

ScenarioArg = Annotated[
    str, typer.Argument(help="A bundled scenario name (see `seceq scenarios`) or a YAML/TOML file.")
]
OverrideOpt = Annotated[list[str] | None, typer.Option("--override", "-O", help=_OVERRIDE_HELP)]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Set any field by dotted path, e.g. russia.systems.yars.launchers=120."),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Random seed (same seed, same numbers).")]
ForceOpt = Annotated[bool, typer.Option("--force", help=_FORCE_HELP)]
PlotOpt = Annotated[
    Path | None, typer.Option("--plot", help="Save a figure to this PNG file.", dir_okay=False)
]


def framework_option(also: str = "", *, many: bool = False) -> Any:
    """``--framework`` / ``-F``: a treaty framework (``many``: repeatable); ``also`` says
    what the framework does in a command, after the common help."""
    kind = list[str] | None if many else str | None
    return Annotated[kind, typer.Option("--framework", "-F", help=f"{_FRAMEWORK_HELP} {also}".strip())]


FrameworkOpt = framework_option()


def output_option(help: str) -> Any:
    """``--output`` / ``-o``: the file a command writes (what it holds is in ``help``)."""
    return Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False, help=help)]


def samples_option(help: str, minimum: int, *, optional: bool = True) -> Any:
    """``--samples`` / ``-n``: how many Monte Carlo draws (what they are for is in ``help``)."""
    kind = int | None if optional else int
    return Annotated[kind, typer.Option("--samples", "-n", min=minimum, help=help)]


def axis_option(help: str) -> Any:
    """``--axis`` / ``-a``: swept fields, ``PATH=START:STOP:NUM`` (repeatable)."""
    return Annotated[list[str] | None, typer.Option("--axis", "-a", help=help)]
