"""`seceq treaty`: treaty accounting under a framework.

- ``seceq treaty [SCENARIO] [--framework NAME|PATH] [--limit NAME=N] [-O OVERRIDE] [-s PATH=VALUE]
  [--format table|json]`` counts a scenario (default: the bundled one) under a framework
  (default: the scenario's own). It is short for ``seceq treaty check [SCENARIO] …``.
- ``seceq treaty history [--format table|json] [-o plot.png|plot.svg]``: the official New START
  aggregates 2011–2023 against the limits in force on each date.
- ``seceq treaty frameworks``: the bundled frameworks; ``seceq treaty schema``: the JSON Schema
  of framework files.

Thin layer: load → ``treaty.assess`` / ``treaty.history`` → Rich tables or JSON.
Bad input raises ``InputError`` (exit code 2 via ``cli.main``).
"""

from __future__ import annotations

from typing import Annotated

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from security_equation.cli import options
from security_equation.cli.common import console, err_console, load, print_json
from security_equation.cli.options import OutputFormat
from security_equation.present.tables import number

DEFAULT_COMMAND = "check"


class DefaultCommandGroup(TyperGroup):
    """A group whose first argument is either a subcommand or the default command's input.

    ``seceq treaty history`` runs ``history``; anything else (``seceq treaty``,
    ``seceq treaty my.yaml --format json``, ``seceq treaty --framework all-warheads-cap``)
    runs ``check`` with those arguments. Only ``--help`` stays with the group.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return ["[SCENARIO] [OPTIONS]", "|", "COMMAND [ARGS]..."]


app = typer.Typer(
    cls=DefaultCommandGroup,
    no_args_is_help=False,
    epilog="`seceq treaty [SCENARIO] [OPTIONS]` is short for `seceq treaty check [SCENARIO] [OPTIONS]`;"
    " see `seceq treaty check --help`.",
    help="Treaty accounting: `seceq treaty [SCENARIO]` counts a scenario under a framework"
    " (short for `seceq treaty check`); `seceq treaty history` shows New START 2011–2023.",
)

LimitOpt = Annotated[
    list[str] | None,
    typer.Option("--limit", "-l", help="Change a limit value, e.g. all_warheads=3500 (repeatable)."),
]


# --------------------------------------------------------------------------- presenting
def _yes(ok: bool) -> str:
    return "[green]yes[/green]" if ok else "[bold red]NO[/bold red]"


def _headroom(value: int) -> str:
    return f"{value:,} left" if value >= 0 else f"[bold red]{-value:,} over[/bold red]"


def _status_note(data: dict) -> str:
    """`` (expired on 2026-02-05 — shown as if in force)`` after a verdict, or nothing
    when the framework is in force (treaty.assessment.status_qualifier)."""
    from security_equation.treaty.assessment import status_qualifier

    return escape(status_qualifier(data.get("status")))


def limits_table(data: dict) -> Table:
    fw = data["framework"]
    table = Table(
        title=f"Limits under {escape(fw['title'])} ({escape(fw['name'])}){_status_note(data)}",
        title_justify="left",
    )
    for col in ("side", "limit", "counted", "limit value", "headroom / excess", "compliant"):
        table.add_column(col, justify="left" if col in ("side", "limit") else "right")
    for side in data["sides"].values():
        if not side["limits"]:
            table.add_row(
                escape(side["label"]), "[dim]not limited on its own by this framework[/dim]", end_section=True
            )
        for i, lim in enumerate(side["limits"]):
            table.add_row(
                escape(side["label"]) if i == 0 else "",
                escape(lim["label"]),
                f"{lim['counted']:,} {escape(lim['unit'])}",
                f"{lim['limit']:,}",
                _headroom(lim["headroom"]),
                _yes(lim["compliant"]),
                end_section=i == len(side["limits"]) - 1,
            )
    return table


def coalitions_table(data: dict) -> Table | None:
    """Each limit on a coalition's aggregate: the members' counted totals summed (each
    member's in brackets), the limit, headroom and compliance, and the members' upload
    potential summed, bounded by the aggregate limit where it binds; None without any."""
    coalitions = data.get("coalitions") or {}
    if not coalitions:
        return None
    table = Table(
        title="Limits on coalitions' aggregates (members' counted totals summed)" + _status_note(data),
        title_justify="left",
    )
    for col in (
        "coalition",
        "limit",
        "counted (by member)",
        "limit value",
        "headroom / excess",
        "compliant",
        "+ upload potential\n(within limit)",
        "after upload",
        "compliant after upload",
    ):
        table.add_column(
            col, justify="left" if col in ("coalition", "limit", "counted (by member)") else "right"
        )
    for name, entry in coalitions.items():
        members = ", ".join(entry["members"])
        for i, lim in enumerate(entry["limits"]):
            up = lim["upload"]
            within = up["upload_within_limit"]
            table.add_row(
                f"{escape(name)} ({escape(members)}; {escape(entry['defined_by'])})" if i == 0 else "",
                escape(lim["label"]),
                f"{lim['counted']:,} {escape(lim['unit'])} ("
                + escape(", ".join(f"{m} {v:,}" for m, v in lim["by_member"].items()))
                + ")",
                f"{lim['limit']:,}",
                _headroom(lim["headroom"]),
                _yes(lim["compliant"]),
                number(up["upload_potential"]) + ("" if within is None else f" ({number(within)})"),
                number(up["after_upload"]),
                _yes(up["compliant_after_upload"]),
                end_section=i == len(entry["limits"]) - 1,
            )
    table.caption = (
        "upload potential: the members' upload potential summed, each bounded by the stored warheads that"
        " exist; within limit (limits on warheads): what of it the aggregate limit leaves room for"
        " (warheads the limit does not count, such as bomber weapons counted one per bomber, always fit)"
    )
    table.caption_justify = "left"
    return table


def contributions_table(side_name: str, side: dict) -> Table:
    """Systems (rows) × limits (columns): each system's contribution to each count."""
    table = Table(
        title=f"{escape(side['label'])} ({escape(side_name)}) — counted by system", title_justify="left"
    )
    table.add_column("system / item")
    for lim in side["limits"]:
        table.add_column(f"{escape(lim['name'])}\n({escape(lim['unit'])})", justify="right")
    names: list[str] = []
    for lim in side["limits"]:
        names += [n for n in lim["by_system"] if n not in names]
    for name in names:
        cells = [
            number(lim["by_system"][name]) if name in lim["by_system"] else "·" for lim in side["limits"]
        ]
        table.add_row(escape(name), *cells)
    table.add_row(
        "total", *(number(lim["counted"]) for lim in side["limits"]), style="bold", end_section=True
    )
    table.add_row("limit", *(number(lim["limit"]) for lim in side["limits"]))
    return table


def upload_table(side_name: str, side_assessment) -> Table:
    """Per nuclear system: the *launcher capacity* (what its launchers can carry) and the
    *upload potential* (that capacity bounded by the stored warheads of its types and the
    side's reserve), split by deployed/non-deployed launchers; the bounds' sources below."""
    table = Table(
        title=f"{escape(side_assessment.label)} ({escape(side_name)}) — launcher capacity and upload"
        " potential (nuclear systems)",
        title_justify="left",
        caption_justify="left",
    )
    for col in (
        "system",
        "launchers\ndeployed / non-dep.",
        "warheads\nnow",
        "max per\nlauncher",
        "launcher\ncapacity",
        "+ launcher\ncapacity",
        "stored warheads\navailable",
        "+ upload\npotential",
        "of which on\ndeployed / non-dep.",
        "bounded by",
    ):
        table.add_column(col, justify="left" if col in ("system", "bounded by") else "right")
    sums = dict.fromkeys(("dep", "non", "now", "cap", "room", "avail", "add", "a_dep", "a_non"), 0)
    notes = []
    for r in side_assessment.upload:
        table.add_row(
            escape(r.system),
            f"{number(r.deployed_launchers)} / {number(r.non_deployed_launchers)}",
            number(r.warheads_now),
            number(r.max_warheads_per_launcher, 0 if float(r.max_warheads_per_launcher).is_integer() else 2),
            number(r.capacity),
            number(r.launcher_capacity_added),
            "not given" if r.warheads_available is None else number(r.warheads_available),
            number(r.added_warheads),
            f"{number(r.added_on_deployed)} / {number(r.added_on_non_deployed)}",
            escape(r.bound),
        )
        for key, value in (
            ("dep", r.deployed_launchers),
            ("non", r.non_deployed_launchers),
            ("now", r.warheads_now),
            ("cap", r.capacity),
            ("room", r.launcher_capacity_added),
            ("avail", r.warheads_available or 0),
            ("add", r.added_warheads),
            ("a_dep", r.added_on_deployed),
            ("a_non", r.added_on_non_deployed),
        ):
            sums[key] += value
        if r.bound_source:
            notes.append(f"{r.system} ({r.bound}): {r.bound_source}")
    reserve = side_assessment.reserve
    table.add_row(
        "total",
        f"{number(sums['dep'])} / {number(sums['non'])}",
        number(sums["now"]),
        "",
        number(sums["cap"]),
        number(sums["room"]),
        number(sums["avail"]),
        number(sums["add"]),
        f"{number(sums['a_dep'])} / {number(sums['a_non'])}",
        "",
        style="bold",
    )
    if reserve is not None:
        table.add_row("side reserve", "", "", "", "", "", number(reserve[0]), "", "", "")
        notes.append(f"side reserve {number(reserve[0])} (bounds the total): {reserve[1]}")
    lines = [
        "launcher capacity: every deployed and non-deployed launcher loaded to its maximum;"
        " upload potential: that, bounded by the stored warheads of the system's types and"
        " by the side's reserve",
        *notes,
    ]
    table.caption = escape("\n".join(lines))
    return table


def after_upload_table(data: dict) -> Table:
    table = Table(
        title="Counts after upload (the upload potential: deployed launchers filled first, then"
        " non-deployed ones deployed as the stored warheads allow)" + _status_note(data),
        title_justify="left",
    )
    for col in ("side", "limit", "now", "after upload", "limit value", "compliant after upload"):
        table.add_column(col, justify="left" if col in ("side", "limit") else "right")
    for side in data["sides"].values():
        after = side["upload"]["totals_after_upload"]
        if not side["limits"]:
            table.add_row(escape(side["label"]), "[dim]not limited on its own[/dim]", end_section=True)
        for i, lim in enumerate(side["limits"]):
            value = after[lim["name"]]
            table.add_row(
                escape(side["label"]) if i == 0 else "",
                escape(lim["name"]),
                number(lim["counted"]),
                number(value),
                number(lim["limit"]),
                _yes(value <= lim["limit"]),
                end_section=i == len(side["limits"]) - 1,
            )
    return table


def render_treaty(assessment, console: Console) -> None:
    """Print a :class:`~security_equation.treaty.TreatyAssessment` as Rich tables."""
    data = assessment.to_dict()
    fw = data["framework"]
    console.print(
        f"[bold]Treaty framework[/bold] {escape(fw['title'])} [dim]({escape(fw['name'])};"
        f" {escape(str(fw['origin']))})[/dim]"
    )
    if fw["description"]:
        console.print(escape(fw["description"]), style="dim")
    verdict = []
    for side in data["sides"].values():
        over = [f"{lim['name']} by {-lim['headroom']:,}" for lim in side["limits"] if not lim["compliant"]]
        if over:
            verdict.append(f"{side['label']} exceeds {', '.join(over)}")
    coalitions = data.get("coalitions") or {}
    for name, entry in coalitions.items():
        over = [f"{lim['name']} by {-lim['headroom']:,}" for lim in entry["limits"] if not lim["compliant"]]
        if over:
            verdict.append(f"coalition {name} ({' + '.join(entry['members'])}) exceeds {', '.join(over)}")
    when = "today; the scenario gives no date" if not assessment.dated else "the scenario's date"
    style = "green" if assessment.in_force else "bold yellow"
    console.print(
        f"[bold]Status[/bold] as of {data['as_of']} ({when}): [{style}]{escape(data['status'])}[/{style}]"
    )
    who = "both sides" if len(data["sides"]) == 2 and not coalitions else "all sides and coalitions"
    console.print(
        f"[bold]Compliant ({who}):[/bold] "
        + (
            "[green]yes[/green]"
            if data["compliant"]
            else "[bold red]no[/bold red] — " + escape("; ".join(verdict))
        )
        + _status_note(data)
    )
    console.print(limits_table(data))
    table = coalitions_table(data)
    if table is not None:
        console.print(table)
    for name, side in data["sides"].items():
        if side["limits"]:
            console.print(contributions_table(name, side))
    for name, side in assessment.sides.items():
        console.print(upload_table(name, side))
    console.print(after_upload_table(data))
    if fw["assumptions"]:
        console.print(f"[bold]Framework assumptions ({len(fw['assumptions'])})[/bold]")
        for text in fw["assumptions"]:
            console.print(f"  • {escape(text)}", highlight=False)


# --------------------------------------------------------------------------- commands
@app.command(DEFAULT_COMMAND)
def check(
    scenario: options.ScenarioArg = options.DEFAULT_SCENARIO,
    framework: options.FrameworkOpt = None,
    limit: LimitOpt = None,
    override: options.OverrideOpt = None,
    set_: options.SetOpt = None,
    output_format: options.FormatOpt = OutputFormat.table,
) -> None:
    """Count a scenario under a treaty framework: totals, headroom, contributions, upload potential.

    `seceq treaty [SCENARIO] …` is short for this command.
    """
    from security_equation.treaty import assess
    from security_equation.treaty.frameworks import parse_limit_values

    limits = parse_limit_values(limit)
    result = assess(load(scenario, override, set_), framework, limits=limits or None)
    if output_format is OutputFormat.json:
        print_json(result.to_dict())
    else:
        render_treaty(result, console)


def history_table(summary: dict) -> Table:
    limits = summary["limits"]
    table = Table(
        title=f"New START aggregates declared by each side vs the central limits"
        f" (binding from {summary['binding_from']})",
        title_justify="left",
    )
    table.add_column("data as of")
    table.add_column("side")
    for col, info in limits.items():
        table.add_column(f"{col.replace('_', ' ')}\n(limit {info['limit']:,})", justify="right")
    table.add_column("status")
    table.add_column("data")
    previous = None
    for row in summary["rows"]:
        cells = []
        for col in limits:
            value = row[col]
            if value is None:
                cells.append("[dim]—[/dim]")
            elif row[f"{col}_above_limit"]:
                mark = "*" if row[f"{col}_status"] == "not yet binding" else ""
                cells.append(f"[bold]{value:,}{mark}[/bold]" if mark else f"[bold red]{value:,}[/bold red]")
            else:
                cells.append(f"{value:,}")
        status = row["status"]
        style = {"compliant": "green", "exceeds limit": "bold red"}.get(status, "dim")
        table.add_row(
            row["as_of"] if row["as_of"] != previous else "",
            {"US": "United States", "RU": "Russia"}.get(row["side"], row["side"]),
            *cells,
            f"[{style}]{status}[/{style}]",
            "inferred" if row["tag"] == "inferred" else row["tag"],
            end_section=False,
        )
        previous = row["as_of"]
    return table


HistoryOutputOpt = options.output_option("Also draw the figure to this file (.png or .svg).")


@app.command()
def history(
    output_format: options.FormatOpt = OutputFormat.table,
    output: HistoryOutputOpt = None,
    force: options.ForceOpt = False,
) -> None:
    """The official New START aggregates 2011–2023 against the limits in force on each date."""
    from security_equation.treaty import history as hist

    summary = hist.summary()
    if output is not None:
        from security_equation.cli.output import check_output
        from security_equation.present.history_plot import FORMATS, plot_history

        check_output(output, force, FORMATS)
        plot_history(output)
    if output_format is OutputFormat.json:
        print_json(summary)
    else:
        console.print(history_table(summary))
        console.print(
            "[dim]* above the limit before 5 Feb 2018, when the limits did not yet bind"
            " (not a violation). — no figure found. 'inferred': derived from published figures"
            " (see the note in data/newstart_aggregates.csv).[/dim]"
        )
    if output is not None:
        (err_console if output_format is OutputFormat.json else console).print(
            f"wrote {output}", highlight=False
        )


@app.command()
def frameworks(output_format: options.FormatOpt = OutputFormat.table) -> None:
    """List the bundled treaty frameworks and their limits."""
    from security_equation.treaty.frameworks import bundled_frameworks, load_framework

    rows = []
    for name in bundled_frameworks():
        fw = load_framework(name)
        row = {
            "name": fw.name,
            "title": fw.title,
            "status": fw.status,
            "limits": {k: v.limit for k, v in fw.limits.items()},
        }
        # Who the limits cover, where not every side alike (docs/model.md, "Frameworks for
        # more than two powers").
        scope = {k: _scope(v) for k, v in fw.limits.items() if _scope(v)}
        if scope:
            row["scope"] = scope
        rows.append(row)
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    table = Table(
        title="Bundled treaty frameworks (use with --framework; or give a YAML file)", title_justify="left"
    )
    for col in ("name", "title", "status", "limits"):
        table.add_column(col)
    for row in rows:
        scope = row.get("scope", {})
        table.add_row(
            row["name"],
            escape(row["title"]),
            row["status"],
            ", ".join(
                f"{k} {v:,}" + (f" ({escape(scope[k])})" if k in scope else "")
                for k, v in row["limits"].items()
            ),
        )
    console.print(table)


def _scope(limit) -> str:
    """Whom a limit covers when not every side alike: its sides, per-side values and
    coalition aggregate, in words ("" for every side at one value)."""
    parts = []
    if limit.sides is not None:
        parts.append("sides: " + (", ".join(limit.sides) or "none on their own"))
    if limit.per_side:
        parts.append(", ".join(f"{k} {v:,}" for k, v in limit.per_side.items()))
    if limit.coalition:
        parts.append(f"and the {limit.coalition} aggregate")
    return "; ".join(parts)


@app.command()
def schema() -> None:
    """Print the JSON Schema of framework files (for editor completion)."""
    import json
    import sys

    from security_equation.schema.framework import Framework

    sys.stdout.write(json.dumps(Framework.model_json_schema(), indent=2) + "\n")
