"""Safe YAML reading with the position of every value, for errors that say `file:line:column`.

The document is built from libyaml's event stream (no recursion, no object-building tags) so that we can:
- keep the line and column of every key and value, by path (`("tasks", 2, "type")`);
- reject duplicate keys, tags other than YAML's standard ones, several documents;
- bound the size of the text, the nesting depth and the number of nodes after alias expansion (alias bombs);
- resolve plain scalars with YAML 1.2's core schema, as Kestra does: `on`, `no`, `yes` stay strings, and
  `2024-01-01` stays a string the models parse.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml when present: the fast path
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 200
MAX_NODES = 200_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(inf|Inf|INF)$")
_NAN = re.compile(r"^\.(nan|NaN|NAN)$")


@dataclass(frozen=True, slots=True)
class Position:
    """1-based line and column of a value. `block` is true for `|` and `>` scalars, whose text starts a line later."""

    line: int
    column: int
    block: bool = False


@dataclass(slots=True)
class YamlDocument:
    data: Any
    #: where each value starts, by path
    values: dict[Path, Position] = field(default_factory=dict)
    #: where each mapping key starts, by the path of its value
    keys: dict[Path, Position] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> Position | None:
        """The position of `path` (its key when `key`), or of its nearest ancestor that has one."""
        if key and path in self.keys:
            return self.keys[path]
        while True:
            found = self.values.get(path)
            if found is not None:
                return found
            if not path:
                return None
            path = path[:-1]


@dataclass(frozen=True, slots=True)
class YamlProblem:
    message: str
    path: Path
    line: int | None
    column: int | None


class YamlInvalid(Exception):
    """The text is not a YAML document Choreo accepts; `problems` lists each reason with its position."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


_NON_TEXT_START = frozenset("0123456789+-.~nNtTfF")


def _resolve_plain(text: str) -> Any:
    if text and text[0] not in _NON_TEXT_START:  # fast path: most scalars are words
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _scalar_value(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if not event.style and (tag is None or tag == "!") and event.implicit[0]:
        return _resolve_plain(event.value)
    if tag in (None, "!", "tag:yaml.org,2002:str"):
        return event.value
    resolved = _resolve_plain(event.value)
    expected = {
        "tag:yaml.org,2002:int": int,
        "tag:yaml.org,2002:float": float,
        "tag:yaml.org,2002:bool": bool,
        "tag:yaml.org,2002:null": type(None),
    }[tag]
    if expected is float and isinstance(resolved, int) and not isinstance(resolved, bool):
        return float(resolved)
    if not isinstance(resolved, expected) or (expected is int and isinstance(resolved, bool)):
        raise ValueError(f"'{event.value}' is not a valid {tag.rsplit(':', 1)[-1]}")
    return resolved


def _key_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


class _Frame:
    """An open mapping or sequence while its events are read."""

    __slots__ = ("container", "path", "anchor", "nodes", "key", "key_position", "key_lines")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path, anchor: str | None) -> None:
        self.container = container
        self.path = path
        self.anchor = anchor
        self.nodes = 1
        self.key: str | None = None  # the key waiting for its value, in a mapping
        self.key_position: Position | None = None
        self.key_lines: dict[str, int] = {}


class _Builder:
    """Turns the event stream into plain Python values plus positions."""

    def __init__(self, max_depth: int, max_nodes: int) -> None:
        self.doc = YamlDocument(data=None)
        self.problems: list[YamlProblem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.nodes = 0
        self.max_depth = max_depth
        self.max_nodes = max_nodes

    def fail(self, message: str, mark: Any, path: Path) -> YamlInvalid:
        self.problems.append(YamlProblem(message, path, mark.line + 1, mark.column + 1))
        return YamlInvalid(self.problems)

    def count(self, nodes: int, mark: Any, path: Path) -> None:
        self.nodes += nodes
        if self.nodes > self.max_nodes:
            raise self.fail(f"document has more than {self.max_nodes} nodes once aliases are expanded", mark, path)
        if self.stack:
            self.stack[-1].nodes += nodes

    def expects_key(self) -> bool:
        if not self.stack:
            return False
        top = self.stack[-1]
        return isinstance(top.container, dict) and top.key is None

    def take_key(self, value: Any, mark: Any) -> None:
        top = self.stack[-1]
        key = _key_text(value)
        if key in top.key_lines:
            self.problems.append(
                YamlProblem(
                    f"Duplicate field '{key}' (first defined at line {top.key_lines[key]})",
                    (*top.path, key),
                    mark.line + 1,
                    mark.column + 1,
                )
            )
        top.key_lines[key] = mark.line + 1
        top.key = key
        top.key_position = Position(mark.line + 1, mark.column + 1)

    def place(self, value: Any, mark: Any, nodes: int, block: bool = False) -> Path:
        """Attach a value to the open container (or make it the document); return its path."""
        position = Position(mark.line + 1, mark.column + 1, block)
        if not self.stack:
            self.doc.data = value
            path: Path = ()
        else:
            top = self.stack[-1]
            if isinstance(top.container, list):
                path = (*top.path, len(top.container))
                top.container.append(value)
            else:
                assert top.key is not None
                path = (*top.path, top.key)
                if top.key_position is not None:
                    self.doc.keys[path] = top.key_position
                top.container.setdefault(top.key, value)  # a duplicate key keeps the first value
                top.key = None
        self.doc.values[path] = position
        self.count(nodes, mark, path)
        return path

    def scalar(self, event: yaml.ScalarEvent) -> None:
        self.check_tag(event)
        try:
            value = _scalar_value(event)
        except ValueError as exc:
            raise self.fail(str(exc), event.start_mark, self.stack[-1].path if self.stack else ()) from None
        if self.expects_key():
            self.take_key(value, event.start_mark)
            return
        path = self.place(value, event.start_mark, 1, block=event.style in ("|", ">"))
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        del path

    def start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        self.check_tag(event)
        if self.expects_key():
            raise self.fail(
                "mapping keys must be plain values, not maps or lists", event.start_mark, self.stack[-1].path
            )
        if len(self.stack) >= self.max_depth:
            raise self.fail(f"document is nested deeper than {self.max_depth} levels", event.start_mark, ())
        container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        path = self.place(container, event.start_mark, 1)
        self.stack.append(_Frame(container, path, event.anchor))

    def end(self) -> None:
        frame = self.stack.pop()
        if self.stack:
            self.stack[-1].nodes += frame.nodes - 1  # the container itself was counted when placed
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.container, frame.nodes)

    def alias(self, event: yaml.AliasEvent) -> None:
        if event.anchor not in self.anchors:
            raise self.fail(f"unknown alias '*{event.anchor}'", event.start_mark, ())
        value, nodes = self.anchors[event.anchor]
        if self.expects_key():
            self.take_key(value, event.start_mark)
            return
        self.place(value, event.start_mark, nodes)

    def check_tag(self, event: Any) -> None:
        if event.tag is not None and event.tag not in _STANDARD_TAGS:
            raise self.fail(
                f"tag '{event.tag}' is not allowed", event.start_mark, self.stack[-1].path if self.stack else ()
            )


def parse_yaml(
    text: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES
) -> YamlDocument:
    """Read one YAML document. Raises YamlInvalid with positioned problems; never anything else."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise YamlInvalid([YamlProblem(f"document is {size} bytes; the limit is {max_bytes}", (), 1, 1)])
    builder = _Builder(max_depth, max_nodes)
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                builder.scalar(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                builder.start(event)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                builder.end()
            elif kind is yaml.AliasEvent:
                builder.alias(event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise builder.fail("expected a single YAML document, found several", event.start_mark, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        builder.problems.append(YamlProblem(f"invalid YAML: {message}", (), line, column))
        raise YamlInvalid(builder.problems) from None
    except (yaml.YAMLError, UnicodeError, ValueError) as exc:
        builder.problems.append(YamlProblem(f"invalid YAML: {exc}", (), None, None))
        raise YamlInvalid(builder.problems) from None
    if builder.problems:
        raise YamlInvalid(builder.problems)
    return builder.doc
