"""Core triggers (`io.kestra.plugin.core.trigger.*`, `io.kestra.plugin.core.http.Trigger`)."""

from __future__ import annotations

TRIGGERS: list[type] = []
