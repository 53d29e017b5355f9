"""io.kestra.plugin.scripts.shell.Script"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.context import TaskFailed
from choreo.plugins.scripts.exec import ExecScript
from choreo.plugins.scripts.wrapper import ScriptSession


class Script(ExecScript):
    """Run an inline shell script with the interpreter (`/bin/sh -c` by default).

    ```yaml
    - id: script
      type: io.kestra.plugin.scripts.shell.Script
      taskRunner:
        type: io.kestra.plugin.core.runner.Process
      script: |
        echo "Hello {{ inputs.name }}"
        echo '::{"outputs":{"greeted":true}}::'
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.scripts.shell.Script"
    container_image: Dynamic[str] | None = Field(
        default="ubuntu", description="Image for container-based task runners.", examples=["ubuntu"]
    )
    script: Dynamic[str] = Field(
        description="The script itself (multi-line text, rendered), not a path: to run a file, use Commands.",
        examples=["echo 'Hello World'"],
    )

    async def main_commands(self, session: ScriptSession) -> list[str]:
        script = session.render(self.script)
        if not isinstance(script, str):
            raise TaskFailed(f"script: expected text, got {type(script).__name__}")
        return [script]
