"""Persistence: flows and revisions, executions, logs, metrics, KV, trigger state and the job queue, on SQLite or
PostgreSQL through SQLAlchemy Core.

    store = Store.open("sqlite:///choreo.db")
    with store.transaction() as tx:
        tx.executions.save(execution)
        tx.queue.push("worker_job", payload)
"""

from __future__ import annotations

from choreo.store._base import PreparedWrite
from choreo.store.errors import (
    Conflict,
    InvalidKey,
    InvalidQuery,
    InvalidValue,
    NestedTransaction,
    NotFound,
    StoreError,
    TransactionRequired,
)
from choreo.store.executions import CONCURRENCY_STATES, ExecutionRepository
from choreo.store.flows import FlowRepository
from choreo.store.kv import KVRepository
from choreo.store.logs import LogRepository
from choreo.store.metrics import MetricRepository
from choreo.store.notify import Waiter
from choreo.store.queue import QueueRepository
from choreo.store.records import (
    FlowRecord,
    Job,
    KVEntry,
    KVType,
    LogEntry,
    LogLevel,
    MetricEntry,
    MetricType,
    Page,
    TriggerState,
)
from choreo.store.store import Store, UnitOfWork
from choreo.store.triggers import TriggerRepository

__all__ = [
    "CONCURRENCY_STATES",
    "Conflict",
    "ExecutionRepository",
    "FlowRecord",
    "FlowRepository",
    "InvalidKey",
    "InvalidQuery",
    "InvalidValue",
    "Job",
    "KVEntry",
    "KVRepository",
    "KVType",
    "LogEntry",
    "LogLevel",
    "LogRepository",
    "MetricEntry",
    "MetricRepository",
    "MetricType",
    "NestedTransaction",
    "NotFound",
    "Page",
    "PreparedWrite",
    "QueueRepository",
    "Store",
    "StoreError",
    "TransactionRequired",
    "TriggerRepository",
    "TriggerState",
    "UnitOfWork",
    "Waiter",
]
