"""Components and their heartbeats (liveness of executors, workers, schedulers across processes and machines).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from choreo.store.migrations import create_index, create_table
from choreo.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "components",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("worker_group", sa.String(), nullable=True),
        sa.Column("threads", sa.Integer(), nullable=True),
        sa.Column("started", UTCDateTime(), nullable=False),
        sa.Column("heartbeat", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_components"),
    )
    create_index("ix_components_heartbeat", "components", ["heartbeat"])


def downgrade() -> None:
    op.drop_index("ix_components_heartbeat", table_name="components", if_exists=True)
    op.drop_table("components", if_exists=True)
