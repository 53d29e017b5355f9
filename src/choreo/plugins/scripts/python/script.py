"""io.kestra.plugin.scripts.python.Script"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.types import Dynamic
from choreo.plugins.scripts.python._base import PythonExecScript


class Script(PythonExecScript):
    """Run an inline Python script after installing `dependencies`.

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
