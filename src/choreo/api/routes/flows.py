"""Flows: create, read, update, delete, revisions, search (filters and source text), validate, bulk and namespace
updates, enable/disable/delete/export by ids or query, import, topology graph and single tasks.

Every write validates with the flow loader (the same check as `choreo validate` and directory deployment) before
anything is stored; writes of several flows validate them all first and store them in one transaction, so a bad
document never leaves a half-applied batch. Routes with literal segments are declared before templated ones."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from choreo.api.app import runtime, tenant_router
from choreo.api.documents import flow_document, iso, page
from choreo.api.errors import ApiError
from choreo.api.filters import Filter, Filters, labels_of, parse
from choreo.api.graph import flow_graph_document
from choreo.errors import FlowInvalid, Violation
from choreo.model.flow import Flow
from choreo.model.task import Task
from choreo.model.walk import iter_plugins
from choreo.model.yaml_source import MAX_BYTES, YamlDocument, YamlInvalid, parse_yaml
from choreo.server.runtime import Runtime
from choreo.store.flows import FlowRepository
from choreo.store.records import FlowRecord

router = tenant_router(tags=["flows"])

#: Kestra's system flows namespace: `scope=SYSTEM` selects it, `scope=USER` everything else.
SYSTEM_NAMESPACE = "system"
#: Flows read per store query when a request looks at all of them (search, bulk by query).
SCAN_PAGE = 500
#: A ZIP upload may not hold more entries than this (a bound on the work one request can ask for).
MAX_IMPORT_ENTRIES = 10_000
#: A document separator line in a multi-document body: `---`, optionally followed by a comment.
_SEPARATOR = re.compile(r"---[ \t]*(#.*)?")
#: A scalar token in YAML source: a quoted string or a plain word.
_TOKEN = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#,\]}]+""")
_SAFE_PLAIN = re.compile(r"[a-z][a-z0-9._-]*")
#: Line breaks as YAML counts them (Python's `splitlines` knows more).
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


# -- request bodies ------------------------------------------------------------------------------------------------
async def _text_body(request: Request) -> str:
    """The body as text (YAML is sent as application/x-yaml, but text/plain and others are read the same way)."""
    raw = await request.body()
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"the request body is not UTF-8 text (invalid byte at offset {exc.start})") from None


async def _ids_body(request: Request) -> list[tuple[str, str]]:
    """`[{"namespace": …, "id": …}, …]` as (namespace, id) pairs; other keys (kestrapy's `additional_properties`)
    are ignored."""
    raw = await request.body()
    try:
        data = json.loads(raw) if raw.strip() else []
    except ValueError as exc:
        raise ApiError(400, f"expected a JSON list of {{namespace, id}} objects: {exc}") from None
    if not isinstance(data, list):
        raise ApiError(400, "expected a JSON list of {namespace, id} objects")
    ids = []
    for index, item in enumerate(data):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("namespace"), str)
            or not isinstance(item.get("id"), str)
        ):
            raise ApiError(400, f"item [{index}] of the body: expected an object with string `namespace` and `id`")
        ids.append((item["namespace"], item["id"]))
    return ids


# -- documents -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Document:
    """One YAML document of a request body, with the body line it starts on (so errors point into the body)."""

    index: int
    text: str
    first_line: int = 1
    name: str | None = None


@dataclass(frozen=True, slots=True)
class _Loaded:
    document: _Document
    flow: Flow | None
    violations: list[Violation]

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "error"]


def _split_documents(text: str, name: str | None = None) -> list[_Document]:
    """The non-empty documents of a `---`-separated body (a leading `---` or a comment-only part is no flow)."""
    documents: list[_Document] = []
    lines: list[str] = []
    start = 1

    def flush() -> None:
        chunk = "".join(lines)
        if any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            documents.append(_Document(len(documents), chunk, start, name))

    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _SEPARATOR.fullmatch(line.rstrip("\r\n")):
            flush()
            lines, start = [], number + 1
        else:
            lines.append(line)
    flush()
    return documents


def _shift(violations: Iterable[Violation], document: _Document, filename: str | None) -> list[Violation]:
    """Violations at body lines rather than document lines, named after the document."""
    offset = document.first_line - 1
    return [
        replace(v, line=v.line + offset if v.line is not None else None, file=filename or v.file) for v in violations
    ]


def _load(rt: Runtime, document: _Document, filename: str | None = None) -> _Loaded:
    result = rt.app.flows.validate(document.text, filename)
    return _Loaded(document, result.flow, _shift(result.violations, document, filename))


def _load_all(rt: Runtime, documents: list[_Document]) -> list[tuple[Flow, str]]:
    """Every document's flow, or FlowInvalid for the first invalid one, naming its index: nothing is stored then."""
    flows = []
    for document in documents:
        loaded = _load(rt, document, document.name or f"document {document.index}")
        if loaded.flow is None or loaded.errors:
            raise FlowInvalid(loaded.violations)
        flows.append((loaded.flow, document.text))
    _check_unique(flows)
    return flows


def _check_unique(flows: list[tuple[Flow, str]]) -> None:
    seen: set[tuple[str, str]] = set()
    for flow, _ in flows:
        if (flow.namespace, flow.id) in seen:
            raise ApiError(422, f"flow {flow.namespace}.{flow.id} appears more than once in the request")
        seen.add((flow.namespace, flow.id))


def _flow_json(flow: Flow) -> dict[str, Any]:
    """The JSON form stored beside the source (as `choreo.server.deploy.save_flow` stores it)."""
    return flow.model_dump(mode="json", by_alias=True, exclude_none=True)


def _record(
    rt: Runtime, namespace: str, flow_id: str, revision: int | None = None, deleted: bool = False
) -> FlowRecord:
    record = rt.store.flows.get(namespace, flow_id, revision, deleted=deleted)
    if record is None:
        at = f" revision {revision}" if revision is not None else ""
        raise ApiError(404, f"flow {namespace}.{flow_id}{at} not found")
    return record


def _parsed(rt: Runtime, namespace: str, flow_id: str, revision: int | None = None) -> Flow:
    flow = rt.flows.get(namespace, flow_id, revision)
    if flow is None:
        at = f" revision {revision}" if revision is not None else ""
        raise ApiError(404, f"flow {namespace}.{flow_id}{at} not found")
    return flow


def _raw_ids(text: str) -> tuple[str | None, str | None]:
    """The namespace and id an invalid document declares, when they can be read at all."""
    try:
        data = parse_yaml(text).data
    except YamlInvalid:
        return None, None
    if not isinstance(data, dict):
        return None, None
    namespace, flow_id = data.get("namespace"), data.get("id")
    return (namespace if isinstance(namespace, str) else None), (flow_id if isinstance(flow_id, str) else None)


# -- editing a flow's source ----------------------------------------------------------------------------------------
def _yaml_scalar(value: Any) -> str:
    """`value` (a string or a boolean) as a YAML scalar that reads back as the same value (plain when safe)."""
    if isinstance(value, str) and _SAFE_PLAIN.fullmatch(value):
        return value
    return json.dumps(value)


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column, counting lines as YAML does."""
    starts = [0, *(match.end() for match in _BREAK.finditer(text))]
    return starts[line - 1] + column - 1


def _with_top_level(source: str, key: str, value: str) -> str:
    """`source` with the top-level `key` set to the YAML scalar `value`: its value token is replaced in place, or a
    `key: value` line is appended; comments and formatting elsewhere are kept byte for byte."""
    doc = parse_yaml(source)
    position = doc.values.get((key,)) if (key,) in doc.keys else None
    if position is not None:
        start = _offset(source, position.line, position.column)
        token = _TOKEN.match(source, start)
        if token is not None:
            return source[:start] + value + source[token.end() :]
    indent = " " * ((doc.keys[("id",)].column - 1) if ("id",) in doc.keys else 0)
    separator = "" if source.endswith("\n") or not source else "\n"
    return f"{source}{separator}{indent}{key}: {value}\n"


def _rewritten(rt: Runtime, flow: Flow, source: str, name: str, key: str, value: Any) -> tuple[Flow, str]:
    """`source` (of `flow`) with its top-level `key` set to `value`, re-validated. The edit must change that
    property and nothing else in the flow, or the request fails with 422 and nothing is stored."""
    try:
        edited = _with_top_level(source, key, _yaml_scalar(value))
    except YamlInvalid as exc:
        raise ApiError(422, f"{name}: the source cannot be read: {exc}") from None
    result = rt.app.flows.validate(edited, name)
    if result.flow is None or result.errors:
        raise FlowInvalid(result.violations)
    if _flow_json(result.flow) != {**_flow_json(flow), key: value}:
        raise ApiError(422, f"{name}: cannot set the top-level `{key}` in the source; edit the flow instead")
    return result.flow, edited


# -- filters -------------------------------------------------------------------------------------------------------
def _flow_filters(request: Request) -> Filters:
    """`filters[...]` parameters plus the old plain ones: `q`, `namespace` (itself and its children), `labels`
    (repeated `key:value`) and `scope`."""
    params = request.query_params
    filters = parse(params, legacy={"q": "q"})
    namespace = params.get("namespace")
    if namespace and filters.get("namespace") is None:
        filters.all_of.append(Filter("namespace", "PREFIX", namespace))
    labels = [value for value in params.getlist("labels") if value]
    if labels and filters.get("labels") is None:
        filters.all_of.append(Filter("labels", "EQUALS", labels_of(labels)))
    scopes = [value for value in params.getlist("scope") if value]
    if scopes and filters.get("scope") is None:
        filters.all_of.append(Filter("scope", "IN", ",".join(scopes)))
    return filters


def _listed(value: Any) -> list[str]:
    return [part for part in str(value).split(",") if part] if value is not None else []


def _text_matches(actual: str, item: Filter) -> bool:
    if isinstance(item.value, dict):
        raise ApiError(400, f"filter on {item.field}: expected one value, got a map")
    value = "" if item.value is None else str(item.value)
    op = item.operation
    if op == "EQUALS":
        return actual == value
    if op == "NOT_EQUALS":
        return actual != value
    if op == "IN":
        return actual in _listed(value)
    if op == "NOT_IN":
        return actual not in _listed(value)
    if op == "STARTS_WITH":
        return actual.startswith(value)
    if op == "ENDS_WITH":
        return actual.endswith(value)
    if op == "CONTAINS":
        return value in actual
    if op == "NOT_CONTAINS":
        return value not in actual
    if op == "PREFIX":  # a namespace and its children, as Kestra reads it
        return actual == value or actual.startswith(value + ".")
    if op == "REGEX":
        try:
            return re.search(value, actual) is not None
        except re.error as exc:
            raise ApiError(400, f"filter on {item.field}: invalid regular expression '{value}': {exc}") from None
    if op == "IS_NULL":
        return False
    if op == "IS_NOT_NULL":
        return True
    raise ApiError(400, f"filter on {item.field}: operation {op} is not supported")


def _labels_of_record(record: FlowRecord) -> dict[str, str]:
    labels = record.flow_json.get("labels") or []
    return {str(item.get("key")): str(item.get("value")) for item in labels if isinstance(item, dict)}


def _labels_match(record: FlowRecord, item: Filter) -> bool:
    wanted = labels_of(item.value)
    actual = _labels_of_record(record)
    present = [actual.get(key) == value for key, value in wanted.items()]
    if item.operation in ("EQUALS", "IN", "CONTAINS"):
        return all(present)
    if item.operation in ("NOT_EQUALS", "NOT_IN", "NOT_CONTAINS"):
        return not any(present)
    raise ApiError(400, f"filter on labels: operation {item.operation} is not supported (use EQUALS or NOT_EQUALS)")


def _query_match(record: FlowRecord, item: Filter) -> bool:
    """`q`: a case-insensitive substring of the flow id or namespace."""
    needle = str(item.value or "").lower()
    found = needle in record.id.lower() or needle in record.namespace.lower()
    if item.operation in ("EQUALS", "CONTAINS", "REGEX", "STARTS_WITH"):
        return found
    if item.operation in ("NOT_EQUALS", "NOT_CONTAINS"):
        return not found
    raise ApiError(400, f"filter on q: operation {item.operation} is not supported (use EQUALS)")


def _scope_of(record: FlowRecord) -> str:
    system = record.namespace == SYSTEM_NAMESPACE or record.namespace.startswith(SYSTEM_NAMESPACE + ".")
    return "SYSTEM" if system else "USER"


_FIELDS: dict[str, Callable[[FlowRecord, Filter], bool]] = {
    "namespace": lambda record, item: _text_matches(record.namespace, item),
    "flowId": lambda record, item: _text_matches(record.id, item),
    "id": lambda record, item: _text_matches(record.id, item),
    "q": _query_match,
    "labels": _labels_match,
    "scope": lambda record, item: _text_matches(_scope_of(record), item),
}


def _matches(record: FlowRecord, item: Filter) -> bool:
    check = _FIELDS.get(item.field)
    if check is None:
        raise ApiError(400, f"flows cannot be filtered by '{item.field}': use one of {', '.join(sorted(_FIELDS))}")
    return check(record, item)


#: A flow every filter is tried on first, so a bad filter (unknown field or operation, invalid regular expression
#: or label) is refused even when no stored flow would reach it.
_PROBE = FlowRecord("probe", "probe", 1, "", {}, False, datetime(2000, 1, 1, tzinfo=UTC))


def _check_filters(filters: Filters) -> None:
    for item in [*filters.all_of, *(leaf for group in filters.any_of for leaf in group)]:
        _matches(_PROBE, item)


def _selected(record: FlowRecord, filters: Filters) -> bool:
    return all(_matches(record, item) for item in filters.all_of) and all(
        any(_matches(record, item) for item in group) for group in filters.any_of if group
    )


def _live_flows(rt: Runtime, namespace: str | None = None) -> Iterator[FlowRecord]:
    return _scan(rt.store.flows, namespace)


def _scan(flows: FlowRepository, namespace: str | None = None) -> Iterator[FlowRecord]:
    """Latest revisions of every live flow (in `namespace` and its children), namespace then id order, read through
    `flows` (the store's repository, or a transaction's)."""
    number = 1
    while True:
        found = flows.list(namespace, page=number, size=SCAN_PAGE)
        yield from found.items
        if number * SCAN_PAGE >= found.total or not found.items:
            return
        number += 1


def _find(rt: Runtime, filters: Filters) -> list[FlowRecord]:
    _check_filters(filters)
    narrowed = filters.get("namespace", "EQUALS", "PREFIX")  # the store's namespace scan includes children
    namespace = narrowed.value if narrowed is not None and isinstance(narrowed.value, str) else None
    return [record for record in _live_flows(rt, namespace or None) if _selected(record, filters)]


_SORT_KEYS: dict[str, Callable[[FlowRecord], Any]] = {
    "id": lambda record: record.id,
    "flowId": lambda record: record.id,
    "namespace": lambda record: record.namespace,
    "revision": lambda record: record.revision,
    "updated": lambda record: record.updated,
}


def _sorted(records: list[FlowRecord], sort: list[str]) -> list[FlowRecord]:
    result = list(records)
    for item in reversed(sort):  # stable sorts, least significant first
        name, _, direction = item.partition(":")
        key = _SORT_KEYS.get(name)
        if key is None or direction.lower() not in ("", "asc", "desc"):
            raise ApiError(400, f"cannot sort flows by '{item}': use one of {', '.join(_SORT_KEYS)} with :asc or :desc")
        result.sort(key=key, reverse=direction.lower() == "desc")
    return result


def _by_ids(rt: Runtime, ids: list[tuple[str, str]]) -> list[FlowRecord]:
    """The live flows among `ids` (unknown ones are skipped, as a bulk action goes on with the others)."""
    records = []
    for namespace, flow_id in dict.fromkeys(ids):
        record = rt.store.flows.get(namespace, flow_id)
        if record is not None:
            records.append(record)
    return records


# -- writes --------------------------------------------------------------------------------------------------------
def _create(rt: Runtime, source: str) -> dict[str, Any]:
    flow = rt.app.flows.load(source)
    with rt.store.transaction() as unit:  # the existence check and the save see the same state
        if unit.flows.get(flow.namespace, flow.id) is not None:
            raise ApiError(409, f"Flow id already exists: flow {flow.namespace}.{flow.id} exists; update it with PUT")
        revision = unit.flows.save(flow.namespace, flow.id, source, flow_json=_flow_json(flow))
        record = unit.flows.get(flow.namespace, flow.id, revision)
    assert record is not None
    return flow_document(record)


def _update(rt: Runtime, namespace: str, flow_id: str, source: str) -> dict[str, Any]:
    flow = rt.app.flows.load(source)
    if flow.namespace != namespace:
        raise ApiError(
            422, f"Illegal namespace update: the flow is in '{namespace}', the source says '{flow.namespace}'"
        )
    if flow.id != flow_id:
        raise ApiError(422, f"Illegal flow id update: the flow is '{flow_id}', the source says '{flow.id}'")
    with rt.store.transaction() as unit:
        if unit.flows.get(namespace, flow_id) is None:
            raise ApiError(404, f"flow {namespace}.{flow_id} not found; create it with POST /flows")
        revision = unit.flows.save(namespace, flow_id, source, flow_json=_flow_json(flow))
        record = unit.flows.get(namespace, flow_id, revision)
    assert record is not None
    return flow_document(record)


def _delete(rt: Runtime, records: Iterable[FlowRecord]) -> int:
    """Soft-delete flows and forget their trigger states, all in one transaction."""
    count = 0
    with rt.store.transaction() as unit:
        for record in records:
            unit.flows.delete(record.namespace, record.id)
            unit.triggers.delete_for_flow(record.namespace, record.id)
            count += 1
    return count


def _set_disabled(rt: Runtime, records: list[FlowRecord], disabled: bool) -> int:
    """Rewrite each flow's `disabled:` (a new revision when it changes); all are checked before any is saved."""
    edits = []
    for record in records:
        name = f"flow {record.namespace}.{record.id}"
        flow = rt.app.flows.load(record.source, name)
        if flow.disabled != disabled:
            edits.append(_rewritten(rt, flow, record.source, name, "disabled", disabled))
    with rt.store.transaction() as unit:
        for flow, source in edits:
            unit.flows.save(flow.namespace, flow.id, source, flow_json=_flow_json(flow))
    return len(records)


def _in_scope(namespace: str, scope: str, children: bool) -> bool:
    return namespace == scope or (children and namespace.startswith(scope + "."))


def _apply(
    rt: Runtime,
    documents: list[_Document],
    *,
    namespace: str | None,
    delete: bool,
    children: bool = False,
    override: bool = False,
) -> list[dict[str, Any]]:
    """Validate every document, then store them all (and delete the namespace's other flows when asked) in one
    transaction: a batch is applied whole or not at all."""
    if delete and namespace is None:
        raise ApiError(400, "delete=true needs a namespace: the flows of that namespace missing from the body go")
    flows = _load_all(rt, documents)
    if override and namespace is not None:
        pairs = zip(flows, documents, strict=True)
        flows = [_moved(rt, flow, source, namespace, document) for (flow, source), document in pairs]
        _check_unique(flows)
    if namespace is not None:
        for (flow, _), document in zip(flows, documents, strict=True):
            if not _in_scope(flow.namespace, namespace, children):
                raise ApiError(
                    422,
                    f"document {document.index}: flow {flow.namespace}.{flow.id} is not in namespace '{namespace}'",
                )
    kept = {(flow.namespace, flow.id) for flow, _ in flows}
    saved = []
    with rt.store.transaction() as unit:
        for flow, source in flows:
            revision = unit.flows.save(flow.namespace, flow.id, source, flow_json=_flow_json(flow))
            saved.append((flow.namespace, flow.id, revision))
        if delete and namespace is not None:
            for record in _scan(unit.flows, namespace):
                if _in_scope(record.namespace, namespace, children) and (record.namespace, record.id) not in kept:
                    unit.flows.delete(record.namespace, record.id)
                    unit.triggers.delete_for_flow(record.namespace, record.id)
        records = [unit.flows.get(ns, flow_id, revision) for ns, flow_id, revision in saved]
    return [flow_document(record) for record in records if record is not None]


def _moved(rt: Runtime, flow: Flow, source: str, namespace: str, document: _Document) -> tuple[Flow, str]:
    """`override=true`: the document's flow moved into `namespace` by rewriting its `namespace:`."""
    if flow.namespace == namespace:
        return flow, source
    return _rewritten(rt, flow, source, document.name or f"document {document.index}", "namespace", namespace)


# -- validation ----------------------------------------------------------------------------------------------------
def _violation_text(violation: Violation) -> str:
    where = f"{violation.line}:{violation.column or 1}: " if violation.line is not None else ""
    path = f"{violation.path}: " if violation.path else ""
    return f"{where}{path}{violation.message}"


def _validation(rt: Runtime, document: _Document) -> dict[str, Any]:
    """Kestra's ValidateConstraintViolation for one document: `constraints` only when it is invalid."""
    loaded = _load(rt, document)
    namespace, flow_id = (loaded.flow.namespace, loaded.flow.id) if loaded.flow is not None else _raw_ids(document.text)
    warnings = [v for v in loaded.violations if v.severity == "warning"]
    result: dict[str, Any] = {
        "index": document.index,
        "namespace": namespace,
        "flow": flow_id,
        "outdated": False,
        "deprecationPaths": [v.path for v in warnings if "deprecated" in v.message],
        "warnings": [_violation_text(v) for v in warnings],
        "infos": [],
    }
    if loaded.flow is None or loaded.errors:
        result["constraints"] = "\n".join(str(v) for v in loaded.errors) or "invalid flow"
    return {key: value for key, value in result.items() if value is not None}


def _find_task(flow: Flow, task_id: str) -> Task | None:
    for _, plugin in iter_plugins(flow):
        if isinstance(plugin, Task) and plugin.id == task_id:
            return plugin
    return None


# -- export / import -----------------------------------------------------------------------------------------------
def _zip(records: Iterable[FlowRecord]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            archive.writestr(f"{record.namespace}.{record.id}.yml", record.source)
    return buffer.getvalue()


def _zip_response(records: Iterable[FlowRecord]) -> Response:
    return Response(
        _zip(records),
        media_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="flows.zip"'},
    )


def _import_documents(data: bytes, filename: str) -> tuple[list[_Document], list[str]]:
    """The documents of an upload (each .yml/.yaml entry of a ZIP, or the documents of one YAML file), and the
    names of the entries that cannot even be read as text."""
    if not (filename.lower().endswith(".zip") or data.startswith(b"PK\x03\x04")):
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            return [], [filename]
        documents = _split_documents(text)
        if len(documents) == 1:
            return [replace(documents[0], name=filename)], []
        return [replace(d, name=f"{filename}[{d.index}]") for d in documents], []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ApiError(422, f"{filename}: not a ZIP archive: {exc}") from None
    documents: list[_Document] = []
    unreadable: list[str] = []
    entries = [info for info in archive.infolist() if _is_flow_entry(info)]
    if len(entries) > MAX_IMPORT_ENTRIES:
        raise ApiError(422, f"{filename}: {len(entries)} files; at most {MAX_IMPORT_ENTRIES} may be imported at once")
    with archive:
        for info in entries:
            if info.file_size > MAX_BYTES:
                unreadable.append(info.filename)
                continue
            try:
                text = archive.read(info).decode("utf-8").removeprefix("\ufeff")
            except (UnicodeDecodeError, zipfile.BadZipFile, RuntimeError, OSError):
                unreadable.append(info.filename)
                continue
            documents.append(_Document(len(documents), text, 1, info.filename))
    return documents, unreadable


def _is_flow_entry(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return not info.is_dir() and name.lower().endswith((".yml", ".yaml")) and not name.startswith("__MACOSX/")


def _import(rt: Runtime, documents: list[_Document], unreadable: list[str], fail_on_error: bool) -> list[str]:
    """Store the valid documents (all in one transaction); the names of the invalid ones are returned, or with
    `fail_on_error` the first one fails the request and nothing is stored."""
    if unreadable and fail_on_error:
        raise ApiError(422, f"{unreadable[0]}: not a UTF-8 YAML file of at most {MAX_BYTES} bytes; nothing imported")
    invalid = list(unreadable)
    valid: list[tuple[Flow, str]] = []
    for document in documents:
        name = document.name or f"document {document.index}"
        loaded = _load(rt, document, name)
        if loaded.flow is None or loaded.errors:
            if fail_on_error:
                raise FlowInvalid(loaded.violations)
            invalid.append(name)
        else:
            valid.append((loaded.flow, document.text))
    _check_unique(valid)
    with rt.store.transaction() as unit:
        for flow, source in valid:
            unit.flows.save(flow.namespace, flow.id, source, flow_json=_flow_json(flow))
    return invalid


# -- source search -------------------------------------------------------------------------------------------------
_SCOPE_KEYS = {
    "TASKS": ("tasks", "errors", "finally", "afterExecution"),
    "TRIGGERS": ("triggers",),
    "INPUTS": ("inputs",),
}


def _source_pattern(q: str, case_sensitive: bool, whole_word: bool, regex: bool) -> re.Pattern[str]:
    text = q if regex else re.escape(q)
    if whole_word:
        text = rf"\b(?:{text})\b"
    try:
        return re.compile(text, 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise ApiError(400, f"q: invalid regular expression '{q}': {exc}") from None


def _scope_lines(source: str, scope: str) -> set[int] | None:
    """The line numbers of the top-level sections a scope covers (None: every line)."""
    keys = _SCOPE_KEYS.get(scope)
    if keys is None:
        return None
    try:
        doc: YamlDocument = parse_yaml(source)
    except YamlInvalid:
        return set()
    starts = sorted((position.line, path[0]) for path, position in doc.keys.items() if len(path) == 1)
    total = source.count("\n") + 1
    lines: set[int] = set()
    for number, (line, key) in enumerate(starts):
        if key in keys:
            stop = starts[number + 1][0] if number + 1 < len(starts) else total + 1
            lines.update(range(line, stop))
    return lines


def _source_matches(record: FlowRecord, pattern: re.Pattern[str], scope: str) -> list[dict[str, Any]]:
    allowed = _scope_lines(record.source, scope)
    matches = []
    for number, line in enumerate(record.source.splitlines(), start=1):
        if allowed is not None and number not in allowed:
            continue
        for found in pattern.finditer(line):
            matches.append({"line": number, "column": found.start() + 1, "snippet": line.strip()})
    return matches


# -- routes with literal segments ----------------------------------------------------------------------------------
@router.post("/flows")
async def create_flow(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    source = await _text_body(request)
    return await run_in_threadpool(_create, rt, source)


@router.get("/flows/search")
def search_flows(
    request: Request,
    page_number: int = Query(1, alias="page", ge=1),
    size: int = Query(10, ge=1, le=10_000),
    sort: list[str] = Query([]),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    records = _sorted(_find(rt, _flow_filters(request)), sort)
    chunk = records[(page_number - 1) * size : page_number * size]
    return page([flow_document(record, source=False) for record in chunk], len(records))


@router.get("/flows/source")
def search_flows_by_source_code(
    q: str = Query(min_length=1),
    namespace: str | None = None,
    case_sensitive: bool = Query(False, alias="caseSensitive"),
    whole_word: bool = Query(False, alias="wholeWord"),
    regex: bool = False,
    scope: str = "ALL",
    page_number: int = Query(1, alias="page", ge=1),
    size: int = Query(10, ge=1, le=10_000),
    sort: list[str] = Query([]),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    if scope not in ("ALL", *_SCOPE_KEYS):
        raise ApiError(400, f"scope: expected ALL, TASKS, TRIGGERS or INPUTS, got '{scope}'")
    pattern = _source_pattern(q, case_sensitive, whole_word, regex)
    results = []
    for record in _sorted(list(_live_flows(rt, namespace or None)), sort):
        matches = _source_matches(record, pattern, scope)
        if matches:
            results.append({"namespace": record.namespace, "id": record.id, "editable": True, "matches": matches})
    return page(results[(page_number - 1) * size : page_number * size], len(results))


@router.get("/flows/distinct-namespaces")
def distinct_namespaces(q: str | None = None, rt: Runtime = Depends(runtime)) -> list[str]:
    namespaces = rt.store.flows.namespaces()
    return [ns for ns in namespaces if q.lower() in ns.lower()] if q else namespaces


@router.post("/flows/validate")
async def validate_flows(request: Request, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    documents = _split_documents(await _text_body(request))
    return await run_in_threadpool(lambda: [_validation(rt, document) for document in documents])


@router.post("/flows/bulk")
async def bulk_update_flows(
    request: Request,
    delete: bool = False,
    namespace: str | None = None,
    allow_namespace_child: bool = Query(False, alias="allowNamespaceChild"),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    documents = _split_documents(await _text_body(request))
    return await run_in_threadpool(
        lambda: _apply(rt, documents, namespace=namespace or None, delete=delete, children=allow_namespace_child)
    )


@router.post("/flows/graph")
async def graph_from_source(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    source = await _text_body(request)
    return await run_in_threadpool(lambda: flow_graph_document(rt.app.flows.load(source)))


@router.post("/flows/import")
async def import_flows(
    request: Request, fail_on_error: bool = Query(False, alias="failOnError"), rt: Runtime = Depends(runtime)
) -> list[str]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(400, "expected a multipart/form-data body with the file in the part `fileUpload`")
    async with request.form() as form:  # closes the uploaded parts' temporary files
        upload = form.get("fileUpload")
        if not isinstance(upload, UploadFile):
            raise ApiError(400, "expected the file in the multipart part `fileUpload`")
        data = await upload.read()
        filename = upload.filename or "flows.yml"
    documents, unreadable = await run_in_threadpool(_import_documents, data, filename)
    return await run_in_threadpool(_import, rt, documents, unreadable, fail_on_error)


@router.post("/flows/export/by-ids")
async def export_by_ids(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    ids = await _ids_body(request)
    return await run_in_threadpool(lambda: _zip_response(_by_ids(rt, ids)))


@router.get("/flows/export/by-query")
def export_by_query(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    return _zip_response(_find(rt, _flow_filters(request)))


@router.get("/flows/export/by-query/csv")
def export_by_query_csv(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "namespace", "revision", "description", "labels", "disabled", "updated"])
    for record in _find(rt, _flow_filters(request)):
        labels = ",".join(f"{key}:{value}" for key, value in _labels_of_record(record).items())
        data = record.flow_json
        writer.writerow(
            [
                record.id,
                record.namespace,
                record.revision,
                data.get("description", ""),
                labels,
                str(bool(data.get("disabled", False))).lower(),
                iso(record.updated),
            ]
        )
    return Response(
        buffer.getvalue(), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="flows.csv"'}
    )


@router.delete("/flows/delete/by-ids")
async def delete_by_ids(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    ids = await _ids_body(request)
    return {"count": await run_in_threadpool(lambda: _delete(rt, _by_ids(rt, ids)))}


@router.delete("/flows/delete/by-query")
def delete_by_query(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    return {"count": _delete(rt, _find(rt, _flow_filters(request)))}


@router.post("/flows/disable/by-ids")
async def disable_by_ids(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    ids = await _ids_body(request)
    return {"count": await run_in_threadpool(lambda: _set_disabled(rt, _by_ids(rt, ids), True))}


@router.post("/flows/enable/by-ids")
async def enable_by_ids(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    ids = await _ids_body(request)
    return {"count": await run_in_threadpool(lambda: _set_disabled(rt, _by_ids(rt, ids), False))}


@router.post("/flows/disable/by-query")
def disable_by_query(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    return {"count": _set_disabled(rt, _find(rt, _flow_filters(request)), True)}


@router.post("/flows/enable/by-query")
def enable_by_query(request: Request, rt: Runtime = Depends(runtime)) -> dict[str, int]:
    return {"count": _set_disabled(rt, _find(rt, _flow_filters(request)), False)}


# -- templated routes ----------------------------------------------------------------------------------------------
@router.get("/flows/{namespace}")
def list_flows_by_namespace(namespace: str, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    return [
        flow_document(record, source=False)
        for record in _live_flows(rt, namespace)
        if record.namespace == namespace  # the store's scan includes child namespaces
    ]


@router.post("/flows/{namespace}")
async def update_flows_in_namespace(
    namespace: str,
    request: Request,
    delete: bool = True,
    override: bool = False,
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    documents = _split_documents(await _text_body(request))
    return await run_in_threadpool(lambda: _apply(rt, documents, namespace=namespace, delete=delete, override=override))


@router.get("/flows/{namespace}/{flow_id}")
def get_flow(
    namespace: str,
    flow_id: str,
    source: bool = True,
    revision: int | None = Query(None, ge=1),
    allow_deleted: bool = Query(False, alias="allowDeleted"),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    return flow_document(_record(rt, namespace, flow_id, revision, allow_deleted), source=source)


@router.put("/flows/{namespace}/{flow_id}")
async def update_flow(namespace: str, flow_id: str, request: Request, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    source = await _text_body(request)
    return await run_in_threadpool(_update, rt, namespace, flow_id, source)


@router.delete("/flows/{namespace}/{flow_id}", status_code=204)
def delete_flow(namespace: str, flow_id: str, rt: Runtime = Depends(runtime)) -> Response:
    _delete(rt, [_record(rt, namespace, flow_id)])
    return Response(status_code=204)


@router.get("/flows/{namespace}/{flow_id}/revisions")
def list_revisions(
    namespace: str,
    flow_id: str,
    allow_delete: bool = Query(False, alias="allowDelete"),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    revisions = rt.store.flows.revisions(namespace, flow_id)
    if not revisions or (revisions[-1].deleted and not allow_delete):
        raise ApiError(404, f"flow {namespace}.{flow_id} not found")
    return [flow_document(record) for record in revisions if allow_delete or not record.deleted]


@router.get("/flows/{namespace}/{flow_id}/graph")
def flow_graph(
    namespace: str,
    flow_id: str,
    revision: int | None = Query(None, ge=1),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    return flow_graph_document(_parsed(rt, namespace, flow_id, revision))


@router.get("/flows/{namespace}/{flow_id}/tasks/{task_id}")
def flow_task(
    namespace: str,
    flow_id: str,
    task_id: str,
    revision: int | None = Query(None, ge=1),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    task = _find_task(_parsed(rt, namespace, flow_id, revision), task_id)
    if task is None:
        raise ApiError(404, f"task '{task_id}' not found in flow {namespace}.{flow_id}")
    return task.model_dump(mode="json", by_alias=True, exclude_none=True)
