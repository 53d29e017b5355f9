"""Choreo's Alembic history (`versions/`) and the guards its steps use to stay idempotent."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


def _inspector() -> sa.Inspector:
    return sa.inspect(op.get_bind())  # a fresh inspector each time: it caches what it reads


def has_table(name: str) -> bool:
    return _inspector().has_table(name)


def has_column(table: str, column: str) -> bool:
    return any(c["name"] == column for c in _inspector().get_columns(table))


def create_table(name: str, *columns: Any, **kwargs: Any) -> None:
    if not has_table(name):
        op.create_table(name, *columns, **kwargs)


def create_index(name: str, table: str, columns: list[Any], **kwargs: Any) -> None:
    if not any(index["name"] == name for index in _inspector().get_indexes(table)):
        op.create_index(name, table, columns, **kwargs)
