"""What a runnable task sees while it runs: the run context.

A task's `async def run(self, ctx: RunContext)` gets everything through `ctx` — rendering, logging, storage,
KV, secrets, its working directory — and never the store or the application. The engine implements the protocol;
tests use a fake.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from choreo.model.task import Task


class TaskFailed(Exception):
    """Raised by a task to end its attempt FAILED with a message; `retryable=False` skips the task's retries."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        self.retryable = retryable
        super().__init__(message)


class TaskLogger(Protocol):
    def trace(self, message: str) -> None: ...
    def debug(self, message: str) -> None: ...
    def info(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...
    def error(self, message: str) -> None: ...
    def log(self, level: str, message: str) -> None: ...


class NamespaceFileStore(Protocol):
    """A namespace's files (the ones edited in the UI or synced from Git), as a task sees them."""

    def paths(self, include: list[str] | None = None, exclude: list[str] | None = None) -> list[str]:
        """Paths (relative, `/`-separated) of the files matching any `include` glob and no `exclude` one."""
        ...

    def read(self, path: str) -> bytes: ...

    def put(self, path: str, data: bytes) -> str:
        """Write a file; returns its URI."""
        ...

    def delete(self, path: str) -> bool: ...

    def copy_to(
        self, directory: Path, include: list[str] | None = None, exclude: list[str] | None = None
    ) -> list[Path]:
        """Copy the matching files into a local directory, keeping their paths."""
        ...


class Admin(Protocol):
    """The store's maintenance operations, for execution.Count, execution.PurgeExecutions and log.PurgeLogs (the
    engine's `StoreAdmin`)."""

    def count_executions(self, **filters: Any) -> list[tuple[str, str, int]]: ...

    def purge_executions(self, **filters: Any) -> dict[str, int]: ...

    def purge_logs(self, **filters: Any) -> tuple[int, int]: ...


class RunContext(Protocol):
    """The services of one task-run attempt."""

    @property
    def variables(self) -> Mapping[str, Any]:
        """What templates see: flow, execution, task, taskrun, inputs, outputs, vars, labels…"""
        ...

    @property
    def logger(self) -> TaskLogger: ...

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render every template string inside `value` (strings, lists, maps); other values as they are."""
        ...

    def evaluate(self, expression: str, extra: Mapping[str, Any] | None = None) -> Any:
        """The native value of one expression (`{{ a > 1 }}` → True)."""
        ...

    def secret(self, key: str) -> str: ...

    def working_dir(self) -> Path:
        """A directory of this attempt's own, created on first use and removed after the task."""
        ...

    def put_file(self, path: Path | str, name: str | None = None) -> str:
        """Store a local file as an output of this task run; returns its kestra:// URI."""
        ...

    def read_file(self, uri: str) -> bytes:
        """The content of a kestra:// URI (or a namespace file)."""
        ...

    def metric(
        self, name: str, value: float, *, kind: str = "counter", tags: Mapping[str, str] | None = None
    ) -> None: ...

    def warn_state(self) -> None:
        """End this attempt in WARNING instead of SUCCESS (e.g. a script wrote to stderr)."""
        ...

    def kv_get(self, key: str, namespace: str | None = None) -> Any: ...

    def kv_put(self, key: str, value: Any, *, namespace: str | None = None, ttl: float | None = None) -> None: ...

    def kv_delete(self, key: str, namespace: str | None = None) -> bool: ...

    def kv_keys(self, prefix: str | None = None, namespace: str | None = None) -> list[str]: ...

    def load_task(self, text: str) -> Task:
        """A task from its YAML (`type` and properties), validated like a task of a flow (TemplatedTask)."""
        ...

    def cache_read(self, key: str, ttl: timedelta | None = None) -> bytes | None:
        """The flow's cache stored under `key` (a task id), or None when missing or older than `ttl`."""
        ...

    def cache_write(self, key: str, data: bytes) -> None:
        """Replace the flow's cache stored under `key`, for later executions of the flow."""
        ...

    def purge_execution_files(self) -> list[str]:
        """Delete every internal-storage file of the current execution; the URIs deleted."""
        ...

    def fetch_logs(
        self, execution_id: str | None = None, task_ids: list[str] | None = None, min_level: str = "INFO"
    ) -> list[dict[str, Any]]:
        """Log lines of an execution (this one by default), oldest first, as Kestra's log documents."""
        ...

    @property
    def admin(self) -> Admin:
        """The store's maintenance operations (TaskFailed when the run has no store)."""
        ...


@dataclass(frozen=True)
class TriggerEvent:
    """One thing a realtime or polling trigger received: its `trigger.*` variables, and how to acknowledge it
    (called once the execution it starts is stored, so that a crash before that loses nothing)."""

    variables: dict[str, Any]
    ack: Callable[[], Awaitable[None]] | None = None


class TriggerContext(Protocol):
    """What a realtime or polling trigger sees while it listens: rendering (with secrets), its logger, where it is."""

    namespace: str
    flow_id: str
    trigger_id: str
    #: What a polling trigger remembers between polls (files seen…); saved after each poll, kept across restarts.
    state: dict[str, Any]

    @property
    def logger(self) -> TaskLogger: ...

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any: ...

    def put_file(self, name: str, data: bytes) -> str:
        """Store `data` in internal storage for the executions this trigger starts; its kestra:// URI."""
        ...
