"""Shared pieces of the command line: consoles, scenario loading and JSON.

The options the commands share are in ``cli.options``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from security_equation.io import load_scenario
from security_equation.io.errors import InputError
from security_equation.io.jsonable import fallback, json_safe
from security_equation.schema.scenario import Scenario

# Piped or redirected output has no terminal width: use one wide enough that tables are
# not truncated (a terminal's own width is kept; COLUMNS still wins when set).
console = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 132)
err_console = Console(stderr=True)


def load(name: str, overrides: list[str] | None, set_values: list[str] | None) -> Scenario:
    scenario = load_scenario(name, overrides or (), set_values or [])
    print_warnings(scenario)
    return scenario


def print_warnings(scenario: Scenario) -> None:
    """The loader's warnings (values outside their plausible ranges) on stderr, in yellow,
    before any result: the command still runs and exits 0."""
    for warning in scenario.warnings:
        # The user's text (paths, values): printed literally, with no markup read into it.
        err_console.print(
            f"[bold yellow]warning:[/bold yellow] [yellow]{escape(str(warning))}[/yellow]",
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )


def parse_spec(text: str, option: str = "SCENARIOS") -> tuple[str, list[str]]:
    """``name``, ``path.yaml`` or ``name:override1,override2`` → (name or path, overrides).

    Problems are input errors located at ``option`` (the argument or option that gave ``text``).
    """
    text = text.strip()
    if not text:
        raise InputError.single("empty scenario argument", path=option)
    if Path(text).exists():
        return text, []
    name, sep, rest = text.partition(":")
    if not sep:
        return text, []
    overrides = [o.strip() for o in rest.split(",") if o.strip()]
    if not name or not overrides:
        raise InputError.single(f"expected NAME or NAME:OVERRIDE[,OVERRIDE…], got '{text}'", path=option)
    return name, overrides


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout: NumPy values as Python ones, NaN and infinity
    as ``null`` (see ``io.jsonable``)."""
    sys.stdout.write(json.dumps(json_safe(data), indent=2, allow_nan=False, default=fallback) + "\n")
