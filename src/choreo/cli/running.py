"""What `choreo run` does: run a flow to its end in this process, with a live view of its task runs and logs.

Kept apart from the command's declaration so that other commands do not import the engine and the store."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from choreo.app import Choreo
from choreo.cli.validation import collect_flow_files
from choreo.engine.context import secrets_from_env
from choreo.engine.executor import Executor
from choreo.engine.local import LocalRunner, new_execution
from choreo.engine.persistence import ExecutionRecorder, StoreAdmin, StoreKeyValues
from choreo.engine.worker import Worker
from choreo.errors import FlowInvalid, InputInvalid
from choreo.model.execution import Execution, new_id
from choreo.model.flow import Flow
from choreo.model.inputs import FileInput
from choreo.model.state import State
from choreo.storage import LocalStorage, input_file_uri
from choreo.store import Store

STATE_COLOURS = {
    "SUCCESS": "green",
    "WARNING": "yellow",
    "FAILED": "red",
    "KILLED": "red",
    "RUNNING": "cyan",
    "RETRYING": "magenta",
    "PAUSED": "blue",
    "SKIPPED": "dim",
}


def choreo_home() -> Path:
    return Path(os.environ.get("CHOREO_HOME", Path.home() / ".choreo"))


def _parse_inputs(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--input")
        values[key] = value
    return values


def _load_flows(choreo: Choreo, directory: Path) -> dict[tuple[str, str], Flow]:
    flows: dict[tuple[str, str], Flow] = {}
    files, _ = collect_flow_files([directory])
    for path in files:
        result = choreo.flows.validate(path.read_text(encoding="utf-8"), str(path))
        if result.ok and result.flow is not None:
            flows[(result.flow.namespace, result.flow.id)] = result.flow
    return flows


def _upload_files(flow: Flow, execution_id: str, values: dict[str, str], storage: LocalStorage) -> dict[str, str]:
    """FILE inputs given as local paths are copied into internal storage; the input becomes the kestra:// URI."""
    out = dict(values)
    for declared in flow.inputs or ():
        value = values.get(declared.id)
        if isinstance(declared, FileInput) and value and not value.startswith(("kestra://", "nsfile://")):
            source = Path(value)
            if not source.is_file():
                raise InputInvalid({declared.id: f"Invalid input for `{declared.id}`, no such file: {value}"})
            uri = input_file_uri(flow.namespace, flow.id, execution_id, declared.id, source.name)
            out[declared.id] = storage.put(uri, source)
    return out


def _table(execution: Execution) -> Table:
    table = Table(box=None, show_header=True, header_style="bold")
    table.add_column("task")
    table.add_column("value")
    table.add_column("state")
    table.add_column("attempts", justify="right")
    table.add_column("duration", justify="right")
    for run in execution.task_run_list:
        state = run.state.current.value
        colour = STATE_COLOURS.get(state, "white")
        duration = run.state.duration_seconds
        table.add_row(
            escape(run.task_id),
            escape(run.value or ""),
            f"[{colour}]{state}[/{colour}]",
            str(len(run.attempts)),
            f"{duration * 1000:.0f} ms" if duration is not None else "",
        )
    state = execution.state.current.value
    table.caption = f"execution {execution.id}: [{STATE_COLOURS.get(state, 'white')}]{state}[/]"
    return table


def run_flow(
    flow_file: Path, inputs: list[str] | None, flows_dir: Path | None, as_json: bool, templates_dir: Path | None = None
) -> None:
    """Run the flow; raises typer.Exit with 0 for SUCCESS or WARNING, 1 otherwise."""
    console = Console(stderr=as_json, highlight=False, soft_wrap=True)
    choreo = Choreo()
    try:
        flow = choreo.flows.load_file(flow_file)
    except FlowInvalid as exc:
        for violation in exc.errors:
            console.print(f"[red]{escape(str(violation))}[/red]")
        raise typer.Exit(1) from None
    flows: dict[tuple[str, str], Flow] = {}

    def find_flow(namespace: str, flow_id: str, revision: int | None) -> Flow | None:
        """Subflows: the directory is read when a Subflow first needs it (most runs never do)."""
        if not flows:
            flows.update(_load_flows(choreo, flows_dir or flow_file.parent))
            flows[(flow.namespace, flow.id)] = flow
        return flows.get((namespace, flow_id))

    templates = _load_flows(choreo, templates_dir) if templates_dir else {}  # a template reads as a flow
    home = choreo_home()
    storage = LocalStorage(home / "storage")
    store = Store.open(f"sqlite:///{home / 'choreo.db'}")
    store.flows.save(
        flow.namespace,
        flow.id,
        flow_file.read_text(encoding="utf-8"),
        flow_json=flow.model_dump(mode="json", by_alias=True),
    )
    recorder = ExecutionRecorder(store)
    try:
        execution_id = new_id()
        typed_inputs = _upload_files(flow, execution_id, _parse_inputs(inputs or []), storage)
        execution = new_execution(flow, typed_inputs, execution_id=execution_id)
    except InputInvalid as exc:
        for message in exc.problems.values():
            console.print(f"[red]{escape(message)}[/red]")
        raise typer.Exit(1) from None

    live = Live(_table(execution), console=console, transient=False, auto_refresh=False) if not as_json else None
    runs: dict[str, str] = {}

    def on_log(execution_id: str, task_run_id: str | None, attempt: int, level: str, message: str) -> None:
        recorder.on_log(execution_id, task_run_id, attempt, level, message)
        if as_json:
            return
        task = runs.get(task_run_id or "", "")
        colour = {"ERROR": "red", "WARN": "yellow", "DEBUG": "dim", "TRACE": "dim"}.get(level, "white")
        console.print(f"[{colour}]{level:5}[/] {escape(task)} {escape(message)}")

    def on_update(current: Execution) -> None:
        recorder.on_update(current)
        for task_run in current.task_run_list:
            runs[task_run.id] = task_run.task_id
        if live is not None and current.id == execution.id:
            live.update(_table(current), refresh=True)

    worker = Worker(
        expressions=choreo.expressions,
        storage=storage,
        kv=StoreKeyValues(store),
        secrets=secrets_from_env(),
        on_log=on_log,
        logs=recorder,
        task_loader=choreo.load_task,
        admin=StoreAdmin(store, storage),
    )
    runner = LocalRunner(
        Executor(choreo.expressions, templates=lambda namespace, template_id: templates.get((namespace, template_id))),
        worker,
        flows=find_flow,
        on_update=on_update,
    )
    if live is not None:
        live.start()
    try:
        final = asyncio.run(runner.execute(flow, execution))
    finally:
        recorder.flush()
        store.close()
        if live is not None:
            live.stop()
            console.print()
    if as_json:
        json.dump(final.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    raise typer.Exit(0 if final.state.current in (State.SUCCESS, State.WARNING) else 1)
