"""Annotated types shared by flow, task and trigger models.

- `Dynamic[T]`: a property rendered with the expression engine at run time. It holds either a literal `T` or a
  template string (one that contains `{{`, `{%` or `{#`); the loader checks the template's syntax. Constraints
  belong inside: `Dynamic[Annotated[int, Field(ge=1)]]`, not `Dynamic[int] = Field(ge=1)` (which would apply
  `ge` to the template string too).
- `Text`, `NonEmptyText`: a string that, like Kestra's (Jackson) `String`, also takes a YAML boolean or number.
- `Duration`: an ISO-8601 duration (`PT5M`), held as `timedelta`, printed back as ISO.
- `PluginSlot`: marks a property holding plugins (tasks, triggers, conditions, task runners) that the loader
  resolves through the plugin registry, e.g. `Tasks`, `TaskMap`, `Conditions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BeforeValidator, GetJsonSchemaHandler, PlainSerializer, StringConstraints, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from choreo.model.durations import format_duration, parse_duration

T = TypeVar("T")

_TEMPLATE_MARKERS = ("{{", "{%", "{#")


def is_template(value: object) -> bool:
    """True when `value` is a string the expression engine would render (it contains `{{`, `{%` or `{#`)."""
    return isinstance(value, str) and any(marker in value for marker in _TEMPLATE_MARKERS)


@dataclass(frozen=True, slots=True)
class DynamicMarker:
    """Metadata saying: this property is rendered at run time, so a template string is accepted in place of T."""


class _TemplateString(str):
    """Only used for the JSON Schema of Dynamic properties."""


def _keep_templates(value: Any, handler: Any) -> Any:
    if is_template(value):
        return value
    return handler(value)


class _DynamicValidator:
    """Wrap validator: template strings pass through untouched; anything else is validated as T."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(_keep_templates, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        inner = handler(schema)
        if inner.get("type") == "string" and not inner.get("enum") and "format" not in inner:
            return inner
        return {"anyOf": [inner, {"type": "string", "pattern": r".*\{[{%#].*", "description": "a template"}]}


if TYPE_CHECKING:
    Dynamic = Annotated[T, DynamicMarker()]
else:

    class Dynamic:
        """`Dynamic[int]`: an int, or a template string rendered to one at run time."""

        def __class_getitem__(cls, item: Any) -> Any:
            return Annotated[item, _DynamicValidator(), DynamicMarker()]


def scalar_to_text(value: Any) -> Any:
    """`true` → "true", `1` → "1": how Kestra reads a YAML scalar into a text property. Other values unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


#: A string; a YAML boolean or number is taken as its text (`true` → "true", `1` → "1"), as Kestra does.
Text = Annotated[str, BeforeValidator(scalar_to_text)]
#: A `Text` that must not be empty.
NonEmptyText = Annotated[str, StringConstraints(min_length=1), BeforeValidator(scalar_to_text)]


def _parse_duration_value(value: Any) -> Any:
    if isinstance(value, str) and not is_template(value):
        return parse_duration(value)
    if isinstance(value, bool):
        raise ValueError(f"expected an ISO-8601 duration such as PT30S, got {value!r}")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_parse_duration_value),
    PlainSerializer(format_duration, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "duration", "examples": ["PT30S", "PT5M", "P1D"]}),
]

PluginKind = Literal["task", "trigger", "condition", "runner"]
SlotShape = Literal["one", "list", "map", "map_list"]


@dataclass(frozen=True, slots=True)
class PluginSlot:
    """Marks a property whose values are plugins of `kind`, resolved by their `type` through the registry.

    shape: `one` (a single plugin), `list`, `map` (name -> plugin) or `map_list` (name -> list of plugins).
    """

    kind: PluginKind
    shape: SlotShape

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        ref: JsonSchemaValue = {"$ref": f"#/$defs/{self.kind}"}
        if self.shape == "one":
            return {"allOf": [ref]}  # a bare $ref would not take the property's description beside it
        if self.shape == "list":
            return {"type": "array", "items": ref}
        if self.shape == "map":
            return {"type": "object", "additionalProperties": ref}
        return {"type": "object", "additionalProperties": {"type": "array", "items": ref}}
