"""The start-up fast path compares the database with SCHEMA_HEAD without loading Alembic: keep them equal."""

from __future__ import annotations

from choreo.store.migrate import head_revision
from choreo.store.schema import SCHEMA_HEAD


def test_schema_head_is_alembics_head():
    assert SCHEMA_HEAD == head_revision()
