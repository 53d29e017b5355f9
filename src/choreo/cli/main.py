"""The `choreo` command line."""

from __future__ import annotations

import typer

from choreo import __version__
from choreo.cli import flow, server
from choreo.cli.run import run

app = typer.Typer(
    name="choreo",
    help="Choreo: a declarative data orchestrator for Kestra-compatible YAML flows.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(flow.app, name="flow")
app.add_typer(server.app, name="server")
app.add_typer(server.tokens, name="token")
app.command("run")(run)


@app.command()
def version() -> None:
    """Print Choreo's version."""
    typer.echo(__version__)


def main() -> None:
    app()
