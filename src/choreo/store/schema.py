"""Every table of the store, on one MetaData with a naming convention.

A JSON document is the truth for executions; the other execution columns are derived from it on every save, in
one place (`executions._columns`), and exist only to filter and sort. Timestamps are `UTCDateTime`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from choreo.store.types import JSONType, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The latest migration (src/choreo/store/migrations/versions); a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0003"

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: An auto-incremented id: BIGSERIAL on PostgreSQL, the rowid (never reused: `sqlite_autoincrement`) on SQLite.
Serial = BigInteger().with_variant(Integer(), "sqlite")

flows = Table(
    "flows",
    metadata,
    Column("namespace", String, primary_key=True),
    Column("id", String, primary_key=True),
    Column("revision", Integer, nullable=False),  # the latest revision, deleted or not
)

flow_revisions = Table(
    "flow_revisions",
    metadata,
    Column("namespace", String, primary_key=True),
    Column("id", String, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("flow_json", JSONType, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("updated", UTCDateTime, nullable=False),
)

executions = Table(
    "executions",
    metadata,
    Column("id", String, primary_key=True),
    Column("namespace", String, nullable=False),
    Column("flow_id", String, nullable=False),
    Column("state", String, nullable=False),
    Column("start_date", UTCDateTime, nullable=True),
    Column("end_date", UTCDateTime, nullable=True),
    Column("labels", JSONType, nullable=False),
    Column("parent_id", String, nullable=True),
    Column("trigger_id", String, nullable=True),
    Column("deleted", Boolean, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    Column("document", JSONType, nullable=False),
)
Index("ix_executions_flow_start", executions.c.namespace, executions.c.flow_id, executions.c.start_date)
Index("ix_executions_flow_state", executions.c.namespace, executions.c.flow_id, executions.c.state)
Index("ix_executions_start_date", executions.c.start_date)
Index("ix_executions_parent_id", executions.c.parent_id)
_labels_index = Index("ix_executions_labels", executions.c.labels).ddl_if(dialect="postgresql")

#: Indexes created on PostgreSQL only (`ddl_if`); schema comparisons on other backends leave them out.
POSTGRES_ONLY_INDEXES = frozenset({"ix_executions_labels"})

execution_queued = Table(
    "execution_queued",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("namespace", String, nullable=False),
    Column("flow_id", String, nullable=False),
    Column("execution_id", String, ForeignKey(executions.c.id, ondelete="CASCADE"), nullable=False, unique=True),
    Column("created", UTCDateTime, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_execution_queued_flow", execution_queued.c.namespace, execution_queued.c.flow_id, execution_queued.c.id)

logs = Table(
    "logs",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("namespace", String, nullable=False),
    Column("flow_id", String, nullable=False),
    Column("execution_id", String, nullable=True),
    Column("task_id", String, nullable=True),
    Column("task_run_id", String, nullable=True),
    Column("attempt_number", Integer, nullable=True),
    Column("trigger_id", String, nullable=True),
    Column("timestamp", UTCDateTime, nullable=False),
    Column("level", String, nullable=False),
    Column("thread", String, nullable=True),
    Column("message", Text, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_logs_execution", logs.c.execution_id, logs.c.timestamp)
Index("ix_logs_flow", logs.c.namespace, logs.c.flow_id, logs.c.timestamp)
Index("ix_logs_timestamp", logs.c.timestamp)

metrics = Table(
    "metrics",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("namespace", String, nullable=True),
    Column("flow_id", String, nullable=True),
    Column("execution_id", String, nullable=True),
    Column("task_id", String, nullable=True),
    Column("task_run_id", String, nullable=True),
    Column("name", String, nullable=False),
    Column("type", String, nullable=False),
    Column("value", Float, nullable=False),
    Column("tags", JSONType, nullable=False),
    Column("timestamp", UTCDateTime, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_metrics_execution", metrics.c.execution_id, metrics.c.timestamp)
Index("ix_metrics_flow_name", metrics.c.namespace, metrics.c.flow_id, metrics.c.name, metrics.c.timestamp)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("hash", String, nullable=False, unique=True),
    Column("created", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("last_used", UTCDateTime, nullable=True),
)

#: The live processes' components (executor, worker, scheduler, triggers, webserver) and their last heartbeat: a
#: component whose heartbeat is older than the timeout is dead, and what it held is given to the others.
components = Table(
    "components",
    metadata,
    Column("id", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("host", String, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("worker_group", String, nullable=True),
    Column("threads", Integer, nullable=True),
    Column("started", UTCDateTime, nullable=False),
    Column("heartbeat", UTCDateTime, nullable=False),
)
Index("ix_components_heartbeat", components.c.heartbeat)

kv = Table(
    "kv",
    metadata,
    Column("namespace", String, primary_key=True),
    Column("key", String, primary_key=True),
    Column("type", String, nullable=False),
    Column("value", JSONType, nullable=True),
    Column("description", Text, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("created", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
)
Index("ix_kv_expires_at", kv.c.expires_at)

triggers = Table(
    "triggers",
    metadata,
    Column("namespace", String, primary_key=True),
    Column("flow_id", String, primary_key=True),
    Column("trigger_id", String, primary_key=True),
    Column("last_date", UTCDateTime, nullable=True),
    Column("next_date", UTCDateTime, nullable=True),
    Column("backfill", JSONType, nullable=True),
    Column("disabled", Boolean, nullable=False),
    Column("execution_id", String, nullable=True),
    Column("context", JSONType, nullable=False),
    Column("locked_by", String, nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("updated", UTCDateTime, nullable=False),
)
Index("ix_triggers_next_date", triggers.c.next_date)

queue = Table(
    "queue",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("kind", String, nullable=False),
    Column("key", String, nullable=True),
    Column("payload", JSONType, nullable=True),
    Column("consumer_group", String, nullable=True),
    Column("available_at", UTCDateTime, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("claimed_by", String, nullable=True),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("deliveries", Integer, nullable=False),
    sqlite_autoincrement=True,
)
_pending = queue.c.claimed_by.is_(None)
_partial_indexes = (
    Index("ix_queue_pending", queue.c.kind, queue.c.id, sqlite_where=_pending),
    Index("ix_queue_delayed", queue.c.kind, queue.c.available_at, sqlite_where=_pending),
)
Index("ix_queue_claimed_at", queue.c.claimed_at)


def add_postgres_index_options() -> None:
    """The PostgreSQL options of the indexes (GIN on labels, partial queue indexes). Set when a PostgreSQL store
    opens rather than at import: naming them imports SQLAlchemy's PostgreSQL dialect (~35 ms), which SQLite stores
    never need. Idempotent."""
    _labels_index.dialect_kwargs["postgresql_using"] = "gin"
    for index in _partial_indexes:
        index.dialect_kwargs["postgresql_where"] = _pending
