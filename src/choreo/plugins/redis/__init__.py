"""Redis plugins (`io.kestra.plugin.redis.*`): the list realtime trigger and the push task.

`INDEX` (generated from `catalog.PLUGINS`) is what the `choreo.plugins` entry point exposes.
"""

from __future__ import annotations

from choreo.plugins.redis._index import INDEX

__all__ = ["INDEX"]
