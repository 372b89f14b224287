"""Rich tables for each section of an evaluation (the CLI's presenters)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from security_equation.cli.common import fmt
from security_equation.model import Evaluation


def posture_tables(evaluation: Evaluation) -> list[Table]:
    tables = []
    for side_name, side in evaluation.posture.items():
        table = Table(title=f"{side['label']} ({side_name}) — forces", title_justify="left")
        for col in ("system", "category", "deployed launchers", "non-deployed", "warheads/launcher",
                    "deployed warheads", "upload capacity"):
            table.add_column(col, justify="left" if col in ("system", "category") else "right")
        for name, row in side["systems"].items():
            category = row["category"] + ("" if row["nuclear"] else " (conv.)")
            table.add_row(name, category, fmt(row["launchers"]), fmt(row["non_deployed_launchers"]),
                          fmt(row["warheads_per_launcher"], 2), fmt(row["deployed_warheads"]),
                          fmt(row["warhead_capacity"]))
        t = side["totals"]
        table.add_row("total", "", fmt(t["launchers"]), fmt(t["non_deployed_launchers"]), "",
                      fmt(t["deployed_warheads"]), fmt(t["warhead_capacity"]), style="bold")
        tables.append(table)
    return tables


def assumptions_table(evaluation: Evaluation, limit: int | None = None) -> Table:
    table = Table(title=f"Assumptions used ({len(evaluation.assumptions)})", title_justify="left")
    table.add_column("field")
    table.add_column("value", justify="right")
    table.add_column("reason")
    rows = evaluation.assumptions if limit is None else evaluation.assumptions[:limit]
    for a in rows:
        reason = a.note.split(":", 1)[1].strip() if ":" in a.note else a.note
        table.add_row(a.path, str(a.value), reason)
    return table


SECTION_PRESENTERS: dict = {}


def render(evaluation: Evaluation, console: Console, *, all_assumptions: bool = True) -> None:
    s = evaluation.scenario
    console.print(f"[bold]Scenario[/bold] {s.name}"
                  + (f"  [dim](overrides: {', '.join(s.applied_overrides)})[/dim]"
                     if s.applied_overrides else ""))
    if s.description:
        console.print(s.description, style="dim")
    console.print()
    for table in posture_tables(evaluation):
        console.print(table)
    for name, section in evaluation.sections.items():
        presenter = SECTION_PRESENTERS.get(name)
        if presenter is not None:
            presenter(section, console)
    console.print(assumptions_table(evaluation))
    if evaluation.unsourced:
        console.print(f"[yellow]Unsourced values ({len(evaluation.unsourced)}):[/yellow] "
                      + ", ".join(evaluation.unsourced))
