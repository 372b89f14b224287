"""The ``seceq`` command line: a thin layer over the model facade.

load → compute → present; bad input prints a located message and exits 2, and so does
a file that cannot be written (``error: cannot write PATH: CAUSE``, e.g. a full disk or a
read-only folder). Ctrl-C exits 130; an interrupted ``sweep`` exits 128 + the signal
number (130 for Ctrl-C, 143 for SIGTERM) and says how to resume.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from security_equation.cli import options
from security_equation.cli.common import console, err_console, load, print_json
from security_equation.cli.options import OutputFormat
from security_equation.io.errors import InputError

app = typer.Typer(
    name="seceq",
    help="Security Equation: treaty accounting, first-strike exchanges and strategic stability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    _state["debug"] = debug


#: ``seceq run --samples``.
RunSamplesOpt = options.samples_option(
    "Monte Carlo over the scenario's distributions: N samples; every metric with median and 5-95 % interval.",
    1,
)


@app.command()
def run(
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
    framework: options.FrameworkOpt = None,
    output_format: options.FormatOpt = OutputFormat.table,
    samples: RunSamplesOpt = None,
    seed: options.SeedOpt = 0,
) -> None:
    """Evaluate a scenario and print the security equation."""
    from security_equation.cli import present
    from security_equation.model import evaluate

    loaded = load(scenario, override, set_)
    if samples is not None:
        from security_equation.cli import analysis

        analysis.run_samples(loaded, samples, seed, output_format)
        return
    evaluation = evaluate(loaded, framework=framework)
    if output_format is OutputFormat.json:
        print_json(evaluation.to_dict())
    else:
        present.render(evaluation, console)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    from security_equation.schema.scenario import Scenario

    sys.stdout.write(json.dumps(Scenario.model_json_schema(), indent=2) + "\n")


@app.command()
def scenarios(output_format: options.FormatOpt = OutputFormat.table) -> None:
    """List the bundled scenarios."""
    from security_equation.io.loading import bundled_catalogue

    rows = bundled_catalogue()
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    table = Table(title="Bundled scenarios", title_justify="left")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("extends", no_wrap=True)
    table.add_column("description")
    table.add_column("overrides")
    for row in rows:
        table.add_row(row["name"], row["extends"] or "", row["description"], ", ".join(row["overrides"]))
    console.print(table)


def _register_subcommands() -> None:
    from security_equation.cli import analysis
    from security_equation.cli import data as data_cli
    from security_equation.cli import output as output_cli
    from security_equation.cli import stability as stability_cli
    from security_equation.cli import treaty as treaty_cli

    app.add_typer(data_cli.app, name="data", help="Bundled public data and their sources.")
    app.add_typer(treaty_cli.app, name="treaty")
    stability_cli.register(app)
    output_cli.register(app)
    app.command("sensitivity")(analysis.sensitivity)
    app.command("sweep")(analysis.sweep)


_register_subcommands()


def _os_error_text(exc: OSError) -> str:
    """``cannot write PATH: CAUSE`` (from ``io.atomic.WriteError``) or ``PATH: CAUSE``."""
    from security_equation.io.atomic import WriteError

    if isinstance(exc, WriteError):
        return str(exc)
    cause = exc.strerror or str(exc)
    return f"{exc.filename}: {cause}" if exc.filename else cause


def main() -> None:
    """Console entry point: run the app, turning bad input into exit code 2."""
    debug = "--debug" in sys.argv[1:]
    try:
        status = app(standalone_mode=False)
    except InputError as exc:
        if debug:
            raise
        # The message is the user's text (paths, values, ranges such as 0:100:7): print it
        # literally, with no Rich markup or emoji codes read into it.
        err_console.print(
            f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False, soft_wrap=True, emoji=False
        )
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except SystemExit:
        raise
    except BrokenPipeError:
        raise
    except OSError as exc:
        # A file that cannot be written or read (a full disk, a read-only folder, no
        # permission): one line naming the file and the cause, exit 2 like bad input (the
        # writes are atomic: the old file is intact and no temporary file is left).
        if debug:
            raise
        err_console.print(
            f"[bold red]error:[/bold red] {escape(_os_error_text(exc))}",
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )
        sys.exit(2)
    except Exception as exc:
        # Usage errors (bad option values, unknown commands) from click or the copy of it
        # that typer vendors: both carry ``show()`` and an ``exit_code`` (2 for usage).
        exit_code = getattr(exc, "exit_code", None)
        if isinstance(exit_code, int) and hasattr(exc, "show") and not debug:
            exc.show()
            sys.exit(exit_code)
        if type(exc).__name__ == "Exit" and isinstance(exit_code, int):
            sys.exit(exit_code)
        raise
    # Commands may return an exit status (e.g. an interrupted sweep returns 130).
    if isinstance(status, int) and not isinstance(status, bool) and status != 0:
        sys.exit(status)


if __name__ == "__main__":
    main()
