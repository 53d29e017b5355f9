"""`choreo server local | standalone` and `choreo token create | list | revoke`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Run the server: every component in one process (local, standalone) or each on its own (webserver, "
    "executor, worker, scheduler) against one PostgreSQL database."
)
tokens = typer.Typer(help="API tokens (Bearer) for scripts and CI.")


ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="choreo.yaml", exists=True, dir_okay=False)]


def _config(config_file: Path | None, **overrides: object):  # noqa: ANN202 - ServerConfig is imported lazily
    from choreo.server.config import ConfigInvalid, ServerConfig

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return ServerConfig.load(config_file, **overrides)
    except ConfigInvalid as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def _serve(config_file: Path | None, components: frozenset[str] | None = None, **overrides: object) -> None:
    """The API (and UI) with `components` in this process (all of them by default)."""
    config = _config(config_file, **overrides)
    from choreo.server.bounded_run import run_bounded  # imported when a server starts (asyncio: a slower start)
    from choreo.server.serve import serve

    try:
        run_bounded(serve(config, components=components))
    except KeyboardInterrupt:
        pass


def _components(config_file: Path | None, components: frozenset[str], **overrides: object) -> None:
    """`components` without the API, until SIGINT or SIGTERM."""
    config = _config(config_file, **overrides)
    from choreo.server.bounded_run import run_bounded
    from choreo.server.serve import run_components

    try:
        run_bounded(run_components(config, components))
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
    config_file: ConfigOption = None,
) -> None:
    """One process on the embedded store in $CHOREO_HOME: API, UI, executor, workers, scheduler, triggers."""
    _serve(config_file, host=host, port=port, flow_path=flow_path)


@app.command()
def standalone(
    config_file: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Overrides the configuration's host.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides the configuration's port.")] = None,
) -> None:
    """Every component in one process, with the configuration of choreo.yaml (database URL, storage, workers…),
    on SQLite or PostgreSQL."""
    _serve(config_file, host=host, port=port)


@app.command()
def webserver(
    config_file: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Overrides the configuration's host.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides the configuration's port.")] = None,
) -> None:
    """The API and the UI alone, on the configured (PostgreSQL) store; run as many as you like behind a load
    balancer."""
    _serve(config_file, frozenset(), host=host, port=port)


@app.command()
def executor(config_file: ConfigOption = None) -> None:
    """The executor alone: advances executions from the queue. Several may run at once (one at a time per
    execution)."""
    _components(config_file, frozenset({"executor"}))


@app.command()
def worker(
    config_file: ConfigOption = None,
    threads: Annotated[int | None, typer.Option(help="Attempts run at once by this process.")] = None,
    worker_group: Annotated[
        str | None, typer.Option("--worker-group", help="Take only the tasks of this workerGroup.key.")
    ] = None,
) -> None:
    """A worker alone: runs task attempts from the queue. Run as many as you need, on as many machines."""
    _components(config_file, frozenset({"worker"}), worker_threads=threads, worker_group=worker_group)


@app.command()
def scheduler(config_file: ConfigOption = None) -> None:
    """The scheduler and the realtime and polling trigger listeners alone (no API, no executor, no worker), on the
    configured store. Several may run at once: each date fires once, each trigger is listened to by one of them."""
    _components(config_file, frozenset({"scheduler", "triggers"}))


@app.command()
def status(
    config_file: ConfigOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The live components of every process on the configured store, and those whose heartbeat stopped."""
    import json

    config = _config(config_file)
    with _store(config_file) as store:
        components = store.components.list()
    now = datetime.now(UTC)
    timeout = timedelta(seconds=config.heartbeat_timeout)
    if json_output:
        typer.echo(json.dumps([{**c.to_json(), "alive": now - c.heartbeat <= timeout} for c in components], indent=2))
        return
    if not components:
        typer.echo("no component is running on this store")
        return
    for c in components:
        silent = (now - c.heartbeat).total_seconds()
        alive = "alive" if now - c.heartbeat <= timeout else "DEAD"
        group = f" group={c.worker_group}" if c.worker_group else ""
        threads = f" threads={c.threads}" if c.threads else ""
        where = f"{c.host}:{c.pid}{group}{threads}"
        typer.echo(f"{c.kind:10} {alive:5}  {where}  last heartbeat {silent:.1f} s ago  {c.id}")


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
