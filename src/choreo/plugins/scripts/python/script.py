"""io.kestra.plugin.scripts.python.Script"""

from __future__ import annotations

import shlex
from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.context import TaskFailed
from choreo.plugins.scripts.python._base import PythonExecScript
from choreo.plugins.scripts.wrapper import ScriptSession


class Script(PythonExecScript):
    """Run an inline Python script: it is written to a file of the working directory and run with `python3`.

    ```yaml
    - id: transform
      type: io.kestra.plugin.scripts.python.Script
      dependencies:
        - requests
      script: |
        import requests
        from kestra import Kestra
        response = requests.get("{{ inputs.url }}")
        Kestra.outputs({"status": response.status_code})
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.scripts.python.Script"

    script: Dynamic[str] = Field(
        description="The Python source (multi-line text, rendered), written to a file and run.",
        examples=["print('Hello World')"],
    )

    async def main_commands(self, session: ScriptSession) -> list[str]:
        """`python3 <file>`: the rendered script is written to a `.py` file of the working directory."""
        self.warn_about_dependencies(session)
        script = session.render(self.script)
        if not isinstance(script, str):
            raise TaskFailed(f"script: expected text, got {type(script).__name__}")
        path = await session.write_temp_file(await session.localize(script), ".py")
        return [f"{session.python()} {shlex.quote(str(path))}"]
