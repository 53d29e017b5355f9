"""SQL plugins (`io.kestra.plugin.jdbc.*`): the polling triggers for SQLite and PostgreSQL.

`INDEX` (generated from `catalog.PLUGINS`) is what the `choreo.plugins` entry point exposes.
"""

from __future__ import annotations

from choreo.plugins.jdbc._index import INDEX

__all__ = ["INDEX"]
