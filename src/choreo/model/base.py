"""The configuration every flow document model shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

#: camelCase YAML names (Kestra's), nothing unknown accepted, immutable, numbers read into text properties as text
#: (as Kestra's Jackson reading does).
DOCUMENT_CONFIG = ConfigDict(
    alias_generator=to_camel,
    populate_by_name=True,
    extra="forbid",
    frozen=True,
    coerce_numbers_to_str=True,
    protected_namespaces=(),
    # Build each model's validator on first use: a process that loads one flow touches a handful of the ~100
    # plugin types, and building them all costs a noticeable part of `choreo run`'s start-up.
    defer_build=True,
)


class Part(BaseModel):
    """A nested, non-plugin part of a document (retry, worker group, concurrency…)."""

    model_config = DOCUMENT_CONFIG
