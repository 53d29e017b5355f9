"""Every script task and runner class, imported: what the scripts' plugin index is generated from."""

from __future__ import annotations

from choreo.plugins.core.runner.process import Process
from choreo.plugins.scripts.python.commands import Commands as PythonCommands
from choreo.plugins.scripts.python.script import Script as PythonScript
from choreo.plugins.scripts.runner.docker.docker import Docker
from choreo.plugins.scripts.shell.commands import Commands as ShellCommands
from choreo.plugins.scripts.shell.script import Script as ShellScript

TASKS = [
    PythonCommands,
    PythonScript,
    ShellCommands,
    ShellScript,
]

RUNNERS = [
    Docker,
    Process,
]

PLUGINS = [*TASKS, *RUNNERS]
