"""io.kestra.plugin.scripts.python.Commands"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.scripts.python._base import PythonExecScript


class Commands(PythonExecScript):
    """Run commands, typically Python scripts from namespace or input files, after installing `dependencies`.

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

    commands: Dynamic[list[str]] = Field(
        description="The commands to run.", examples=[["python main.py --date {{ trigger.date ?? now() }}"]]
    )
