"""File-system plugins (`io.kestra.plugin.fs.*`): the local directory trigger.

`INDEX` (generated from `catalog.PLUGINS`) is what the `choreo.plugins` entry point exposes.
"""

from __future__ import annotations

from choreo.plugins.fs._index import INDEX

__all__ = ["INDEX"]
