"""io.kestra.plugin.core.condition.ExecutionNamespace"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import ClassVar

from pydantic import Field

from choreo.model.condition import Condition
from choreo.model.plugin import Problem, ValidationScope
from choreo.plugins.core.parts import deprecated_property


class Comparison(enum.StrEnum):
    EQUALS = "EQUALS"
    PREFIX = "PREFIX"
    SUFFIX = "SUFFIX"


class ExecutionNamespace(Condition):
    """Hold when the namespace of the execution that fired the trigger matches `namespace`.

    ```yaml
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: company
        comparison: PREFIX
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.condition.ExecutionNamespace"
    aliases: ClassVar[tuple[str, ...]] = (
        "io.kestra.core.models.conditions.types.ExecutionNamespaceCondition",
        "io.kestra.plugin.core.condition.ExecutionNamespaceCondition",
    )

    namespace: str = Field(
        min_length=1, description="What the execution's namespace is compared with.", examples=["company.team"]
    )
    comparison: Comparison | None = Field(
        default=None,
        description="EQUALS, PREFIX (the namespace starts with it) or SUFFIX. "
        "When unset: PREFIX if `prefix` is true, else EQUALS.",
    )
    prefix: bool = Field(
        default=False,
        description="Deprecated shortcut for `comparison: PREFIX`, used only when `comparison` is unset.",
        json_schema_extra={"deprecated": True},
    )

    @property
    def effective_comparison(self) -> Comparison:
        """The comparison to apply, the deprecated `prefix` taken into account."""
        if self.comparison is not None:
            return self.comparison
        return Comparison.PREFIX if self.prefix else Comparison.EQUALS

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        warning = deprecated_property(self, "prefix", "use comparison: PREFIX instead")
        if warning:
            yield warning
