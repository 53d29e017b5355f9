"""Live updates for followers (SSE): executions as they change and log lines as they are written, in this process.

Subscribers get an asyncio queue; a slow subscriber loses nothing it can re-read from the store (the queues are
bounded and a full queue drops its oldest item: the follower re-reads the execution on the next update)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from choreo.model.execution import Execution
from choreo.store import LogEntry

ALL = "*"


class LiveUpdates:
    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._executions: dict[str, set[asyncio.Queue[Execution | None]]] = defaultdict(set)
        self._logs: dict[str, set[asyncio.Queue[LogEntry]]] = defaultdict(set)

    def execution(self, execution: Execution) -> None:
        for key in (execution.id, ALL):
            for queue in self._executions.get(key, ()):
                _offer(queue, execution)

    def changed(self, execution_id: str) -> None:
        """Another process saved the execution: its followers re-read it (they get None, not the execution)."""
        for queue in self._executions.get(execution_id, ()):
            _offer(queue, None)

    def logs(self, entries: list[LogEntry]) -> None:
        for entry in entries:
            for key in (entry.execution_id or "", ALL):
                for queue in self._logs.get(key, ()):
                    _offer(queue, entry)

    @contextmanager
    def executions_of(self, execution_id: str = ALL) -> Iterator[asyncio.Queue[Execution | None]]:
        queue: asyncio.Queue[Execution | None] = asyncio.Queue(self.size)
        self._executions[execution_id].add(queue)
        try:
            yield queue
        finally:
            self._executions[execution_id].discard(queue)

    @contextmanager
    def logs_of(self, execution_id: str = ALL) -> Iterator[asyncio.Queue[LogEntry]]:
        queue: asyncio.Queue[LogEntry] = asyncio.Queue(self.size)
        self._logs[execution_id].add(queue)
        try:
            yield queue
        finally:
            self._logs[execution_id].discard(queue)


def _offer(queue: asyncio.Queue[Any], item: Any) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(item)
