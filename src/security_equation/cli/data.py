"""`seceq data`: the bundled public data, each row with its sources."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from security_equation.cli.common import console, print_json
from security_equation.cli.options import FormatOpt, OutputFormat

app = typer.Typer(no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="Dataset name (see `seceq data list`).")]


@app.command("list")
def list_(output_format: FormatOpt = OutputFormat.table) -> None:
    """List the bundled datasets."""
    from security_equation.data import datasets

    rows = []
    for name in datasets.names():
        ds = datasets.get(name)
        frame = datasets.load(name)
        rows.append(
            {
                **ds.to_dict(),
                "rows": len(frame),
                "sources": datasets.cited_sources(name) if name != "sources" else [],
            }
        )
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    table = Table(title="Bundled datasets", title_justify="left")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("rows", justify="right")
    table.add_column("description")
    table.add_column("file", style="dim")
    for row in rows:
        table.add_row(row["name"], str(row["rows"]), row["description"], row["file"])
    console.print(table)
    console.print("Show one with `seceq data show NAME`; sources with `seceq data show sources`.")


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,g}"
    return str(value)


@app.command()
def show(name: NameArg, output_format: FormatOpt = OutputFormat.table) -> None:
    """Print a bundled dataset with the sources its rows cite."""
    from security_equation.data import datasets

    ds = datasets.get(name)
    frame = datasets.load(ds.name)
    rows = datasets.records(frame)
    cited = [] if ds.name == "sources" else datasets.cited_sources(ds.name)
    sources = {
        r["source_id"]: {k: v for k, v in r.items() if k != "source_id"}
        for r in datasets.records(datasets.sources_for(cited))
    }
    if output_format is OutputFormat.json:
        print_json({**ds.to_dict(), "rows": rows, "sources": sources})
        return
    table = Table(title=f"{ds.name} — {ds.description}", title_justify="left")
    for column in frame.columns:
        numeric = str(frame[column].dtype) in ("Int64", "Float64")
        source = column == datasets.SOURCE_COLUMN
        table.add_column(
            column,
            justify="right" if numeric else "left",
            style="cyan" if source else None,
            no_wrap=numeric or source,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(_cell(row[c]) for c in frame.columns))
    console.print(table)
    if sources:
        src = Table(title="Sources cited", title_justify="left")
        src.add_column("source_id", style="cyan", no_wrap=True)
        src.add_column("grade", no_wrap=True)
        src.add_column("title")
        src.add_column("organisation_or_author")
        src.add_column("date", no_wrap=True)
        for sid, info in sources.items():
            src.add_row(
                sid,
                _cell(info["grade"]),
                _cell(info["title"]),
                _cell(info["organisation_or_author"]),
                _cell(info["date"]),
            )
        console.print(src)
