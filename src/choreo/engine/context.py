"""The run context the worker gives a runnable task: rendering, logs, files, KV, secrets, a working directory."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.model.execution import TaskRun
from choreo.model.task import Task
from choreo.plugins.context import Admin, TaskFailed
from choreo.storage import (
    FileNotFoundInStorage,
    LocalStorage,
    NamespaceFiles,
    execution_uri,
    flow_uri,
    task_file_uri,
)

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR")


class LogReader(Protocol):
    """What the context needs to read logs back (log.Fetch)."""

    def fetch(self, execution_id: str, task_ids: list[str] | None, min_level: str) -> list[dict[str, Any]]: ...


@dataclass
class MemoryLogs:
    """Log lines kept in memory, for runs without a store. Plug `on_update` and `on_log` into the runner."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    task_of: dict[str, str] = field(default_factory=dict)

    def on_update(self, execution: Any) -> None:
        for run in execution.task_run_list:
            self.task_of[run.id] = run.task_id

    def on_log(self, execution_id: str, task_run_id: str | None, attempt: int, level: str, message: str) -> None:
        task_id = self.task_of.get(task_run_id or "")
        self.lines.append({"executionId": execution_id, "taskId": task_id, "level": level, "message": message})

    def fetch(self, execution_id: str, task_ids: list[str] | None, min_level: str) -> list[dict[str, Any]]:
        floor = LEVELS.index(min_level) if min_level in LEVELS else 0
        return [
            line
            for line in self.lines
            if line["executionId"] == execution_id
            and (not task_ids or line["taskId"] in task_ids)
            and LEVELS.index(line["level"]) >= floor
        ]


class KeyValues(Protocol):
    """What the context needs from the KV store."""

    def get(self, namespace: str, key: str) -> Any: ...
    def put(self, namespace: str, key: str, value: Any, ttl: float | None) -> None: ...
    def delete(self, namespace: str, key: str) -> bool: ...
    def keys(self, namespace: str, prefix: str | None) -> list[str]: ...


@dataclass
class MemoryKeyValues:
    """KV in a dict: for runs without a store."""

    data: dict[tuple[str, str], Any] = field(default_factory=dict)

    def get(self, namespace: str, key: str) -> Any:
        return self.data.get((namespace, key))

    def put(self, namespace: str, key: str, value: Any, ttl: float | None) -> None:
        self.data[(namespace, key)] = value

    def delete(self, namespace: str, key: str) -> bool:
        return self.data.pop((namespace, key), None) is not None

    def keys(self, namespace: str, prefix: str | None) -> list[str]:
        return sorted(k for ns, k in self.data if ns == namespace and (not prefix or k.startswith(prefix)))


def secrets_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`SECRET_KEY` (base64, as Kestra reads them) and plain `CHOREO_SECRET_KEY` variables, by lower-case key."""
    env = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for name, value in env.items():
        if name.startswith("SECRET_") and len(name) > 7:
            try:
                found[name[7:].lower()] = base64.b64decode("".join(value.split())).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                continue
        elif name.startswith("CHOREO_SECRET_") and len(name) > 14:
            found[name[14:].lower()] = value
    return found


class TaskLogger:
    """A task's logger: Kestra's levels (WARNING is read as WARN), lines below `minimum` dropped."""

    def __init__(self, emit: Callable[[str, str], None], minimum: int = 0) -> None:
        self.emit = emit
        self.minimum = minimum

    def log(self, level: str, message: str) -> None:
        name = str(level).upper()
        name = "WARN" if name == "WARNING" else name
        if name not in LEVELS:
            raise ValueError(f"unknown log level {level!r} (expected one of {', '.join(LEVELS)})")
        if LEVELS.index(name) >= self.minimum:
            self.emit(name, str(message))

    def trace(self, message: str) -> None:
        self.log("TRACE", message)

    def debug(self, message: str) -> None:
        self.log("DEBUG", message)

    def info(self, message: str) -> None:
        self.log("INFO", message)

    def warn(self, message: str) -> None:
        self.log("WARN", message)

    def error(self, message: str) -> None:
        self.log("ERROR", message)


class TaskRunContext:
    """One attempt's context. Created by the worker; a task sees only this object."""

    def __init__(
        self,
        *,
        expressions: ExpressionEngine,
        variables: dict[str, Any],
        run: TaskRun,
        storage: LocalStorage,
        kv: KeyValues,
        secrets: Mapping[str, str],
        emit_log: Callable[[str, str], None],
        emit_metric: Callable[[str, float, str, Mapping[str, str]], None] | None = None,
        min_log_level: str | None = None,
        shared_dir: Path | None = None,
        logs: LogReader | None = None,
        task_loader: Callable[[str, str, str], Task] | None = None,
        admin: Admin | None = None,
    ) -> None:
        self._expressions = expressions
        self._admin = admin
        self._task_loader = task_loader
        self._variables = variables
        self._run = run
        self._storage = storage
        self._kv = kv
        self._secrets = secrets
        self._emit_metric = emit_metric
        self._work_dir: Path | None = shared_dir
        self._logs = logs
        self._owns_work_dir = shared_dir is None  # a WorkingDirectory's directory outlives each child
        self.warning = False
        self.logger = TaskLogger(emit_log, LEVELS.index(min_log_level) if min_log_level in LEVELS else 0)

    @property
    def variables(self) -> Mapping[str, Any]:
        return self._variables

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        variables = {**self._variables, **extra} if extra else self._variables
        return self._expressions.render_value(value, variables, ContextServices(self))

    def evaluate(self, expression: str, extra: Mapping[str, Any] | None = None) -> Any:
        variables = {**self._variables, **extra} if extra else self._variables
        return self._expressions.evaluate(expression, variables, ContextServices(self))

    def secret(self, key: str) -> str:
        value = self._secrets.get(key.lower())
        if value is None:
            raise TaskFailed(f"Cannot find secret for key '{key}'.", retryable=False)
        return value

    def working_dir(self) -> Path:
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix=f"choreo-{self._run.task_id}-"))
        return self._work_dir

    def put_file(self, path: Path | str, name: str | None = None) -> str:
        source = Path(path)
        if not source.is_absolute():
            source = self.working_dir() / source
        # Only regular files of this attempt's own directory: a symlink could smuggle /etc/shadow into storage.
        if source.is_symlink() or not source.resolve().is_relative_to(self.working_dir().resolve()):
            raise TaskFailed(f"'{source.name}' is not a file of the task's working directory", retryable=False)
        uri = task_file_uri(
            self._run.namespace,
            self._run.flow_id,
            self._run.execution_id,
            self._run.task_id,
            self._run.id,
            name or source.name,
        )
        return self._storage.put(uri, source)

    def read_file(self, uri: str) -> bytes:
        return self._storage.read_bytes(uri)

    def namespace_files(self, namespace: str | None = None) -> NamespaceFileView:
        return NamespaceFileView(NamespaceFiles(self._storage, self._namespace(namespace)))

    def delete_file(self, uri: str) -> bool:
        """Delete a file of internal storage (storage.Delete); False when it did not exist."""
        return self._storage.delete(uri)

    def purge_execution_files(self) -> list[str]:
        """Delete every stored file of this execution; the URIs that were deleted."""
        run = self._run
        prefix = execution_uri(run.namespace, run.flow_id, run.execution_id)
        try:
            uris = [entry.uri for entry in self._storage.list(prefix, recursive=True) if not entry.is_dir]
        except FileNotFoundInStorage:
            return []
        self._storage.delete_prefix(prefix)
        return uris

    def _cache_uri(self, key: str) -> str:
        if not key.replace("_", "").replace("-", "").isalnum():
            raise TaskFailed(f"invalid cache key {key!r}", retryable=False)
        return f"{flow_uri(self._run.namespace, self._run.flow_id)}/{key}/cache/cache.zip"

    def cache_read(self, key: str, ttl: timedelta | None = None) -> bytes | None:
        """The flow's cache stored under `key` (a task id), or None when there is none or it is older than `ttl`."""
        uri = self._cache_uri(key)
        try:
            attributes = self._storage.attributes(uri)
        except FileNotFoundInStorage:
            return None
        if ttl is not None and datetime.now(UTC) - attributes.modified > ttl:
            return None
        return self._storage.read_bytes(uri)

    def cache_write(self, key: str, data: bytes) -> None:
        """Replace the flow's cache stored under `key`; later executions of the flow read it back."""
        self._storage.put(self._cache_uri(key), data)

    def load_task(self, text: str) -> Task:
        """A task from YAML (TemplatedTask), checked like a task of a flow; FlowInvalid names its problems."""
        if self._task_loader is None:
            raise TaskFailed("tasks cannot be loaded in this run", retryable=False)
        return self._task_loader(text, self._run.namespace, self._run.flow_id)

    def metric(self, name: str, value: float, *, kind: str = "counter", tags: Mapping[str, str] | None = None) -> None:
        if self._emit_metric is not None:
            self._emit_metric(name, value, kind, tags or {})

    def warn_state(self) -> None:
        self.warning = True

    def fetch_logs(
        self, execution_id: str | None = None, task_ids: list[str] | None = None, min_level: str = "INFO"
    ) -> list[dict[str, Any]]:
        if self._logs is None:
            raise TaskFailed("logs cannot be read in this run", retryable=False)
        return self._logs.fetch(execution_id or self._run.execution_id, task_ids, min_level)

    @property
    def admin(self) -> Admin:
        """The store's maintenance operations (TaskFailed when this run has no store)."""
        if self._admin is None:
            raise TaskFailed("this run has no store to count or purge in", retryable=False)
        return self._admin

    def _namespace(self, namespace: str | None) -> str:
        return namespace or self._run.namespace

    def kv_get(self, key: str, namespace: str | None = None) -> Any:
        return self._kv.get(self._namespace(namespace), key)

    def kv_put(self, key: str, value: Any, *, namespace: str | None = None, ttl: float | None = None) -> None:
        self._kv.put(self._namespace(namespace), key, value, ttl)

    def kv_delete(self, key: str, namespace: str | None = None) -> bool:
        return self._kv.delete(self._namespace(namespace), key)

    def kv_keys(self, prefix: str | None = None, namespace: str | None = None) -> list[str]:
        return self._kv.keys(self._namespace(namespace), prefix)

    def close(self) -> None:
        if self._work_dir is not None and self._owns_work_dir:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None


class NamespaceFileView:
    """The run context's view of a namespace's files (storage's NamespaceFiles, with plain paths)."""

    def __init__(self, files: NamespaceFiles) -> None:
        self._files = files

    def paths(self, include: list[str] | None = None, exclude: list[str] | None = None) -> list[str]:
        return [file.path for file in self._files.glob(include or None, exclude or None)]

    def read(self, path: str) -> bytes:
        return self._files.read(path.lstrip("/"))

    def put(self, path: str, data: bytes) -> str:
        return self._files.put(path.lstrip("/"), data)

    def delete(self, path: str) -> bool:
        return self._files.delete(path.lstrip("/"))

    def copy_to(
        self, directory: Path, include: list[str] | None = None, exclude: list[str] | None = None
    ) -> list[Path]:
        return self._files.copy_to(directory, include or None, exclude or None)


class ContextServices:
    """What template functions (`secret()`, `kv()`, `read()`, `fileSize()`, `errorLogs()`) reach, bound to one run
    context through its public methods only, so the engine's context and test fakes share it."""

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx

    def secret(self, key: str) -> str:
        return self._ctx.secret(key)

    def kv(self, key: str, namespace: str | None, error_on_missing: bool) -> Any:
        value = self._ctx.kv_get(key, namespace)
        if value is None and error_on_missing:
            where = namespace or self._ctx.variables.get("flow", {}).get("namespace", "")
            raise ChoreoError(f"The key '{key}' does not exist in the namespace '{where}'.")
        return value

    def read(self, path: str) -> str:
        """A kestra:// file, or else a file of the flow's namespace (Kestra's `read()`)."""
        if path.startswith("kestra://"):
            return self._ctx.read_file(path).decode("utf-8")
        return self._ctx.namespace_files().read(path).decode("utf-8")

    def file_uri(self, path: str) -> str:
        return path

    def file_size(self, uri: str) -> int:
        return len(self._ctx.read_file(uri))

    def error_logs(self) -> list[dict[str, Any]]:
        error_logs = getattr(self._ctx, "error_logs", None)
        return error_logs() if error_logs is not None else []


class TriggerServices:
    """What templates reach while a trigger is evaluated (webhook key and inputs, schedule inputs): secrets and
    KV; files and logs belong to task runs."""

    def __init__(self, secrets: Mapping[str, str], kv: KeyValues, namespace: str) -> None:
        self._secrets = secrets
        self._kv = kv
        self._namespace = namespace

    def secret(self, key: str) -> str:
        value = self._secrets.get(key.lower())
        if value is None:
            raise ChoreoError(f"Cannot find secret for key '{key}'.")
        return value

    def kv(self, key: str, namespace: str | None, error_on_missing: bool) -> Any:
        value = self._kv.get(namespace or self._namespace, key)
        if value is None and error_on_missing:
            raise ChoreoError(f"The key '{key}' does not exist in the namespace '{namespace or self._namespace}'.")
        return value

    def read(self, path: str) -> str:
        raise ChoreoError("read() is not available while a trigger is evaluated")

    def file_uri(self, path: str) -> str:
        return path

    def file_size(self, uri: str) -> int:
        raise ChoreoError("fileSize() is not available while a trigger is evaluated")

    def error_logs(self) -> list[dict[str, Any]]:
        return []
