"""io.kestra.plugin.scripts.shell.Commands"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic, Text
from choreo.plugins.scripts.exec import ExecScript
from choreo.plugins.scripts.wrapper import ScriptSession


class Commands(ExecScript):
    """Run shell commands, one after the other, with the interpreter (`/bin/sh -c` by default).

    ```yaml
    - id: shell
      type: io.kestra.plugin.scripts.shell.Commands
      taskRunner:
        type: io.kestra.plugin.core.runner.Process
      inputFiles:
        data.txt: "{{ inputs.file }}"
      outputFiles:
        - out.txt
      commands:
        - cp data.txt out.txt
        - echo '::{"outputs":{"lines":3}}::'
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.scripts.shell.Commands"
    container_image: Dynamic[str] | None = Field(
        default="ubuntu", description="Image for container-based task runners.", examples=["ubuntu"]
    )
    commands: Dynamic[list[Text]] = Field(
        description="The shell commands to run.", examples=[["echo 'Hello World'", "ls -la"]]
    )

    async def main_commands(self, session: ScriptSession) -> list[str]:
        return session.render_list(self.commands, "commands")
