"""io.kestra.plugin.core.storage.Write"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class Write(Task):
    """Write rendered text to an internal-storage file; output `uri`.

    ```yaml
    - id: write
      type: io.kestra.plugin.core.storage.Write
      content: Hello World
      extension: .txt
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.Write"

    content: Dynamic[str] = Field(description="The content of the file.", examples=["{{ outputs.query.rows }}"])
    extension: Dynamic[str] | None = Field(
        default=None, description="The extension of the file, dot included.", examples=[".txt"]
    )
