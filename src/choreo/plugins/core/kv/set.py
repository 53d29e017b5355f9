"""io.kestra.plugin.core.kv.Set"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Duration, Dynamic
from choreo.plugins.context import RunContext, TaskFailed
from choreo.plugins.core.kv._values import convert, render_bool, render_duration, render_text, render_typed


class KVType(enum.StrEnum):
    STRING = "STRING"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    DATETIME = "DATETIME"
    DATE = "DATE"
    DURATION = "DURATION"
    JSON = "JSON"


class Set(Task):
    """Store a value in the namespace's key-value store.

    A `value` that is a single expression keeps its type (`"{{ outputs.count.rows }}"` stores a number); with
    `kvType`, a text value is read as that type (NUMBER, BOOLEAN, DATETIME, DATE, DURATION, JSON).

    ```yaml
    - id: kv_set
      type: io.kestra.plugin.core.kv.Set
      key: orders_file
      value: "{{ outputs.http_download.uri }}"
      kvType: STRING
      ttl: P30D
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.kv.Set"

    key: Dynamic[str] = Field(description="The key.", examples=["last_run"])
    value: Any = Field(
        description="The value (rendered); typed by `kvType` when it renders to a string.",
        examples=["{{ outputs.extract.uri }}"],
    )
    namespace: Dynamic[str] = Field(
        default="{{ flow.namespace }}", description="Namespace of the store; the flow's namespace by default."
    )
    overwrite: Dynamic[bool] = Field(default=True, description="Replace an existing value; when false, fail instead.")
    ttl: Dynamic[Duration] | None = Field(
        default=None, description="Time to live of the value; it never expires when unset.", examples=["P30D"]
    )
    kv_type: Dynamic[KVType] | None = Field(
        default=None, description="How to type a string value (NUMBER, JSON…); kept as is when unset."
    )
    kv_description: Dynamic[str] | None = Field(default=None, description="A description of the key.")

    async def run(self, ctx: RunContext) -> dict[str, Any] | None:
        namespace = render_text(ctx, self.namespace, "namespace")
        key = render_text(ctx, self.key, "key")
        value = render_typed(ctx, self.value)
        if self.kv_type is not None:
            value = convert(value, str(ctx.render(self.kv_type)).upper())
        ttl = None if self.ttl is None else render_duration(ctx, self.ttl, "ttl").total_seconds()
        if not render_bool(ctx, self.overwrite, "overwrite") and ctx.kv_get(key, namespace) is not None:
            raise TaskFailed(
                f"Cannot set value for key '{key}'. Key already exists and `overwrite` is set to `false`.",
                retryable=False,
            )
        ctx.kv_put(key, value, namespace=namespace, ttl=ttl)
        return None
