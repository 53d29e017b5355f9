"""NATS plugins (`io.kestra.plugin.nats.core.*`, also known by Kestra's older `io.kestra.plugin.nats.*` names):
the JetStream realtime and batch triggers and the Produce task.

`INDEX` (generated from `catalog.PLUGINS`) is what the `choreo.plugins` entry point exposes.
"""

from __future__ import annotations

from choreo.plugins.nats._index import INDEX

__all__ = ["INDEX"]
