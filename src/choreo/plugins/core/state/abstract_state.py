"""The common part of the deprecated state tasks (Kestra's `AbstractState`); not a type of its own."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from pydantic import Field

from choreo.model.task import Task
from choreo.model.types import Dynamic
from choreo.plugins.context import RunContext

_UNSAFE = re.compile(r"[^a-zA-Z0-9._-]+")


class AbstractState(Task):
    """Which state file a state task reads or writes."""

    name: Dynamic[str] = Field(default="default", description="Name of the state file.")
    namespace: Dynamic[bool] = Field(
        default=False, description="Share the state with the whole namespace instead of this flow only."
    )
    taskrun_value: Dynamic[bool] = Field(
        default=True, description="Keep a separate state per `taskrun.value` (inside loops)."
    )

    def state_key(self, ctx: RunContext) -> str:
        """The KV key holding this state: per flow (or namespace), per name, per loop value unless told otherwise.
        Kept in the namespace's KV store, which replaced Kestra's state files."""
        parts = ["state"]
        if not ctx.render(self.namespace):
            parts.append(ctx.variables["flow"]["id"])
        parts.append(str(ctx.render(self.name)))
        value = ctx.variables.get("taskrun", {}).get("value")
        if value is not None and ctx.render(self.taskrun_value):
            parts.append(hashlib.sha1(str(value).encode()).hexdigest()[:12])
        return _UNSAFE.sub("_", ".".join(parts))

    def read_state(self, ctx: RunContext) -> dict[str, Any] | None:
        stored = ctx.kv_get(self.state_key(ctx))
        return stored if isinstance(stored, dict) else None
