"""Choreo's core plugins: Kestra's `io.kestra.plugin.core.*` types.

`INDEX` (generated from `catalog.PLUGINS`, see `choreo.plugins.index`) is what the `choreo.plugins` entry point
exposes: type names to classes, imported only when a flow uses them. Importing this package imports no plugin.
"""

from __future__ import annotations

from choreo.plugins.core._index import INDEX

__all__ = ["INDEX"]
