"""The engine's link to the store: each new state of an execution is saved before its commands run, log lines
are written in batches with it, and KV reads and writes go to the store's typed KV."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from choreo.model.execution import Execution
from choreo.model.state import TERMINAL_STATES, State
from choreo.storage import LocalStorage, execution_uri
from choreo.store import LogEntry, Store

#: A log line waits at most this long for the next execution save before it is written on its own.
LOG_FLUSH_SECONDS = 0.2


class StoreKeyValues:
    """The run context's KV, backed by the store (typed values, TTL)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, namespace: str, key: str) -> Any:
        entry = self.store.kv.get(namespace, key)
        return entry.value if entry is not None else None

    def put(self, namespace: str, key: str, value: Any, ttl: float | None) -> None:
        self.store.kv.put(namespace, key, value, ttl=timedelta(seconds=ttl) if ttl is not None else None)

    def delete(self, namespace: str, key: str) -> bool:
        return self.store.kv.delete(namespace, key)

    def keys(self, namespace: str, prefix: str | None) -> list[str]:
        return [entry.key for entry in self.store.kv.list(namespace, prefix=prefix)]


class ExecutionRecorder:
    """Saves executions and their logs. Used as the runner's `on_update` and the worker's log sink."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[LogEntry] = []
        self._oldest: float | None = None
        self._where: dict[str, tuple[str, str]] = {}  # execution id → (namespace, flow id)
        self._task_of: dict[str, str] = {}  # task run id → task id

    def on_update(self, execution: Execution) -> None:
        self._where[execution.id] = (execution.namespace, execution.flow_id)
        for run in execution.task_run_list:
            self._task_of[run.id] = run.task_id
        with self.store.transaction() as tx:
            tx.executions.save(execution)
            if self._pending:
                tx.logs.append(self._pending)
        self._pending = []
        self._oldest = None

    def on_log(self, execution_id: str, task_run_id: str | None, attempt: int, level: str, message: str) -> None:
        namespace, flow_id = self._where.get(execution_id, ("", ""))
        self._pending.append(
            LogEntry(
                namespace=namespace,
                flow_id=flow_id,
                message=message,
                level=level,
                execution_id=execution_id,
                task_id=self._task_of.get(task_run_id or ""),
                task_run_id=task_run_id,
                attempt_number=attempt or None,
            )
        )
        now = time.monotonic()
        if self._oldest is None:
            self._oldest = now
        elif now - self._oldest > LOG_FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.store.logs.append(self._pending)
            self._pending = []
            self._oldest = None

    def fetch(self, execution_id: str, task_ids: list[str] | None, min_level: str) -> list[dict[str, Any]]:
        """Log documents of an execution (pending lines written first), for log.Fetch."""
        self.flush()
        lines = self.store.logs.for_execution(execution_id, min_level=min_level)
        return [line.to_json() for line in lines if not task_ids or line.task_id in task_ids]


class StoreLogReader:
    """log.Fetch's reader on the store (the worker service writes each attempt's lines before its result)."""

    def __init__(self, store: Store, flush: Callable[[], None] | None = None) -> None:
        self.store = store
        self.flush = flush

    def fetch(self, execution_id: str, task_ids: list[str] | None, min_level: str) -> list[dict[str, Any]]:
        if self.flush is not None:
            self.flush()
        lines = self.store.logs.for_execution(execution_id, min_level=min_level)
        return [line.to_json() for line in lines if not task_ids or line.task_id in task_ids]


class StoreAdmin:
    """What the maintenance tasks do to the store: execution.Count, execution.PurgeExecutions, log.PurgeLogs."""

    def __init__(self, store: Store, storage: LocalStorage) -> None:
        self.store = store
        self.storage = storage

    def count_executions(
        self,
        *,
        after: datetime,
        before: datetime | None,
        states: Sequence[State] | None,
        namespaces: Sequence[str] | None,
        flows: Sequence[tuple[str, str]] | None,
    ) -> list[tuple[str, str, int]]:
        """(namespace, flow id, count) for each flow asked for — by name, or every live flow of `namespaces` —
        including those with no execution in the range (what `count == 0` alerts are about)."""
        counts = self.store.executions.count_by_flow(
            after=after, before=before, states=states, namespaces=namespaces, flows=flows
        )
        if flows:
            wanted = set(flows)
        else:
            chosen = set(namespaces or ())
            wanted = {key for key in self.store.flows.latest_revisions() if key[0] in chosen}
        return [(namespace, flow_id, counts.get((namespace, flow_id), 0)) for namespace, flow_id in sorted(wanted)]

    def purge_executions(
        self,
        *,
        before: datetime,
        after: datetime | None,
        namespace: str | None,
        flow_id: str | None,
        states: Sequence[State] | None,
        executions: bool,
        logs: bool,
        metrics: bool,
        files: bool,
        batch_size: int,
    ) -> dict[str, int]:
        """Delete what belongs to the ended executions that started in the range (running ones are left alone),
        one transaction per execution; how many executions, log lines, metrics and files went."""
        ended = [state for state in (states or TERMINAL_STATES) if state in TERMINAL_STATES]
        counts = {"executionsCount": 0, "logsCount": 0, "metricsCount": 0, "storagesCount": 0}
        page = 1
        while ended:
            found = self.store.executions.search(
                namespace=namespace,
                exact_namespace=flow_id is not None,
                flow_id=flow_id,
                states=ended,
                start_after=after,
                start_before=before,
                page=page,
                size=batch_size,
                sort="startDate:asc",
            )
            for execution in found.items:
                with self.store.transaction() as tx:
                    if executions:
                        counts["executionsCount"] += int(tx.executions.delete(execution.id))
                    if logs:
                        counts["logsCount"] += tx.logs.delete_for_execution(execution.id)
                    if metrics:
                        counts["metricsCount"] += tx.metrics.delete_for_execution(execution.id)
                if files:
                    uri = execution_uri(execution.namespace, execution.flow_id, execution.id)
                    counts["storagesCount"] += self.storage.delete_prefix(uri)
            if len(found.items) < batch_size:
                break
            if not executions:  # the executions stay: walk on to the next page
                page += 1
        return counts

    def purge_logs(
        self,
        *,
        before: datetime,
        after: datetime | None,
        namespace: str | None,
        flow_id: str | None,
        execution_id: str | None,
        levels: Sequence[str] | None,
        of_executions: bool,
        of_nothing_else: bool,
    ) -> tuple[int, int]:
        """Delete log lines; how many of executions and how many of nothing else (triggers…)."""
        return self.store.logs.purge(
            before=before,
            after=after,
            namespace=namespace,
            flow_id=flow_id,
            execution_id=execution_id,
            levels=levels,
            of_executions=of_executions,
            of_nothing_else=of_nothing_else,
        )
