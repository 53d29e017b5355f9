"""Every SQL plugin class, imported: what the jdbc plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.jdbc.postgresql.trigger import Trigger as PostgresqlTrigger
from choreo.plugins.jdbc.sqlite.trigger import Trigger as SqliteTrigger

PLUGINS = [PostgresqlTrigger, SqliteTrigger]
