"""Script tasks (`io.kestra.plugin.scripts.*`) and the Process task runner."""

from __future__ import annotations

PLUGINS: list[type] = []
