"""The base of condition types (`io.kestra.plugin.core.condition.*`), which gate triggers and listeners."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import SerializeAsAny

from choreo.model.plugin import PluginModel
from choreo.model.types import PluginSlot


class Condition(PluginModel):
    """A condition a trigger checks before it creates an execution."""

    plugin_kind: ClassVar[Literal["condition"]] = "condition"


class InvalidCondition(Condition):
    type_name: ClassVar[str] = ""


Conditions = Annotated[list[SerializeAsAny[Condition]], PluginSlot("condition", "list")]
ConditionMap = Annotated[dict[str, SerializeAsAny[Condition]], PluginSlot("condition", "map")]
OneCondition = Annotated[SerializeAsAny[Condition], PluginSlot("condition", "one")]
