"""Labels: key/value pairs given as a list of `{key, value}` or as a map; `system.*` keys are reserved."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from choreo.model.types import scalar_to_text

SYSTEM_PREFIX = "system."
#: System labels a flow author may set: `system.readOnly` makes the flow read-only in the UI, as in Kestra.
USER_SETTABLE_SYSTEM_LABELS = frozenset({"system.readOnly"})


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1, description="Label key.")
    value: str = Field(description="Label value.")


def _labels_from_map_or_list(value: Any) -> Any:
    if isinstance(value, dict):
        return [{"key": key, "value": scalar_to_text(val)} for key, val in value.items()]
    if isinstance(value, list):
        return [
            {**item, "value": scalar_to_text(item.get("value"))} if isinstance(item, dict) else item for item in value
        ]
    return value


Labels = Annotated[
    list[Label],
    BeforeValidator(_labels_from_map_or_list),
    Field(
        description="Labels as a map (`team: data`) or a list of `{key, value}`.",
        json_schema_extra={"examples": [{"team": "data", "env": "prod"}]},
    ),
]


def system_label_problems(labels: list[Label]) -> list[str]:
    """Messages for labels that only Choreo itself may set."""
    return [
        f"System labels can only be set by Kestra itself, offending label: {label.key}={label.value}"
        for label in labels
        if label.key.startswith(SYSTEM_PREFIX) and label.key not in USER_SETTABLE_SYSTEM_LABELS
    ]
