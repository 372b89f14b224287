"""Shared pieces of the command line: options, scenario loading, output."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from security_equation.io import load_scenario
from security_equation.schema.scenario import Scenario

# Piped or redirected output has no terminal width: use one wide enough that tables are
# not truncated (a terminal's own width is kept; COLUMNS still wins when set).
console = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 132)
err_console = Console(stderr=True)

DEFAULT_SCENARIO = "us-russia-2023"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


ScenarioArg = Annotated[
    str, typer.Argument(help="A bundled scenario name (see `seceq scenarios`) or a YAML/TOML file.")
]
OverrideOpt = Annotated[
    list[str] | None,
    typer.Option("--override", "-o", help="Apply a named override defined in the scenario file."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Set any field by dotted path, e.g. russia.systems.yars.launchers=120."),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def load(name: str, overrides: list[str] | None, set_values: list[str] | None) -> Scenario:
    return load_scenario(name, overrides or (), set_values or [])


def _default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, tuple | set):
        return list(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=_default, allow_nan=False) + "\n")


def fmt(value: float, digits: int = 0) -> str:
    """Numbers as people read them: thousands separators, fixed decimals."""
    if value is None:
        return "—"
    if isinstance(value, float) and not np.isfinite(value):
        return "—"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"
