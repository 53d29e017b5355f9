"""Core conditions (`io.kestra.plugin.core.condition.*`)."""

from __future__ import annotations

CONDITIONS: list[type] = []
