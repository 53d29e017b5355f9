"""io.kestra.plugin.core.debug.Return"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic, Text


class Return(Task):
    """Render a template and return it as the `value` output.

    ```yaml
    - id: return
      type: io.kestra.plugin.core.debug.Return
      format: "{{ task.id }} > {{ taskrun.startDate }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.debug.Return"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.debugs.Return",)

    format: Dynamic[Text] | None = Field(
        default=None, description="The template to render.", examples=["{{ task.id }} > {{ taskrun.startDate }}"]
    )
