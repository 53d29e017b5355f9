"""Reading execution inputs: raw values (form fields, API JSON, CLI strings) checked and converted to the types the
flow declares, with Kestra's messages (`Invalid input for `x`, it must be more than `10`, but received `9``).

Values come out JSON-ready, as Kestra stores them: DATETIME `2019-10-06T18:27:49Z`, DATE `2019-10-06`,
TIME `18:27:49`, DURATION `PT5M6S`, JSON/YAML parsed, ARRAY items converted, FILE a `kestra://` URI
(uploads are stored by the caller before this runs). Dotted ids (`nested.more.int`) become nested maps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import yaml

from choreo.errors import InputInvalid
from choreo.model.durations import format_duration, parse_duration
from choreo.model.inputs import (
    ArrayInput,
    BaseInput,
    DateInput,
    DateTimeInput,
    DurationInput,
    EnumInput,
    FloatInput,
    InputType,
    IntInput,
    MultiselectInput,
    SelectInput,
    TimeInput,
)

#: Evaluates an expression (a `dependsOn.condition`, a SELECT `expression`, a templated default) against the inputs
#: read so far. Supplied by the engine; without one, conditions are taken as true and defaults as written.
Evaluate = Callable[[str, Mapping[str, Any]], Any]

_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]*[^\s]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STORAGE_SCHEMES = ("kestra://", "nsfile://")
_MISSING = object()


class _Bad(ValueError):
    """A value problem; its text goes between `Invalid input for `x`, ` and `, but received `v``."""


def format_datetime(value: datetime) -> str:
    """Like java.time.Instant.toString(): UTC, `Z`, fractional seconds only when present."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def format_time(value: time) -> str:
    """Like java.time.LocalTime.toString(): `01:00` when seconds are zero, else `01:00:05`."""
    text = f"{value.hour:02d}:{value.minute:02d}"
    if value.second or value.microsecond:
        text += f":{value.second:02d}"
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text


def parse_datetime(raw: Any) -> datetime:
    if isinstance(raw, datetime):
        parsed = raw
    elif isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.strip())
        except ValueError as exc:
            raise _Bad("Expected a datetime such as `2024-01-31T10:00:00Z`") from exc
    else:
        raise _Bad("Expected a datetime such as `2024-01-31T10:00:00Z`")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _show(raw: Any) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return raw
    try:
        return json.dumps(raw, default=str)
    except (TypeError, ValueError):
        return str(raw)


def _bounds(value: Any, low: Any, high: Any, shown: Callable[[Any], str], word: str = "it") -> None:
    if low is not None and value < low:
        raise _Bad(f"{word} must be more than `{shown(low)}`")
    if high is not None and value > high:
        raise _Bad(f"{word} must be less than `{shown(high)}`")


def _as_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Bad("Expected an integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            pass
    raise _Bad("Expected an integer")


def _as_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise _Bad("Expected a number")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip())
        except ValueError:
            pass
    raise _Bad("Expected a number")


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise _Bad("Expected `true` or `false`")


def _as_list(raw: Any) -> list[Any]:
    if isinstance(raw, list | tuple):
        return list(raw)
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise _Bad("Expected a JSON array such as `[1, 2]`") from exc
        if isinstance(parsed, list):
            return parsed
    raise _Bad("Expected a JSON array such as `[1, 2]`")


def _choices(declared: SelectInput | MultiselectInput | EnumInput, evaluate: Evaluate | None, known: Mapping) -> list:
    values = list(declared.values or getattr(declared, "options", None) or [])
    expression = getattr(declared, "expression", None)
    if not values and expression and evaluate is not None:
        result = evaluate(expression, known)
        values = list(result) if isinstance(result, list | tuple) else _as_list(result)
    return [str(v) for v in values]


def _scalar(kind: InputType, raw: Any, declared: BaseInput | None = None) -> Any:
    """Convert one value of a simple type; `declared` carries the bounds to check, when there are any."""
    if kind in (InputType.STRING, InputType.SECRET):
        if not isinstance(raw, str):
            if isinstance(raw, bool | int | float):
                raw = _show(raw)
            else:
                raise _Bad("Expected a string")
        pattern = getattr(declared, "validator", None)
        if pattern is not None and re.fullmatch(pattern, raw) is None:
            raise _Bad(f"it must match the pattern `{pattern}`")
        return raw
    if kind == InputType.INT:
        value = _as_int(raw)
        if isinstance(declared, IntInput):
            _bounds(value, declared.min, declared.max, str)
        return value
    if kind == InputType.FLOAT:
        number = _as_float(raw)
        if isinstance(declared, FloatInput):
            _bounds(number, declared.min, declared.max, _show)
        return number
    if kind in (InputType.BOOLEAN, InputType.BOOL):
        return _as_bool(raw)
    if kind == InputType.DATETIME:
        moment = parse_datetime(raw)
        if isinstance(declared, DateTimeInput):
            _check_order(moment, declared.after, declared.before, format_datetime)
        return format_datetime(moment)
    if kind == InputType.DATE:
        try:
            day = raw if isinstance(raw, date) and not isinstance(raw, datetime) else date.fromisoformat(str(raw))
        except ValueError as exc:
            raise _Bad("Expected a date such as `2024-01-31`") from exc
        if isinstance(declared, DateInput):
            _check_order(day, declared.after, declared.before, date.isoformat)
        return day.isoformat()
    if kind == InputType.TIME:
        try:
            moment_of_day = raw if isinstance(raw, time) else time.fromisoformat(str(raw))
        except ValueError as exc:
            raise _Bad("Expected a time such as `13:45:00`") from exc
        if isinstance(declared, TimeInput):
            _check_order(moment_of_day, declared.after, declared.before, format_time)
        return format_time(moment_of_day)
    if kind == InputType.DURATION:
        try:
            span = raw if isinstance(raw, timedelta) else parse_duration(str(raw))
        except ValueError as exc:
            raise _Bad("Expected an ISO-8601 duration such as `PT5M`") from exc
        if isinstance(declared, DurationInput):
            _bounds(span, declared.min, declared.max, format_duration, word="It")
        return format_duration(span)
    if kind == InputType.JSON:
        if isinstance(raw, str):
            try:
                return json.loads(raw)
            except ValueError as exc:
                raise _Bad(f"Expected a valid JSON value ({exc.args[0]})") from exc
        return raw
    if kind == InputType.YAML:
        if isinstance(raw, str):
            try:
                return yaml.safe_load(raw)
            except yaml.YAMLError as exc:
                raise _Bad("Expected a valid YAML document") from exc
        return raw
    if kind == InputType.URI:
        if not isinstance(raw, str) or not _URI.match(raw):
            raise _Bad(f"Expected `URI` but received `{_show(raw)}`")
        return raw
    if kind == InputType.EMAIL:
        if not isinstance(raw, str) or not _EMAIL.match(raw):
            raise _Bad("Expected a valid email address")
        return raw
    if kind == InputType.FILE:
        if not isinstance(raw, str) or not raw.startswith(_STORAGE_SCHEMES):
            raise _Bad("Expected an uploaded file (a kestra:// or nsfile:// URI)")
        return raw
    raise _Bad(f"Unable to read a value of type `{kind}`")


def _check_order(value: Any, after: Any, before: Any, shown: Callable[[Any], str]) -> None:
    if after is not None and value < after:
        raise _Bad(f"it must be after `{shown(after)}`")
    if before is not None and value > before:
        raise _Bad(f"it must be before `{shown(before)}`")


def coerce_input(declared: BaseInput, raw: Any, *, evaluate: Evaluate | None = None, known: Mapping = {}) -> Any:
    """Check and convert one value. Raises ValueError with the reason (without the `Invalid input` prefix)."""
    if isinstance(declared, SelectInput | EnumInput):
        value = _scalar(InputType.STRING, raw)
        choices = _choices(declared, evaluate, known)
        if choices and value not in choices and not getattr(declared, "allow_custom_value", False):
            raise _Bad(f"it must match the values `[{', '.join(choices)}]`")
        return value
    if isinstance(declared, MultiselectInput):
        items = [_scalar(InputType.STRING, item) for item in _as_list(raw)]
        choices = _choices(declared, evaluate, known)
        wrong = [item for item in items if item not in choices]
        if choices and wrong and not declared.allow_custom_value:
            raise _Bad(f"it must match the values `[{', '.join(choices)}]`")
        return items
    if isinstance(declared, ArrayInput):
        items = []
        for item in _as_list(raw):
            try:
                items.append(_scalar(declared.item_type, item))
            except _Bad as exc:
                raise _Bad(f"Unable to parse array element as `{declared.item_type}` on `{_show(item)}`") from exc
        return items
    return _scalar(declared.type, raw, declared)


def _set_nested(target: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        child = target.get(part)
        if not isinstance(child, dict):
            child = target[part] = {}
        target = child
    target[leaf] = value


def read_inputs(
    declared: Sequence[BaseInput],
    provided: Mapping[str, Any],
    *,
    evaluate: Evaluate | None = None,
) -> dict[str, Any]:
    """Check every provided value against the declarations, fill defaults, and return the typed inputs.

    Raises InputInvalid naming every input that is wrong (all at once). Inputs not declared are ignored, as in Kestra.
    An optional input left empty is present with a null value.
    """
    typed: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for item in declared:
        if item.depends_on and item.depends_on.condition and evaluate is not None:
            if not evaluate(item.depends_on.condition, typed):
                continue
        raw = provided.get(item.id, _MISSING)
        if raw is _MISSING or raw is None or (raw == "" and item.type not in (InputType.STRING, InputType.SECRET)):
            raw = item.defaults
            if isinstance(raw, str) and evaluate is not None and "{{" in raw:
                raw = evaluate(raw, typed)
        if raw is None or raw is _MISSING:
            if item.required:
                problems[item.id] = f"Invalid input for `{item.id}`, missing required input, but received `null`"
            else:
                _set_nested(typed, item.id, None)
            continue
        try:
            value = coerce_input(item, raw, evaluate=evaluate, known=typed)
        except _Bad as exc:
            problems[item.id] = f"Invalid input for `{item.id}`, {exc}, but received `{_show(raw)}`"
            continue
        _set_nested(typed, item.id, value)
    if problems:
        raise InputInvalid(problems)
    return typed
