"""Finding the plugins inside models: which properties hold tasks, triggers or conditions, and which are rendered.

Plans are computed once per class from the type annotations (`PluginSlot`, `DynamicMarker`) and cached.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from choreo.model.plugin import Path, PluginModel
from choreo.model.types import DynamicMarker, PluginSlot, SlotShape


@dataclass(frozen=True, slots=True)
class NestedSlots:
    """A property holding plain models (e.g. Dag's `{task, dependsOn}` entries) that themselves hold plugins."""

    model: type[BaseModel]
    shape: SlotShape


@dataclass(frozen=True, slots=True)
class FieldPlan:
    name: str
    alias: str
    slot: PluginSlot | NestedSlots | None
    dynamic: bool
    nested_models: tuple[type[BaseModel], ...]


def _annotation_parts(annotation: Any) -> Iterator[Any]:
    """Every type and Annotated metadata object reachable in an annotation."""
    stack = [annotation]
    while stack:
        current = stack.pop()
        yield current
        origin = typing.get_origin(current)
        if origin is typing.Annotated:
            stack.append(current.__origin__)
            stack.extend(current.__metadata__)
        elif origin is not None or isinstance(current, types.UnionType):
            stack.extend(typing.get_args(current))


def _shape_of(annotation: Any, target: type[BaseModel]) -> SlotShape:
    """Whether `target` appears alone, in a list, in a map or in a map of lists in the annotation."""
    for part in _annotation_parts(annotation):
        origin = typing.get_origin(part)
        args = typing.get_args(part)
        if origin is dict and len(args) == 2:
            if typing.get_origin(args[1]) is list:
                return "map_list"
            return "map"
        if origin is list:
            return "list"
    return "one"


@cache
def field_plans(cls: type[BaseModel]) -> tuple[FieldPlan, ...]:
    plans = []
    for name, info in cls.model_fields.items():
        annotation = info.annotation
        metadata = list(info.metadata)
        parts = list(_annotation_parts(annotation)) + metadata
        slot: PluginSlot | NestedSlots | None = next((p for p in parts if isinstance(p, PluginSlot)), None)
        dynamic = any(isinstance(p, DynamicMarker) for p in parts)
        nested = tuple(
            p
            for p in parts
            if isinstance(p, type) and issubclass(p, BaseModel) and not issubclass(p, PluginModel) and p is not cls
        )
        if slot is None:
            for model in nested:
                if any(plan.slot is not None for plan in field_plans(model)):
                    slot = NestedSlots(model, _shape_of(annotation, model))
                    break
        plans.append(FieldPlan(name, info.alias or name, slot, dynamic, nested))
    return tuple(plans)


def _items(value: Any, shape: SlotShape) -> Iterator[tuple[Path, Any]]:
    if shape == "one":
        yield (), value
    elif shape == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield (index,), item
    elif shape == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield (key,), item
    elif shape == "map_list" and isinstance(value, dict):
        for key, items in value.items():
            if isinstance(items, list):
                for index, item in enumerate(items):
                    yield (key, index), item


def iter_plugins(model: BaseModel, path: Path = ()) -> Iterator[tuple[Path, PluginModel]]:
    """Every plugin held (directly or deeper) by `model`, depth first, in declaration order, with its path."""
    for plan in field_plans(type(model)):
        if plan.slot is None:
            continue
        value = getattr(model, plan.name, None)
        if value is None:
            continue
        for sub, item in _items(value, plan.slot.shape):
            item_path = (*path, plan.alias, *sub)
            if isinstance(item, PluginModel):
                yield item_path, item
                yield from iter_plugins(item, item_path)
            elif isinstance(item, BaseModel):
                yield from iter_plugins(item, item_path)


def slot_items(value: Any, shape: SlotShape) -> Iterator[tuple[Path, Any]]:
    """The members of a slot value with their relative paths (public for the loader)."""
    return _items(value, shape)


__all__ = ["FieldPlan", "NestedSlots", "field_plans", "iter_plugins", "slot_items"]
