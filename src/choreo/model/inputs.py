"""Flow input declarations: one model per input type, with its options (Kestra's `inputs:`).

Checking a value against a declaration is `choreo.model.input_values`.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from choreo.model.base import DOCUMENT_CONFIG
from choreo.model.plugin import Problem
from choreo.model.types import Duration

INPUT_ID_PATTERN = r"^[a-zA-Z0-9][.a-zA-Z0-9_-]*$"


class InputType(enum.StrEnum):
    STRING = "STRING"
    INT = "INT"
    FLOAT = "FLOAT"
    BOOLEAN = "BOOLEAN"
    BOOL = "BOOL"
    DATETIME = "DATETIME"
    DATE = "DATE"
    TIME = "TIME"
    DURATION = "DURATION"
    SELECT = "SELECT"
    MULTISELECT = "MULTISELECT"
    ENUM = "ENUM"
    ARRAY = "ARRAY"
    FILE = "FILE"
    JSON = "JSON"
    YAML = "YAML"
    URI = "URI"
    EMAIL = "EMAIL"
    SECRET = "SECRET"


class DependsOn(BaseModel):
    model_config = DOCUMENT_CONFIG

    inputs: list[str] = Field(default_factory=list, description="Inputs this one depends on.")
    condition: str | None = Field(
        default=None, description="Expression: the input is shown and read only when it is true."
    )


class BaseInput(BaseModel):
    """Properties common to every input type."""

    model_config = DOCUMENT_CONFIG

    id: str = Field(pattern=INPUT_ID_PATTERN, description="Input name, read as `{{ inputs.<id> }}`.")
    type: InputType
    description: str | None = Field(default=None, description="Shown beside the field when running the flow.")
    display_name: str | None = Field(default=None, max_length=64, description="Label of the field in the UI.")
    required: bool = Field(default=True, description="An execution cannot start without a value.")
    defaults: Any = Field(default=None, description="Value used when none is given.")
    prefill: Any = Field(default=None, description="Initial, editable value in the UI form; not a default.")
    depends_on: DependsOn | None = Field(default=None, description="Cascading inputs.")

    @model_validator(mode="before")
    @classmethod
    def _name_is_old_id(cls, data: Any) -> Any:
        # Kestra's first input property was `name`; it is still accepted.
        if isinstance(data, dict) and "name" in data and "id" not in data:
            data = {("id" if key == "name" else key): value for key, value in data.items()}
        return data

    def problems(self) -> Iterable[Problem]:
        return ()


class StringInput(BaseInput):
    type: Literal[InputType.STRING]
    validator: str | None = Field(default=None, description="Regular expression the whole value must match.")

    def problems(self) -> Iterable[Problem]:
        if self.validator is not None:
            try:
                re.compile(self.validator)
            except re.error as exc:
                yield Problem(("validator",), f"invalid regular expression {self.validator!r}: {exc}")


class IntInput(BaseInput):
    type: Literal[InputType.INT]
    min: int | None = Field(default=None, description="Smallest value accepted.")
    max: int | None = Field(default=None, description="Largest value accepted.")


class FloatInput(BaseInput):
    type: Literal[InputType.FLOAT]
    min: float | None = Field(default=None, description="Smallest value accepted.")
    max: float | None = Field(default=None, description="Largest value accepted.")


class BooleanInput(BaseInput):
    type: Literal[InputType.BOOLEAN, InputType.BOOL]


class DateTimeInput(BaseInput):
    type: Literal[InputType.DATETIME]
    after: datetime | None = Field(default=None, description="Values must be later than this instant.")
    before: datetime | None = Field(default=None, description="Values must be earlier than this instant.")


class DateInput(BaseInput):
    type: Literal[InputType.DATE]
    after: date | None = Field(default=None, description="Values must be later than this date.")
    before: date | None = Field(default=None, description="Values must be earlier than this date.")


class TimeInput(BaseInput):
    type: Literal[InputType.TIME]
    after: time | None = Field(default=None, description="Values must be later than this time of day.")
    before: time | None = Field(default=None, description="Values must be earlier than this time of day.")


class DurationInput(BaseInput):
    type: Literal[InputType.DURATION]
    min: Duration | None = Field(default=None, description="Shortest duration accepted.", examples=["PT1M"])
    max: Duration | None = Field(default=None, description="Longest duration accepted.", examples=["PT1H"])


class SelectInput(BaseInput):
    type: Literal[InputType.SELECT]
    values: list[str] | None = Field(default=None, description="The choices.")
    expression: str | None = Field(default=None, description="Expression giving the choices (instead of values).")
    allow_custom_value: bool = Field(default=False, description="Accept a value that is not among the choices.")
    is_radio: bool = Field(default=False, description="Show the choices as radio buttons.")

    def problems(self) -> Iterable[Problem]:
        if not self.values and not self.expression:
            yield Problem((), "a SELECT input needs `values` or `expression`")


class MultiselectInput(BaseInput):
    type: Literal[InputType.MULTISELECT]
    values: list[str] | None = Field(default=None, description="The choices.")
    options: list[str] | None = Field(default=None, description="Deprecated name of `values`.")
    expression: str | None = Field(default=None, description="Expression giving the choices (instead of values).")
    allow_custom_value: bool = Field(default=False, description="Accept values that are not among the choices.")

    def problems(self) -> Iterable[Problem]:
        if not self.values and not self.options and not self.expression:
            yield Problem((), "a MULTISELECT input needs `values` or `expression`")


class EnumInput(BaseInput):
    type: Literal[InputType.ENUM]
    values: list[str] = Field(min_length=1, description="The choices (deprecated type: use SELECT).")


class ArrayInput(BaseInput):
    type: Literal[InputType.ARRAY]
    item_type: InputType = Field(description="Type of each item.", examples=["INT"])

    def problems(self) -> Iterable[Problem]:
        if self.item_type == InputType.ARRAY:
            yield Problem(("itemType",), f"{self.id}: `itemType` cannot be `ARRAY`")


class FileInput(BaseInput):
    type: Literal[InputType.FILE]
    extension: str | None = Field(default=None, description="Expected file extension, e.g. `.csv`.")
    allowed_file_extensions: list[str] | None = Field(default=None, description="Accepted file extensions.")

    def problems(self) -> Iterable[Problem]:
        if self.defaults is not None and not (isinstance(self.defaults, str) and self.defaults.startswith("nsfile://")):
            yield Problem(("defaults",), f"{self.id}: no `defaults` can be set for inputs of type 'FILE'")


class JsonInput(BaseInput):
    type: Literal[InputType.JSON]


class YamlInput(BaseInput):
    type: Literal[InputType.YAML]


class UriInput(BaseInput):
    type: Literal[InputType.URI]


class EmailInput(BaseInput):
    type: Literal[InputType.EMAIL]


class SecretInput(BaseInput):
    type: Literal[InputType.SECRET]
    validator: str | None = Field(default=None, description="Regular expression the whole value must match.")


InputDeclaration = Annotated[
    StringInput
    | IntInput
    | FloatInput
    | BooleanInput
    | DateTimeInput
    | DateInput
    | TimeInput
    | DurationInput
    | SelectInput
    | MultiselectInput
    | EnumInput
    | ArrayInput
    | FileInput
    | JsonInput
    | YamlInput
    | UriInput
    | EmailInput
    | SecretInput,
    Field(discriminator="type"),
]

INPUT_TYPE_NAMES = [t.value for t in InputType]


@functools.cache
def _declarations_adapter() -> TypeAdapter[list[BaseInput]]:
    """Built on first use: the union of every input type takes ~20 ms to build, which flows without inputs skip."""
    return TypeAdapter(list[InputDeclaration])


def input_declarations(raw: Any) -> list[BaseInput]:
    """Typed input declarations from their YAML form (a flow's `inputs`, a Pause task's `onResume`).
    Raises pydantic's ValidationError."""
    return _declarations_adapter().validate_python(raw)
