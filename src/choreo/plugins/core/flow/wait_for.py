"""io.kestra.plugin.core.flow.WaitFor"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field, PositiveInt

from choreo.model.types import Duration, Dynamic
from choreo.plugins.core.flow.loop_until import CheckFrequency, LoopUntil


class WaitForCheckFrequency(CheckFrequency):
    """How often the loop runs and when it gives up (WaitFor's defaults: every second, 100 times, one hour)."""

    interval: Dynamic[Duration] = Field(
        default=timedelta(seconds=1), description="Delay between two iterations.", examples=["PT10S"]
    )
    max_iterations: Dynamic[PositiveInt] | None = Field(
        default=100, description="Stop after this many iterations.", examples=[10]
    )
    max_duration: Dynamic[Duration] | None = Field(
        default=timedelta(hours=1), description="Stop once the loop has run this long.", examples=["PT5M"]
    )


class WaitFor(LoopUntil):
    """LoopUntil under its former name, with its former defaults (every second, at most 100 times or one hour).

    ```yaml
    - id: waitfor
      type: io.kestra.plugin.core.flow.WaitFor
      condition: "{{ outputs.output_values.values.count == '4' }}"
      tasks:
        - id: output_values
          type: io.kestra.plugin.core.output.OutputValues
          values:
            count: "{{ outputs.waitfor.iterationCount + 1 }}"
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.WaitFor"
    deprecated: ClassVar[str | None] = "use io.kestra.plugin.core.flow.LoopUntil instead"

    check_frequency: WaitForCheckFrequency = Field(
        default_factory=WaitForCheckFrequency, description="How often the loop runs and when it gives up."
    )
