"""Namespaces: their key/value store, their files, and which namespaces exist.

A namespace exists when a flow, a namespace file or a KV entry lives in it or in one of its children (as in Kestra
OSS, where namespaces are not created explicitly). Namespace-file paths arrive in `?path=` (Kestra's leading `/` is
accepted); they are canonicalised by the storage layer, which refuses traversal with a 400 before touching a file.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi import Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from choreo.api.app import runtime, tenant_router
from choreo.api.documents import iso, kv_entry_document, page
from choreo.api.errors import ApiError
from choreo.api.filters import parse
from choreo.api.routes.misc import matches, page_of, sort_key
from choreo.model.durations import parse_duration
from choreo.server.runtime import Runtime
from choreo.storage import FileNotFoundInStorage, LocalStorage, NamespaceFiles, StorageError, namespace_path
from choreo.storage.paths import parse_relative_path
from choreo.store.errors import InvalidKey
from choreo.store.kv import KEY_PATTERN, encode
from choreo.store.records import KVEntry, KVType

router = tenant_router()

#: How deep namespace directories are searched for namespace files (`a/b/c/_files` is depth 3).
MAX_NAMESPACE_DEPTH = 16
_FILES_DIR = "_files"
_NOT_NAMESPACES = frozenset({_FILES_DIR, "_kv", "executions"})


def _check_namespace(namespace: str) -> str:
    namespace_path(namespace)  # InvalidPath (400) for anything that is not a dotted namespace
    return namespace


# -- which namespaces exist ----------------------------------------------------------------------------------------


def _file_namespaces(storage: LocalStorage) -> set[str]:
    """Namespaces with a namespace-files directory: `kestra:///a/b/_files` is `a.b`. Execution directories are
    skipped, so the walk visits namespace and flow directories only."""
    found: set[str] = set()
    pending: list[tuple[str, tuple[str, ...]]] = [("kestra:///", ())]
    while pending:
        uri, names = pending.pop()
        try:
            entries = storage.list(uri)
        except StorageError:  # removed meanwhile, or not a directory any more
            continue
        for entry in entries:
            if not entry.is_dir:
                continue
            if entry.name == _FILES_DIR and names:
                found.add(".".join(names))
            elif entry.name not in _NOT_NAMESPACES and len(names) < MAX_NAMESPACE_DEPTH:
                pending.append((entry.uri, (*names, entry.name)))
    return found


def _kv_namespaces(rt: Runtime) -> list[str]:
    """Namespaces holding KV entries (the repository lists one namespace at a time)."""
    return rt.store.kv.namespaces()


def _with_parents(namespaces: set[str]) -> set[str]:
    expanded = set()
    for namespace in namespaces:
        parts = namespace.split(".")
        expanded.update(".".join(parts[: index + 1]) for index in range(len(parts)))
    return expanded


def all_namespaces(rt: Runtime) -> list[str]:
    found = set(rt.store.flows.namespaces()) | _file_namespaces(rt.storage)
    found |= {namespace for namespace in _kv_namespaces(rt) if rt.store.kv.list(namespace)}
    return sorted(_with_parents(found))


def _namespace_document(namespace: str) -> dict[str, Any]:
    return {"id": namespace, "deleted": False}


@router.get("/namespaces/search")
def search_namespaces(
    request: Request,
    q: str | None = None,
    page_number: int = Query(default=1, ge=1, alias="page"),
    size: int = Query(default=25, ge=1, le=10_000),
    sort: list[str] | None = Query(default=None),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    filters = parse(request.query_params)
    namespaces = all_namespaces(rt)
    if q:
        namespaces = [namespace for namespace in namespaces if q.lower() in namespace.lower()]
    for item in filters.all_of:
        if item.field == "q":  # free text: a substring, whatever the operation
            needle = str(item.value or "").lower()
            namespaces = [namespace for namespace in namespaces if needle in namespace.lower()]
        elif item.field in ("namespace", "id"):
            namespaces = [namespace for namespace in namespaces if matches(item, namespace)]
        else:
            raise ApiError(400, f"filters[{item.field}]: not a supported namespace filter")
    _, descending = sort_key(sort, ("id",), "id:asc")
    namespaces.sort(reverse=descending)
    results = [_namespace_document(namespace) for namespace in page_of(namespaces, page_number, size)]
    return page(results, len(namespaces))


# -- key/value store -----------------------------------------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}\S*")
_DURATION = re.compile(r"[-+]?P\S+", re.IGNORECASE)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def typed_value(body: str) -> tuple[Any, KVType]:
    """Kestra reads a KV body as a literal: a JSON number, boolean, object, array or quoted string keeps its type;
    unquoted ISO dates, date-times and durations become DATE, DATETIME and DURATION; anything else is the string."""
    stripped = body.strip()
    try:
        value = json.loads(stripped, parse_constant=_not_json)
    except ValueError:
        return _unquoted(body, stripped)
    if isinstance(value, bool):
        return value, KVType.BOOLEAN
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return body, KVType.STRING  # 1e999: not a number a store can keep
        return value, KVType.NUMBER
    if isinstance(value, str):
        return value, KVType.STRING
    return value, KVType.JSON


def _unquoted(body: str, stripped: str) -> tuple[Any, KVType]:
    if _DATE.fullmatch(stripped):
        try:
            return date.fromisoformat(stripped), KVType.DATE
        except ValueError:
            pass
    if _DATETIME.fullmatch(stripped):
        try:
            parsed = datetime.fromisoformat(stripped)
        except ValueError:
            pass
        else:
            return (parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=UTC)), KVType.DATETIME
    if _DURATION.fullmatch(stripped):
        try:
            return parse_duration(stripped), KVType.DURATION
        except ValueError:
            pass
    return body, KVType.STRING


def _ttl(value: str | None) -> timedelta | None:
    if value is None or not value.strip():
        return None
    try:
        ttl = parse_duration(value)
    except ValueError as exc:
        raise ApiError(400, f"header ttl: {exc}") from None
    if ttl <= timedelta(0):
        raise ApiError(400, f"header ttl: must be positive, got {value!r}")
    return ttl


def _check_key(key: str) -> None:
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidKey(f"invalid KV key {key!r}: use letters, digits, '.', '_', '-', starting with a letter or digit")


def _missing(namespace: str, key: str) -> ApiError:
    return ApiError(404, f"No value found for key '{key}' in namespace '{namespace}'")


def _detail(entry: KVEntry) -> dict[str, Any]:
    """Kestra's `KVControllerKvDetail`: the value in its JSON form (ISO strings for dates and durations)."""
    return {
        "type": entry.type.value,
        "value": encode(entry.value, entry.type),
        "revision": 1,
        "updated": iso(entry.updated),
    }


@router.put("/namespaces/{namespace}/kv/{key}", status_code=204)
async def set_key_value(
    namespace: str, key: str, request: Request, ttl: str | None = Header(default=None), rt: Runtime = Depends(runtime)
) -> Response:
    _check_namespace(namespace)
    _check_key(key)
    expires_in = _ttl(ttl)
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, f"KV value for '{key}': the body is not UTF-8 text") from None
    value, kind = typed_value(body)
    await run_in_threadpool(lambda: rt.store.kv.put(namespace, key, value, kind, ttl=expires_in))
    return Response(status_code=204)


@router.get("/namespaces/{namespace}/kv/inheritance")
def list_keys_with_inheritance(namespace: str, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    """The keys of the namespace and of its parents; a key set in a child hides the parent's."""
    _check_namespace(namespace)
    parts = namespace.split(".")
    seen: dict[str, KVEntry] = {}
    for depth in range(len(parts), 0, -1):
        for entry in rt.store.kv.list(".".join(parts[:depth])):
            seen.setdefault(entry.key, entry)
    return [kv_entry_document(entry) for entry in sorted(seen.values(), key=lambda e: (e.namespace, e.key))]


@router.get("/namespaces/{namespace}/kv/{key}")
def key_value(namespace: str, key: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    _check_namespace(namespace)
    entry = rt.store.kv.get(namespace, key)
    if entry is None:
        raise _missing(namespace, key)
    return _detail(entry)


@router.delete("/namespaces/{namespace}/kv/{key}")
def delete_key_value(namespace: str, key: str, rt: Runtime = Depends(runtime)) -> bool:
    """Kestra answers whether a key was deleted (false when it was missing)."""
    _check_namespace(namespace)
    return rt.store.kv.delete(namespace, key)


class DeleteKeysRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    keys: list[str]


@router.delete("/namespaces/{namespace}/kv")
def delete_key_values(namespace: str, body: DeleteKeysRequest, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    _check_namespace(namespace)
    for key in body.keys:  # every key checked before any is deleted
        _check_key(key)
    return {"keys": [key for key in body.keys if rt.store.kv.delete(namespace, key)]}


@router.get("/namespaces/{namespace}/kv")
def list_keys(namespace: str, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    """Kestra 1.x's per-namespace listing (2.x clients use `/kv` with a namespace filter)."""
    _check_namespace(namespace)
    return [kv_entry_document(entry) for entry in rt.store.kv.list(namespace)]


_KV_SORTS = ("namespace", "key", "creationDate", "updateDate", "expirationDate")


def _kv_sort_value(entry: KVEntry, field: str) -> Any:
    never = datetime.max.replace(tzinfo=UTC)
    return {
        "namespace": (entry.namespace, entry.key),
        "key": (entry.key, entry.namespace),
        "creationDate": entry.created,
        "updateDate": entry.updated,
        "expirationDate": entry.expires_at or never,
    }[field]


@router.get("/kv")
def list_all_keys(
    request: Request,
    page_number: int = Query(default=1, ge=1, alias="page"),
    size: int = Query(default=25, ge=1, le=10_000),
    sort: list[str] | None = Query(default=None),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Every live key of every namespace, filtered (`filters[namespace][EQUALS]=…`, `filters[q]…`), paged."""
    filters = parse(request.query_params, legacy={"namespace": "namespace", "q": "q"})
    for item in filters.all_of:
        if item.field not in ("namespace", "key", "q"):
            raise ApiError(400, f"filters[{item.field}]: not a supported KV filter")
    namespace_filters = [item for item in filters.all_of if item.field == "namespace"]
    entries = []
    for namespace in _kv_namespaces(rt):
        if all(matches(item, namespace) for item in namespace_filters):
            entries.extend(rt.store.kv.list(namespace))
    for item in filters.all_of:
        if item.field == "key":
            entries = [entry for entry in entries if matches(item, entry.key)]
        elif item.field == "q":
            needle = str(item.value or "").lower()
            entries = [entry for entry in entries if needle in entry.key.lower()]
    field, descending = sort_key(sort, _KV_SORTS, "namespace:asc")
    entries.sort(key=lambda entry: _kv_sort_value(entry, field), reverse=descending)
    return page([kv_entry_document(entry) for entry in page_of(entries, page_number, size)], len(entries))


# -- namespace files -----------------------------------------------------------------------------------------------


def _files(rt: Runtime, namespace: str) -> NamespaceFiles:
    return NamespaceFiles(rt.storage, namespace)


def _relative(path: str | None) -> str:
    """Kestra's `/scripts/x.py` as the storage's relative `scripts/x.py` (one leading slash only: `//x` stays
    absolute and is refused)."""
    return (path or "").removeprefix("/")


def _is_root(path: str) -> bool:
    return not parse_relative_path(path)


def _uri(files: NamespaceFiles, path: str) -> str:
    """The URI of a file or directory of the namespace, the namespace's root for an empty path."""
    return files.root_uri if _is_root(path) else files.uri(path)


def _attributes(rt: Runtime, files: NamespaceFiles, path: str) -> dict[str, Any] | None:
    try:
        found = rt.storage.attributes(_uri(files, path))
    except FileNotFoundInStorage:
        return None
    document = found.to_kestra()
    if _is_root(path):
        document["fileName"] = ""
    return document


def _shown(path: str) -> str:
    return "/" + path.lstrip("/")


@router.get("/namespaces/{namespace}/files/stats")
def file_metadatas(namespace: str, path: str | None = None, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    files, relative = _files(rt, namespace), _relative(path)
    document = _attributes(rt, files, relative)
    if document is None:
        if not _is_root(relative):
            raise ApiError(404, f"namespace file '{_shown(relative)}' not found in namespace '{namespace}'")
        document = {"fileName": "", "lastModifiedTime": 0, "creationTime": 0, "type": "Directory", "size": 0}
    return document


@router.get("/namespaces/{namespace}/files/directory")
def list_directory(namespace: str, path: str | None = None, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    files, relative = _files(rt, namespace), _relative(path)
    found = _attributes(rt, files, relative)
    if found is None:
        if _is_root(relative):
            return []
        raise ApiError(404, f"directory '{_shown(relative)}' not found in namespace '{namespace}'")
    if found["type"] != "Directory":
        raise ApiError(400, f"'{_shown(relative)}' is a file, not a directory")
    return [entry.to_kestra() for entry in rt.storage.list(_uri(files, relative))]


@router.post("/namespaces/{namespace}/files/directory", status_code=204)
def create_directory(namespace: str, path: str | None = None, rt: Runtime = Depends(runtime)) -> Response:
    files, relative = _files(rt, namespace), _relative(path)
    rt.storage.mkdirs(_uri(files, relative))
    return Response(status_code=204)


@router.get("/namespaces/{namespace}/files/export")
def export_files(namespace: str, rt: Runtime = Depends(runtime)) -> Response:
    """A ZIP of the namespace's files, paths relative to the namespace (empty directories kept)."""
    files = _files(rt, namespace)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files.list(include_dirs=True):
            if file.is_dir:
                archive.writestr(file.path + "/", b"")
                continue
            with rt.storage.open(file.uri) as source, archive.open(file.path, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    return Response(
        buffer.getvalue(),
        media_type="application/octet-stream",
        headers={"Content-Disposition": _attachment(f"{namespace}_files.zip")},
    )


@router.get("/namespaces/{namespace}/files/search")
def search_files(namespace: str, q: str = "", rt: Runtime = Depends(runtime)) -> list[str]:
    """Paths (with Kestra's leading `/`) of the files whose path contains `q`, ignoring case."""
    needle = q.lower()
    return ["/" + file.path for file in _files(rt, namespace).list() if needle in file.path.lower()]


@router.get("/namespaces/{namespace}/files/revisions")
def file_revisions(namespace: str, path: str | None = None, rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    """Namespace files are not versioned here: an existing file has one revision."""
    files, relative = _files(rt, namespace), _relative(path)
    if _attributes(rt, files, relative) is None:
        raise ApiError(404, f"namespace file '{_shown(relative)}' not found in namespace '{namespace}'")
    return [{"revision": 1}]


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/namespaces/{namespace}/files")
def file_content(namespace: str, path: str = Query(), rt: Runtime = Depends(runtime)) -> StreamingResponse:
    files, relative = _files(rt, namespace), _relative(path)
    stream = files.open(relative)  # 400/404 now, before the response starts

    def chunks() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(1024 * 1024):
                yield chunk

    name = relative.rstrip("/").rsplit("/", 1)[-1]
    return StreamingResponse(
        chunks(), media_type="application/octet-stream", headers={"Content-Disposition": _attachment(name)}
    )


async def _upload(request: Request) -> tuple[BinaryIO | bytes, Any]:
    """The file's content: the multipart part `fileContent` (or the only file part), else the raw body. Also returns
    the form to close once stored."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return await request.body(), None
    form = await request.form()
    part = form.get("fileContent")
    if part is None:
        part = next((value for _, value in form.multi_items() if isinstance(value, UploadFile)), None)
    if isinstance(part, UploadFile):
        return part.file, form
    return (part or "").encode("utf-8"), form


@router.post("/namespaces/{namespace}/files", status_code=204)
async def create_file(
    namespace: str, request: Request, path: str = Query(), rt: Runtime = Depends(runtime)
) -> Response:
    """Create or replace a file (no body: an empty file; a path ending with `/` and no body: a directory)."""
    files, relative = _files(rt, namespace), _relative(path)
    uri = _uri(files, relative)  # refuses a bad path before the body is read
    if _is_root(relative):
        raise ApiError(400, "path: give the path of the file to create, e.g. /scripts/etl.py")
    content, form = await _upload(request)
    try:
        if relative.endswith("/") and content == b"":
            await run_in_threadpool(rt.storage.mkdirs, uri)
        else:
            await run_in_threadpool(files.put, relative, content)
    finally:
        if form is not None:
            await form.close()
    return Response(status_code=204)


@router.put("/namespaces/{namespace}/files", status_code=204)
def move_file(
    namespace: str,
    source: str = Query(alias="from"),
    target: str = Query(alias="to"),
    rt: Runtime = Depends(runtime),
) -> Response:
    files, old, new = _files(rt, namespace), _relative(source), _relative(target)
    if _is_root(old) or _is_root(new):
        raise ApiError(400, "from and to must name a file or directory, not the namespace root")
    old_uri, new_uri = files.uri(old), files.uri(new)  # both checked before anything moves
    if not rt.storage.exists(old_uri):
        raise ApiError(404, f"namespace file '{_shown(old)}' not found in namespace '{namespace}'")
    if old_uri != new_uri and rt.storage.exists(new_uri):
        raise ApiError(409, f"'{_shown(new)}' already exists in namespace '{namespace}'")
    files.move(old, new)
    return Response(status_code=204)


@router.delete("/namespaces/{namespace}/files", status_code=204)
def delete_file(namespace: str, path: str = Query(), rt: Runtime = Depends(runtime)) -> Response:
    """Delete a file, or a directory with everything in it."""
    files, relative = _files(rt, namespace), _relative(path)
    if _is_root(relative):
        raise ApiError(400, "path: refusing to delete every file of the namespace; give a file or directory")
    if not files.delete(relative):
        raise ApiError(404, f"namespace file '{_shown(relative)}' not found in namespace '{namespace}'")
    return Response(status_code=204)


# -- one namespace (declared last: `/namespaces/search` and the sub-resources come first) ---------------------------


@router.get("/namespaces/{namespace}")
def get_namespace(namespace: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    _check_namespace(namespace)
    if namespace not in all_namespaces(rt):
        raise ApiError(404, f"namespace '{namespace}' not found: no flow, file or KV entry in it or its children")
    return _namespace_document(namespace)
