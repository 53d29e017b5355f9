"""The flow document: every top-level property of a Kestra 1.x flow."""

from __future__ import annotations

import enum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field

from choreo.model.base import DOCUMENT_CONFIG, Part
from choreo.model.condition import Conditions
from choreo.model.inputs import InputDeclaration, InputType
from choreo.model.labels import Labels
from choreo.model.task import ConstantRetry, ExponentialRetry, RandomRetry, Tasks, WorkerGroup
from choreo.model.trigger import Triggers
from choreo.model.types import Duration, Dynamic

FLOW_ID_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$"
NAMESPACE_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


class Listener(Part):
    """Deprecated (use Flow triggers): tasks run when the execution ends and the conditions hold."""

    description: str | None = Field(default=None, description="What the listener does.")
    conditions: Conditions | None = Field(default=None, description="All must hold for the tasks to run.")
    tasks: Tasks = Field(min_length=1, description="Tasks to run.")


class PluginDefault(Part):
    """Default property values for every plugin of `type` (a type name or a package prefix) in the flow."""

    type: str = Field(min_length=1, description="Plugin type, or a package prefix such as `io.kestra.plugin.scripts`.")
    forced: bool = Field(default=False, description="Override values set on the plugins themselves.")
    values: dict[str, Any] = Field(default_factory=dict, description="Property values.")


class ConcurrencyBehavior(enum.StrEnum):
    QUEUE = "QUEUE"
    CANCEL = "CANCEL"
    FAIL = "FAIL"


class Concurrency(Part):
    """How many executions of the flow may run at once, and what happens to the others."""

    limit: int = Field(gt=0, description="Maximum number of running executions.", examples=[1])
    behavior: ConcurrencyBehavior = Field(default=ConcurrencyBehavior.QUEUE, description="QUEUE, CANCEL or FAIL.")


class FlowOutput(Part):
    """A flow output: rendered when the execution ends, readable by parent flows and Flow triggers."""

    id: str = Field(pattern=r"^[a-zA-Z0-9][.a-zA-Z0-9_-]*$", description="Output name.")
    type: InputType = Field(default=InputType.STRING, description="Type the value is converted to.")
    value: Dynamic[Any] = Field(description="Expression giving the value.", examples=["{{ outputs.extract.uri }}"])
    description: str | None = Field(default=None, description="What the output holds.")
    display_name: str | None = Field(default=None, max_length=64, description="Label in the UI.")
    required: bool = Field(default=True, description="The execution fails when the value cannot be rendered.")


class SlaType(enum.StrEnum):
    MAX_DURATION = "MAX_DURATION"
    EXECUTION_ASSERTION = "EXECUTION_ASSERTION"


class SlaBehavior(enum.StrEnum):
    FAIL = "FAIL"
    CANCEL = "CANCEL"
    NONE = "NONE"


class Sla(Part):
    """A service-level agreement checked while the execution runs."""

    id: str = Field(min_length=1, description="SLA name.")
    type: SlaType = Field(description="MAX_DURATION or EXECUTION_ASSERTION.")
    behavior: SlaBehavior = Field(default=SlaBehavior.FAIL, description="What to do with the execution on violation.")
    labels: Labels | None = Field(default=None, description="Labels, as a map or a list of {key, value}.")
    duration: Duration | None = Field(default=None, description="For MAX_DURATION: the longest run accepted.")
    assert_: Dynamic[bool | str] | None = Field(
        default=None, alias="assert", description="For EXECUTION_ASSERTION: an expression that must stay true."
    )


class CheckStyle(enum.StrEnum):
    ERROR = "ERROR"
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    INFO = "INFO"


class CheckBehavior(enum.StrEnum):
    BLOCK_EXECUTION = "BLOCK_EXECUTION"
    FAIL_EXECUTION = "FAIL_EXECUTION"
    CREATE_EXECUTION = "CREATE_EXECUTION"


class Check(Part):
    """A condition evaluated before an execution is created, with the message shown when it fails."""

    condition: Dynamic[bool | str] = Field(description="Expression that must be true.")
    message: str = Field(description="Shown when the condition is false.")
    style: CheckStyle = Field(default=CheckStyle.INFO, description="How the message is shown.")
    behavior: CheckBehavior = Field(default=CheckBehavior.BLOCK_EXECUTION, description="What happens when it fails.")


FlowRetry = Annotated[ConstantRetry | ExponentialRetry | RandomRetry, Field(discriminator="type")]


class Flow(BaseModel):
    """A flow: an id in a namespace, typed inputs, tasks, and the triggers that start it."""

    model_config = DOCUMENT_CONFIG
    plugin_kind: ClassVar[Literal["flow"]] = "flow"

    id: str = Field(pattern=FLOW_ID_PATTERN, max_length=100, description="Flow identifier, unique in its namespace.")
    namespace: str = Field(
        pattern=NAMESPACE_PATTERN, max_length=150, description="Dot-separated namespace.", examples=["company.team"]
    )
    revision: int | None = Field(default=None, ge=1, description="Set by the server on each save.")
    description: str | None = Field(default=None, description="What the flow does (Markdown).")
    labels: Labels | None = Field(default=None, description="Labels, as a map or a list of {key, value}.")
    inputs: list[InputDeclaration] | None = Field(default=None, description="Typed parameters of each execution.")
    variables: dict[str, Any] | None = Field(default=None, description="Values read as `{{ vars.name }}`.")
    tasks: Tasks = Field(min_length=1, description="The tasks, run in order.")
    errors: Tasks | None = Field(default=None, description="Tasks run when a task fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks always run at the end, while the execution is RUNNING."
    )
    after_execution: Tasks | None = Field(
        default=None, description="Tasks run once the execution has reached its final state."
    )
    listeners: list[Listener] | None = Field(default=None, description="Deprecated: use Flow triggers.")
    triggers: Triggers | None = Field(default=None, description="What starts the flow besides manual runs.")
    plugin_defaults: list[PluginDefault] | None = Field(default=None, description="Default property values by type.")
    task_defaults: list[PluginDefault] | None = Field(default=None, description="Deprecated name of pluginDefaults.")
    concurrency: Concurrency | None = None
    outputs: list[FlowOutput] | None = Field(default=None, description="Values the execution exposes when it ends.")
    retry: FlowRetry | None = Field(default=None, description="Retry the whole flow when it fails.")
    disabled: bool = Field(default=False, description="A disabled flow cannot be run or triggered.")
    deleted: bool = Field(default=False, description="Set by the server on deletion.")
    sla: list[Sla] | None = Field(default=None, description="Service-level agreements.")
    checks: list[Check] | None = Field(default=None, description="Conditions checked before an execution starts.")
    worker_group: WorkerGroup | None = Field(default=None, description="Default worker group of the flow's tasks.")
    tenant_id: str | None = Field(default=None, description="Set from the API path.")

    @property
    def uid(self) -> str:
        return f"{self.namespace}.{self.id}"

    def all_defaults(self) -> list[PluginDefault]:
        return [*(self.plugin_defaults or ()), *(self.task_defaults or ())]
