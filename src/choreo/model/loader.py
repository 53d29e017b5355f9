"""Flow loading and validation: YAML text to a typed `Flow`, with every problem reported at once.

Each problem is a `Violation` at `file:line:column` with a property path (`tasks[2].type`). Beyond the property
types: unknown types and properties with suggestions, task ids unique across the whole flow, semantic checks of each
plugin (`problems()`), plugin defaults, and the syntax of every template in a rendered property.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from choreo.errors import ExpressionError, FlowInvalid, SecurityViolation, Severity, Violation
from choreo.model._messages import closest_word, describe_errors
from choreo.model.condition import InvalidCondition
from choreo.model.flow import Flow
from choreo.model.inputs import INPUT_TYPE_NAMES, BaseInput, input_declarations
from choreo.model.labels import system_label_problems
from choreo.model.plugin import Path, PluginModel, ValidationScope
from choreo.model.task import InvalidTask, Task, TaskRunner
from choreo.model.trigger import InvalidTrigger
from choreo.model.types import PluginKind, PluginSlot, is_template
from choreo.model.walk import NestedSlots, field_plans, iter_plugins
from choreo.model.yaml_source import MAX_BYTES, YamlDocument, YamlInvalid, parse_yaml


class TypeResolver(Protocol):
    """What the loader needs from the plugin registry."""

    def resolve(self, kind: PluginKind, name: str) -> type[PluginModel] | None: ...

    def suggest(self, kind: PluginKind, name: str) -> str | None: ...


#: Checks one template's syntax; raises ExpressionError (with `.line` inside the template) when it is wrong.
TemplateCheck = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The flow (when it is valid) and every violation found, errors and warnings, in document order."""

    flow: Flow | None
    violations: list[Violation]

    @property
    def ok(self) -> bool:
        return self.flow is not None and not self.errors

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "warning"]


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum():
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out


_PLACEHOLDERS: dict[PluginKind, type[PluginModel]] = {
    "task": InvalidTask,
    "trigger": InvalidTrigger,
    "condition": InvalidCondition,
}


@dataclass(slots=True)
class _Default:
    index: int
    path: Path
    type: str
    forced: bool
    values: dict[str, Any]


@dataclass
class _Session:
    """The state of one load: the document, the violations found so far, the plugin defaults."""

    doc: YamlDocument
    filename: str | None
    resolver: TypeResolver
    check_template: TemplateCheck | None
    scope: ValidationScope
    violations: list[Violation] = field(default_factory=list)
    defaults: list[_Default] = field(default_factory=list)
    warned: set[tuple[int, str]] = field(default_factory=set)

    # -- reporting ---------------------------------------------------------------------------------------------

    def report(
        self, path: Path, message: str, *, severity: Severity = "error", key: bool = False, line_offset: int = 0
    ) -> None:
        position = self.doc.position(path, key=key)
        line = column = None
        if position is not None:
            line, column = position.line, position.column
            if line_offset and (position.block or line_offset > 1):
                line += line_offset - (0 if position.block else 1)
                column = 1
        self.violations.append(Violation(format_path(path), message, line, column, self.filename, severity))

    def report_validation_error(
        self, error: ValidationError, base: Path, data: Any, model: type[BaseModel] | None = None
    ) -> None:
        for path, message in describe_errors(error, data, model=model):
            self.report((*base, *path), message)

    # -- plugins -----------------------------------------------------------------------------------------------

    def build_plugin(self, kind: PluginKind, data: Any, path: Path) -> PluginModel:
        if not isinstance(data, dict):
            self.report(path, f"expected a {kind} (a mapping with a `type`), got {_kind_of(data)}")
            return self._placeholder(kind, data)
        type_name = data.get("type")
        if not isinstance(type_name, str) or not type_name:
            self.report(
                (*path, "type"),
                "missing required property 'type'"
                if type_name is None
                else f"expected a type name, got {_kind_of(type_name)}",
            )
            return self._placeholder(kind, data)
        cls = self.resolver.resolve(kind, type_name)
        if cls is None:
            suggestion = self.resolver.suggest(kind, type_name)
            hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
            self.report((*path, "type"), f"unknown {_kind_word(kind)}type '{type_name}'{hint}")
            return self._placeholder(kind, data)
        if cls.deprecated:
            self.report((*path, "type"), f"'{type_name}' is deprecated: {cls.deprecated}", severity="warning")
        data = self.apply_defaults(cls, data)
        accepted = set(cls.property_names())
        clean = {}
        for key, value in data.items():
            if key in accepted:
                clean[key] = value
            else:
                self.report((*path, key), _unknown_property(key, cls), key=True)
        prepared = self.prepare(cls, clean, path)
        prepared["type"] = cls.type_name
        try:
            plugin = cls.model_validate(prepared)
        except ValidationError as exc:
            self.report_validation_error(exc, path, prepared, cls)
            return self._placeholder(kind, data)
        except (TypeError, ValueError) as exc:  # a plugin's own validator failed in an unexpected way
            self.report(path, f"cannot read this {kind}: {exc}")
            return self._placeholder(kind, data)
        for problem in plugin.problems(self.scope):
            self.report((*path, *problem.path), problem.message, severity=problem.severity)
        self.check_templates(plugin, path)
        return plugin

    def _placeholder(self, kind: PluginKind, data: Any) -> PluginModel:
        placeholder = _PLACEHOLDERS.get(kind)
        if placeholder is None:
            return TaskRunner.model_construct(type="")
        plugin_id = data.get("id") if isinstance(data, dict) else None
        return placeholder.model_construct(id=plugin_id if isinstance(plugin_id, str) else "", type="")

    def prepare(self, cls: type[BaseModel], data: dict[str, Any], path: Path) -> dict[str, Any]:
        """Replace the plugin dicts in `data`'s slots by built plugins, so `cls` validates the rest."""
        out = dict(data)
        for plan in field_plans(cls):
            if plan.slot is None or out.get(plan.alias) is None:
                continue
            out[plan.alias] = self.build_slot(plan.slot, out[plan.alias], (*path, plan.alias))
        return out

    def build_slot(self, slot: PluginSlot | NestedSlots, value: Any, path: Path) -> Any:
        def one(item: Any, item_path: Path) -> Any:
            if isinstance(slot, PluginSlot):
                return self.build_plugin(slot.kind, item, item_path)
            return self.prepare(slot.model, item, item_path) if isinstance(item, dict) else item

        if slot.shape == "one":
            return one(value, path)
        if slot.shape == "list":
            return [one(item, (*path, i)) for i, item in enumerate(value)] if isinstance(value, list) else value
        if not isinstance(value, dict):
            return value
        if slot.shape == "map":
            return {key: one(item, (*path, key)) for key, item in value.items()}
        return {
            key: [one(item, (*path, key, i)) for i, item in enumerate(items)] if isinstance(items, list) else items
            for key, items in value.items()
        }

    # -- plugin defaults ---------------------------------------------------------------------------------------

    def collect_defaults(self, data: dict[str, Any]) -> None:
        for key in ("pluginDefaults", "taskDefaults"):
            entries = data.get(key)
            if not isinstance(entries, list):
                continue
            if key == "taskDefaults":
                self.report((key,), "'taskDefaults' is deprecated: use 'pluginDefaults'", severity="warning", key=True)
            for index, entry in enumerate(entries):
                if isinstance(entry, dict) and isinstance(entry.get("type"), str):
                    values = entry.get("values")
                    if isinstance(values, dict):
                        self.defaults.append(
                            _Default(
                                len(self.defaults), (key, index), entry["type"], entry.get("forced") is True, values
                            )
                        )

    def apply_defaults(self, cls: type[PluginModel], data: dict[str, Any]) -> dict[str, Any]:
        names = (cls.type_name, *cls.aliases)
        matching = [
            d
            for d in self.defaults
            if d.type in names or any(name.startswith(d.type.rstrip(".") + ".") for name in names)
        ]
        if not matching:
            return data
        accepted = set(cls.property_names())
        result = dict(data)
        for default in matching:
            for key, value in default.values.items():
                if key not in accepted:
                    if (default.index, key) not in self.warned:
                        self.warned.add((default.index, key))
                        self.report(
                            (*default.path, "values", key),
                            f"{_unknown_property(key, cls)}; this default is ignored",
                            severity="warning",
                            key=True,
                        )
                    continue
                if key not in result:
                    result[key] = copy.deepcopy(value)
                elif isinstance(value, dict) and isinstance(result[key], dict):
                    result[key] = _merge(value, result[key]) if not default.forced else _merge(result[key], value)
                elif default.forced:
                    result[key] = copy.deepcopy(value)
        return result

    # -- templates ---------------------------------------------------------------------------------------------

    def check_templates(self, model: BaseModel, path: Path) -> None:
        """Check the syntax of every template in `model`'s rendered properties (not in its child plugins)."""
        if self.check_template is None:
            return
        for plan in field_plans(type(model)):
            value = getattr(model, plan.name, None)
            if value is None or plan.slot is not None:
                continue
            if plan.dynamic:
                for sub, text in _strings(value):
                    self.check_one_template(text, (*path, plan.alias, *sub))
            elif plan.nested_models:
                for sub, nested in _models(value):
                    self.check_templates(nested, (*path, plan.alias, *sub))

    def check_one_template(self, text: str, path: Path) -> None:
        assert self.check_template is not None
        try:
            self.check_template(text)
        except SecurityViolation as exc:
            self.report(path, f"forbidden expression: {exc}", line_offset=exc.line or 0)
        except ExpressionError as exc:
            # Kestra accepts the flow and fails the task when it renders; we do the same, but say so now.
            self.report(
                path,
                f"invalid expression, the task will fail when it runs: {exc}",
                severity="warning",
                line_offset=exc.line or 0,
            )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _strings(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        if is_template(value):
            yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if is_template(key):
                yield (*path, key), key
            yield from _strings(item, (*path, key))


def _models(value: Any, path: Path = ()) -> Iterator[tuple[Path, BaseModel]]:
    if isinstance(value, BaseModel) and not isinstance(value, PluginModel):
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _models(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _models(item, (*path, key))


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _kind_word(kind: PluginKind) -> str:
    return "" if kind == "task" else {"trigger": "trigger ", "condition": "condition ", "runner": "task runner "}[kind]


def _unknown_property(key: str, cls: type[PluginModel] | type[BaseModel]) -> str:
    names = (
        cls.property_names() if issubclass(cls, PluginModel) else [f.alias or n for n, f in cls.model_fields.items()]
    )
    label = getattr(cls, "type_name", "") or cls.__name__
    suggestion = closest_word(key, names)
    if suggestion:
        return f"unknown property '{key}' for {label} (did you mean '{suggestion}'?)"
    return f"unknown property '{key}' for {label} (known properties: {', '.join(sorted(names))})"


class FlowLoader:
    """Loads flows with a plugin registry, an optional template syntax check and the configured worker groups."""

    def __init__(
        self,
        resolver: TypeResolver,
        *,
        check_template: TemplateCheck | None = None,
        worker_groups: frozenset[str] = frozenset(),
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.resolver = resolver
        self.check_template = check_template
        self.worker_groups = worker_groups
        self.max_bytes = max_bytes

    def load(self, text: str, filename: str | None = None) -> Flow:
        """The typed flow, or FlowInvalid listing every error."""
        result = self.validate(text, filename)
        if result.flow is None or result.errors:
            raise FlowInvalid(result.violations)
        return result.flow

    def load_file(self, path: str | FsPath) -> Flow:
        return self.load(FsPath(path).read_text(encoding="utf-8"), str(path))

    def load_task(self, text: str, *, namespace: str = "", flow_id: str = "", where: str = "spec") -> Task:
        """One task from its YAML (`type` and properties; an `id` is optional), for TemplatedTask.
        FlowInvalid names every problem, at lines of `text` (reported as `where`)."""
        try:
            doc = parse_yaml(text, max_bytes=self.max_bytes)
        except YamlInvalid as exc:
            raise FlowInvalid(
                [Violation(format_path(p.path), p.message, p.line, p.column, where) for p in exc.problems]
            ) from None
        data = doc.data
        if isinstance(data, dict) and "id" not in data:
            data = {"id": "templated", **data}
        scope = ValidationScope(flow_id=flow_id, namespace=namespace, worker_groups=self.worker_groups)
        session = _Session(doc, where, self.resolver, self.check_template, scope)
        task = session.build_plugin("task", data, ())
        if any(v.severity == "error" for v in session.violations):
            raise FlowInvalid(session.violations)
        assert isinstance(task, Task)
        return task

    def validate(self, text: str, filename: str | None = None) -> LoadResult:
        """Every violation of the document, and the flow when there is no error."""
        try:
            doc = parse_yaml(text, max_bytes=self.max_bytes)
        except YamlInvalid as exc:
            return LoadResult(
                None,
                [Violation(format_path(p.path), p.message, p.line, p.column, filename) for p in exc.problems],
            )
        data = doc.data
        if not isinstance(data, dict):
            violation = Violation(
                "", f"a flow must be a mapping with `id`, `namespace` and `tasks`, got {_kind_of(data)}", 1, 1, filename
            )
            return LoadResult(None, [violation])
        scope = ValidationScope(
            flow_id=data["id"] if isinstance(data.get("id"), str) else "",
            namespace=data["namespace"] if isinstance(data.get("namespace"), str) else "",
            worker_groups=self.worker_groups,
        )
        session = _Session(doc, filename, self.resolver, self.check_template, scope)
        flow = _build_flow(session, data)
        session.violations.sort(key=lambda v: (v.line or 0, v.column or 0))
        has_errors = any(v.severity == "error" for v in session.violations)
        return LoadResult(None if has_errors else flow, session.violations)


def _build_flow(session: _Session, data: dict[str, Any]) -> Flow | None:
    accepted = {f.alias or n for n, f in Flow.model_fields.items()}
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in accepted:
            clean[key] = value
        else:
            session.report((key,), _unknown_property(key, Flow).replace(" for Flow", " of a flow"), key=True)
    session.collect_defaults(clean)
    if clean.get("listeners"):
        session.report(("listeners",), "'listeners' are deprecated: use Flow triggers", severity="warning", key=True)

    if "inputs" in clean:
        # Inputs are checked on their own so that their problems are reported even when other parts are wrong.
        clean["inputs"] = _build_inputs(session, clean["inputs"])
    prepared = session.prepare(Flow, clean, ())
    _check_unique_ids(session, prepared)
    try:
        flow = Flow.model_validate(prepared)
    except ValidationError as exc:
        session.report_validation_error(exc, (), prepared, Flow)
        return None
    for message in system_label_problems(flow.labels or []):
        session.report(("labels",), message)
    session.check_templates(flow, ())
    return flow


def _build_inputs(session: _Session, raw: Any) -> Any:
    """The typed inputs; the raw value when it is not a list (the flow model reports it); None when invalid."""
    if not isinstance(raw, list):
        return raw
    try:
        inputs: list[BaseInput] = input_declarations(raw)
    except ValidationError as exc:
        for path, message in describe_errors(exc, raw, tag_names=INPUT_TYPE_NAMES):
            session.report(("inputs", *path), message)
        return None
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for index, item in enumerate(inputs):
        for problem in item.problems():
            session.report(("inputs", index, *problem.path), problem.message, severity=problem.severity)
        if item.id in seen and item.id not in duplicates:
            duplicates.append(item.id)
            session.report(("inputs", index), f"Duplicate input with name [{item.id}]")
        seen.setdefault(item.id, index)
        if item.depends_on:
            for other in item.depends_on.inputs:
                if other not in seen:
                    session.report(
                        ("inputs", index, "dependsOn", "inputs"),
                        f"input '{item.id}' depends on '{other}', which is not declared before it",
                    )
    return inputs


def _check_unique_ids(session: _Session, prepared: dict[str, Any]) -> None:
    tasks: list[tuple[Path, str]] = []
    for key in ("tasks", "errors", "finally", "afterExecution"):
        for index, task in enumerate(prepared.get(key) or ()) if isinstance(prepared.get(key), list) else ():
            tasks.extend(_task_ids(task, (key, index)))
    listeners = prepared.get("listeners")
    for li, listener in enumerate(listeners if isinstance(listeners, list) else ()):
        listener_tasks = listener.get("tasks") if isinstance(listener, dict) else None
        for index, task in enumerate(listener_tasks if isinstance(listener_tasks, list) else ()):
            tasks.extend(_task_ids(task, ("listeners", li, "tasks", index)))
    _report_duplicates(session, tasks, "task")
    triggers = prepared.get("triggers")
    found = [
        ((("triggers", index)), trigger.id)
        for index, trigger in enumerate(triggers if isinstance(triggers, list) else ())
        if isinstance(trigger, PluginModel) and getattr(trigger, "id", "")
    ]
    _report_duplicates(session, found, "trigger")
    outputs = prepared.get("outputs")
    found = [
        (("outputs", index), output["id"])
        for index, output in enumerate(outputs if isinstance(outputs, list) else ())
        if isinstance(output, dict) and isinstance(output.get("id"), str)
    ]
    _report_duplicates(session, found, "output")


def _task_ids(task: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if not isinstance(task, Task):
        return
    if task.id:
        yield path, task.id
    for sub, child in iter_plugins(task, path):
        if isinstance(child, Task) and child.id:
            yield sub, child.id


def _report_duplicates(session: _Session, found: list[tuple[Path, str]], what: str) -> None:
    seen: set[str] = set()
    duplicates: list[str] = []
    first_repeat: Path | None = None
    for path, item_id in found:
        if item_id in seen:
            if item_id not in duplicates:
                duplicates.append(item_id)
            first_repeat = first_repeat or path
        seen.add(item_id)
    if duplicates and first_repeat is not None:
        session.report((*first_repeat, "id"), f"Duplicate {what} id with name [{', '.join(duplicates)}]")
