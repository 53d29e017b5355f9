"""The first schema: flows, executions, concurrency queue, logs, metrics, kv, triggers, job queue.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Every step is idempotent (guarded by has_table / has_index), one history for SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from choreo.store.migrations import create_index, create_table
from choreo.store.types import JSONType, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("queue", "triggers", "kv", "metrics", "logs", "execution_queued", "executions", "flow_revisions", "flows")


def _serial() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False, autoincrement=True)


def upgrade() -> None:
    create_table(
        "flows",
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("namespace", "id", name="pk_flows"),
    )
    create_table(
        "flow_revisions",
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("flow_json", JSONType(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("namespace", "id", "revision", name="pk_flow_revisions"),
    )

    create_table(
        "executions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("flow_id", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("start_date", UTCDateTime(), nullable=True),
        sa.Column("end_date", UTCDateTime(), nullable=True),
        sa.Column("labels", JSONType(), nullable=False),
        sa.Column("parent_id", sa.String(), nullable=True),
        sa.Column("trigger_id", sa.String(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.Column("updated", UTCDateTime(), nullable=False),
        sa.Column("document", JSONType(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_executions"),
    )
    create_index("ix_executions_flow_start", "executions", ["namespace", "flow_id", "start_date"])
    create_index("ix_executions_flow_state", "executions", ["namespace", "flow_id", "state"])
    create_index("ix_executions_start_date", "executions", ["start_date"])
    create_index("ix_executions_parent_id", "executions", ["parent_id"])
    if op.get_bind().dialect.name == "postgresql":
        create_index("ix_executions_labels", "executions", ["labels"], postgresql_using="gin")

    create_table(
        "execution_queued",
        _serial(),
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("flow_id", sa.String(), nullable=False),
        sa.Column("execution_id", sa.String(), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_execution_queued"),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["executions.id"],
            name="fk_execution_queued_execution_id_executions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("execution_id", name="uq_execution_queued_execution_id"),
        sqlite_autoincrement=True,
    )
    create_index("ix_execution_queued_flow", "execution_queued", ["namespace", "flow_id", "id"])

    create_table(
        "logs",
        _serial(),
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("flow_id", sa.String(), nullable=False),
        sa.Column("execution_id", sa.String(), nullable=True),
        sa.Column("task_id", sa.String(), nullable=True),
        sa.Column("task_run_id", sa.String(), nullable=True),
        sa.Column("attempt_number", sa.Integer(), nullable=True),
        sa.Column("trigger_id", sa.String(), nullable=True),
        sa.Column("timestamp", UTCDateTime(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("thread", sa.String(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_logs"),
        sqlite_autoincrement=True,
    )
    create_index("ix_logs_execution", "logs", ["execution_id", "timestamp"])
    create_index("ix_logs_flow", "logs", ["namespace", "flow_id", "timestamp"])
    create_index("ix_logs_timestamp", "logs", ["timestamp"])

    create_table(
        "metrics",
        _serial(),
        sa.Column("namespace", sa.String(), nullable=True),
        sa.Column("flow_id", sa.String(), nullable=True),
        sa.Column("execution_id", sa.String(), nullable=True),
        sa.Column("task_id", sa.String(), nullable=True),
        sa.Column("task_run_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("tags", JSONType(), nullable=False),
        sa.Column("timestamp", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_metrics"),
        sqlite_autoincrement=True,
    )
    create_index("ix_metrics_execution", "metrics", ["execution_id", "timestamp"])
    create_index("ix_metrics_flow_name", "metrics", ["namespace", "flow_id", "name", "timestamp"])

    create_table(
        "kv",
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("value", JSONType(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.Column("updated", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("namespace", "key", name="pk_kv"),
    )
    create_index("ix_kv_expires_at", "kv", ["expires_at"])

    create_table(
        "triggers",
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("flow_id", sa.String(), nullable=False),
        sa.Column("trigger_id", sa.String(), nullable=False),
        sa.Column("last_date", UTCDateTime(), nullable=True),
        sa.Column("next_date", UTCDateTime(), nullable=True),
        sa.Column("backfill", JSONType(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("execution_id", sa.String(), nullable=True),
        sa.Column("context", JSONType(), nullable=False),
        sa.Column("locked_by", sa.String(), nullable=True),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("updated", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("namespace", "flow_id", "trigger_id", name="pk_triggers"),
    )
    create_index("ix_triggers_next_date", "triggers", ["next_date"])

    create_table(
        "queue",
        _serial(),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=True),
        sa.Column("payload", JSONType(), nullable=True),
        sa.Column("consumer_group", sa.String(), nullable=True),
        sa.Column("available_at", UTCDateTime(), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_queue"),
        sqlite_autoincrement=True,
    )
    pending = sa.text("claimed_by IS NULL")
    create_index("ix_queue_pending", "queue", ["kind", "id"], sqlite_where=pending, postgresql_where=pending)
    create_index("ix_queue_delayed", "queue", ["kind", "available_at"], sqlite_where=pending, postgresql_where=pending)
    create_index("ix_queue_claimed_at", "queue", ["claimed_at"])


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name, if_exists=True)
