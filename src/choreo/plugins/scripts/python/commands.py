"""io.kestra.plugin.scripts.python.Commands"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic, Text
from choreo.plugins.scripts.python._base import PythonExecScript
from choreo.plugins.scripts.wrapper import ScriptSession


class Commands(PythonExecScript):
    """Run commands through the interpreter (`/bin/sh -c`), typically Python scripts from input files.

    ```yaml
    - id: etl
      type: io.kestra.plugin.scripts.python.Commands
      namespaceFiles:
        enabled: true
        include:
          - scripts/**
      dependencies:
        - requests
      commands:
        - python scripts/etl.py
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.scripts.python.Commands"

    commands: Dynamic[list[Text]] = Field(
        description="The commands to run.", examples=[["python main.py --date {{ trigger.date ?? now() }}"]]
    )

    async def main_commands(self, session: ScriptSession) -> list[str]:
        self.warn_about_dependencies(session)
        return session.render_list(self.commands, "commands")
