"""io.kestra.plugin.core.execution.Exit"""

from __future__ import annotations

import enum
from typing import ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic


class ExitState(enum.StrEnum):
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    KILLED = "KILLED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class Exit(Task):
    """End the execution now, in the given state. KILLED also kills the tasks still running; other states let
    them finish.

    ```yaml
    - id: exit
      type: io.kestra.plugin.core.execution.Exit
      state: KILLED
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.execution.Exit"

    state: Dynamic[ExitState] = Field(
        default=ExitState.SUCCESS,
        description="The final state of the execution: SUCCESS, WARNING, KILLED, FAILED, or CANCELED (the execution "
        "ends CANCELLED).",
    )
