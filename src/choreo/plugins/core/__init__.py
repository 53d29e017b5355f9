"""Choreo's core plugins: Kestra's `io.kestra.plugin.core.*` types.

`PLUGINS` is the explicit list the `choreo.plugins` entry point exposes; importing this package registers nothing.
"""

from __future__ import annotations

from choreo.plugins.core.condition import CONDITIONS
from choreo.plugins.core.flow.sequential import Sequential
from choreo.plugins.core.log.log import Log
from choreo.plugins.core.trigger import TRIGGERS

TASKS = [
    Log,
    Sequential,
]

PLUGINS = [*TASKS, *TRIGGERS, *CONDITIONS]
