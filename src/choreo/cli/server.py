"""`choreo server local | standalone` and `choreo token create | list | revoke`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Run the server: API, executor, workers (and, later, the scheduler) in one process.")
tokens = typer.Typer(help="API tokens (Bearer) for scripts and CI.")


def _run(config_file: Path | None, **overrides: object) -> None:
    from choreo.server.config import ConfigInvalid, ServerConfig
    from choreo.server.serve import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        config = ServerConfig.load(config_file, **overrides)
    except ConfigInvalid as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    import asyncio  # imported when a server starts: every other command starts faster without it

    try:
        asyncio.run(serve(config))
    except KeyboardInterrupt:
        pass


@app.command()
def local(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1 unless authentication is on).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the API and UI.")] = 8080,
    flow_path: Annotated[
        Path | None,
        typer.Option(
            "--flow-path",
            "-f",
            help="Load the flows of this directory, and reload them as they change.",
            file_okay=False,
            exists=True,
        ),
    ] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", "-c", help="choreo.yaml", exists=True, dir_okay=False)
    ] = None,
) -> None:
    """One process on the embedded store in $CHOREO_HOME: API, executor and workers."""
    _run(config_file, host=host, port=port, flow_path=flow_path)


@app.command()
def standalone(
    config_file: Annotated[
        Path | None, typer.Option("--config", "-c", help="choreo.yaml", exists=True, dir_okay=False)
    ] = None,
    host: Annotated[str | None, typer.Option(help="Overrides the configuration's host.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides the configuration's port.")] = None,
) -> None:
    """Every component in one process, with the configuration of choreo.yaml (database URL, storage, workers…)."""
    _run(config_file, host=host, port=port)


@app.command()
def scheduler(
    config_file: Annotated[
        Path | None, typer.Option("--config", "-c", help="choreo.yaml", exists=True, dir_okay=False)
    ] = None,
) -> None:
    """The scheduler and the realtime and polling trigger listeners alone (no API, no executor, no worker), on the
    configured store. Several may run at once: each date fires once, each trigger is listened to by one of them."""
    from choreo.server.config import ConfigInvalid, ServerConfig
    from choreo.server.serve import run_components

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        config = ServerConfig.load(config_file)
    except ConfigInvalid as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    import asyncio

    asyncio.run(run_components(config, frozenset({"scheduler", "triggers"})))


def _store(config_file: Path | None):  # noqa: ANN202 - the Store type would import the store at start
    from choreo.server.config import ServerConfig
    from choreo.store import Store

    config = ServerConfig.load(config_file)
    config.home.mkdir(parents=True, exist_ok=True)
    return Store.open(config.database)


@tokens.command("create")
def create_token(
    name: Annotated[str, typer.Argument(help="What the token is for (shown in listings).")],
    days: Annotated[int | None, typer.Option(help="Expires after this many days (default: never).")] = None,
    config_file: Annotated[Path | None, typer.Option("--config", "-c", exists=True, dir_okay=False)] = None,
) -> None:
    """Create a token and print its secret (shown once: it is stored hashed)."""
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    with _store(config_file) as store:
        token, secret = store.tokens.create(name, expires_at=expires)
    typer.echo(f"token {token.id} ({name}) created; use it as: Authorization: Bearer {secret}", err=True)
    typer.echo(secret)


@tokens.command("list")
def list_tokens(
    config_file: Annotated[Path | None, typer.Option("--config", "-c", exists=True, dir_okay=False)] = None,
) -> None:
    with _store(config_file) as store:
        for token in store.tokens.list():
            expires = token.expires_at.isoformat() if token.expires_at else "never"
            typer.echo(f"{token.id}  {token.name}  created {token.created.isoformat()}  expires {expires}")


@tokens.command("revoke")
def revoke_token(
    token_id: Annotated[str, typer.Argument(help="The token's id (see `choreo token list`).")],
    config_file: Annotated[Path | None, typer.Option("--config", "-c", exists=True, dir_okay=False)] = None,
) -> None:
    with _store(config_file) as store:
        if not store.tokens.revoke(token_id):
            typer.secho(f"no token '{token_id}'", fg="red", err=True)
            raise typer.Exit(1)
    typer.echo(f"token {token_id} revoked")
