"""Test support for task plugins: `FakeRunContext`, a run context without an engine, a store or a storage.

A runnable task sees only its `RunContext` (`choreo.plugins.context`). `FakeRunContext` implements that protocol
in memory, with the real expression engine, so a task can be tested by calling `run()` directly and looking at
what it did:

    ctx = FakeRunContext(variables={"inputs": {"name": "ada"}})
    outputs = asyncio.run(Return(id="r", type=Return.type_name, format="hi {{ inputs.name }}").run(ctx))
    assert outputs == {"value": "hi ada"}
    assert ctx.log_lines == [("DEBUG", "hi ada")]

What it records, all public attributes:

- `log_lines`: `(level, message)` tuples in the order they were logged; levels are TRACE, DEBUG, INFO, WARN, ERROR.
- `metrics`: `Metric(name, value, kind, tags)` entries (`kind` is "counter" or "timer"; timers in seconds).
- `outputs_files`: the files stored with `put_file`, name → kestra:// URI.
- `state_warning`: True once the task called `warn_state()`.
- `kv_store`: namespace → {key → value}; `kv` is the dict of the default namespace; `kv_ttls`: (namespace, key)
  → ttl in seconds for the values put with a ttl.
- `secrets`: key → value, for `secret()` and `{{ secret('KEY') }}`.

Files live under `work_root` (a new temporary directory by default, removed when the context is closed or
garbage-collected): `working_dir()` is `<work_root>/work`, stored files are under `<work_root>/storage` and
addressed as `kestra:///fake/<path>`.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from choreo.engine.context import ContextServices, NamespaceFileView, TaskLogger
from choreo.expr import ExpressionEngine
from choreo.storage import LocalStorage, NamespaceFiles

__all__ = ["DEFAULT_NAMESPACE", "FakeLogger", "FakeRunContext", "Metric", "default_variables"]

#: The namespace of the fake flow, used by KV operations that name no namespace.
DEFAULT_NAMESPACE = "company.team"

_URI_PREFIX = "kestra:///fake/"
_MISSING = object()


def default_variables(namespace: str = DEFAULT_NAMESPACE) -> dict[str, Any]:
    """The variables of a fake task run: `flow`, `execution`, `task`, `taskrun`, empty `inputs`/`outputs`/`vars`."""
    return {
        "flow": {"id": "test_flow", "namespace": namespace, "revision": 1, "tenantId": "main"},
        "execution": {"id": "fakeExecutionId", "startDate": "2025-01-01T00:00:00Z", "originalId": "fakeExecutionId"},
        "task": {"id": "test_task", "type": "io.kestra.plugin.core.log.Log"},
        "taskrun": {"id": "fakeTaskRunId", "startDate": "2025-01-01T00:00:00Z", "attemptsCount": 0},
        "inputs": {},
        "outputs": {},
        "vars": {},
        "labels": {},
    }


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric a task reported."""

    name: str
    value: float
    kind: str = "counter"
    tags: Mapping[str, str] = field(default_factory=dict)


class FakeLogger(TaskLogger):
    """The run context's logger, recording `(level, message)` tuples in `lines`."""

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__(lambda level, message: lines.append((level, message)))
        self.lines = lines


class FakeRunContext:
    """An in-memory `RunContext` for tests; see the module docstring for what it records.

    `variables` are what templates see, as given (`default_variables()` when None); `extra` passed to `render`
    and `evaluate` is merged on top. `kv` holds the values of the default namespace (the `flow.namespace`
    variable, else `DEFAULT_NAMESPACE`). `files` maps kestra:// URIs (or paths, stored as `kestra:///fake/<path>`)
    to their content, readable with `read_file`.
    """

    def __init__(
        self,
        variables: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        kv: Mapping[str, Any] | None = None,
        files: Mapping[str, bytes | str] | None = None,
        work_root: Path | str | None = None,
        *,
        engine: ExpressionEngine | None = None,
    ) -> None:
        self._variables: dict[str, Any] = dict(default_variables() if variables is None else variables)
        flow = self._variables.get("flow")
        self.namespace: str = (
            flow["namespace"] if isinstance(flow, Mapping) and "namespace" in flow else DEFAULT_NAMESPACE
        )
        self.engine = engine or ExpressionEngine()
        self.secrets: dict[str, str] = dict(secrets or {})
        self.kv_store: dict[str, dict[str, Any]] = {self.namespace: dict(kv or {})}
        self.kv_ttls: dict[tuple[str, str], float] = {}
        self.log_lines: list[tuple[str, str]] = []
        self.metrics: list[Metric] = []
        self.outputs_files: dict[str, str] = {}
        self.state_warning = False
        self.caches: dict[str, bytes] = {}

        if work_root is None:
            self.work_root = Path(tempfile.mkdtemp(prefix="choreo-fake-"))
            self._cleanup: weakref.finalize | None = weakref.finalize(
                self, shutil.rmtree, str(self.work_root), ignore_errors=True
            )
        else:
            self.work_root = Path(work_root)
            self.work_root.mkdir(parents=True, exist_ok=True)
            self._cleanup = None
        self._storage = self.work_root / "storage"
        self._put_counter = itertools.count(1)
        self._logger = FakeLogger(self.log_lines)
        self._services = ContextServices(self)
        for name, content in (files or {}).items():
            self.add_file(name, content)

    # --- lifecycle -----------------------------------------------------------------------------------------

    def close(self) -> None:
        """Remove `work_root` if this context created it."""
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> FakeRunContext:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- RunContext ----------------------------------------------------------------------------------------

    @property
    def variables(self) -> Mapping[str, Any]:
        return self._variables

    @property
    def logger(self) -> FakeLogger:
        return self._logger

    @property
    def kv(self) -> dict[str, Any]:
        """The key/values of the default namespace."""
        return self.kv_store[self.namespace]

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        return self.engine.render_value(value, self._scope(extra), self._services)

    def evaluate(self, expression: str, extra: Mapping[str, Any] | None = None) -> Any:
        return self.engine.evaluate(expression, self._scope(extra), self._services)

    def secret(self, key: str) -> str:
        try:
            return self.secrets[key]
        except KeyError:
            raise KeyError(f"no secret '{key}'") from None

    def working_dir(self) -> Path:
        path = self.work_root / "work"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def put_file(self, path: Path | str, name: str | None = None) -> str:
        source = Path(path)
        relative = f"outputs/{next(self._put_counter)}/{name or source.name}"
        target = self._storage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        uri = _URI_PREFIX + relative
        self.outputs_files[name or source.name] = uri
        return uri

    def read_file(self, uri: str) -> bytes:
        return self._local_path(uri).read_bytes()

    def cache_read(self, key: str, ttl: Any = None) -> bytes | None:
        """This fake's cache for `key` (kept in memory; `ttl` is not applied)."""
        return self.caches.get(key)

    def cache_write(self, key: str, data: bytes) -> None:
        self.caches[key] = data

    def purge_execution_files(self) -> list[str]:
        """Delete every file this fake stored; their URIs."""
        uris = sorted(
            _URI_PREFIX + p.relative_to(self._storage).as_posix() for p in self._storage.rglob("*") if p.is_file()
        )
        shutil.rmtree(self._storage, ignore_errors=True)
        return uris

    def load_task(self, text: str) -> Any:
        """A task from YAML, validated with the installed plugins (as the engine does)."""
        from choreo.app import Choreo, Settings

        return Choreo(Settings()).flows.load_task(text)

    def error_logs(self) -> list[dict[str, Any]]:
        """The ERROR lines logged so far (`errorLogs()` in templates)."""
        return [{"level": level, "message": message} for level, message in self.log_lines if level == "ERROR"]

    def namespace_files(self, namespace: str | None = None) -> NamespaceFileView:
        """Real namespace files, kept under this fake's temporary directory."""
        storage = LocalStorage(self.work_root / "namespace-files")
        return NamespaceFileView(NamespaceFiles(storage, namespace or self.namespace))

    def metric(self, name: str, value: float, *, kind: str = "counter", tags: Mapping[str, str] | None = None) -> None:
        if kind not in ("counter", "timer"):
            raise ValueError(f"unknown metric kind {kind!r} (expected counter or timer)")
        self.metrics.append(Metric(name, float(value), kind, dict(tags or {})))

    def warn_state(self) -> None:
        self.state_warning = True

    def fetch_logs(
        self, execution_id: str | None = None, task_ids: list[str] | None = None, min_level: str = "INFO"
    ) -> list[dict[str, Any]]:
        """This context's own log lines at `min_level` or above (a fake has one task and one execution)."""
        order = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR")
        floor = order.index(min_level) if min_level in order else 0
        return [{"level": lvl, "message": msg} for lvl, msg in self.log_lines if order.index(lvl) >= floor]

    def kv_get(self, key: str, namespace: str | None = None) -> Any:
        return self.kv_store.get(namespace or self.namespace, {}).get(key)

    def kv_put(self, key: str, value: Any, *, namespace: str | None = None, ttl: float | None = None) -> None:
        ns = namespace or self.namespace
        self.kv_store.setdefault(ns, {})[key] = value
        if ttl is not None:
            self.kv_ttls[(ns, key)] = ttl
        else:
            self.kv_ttls.pop((ns, key), None)

    def kv_delete(self, key: str, namespace: str | None = None) -> bool:
        ns = namespace or self.namespace
        self.kv_ttls.pop((ns, key), None)
        return self.kv_store.get(ns, {}).pop(key, _MISSING) is not _MISSING

    def kv_keys(self, prefix: str | None = None, namespace: str | None = None) -> list[str]:
        keys = self.kv_store.get(namespace or self.namespace, {})
        return sorted(key for key in keys if prefix is None or key.startswith(prefix))

    # --- helpers for tests ---------------------------------------------------------------------------------

    def add_file(self, name: str, content: bytes | str) -> str:
        """Store `content` as `name` (a kestra:// URI, or a path under `kestra:///fake/`); returns its URI."""
        uri = name if name.startswith("kestra://") else _URI_PREFIX + name.lstrip("/")
        target = self._local_path(uri)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
        return uri

    def messages(self, level: str | None = None) -> list[str]:
        """The messages logged, at `level` only when given."""
        return [message for lvl, message in self.log_lines if level is None or lvl == level]

    def _scope(self, extra: Mapping[str, Any] | None) -> Mapping[str, Any]:
        return {**self._variables, **extra} if extra else self._variables

    def _local_path(self, uri: str) -> Path:
        if not uri.startswith("kestra://"):
            raise ValueError(f"not a kestra:// URI: {uri!r}")
        relative = uri.removeprefix("kestra://").lstrip("/")
        relative = relative.removeprefix("fake/")
        root = self._storage.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            raise ValueError(f"URI outside the fake storage: {uri!r}")
        return path
