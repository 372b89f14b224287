"""`seceq treaty`: treaty accounting (filled in by the treaty work)."""

import typer

app = typer.Typer(no_args_is_help=True)
