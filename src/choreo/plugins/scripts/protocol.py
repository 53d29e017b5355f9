"""The script output protocol: a line `::{"outputs": {...}, "metrics": [...], "logs": [...]}::` (Kestra's
`PluginUtilsService.parseOut`).

Such a line, on stdout or stderr, is not logged as text: its `outputs` are merged into the task's `vars` output,
each of its `metrics` (`{"name", "type": "counter"|"timer", "value", "tags"}`, timers in seconds or as an ISO-8601
duration) is reported, and each of its `logs` (`{"level", "message"}`) is logged at its level. A line that looks
like the protocol but is not valid is dropped with a warning, as Kestra does. Kestra's Python helper
(`from kestra import Kestra; Kestra.outputs({...})`, `Kestra.counter(...)`, `Kestra.logger()`) prints exactly
these lines.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from choreo.model.durations import parse_duration
from choreo.plugins.context import RunContext

__all__ = ["LogConsumer", "MetricEntry", "ProtocolError", "ProtocolMessage", "parse_line"]

_LINE = re.compile(r"::(\{.*\})::")
_LEVELS = {"TRACE": "TRACE", "DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARN", "WARNING": "WARN", "ERROR": "ERROR"}
_KINDS = ("counter", "timer")


class ProtocolError(ValueError):
    """A protocol line whose JSON does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class MetricEntry:
    name: str
    kind: str
    value: float
    tags: dict[str, str]


@dataclass(frozen=True, slots=True)
class ProtocolMessage:
    """What one protocol line carries."""

    outputs: dict[str, Any] = field(default_factory=dict)
    metrics: list[MetricEntry] = field(default_factory=list)
    logs: list[tuple[str, str]] = field(default_factory=list)

    def apply(self, ctx: RunContext) -> None:
        """Report the metrics and log the log lines (the outputs are the caller's to merge)."""
        for metric in self.metrics:
            ctx.metric(metric.name, metric.value, kind=metric.kind, tags=metric.tags)
        for level, message in self.logs:
            ctx.logger.log(level, message)


def parse_line(line: str) -> ProtocolMessage | None:
    """The message of a protocol line; None for an ordinary line. Raises `ProtocolError` for a malformed one."""
    match = _LINE.fullmatch(line)
    if match is None:
        return None
    try:
        data = json.loads(match.group(1))
    except json.JSONDecodeError as exc:
        raise ProtocolError(str(exc)) from exc
    if not isinstance(data, dict):
        raise ProtocolError("expected a JSON object")
    outputs = data.get("outputs") or {}
    if not isinstance(outputs, dict):
        raise ProtocolError("'outputs' must be an object")
    return ProtocolMessage(
        outputs=outputs,
        metrics=[_metric(entry) for entry in _list(data, "metrics")],
        logs=[_log(entry) for entry in _list(data, "logs")],
    )


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProtocolError(f"'{key}' must be a list")
    return value


def _metric(entry: Any) -> MetricEntry:
    if not isinstance(entry, dict):
        raise ProtocolError("a metric must be an object")
    name, kind, value, tags = entry.get("name"), entry.get("type"), entry.get("value"), entry.get("tags") or {}
    if not isinstance(name, str) or not name:
        raise ProtocolError("a metric needs a 'name'")
    if kind not in _KINDS:
        raise ProtocolError(f"metric '{name}': 'type' must be counter or timer, got {kind!r}")
    if not isinstance(tags, dict):
        raise ProtocolError(f"metric '{name}': 'tags' must be an object")
    return MetricEntry(name, kind, _metric_value(name, kind, value), {str(k): str(v) for k, v in tags.items()})


def _metric_value(name: str, kind: str, value: Any) -> float:
    if kind == "timer" and isinstance(value, str):
        try:
            return parse_duration(value).total_seconds()
        except ValueError as exc:
            raise ProtocolError(f"metric '{name}': {exc}") from exc
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProtocolError(f"metric '{name}': 'value' must be a number, got {value!r}")
    return float(value)


def _log(entry: Any) -> tuple[str, str]:
    if not isinstance(entry, dict):
        raise ProtocolError("a log must be an object")
    level = _LEVELS.get(str(entry.get("level", "INFO")).upper())
    if level is None:
        raise ProtocolError(f"unknown log level {entry.get('level')!r}")
    message = entry.get("message")
    return level, "" if message is None else str(message)


class LogConsumer:
    """Takes a script's output lines: protocol lines are applied, other lines logged (stdout at INFO, stderr at
    ERROR, as Kestra 0.21 does); counts the stderr lines (for `warningOnStdErr`) and gathers the `vars`."""

    def __init__(self, ctx: RunContext) -> None:
        self._ctx = ctx
        self.outputs: dict[str, Any] = {}
        self.stdout_lines = 0
        self.stderr_lines = 0

    def accept(self, line: str, is_stderr: bool) -> None:
        if is_stderr:
            self.stderr_lines += 1
        else:
            self.stdout_lines += 1
        try:
            message = parse_line(line)
        except ProtocolError as exc:
            self._ctx.logger.warn(f"Invalid outputs '{exc}'")
            return
        if message is None:
            if is_stderr:
                self._ctx.logger.error(line)
            else:
                self._ctx.logger.info(line)
            return
        self.outputs.update(message.outputs)
        message.apply(self._ctx)
