"""`seceq data`: bundled public data (filled in by the data work)."""

import typer

app = typer.Typer(no_args_is_help=True)
