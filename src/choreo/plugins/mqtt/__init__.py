"""MQTT plugins (`io.kestra.plugin.mqtt.*`): the realtime and batch triggers and the publish task.

`INDEX` (generated from `catalog.PLUGINS`) is what the `choreo.plugins` entry point exposes.
"""

from __future__ import annotations

from choreo.plugins.mqtt._index import INDEX

__all__ = ["INDEX"]
