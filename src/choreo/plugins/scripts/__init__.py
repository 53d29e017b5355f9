"""Script tasks (`io.kestra.plugin.scripts.*`) and the task runners they run on (the core `Process` runner, and
`Docker`, declared so that Kestra flows validate).

`INDEX` (generated from `catalog.PLUGINS`) is what the `choreo.plugins` entry point exposes.
"""

from __future__ import annotations

from choreo.plugins.scripts._index import INDEX

__all__ = ["INDEX"]
