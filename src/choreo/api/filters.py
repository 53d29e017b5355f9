"""Kestra's query filters, as kestrapy sends them: `filters[field][OPERATION]=value` (a list is one comma-joined
value, a map one parameter per key: `filters[labels][EQUALS][team]=data`), or grouped as
`filters[and|or][i][field][OP]=value`. Old-style plain parameters (`namespace=`, `q=`, `state=`) still work."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams

from choreo.api.errors import ApiError

_KEY = re.compile(r"filters((?:\[[^\[\]]*\])+)")
_PART = re.compile(r"\[([^\[\]]*)\]")

OPERATIONS = frozenset(
    {
        "EQUALS",
        "NOT_EQUALS",
        "GREATER_THAN",
        "LESS_THAN",
        "GREATER_THAN_OR_EQUAL_TO",
        "LESS_THAN_OR_EQUAL_TO",
        "IN",
        "NOT_IN",
        "STARTS_WITH",
        "ENDS_WITH",
        "CONTAINS",
        "NOT_CONTAINS",
        "IS_NULL",
        "IS_NOT_NULL",
        "REGEX",
        "PREFIX",
    }
)


@dataclass
class Filter:
    field: str
    operation: str
    value: Any


@dataclass
class Filters:
    """The leaf filters of a request (groups are flattened: an `or` group is kept in `any_of`)."""

    all_of: list[Filter] = field(default_factory=list)
    any_of: list[list[Filter]] = field(default_factory=list)

    def get(self, name: str, *operations: str) -> Filter | None:
        for item in self.all_of:
            if item.field == name and (not operations or item.operation in operations):
                return item
        return None

    def value(self, name: str, *operations: str) -> Any:
        found = self.get(name, *operations)
        return found.value if found is not None else None

    def values(self, name: str) -> list[str] | None:
        """An EQUALS or IN filter's values as a list."""
        found = self.get(name, "EQUALS", "IN")
        if found is None:
            return None
        return [v for v in str(found.value).split(",") if v] if found.operation == "IN" else [str(found.value)]


def parse(params: QueryParams, *, legacy: dict[str, str | tuple[str, str]] | None = None) -> Filters:
    """Filters of a query string. `legacy` maps plain parameter names to fields (`namespace` → `namespace`), or to
    a field and an operation (`startDate` → `startDate` GREATER_THAN_OR_EQUAL_TO); a repeated one means any of its
    values."""
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    filters = Filters()
    for key, value in params.multi_items():
        match = _KEY.fullmatch(key)
        if not match:
            continue
        parts = _PART.findall(match.group(1))
        group: tuple[str, ...] = ()
        while parts and parts[0] in ("and", "or") and len(parts) > 2:
            group = (*group, parts[0], parts[1])
            parts = parts[2:]
        if len(parts) < 2:
            raise ApiError(400, f"invalid filter parameter '{key}': expected filters[field][OPERATION]")
        name, operation, *rest = parts
        if operation not in OPERATIONS:
            raise ApiError(400, f"invalid filter operation '{operation}' in '{key}'")
        target = groups.setdefault((*group, name, operation), {"field": name, "operation": operation, "map": {}})
        if rest:
            target["map"][rest[0]] = value
        else:
            target["value"] = value
    for (*group, _, _), item in groups.items():
        leaf = Filter(item["field"], item["operation"], item["map"] or item.get("value"))
        if "or" in group:
            index = tuple(group[: group.index("or") + 1])
            while len(filters.any_of) <= len(index):  # one list per or-group, in order of appearance
                filters.any_of.append([])
            filters.any_of[-1].append(leaf)
        else:
            filters.all_of.append(leaf)
    for parameter, target in (legacy or {}).items():
        name, operation = (target, "EQUALS") if isinstance(target, str) else target
        values = [value for value in params.getlist(parameter) if value != ""]
        if not values or filters.get(name) is not None:
            continue
        if len(values) == 1:
            filters.all_of.append(Filter(name, operation, values[0]))
        elif name == "labels":  # `labels=a:1&labels=b:2`: every label must match
            filters.all_of.append(Filter(name, operation, values))
        elif operation == "EQUALS":  # `state=FAILED&state=KILLED`: any of them
            filters.all_of.append(Filter(name, "IN", ",".join(values)))
        else:
            raise ApiError(400, f"parameter '{parameter}' given {len(values)} times: give it once")
    return filters


def labels_of(value: Any) -> dict[str, str]:
    """Labels from a filter value (a map) or `key:value` strings."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    labels = {}
    for item in value if isinstance(value, list) else [value]:
        key, sep, label_value = str(item).partition(":")
        if not sep:
            raise ApiError(400, f"invalid label '{item}': expected key:value")
        labels[key] = label_value
    return labels
