"""io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class PurgeCurrentExecutionFiles(Task):
    """Delete every internal-storage file of the current execution (inputs, outputs, trigger files); output `uris`.

    ```yaml
    - id: purge
      type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.tasks.storages.PurgeExecution",
        "io.kestra.plugin.core.storage.PurgeExecution",
    )

    include_child_executions: Dynamic[bool] = Field(
        default=False, description="Also delete the files of the child executions (subflows)."
    )
    include_states: Dynamic[bool] = Field(
        default=False, description="Also delete the state files written by state.Set tasks."
    )
