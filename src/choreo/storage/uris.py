"""Where Kestra puts each kind of file: pure functions building `kestra://` URIs with Kestra's exact layout.

Mirrors Kestra's `StorageContext` so storage directories and URIs stored in executions are interchangeable:

    /{namespace as path}/{flow}/executions/{execution}/tasks/{task}/{taskRun}/{file}    task outputs
    /{namespace as path}/{flow}/executions/{execution}/inputs/{input}/{file}           FILE inputs
    /{namespace as path}/{flow}/executions/{execution}/trigger/{trigger}/{file}        trigger files
    /{namespace as path}/_files/{path}                                                 namespace files
    /{namespace as path}/_kv/{key}.ion                                                 KV entries

As in Kestra, flow, task and trigger ids are slugified (`Slugify.of`); execution, task-run and input ids are used
as they are, so they must be plain ids. File names are sanitised. Anything unusable raises `InvalidPath`.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidPath
from .paths import MAX_NAME_BYTES, RESERVED_PREFIX, format_uri, parse_relative_path, parse_uri

__all__ = [
    "execution_id_of",
    "execution_uri",
    "flow_uri",
    "input_file_uri",
    "kv_prefix_uri",
    "kv_uri",
    "namespace_file_uri",
    "namespace_files_uri",
    "namespace_path",
    "sanitize_filename",
    "slugify",
    "task_file_uri",
    "task_uri",
    "trigger_file_uri",
    "trigger_uri",
]

NAMESPACE_FILES_DIR = "_files"
KV_DIR = "_kv"

_NAMESPACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_KV_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_EXECUTION_IN_PATH = re.compile(r"^/(.+)/executions/([^/]+)/", re.IGNORECASE)


def slugify(value: str) -> str:
    """Kestra's `Slugify.of`: whitespace to `-`, accents and other non-word characters dropped, `_` to `-`, lower."""
    text = re.sub(r"\s", "-", value, flags=re.ASCII)
    text = unicodedata.normalize("NFD", text)
    text = re.sub(r"[^\w-]", "", text, flags=re.ASCII).replace("_", "-")
    text = re.sub(r"-{2,}", "-", text).removeprefix("-").removesuffix("-")
    return text.lower()


def sanitize_filename(name: str) -> str:
    """A safe single file name from whatever a browser, an HTTP server or a task offered.

    Keeps the last path component (uploads may carry `C:\\Users\\me\\data.csv`), drops control characters,
    replaces `:` and `%XX` look-alikes with `_`, trims spaces and trailing dots, and shortens it to 255 bytes
    keeping the extension. Raises `InvalidPath` when nothing usable is left (``""``, ``.``, ``..``).
    """
    if not isinstance(name, str):
        raise InvalidPath(f"a file name must be a string, not {type(name).__name__}")
    base = re.split(r"[/\\]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).encode("utf-8", "ignore").decode("utf-8")
    base = base.replace(":", "_")
    base = re.sub(r"%(?=[0-9A-Fa-f]{2})", "_", base)
    base = base.strip().rstrip(". ")
    if base.startswith(RESERVED_PREFIX):
        base = "_" + base
    base = _shorten(base)
    if base in ("", ".", ".."):
        raise InvalidPath(f"file name {name[:200]!r} is empty once made safe")
    return base


def namespace_path(namespace: str) -> str:
    """`io.kestra.demo` → `io/kestra/demo`; parts are `[A-Za-z0-9_-]`, the first character alphanumeric."""
    if not isinstance(namespace, str) or not _NAMESPACE.fullmatch(namespace):
        raise InvalidPath(f"invalid namespace {str(namespace)[:200]!r}")
    return namespace.replace(".", "/")


def flow_uri(namespace: str, flow_id: str) -> str:
    """`kestra:///{ns}/{flow}`: everything stored for one flow (executions, caches)."""
    return _uri(namespace, _slug(flow_id, "flow id"))


def execution_uri(namespace: str, flow_id: str, execution_id: str) -> str:
    """`kestra:///{ns}/{flow}/executions/{execution}`: delete this prefix to purge an execution's files."""
    return _uri(namespace, _slug(flow_id, "flow id"), "executions", _id(execution_id, "execution id"))


def task_uri(namespace: str, flow_id: str, execution_id: str, task_id: str, task_run_id: str) -> str:
    """The directory of one task run's files."""
    return _join(
        execution_uri(namespace, flow_id, execution_id),
        "tasks",
        _slug(task_id, "task id"),
        _id(task_run_id, "task run id"),
    )


def task_file_uri(
    namespace: str, flow_id: str, execution_id: str, task_id: str, task_run_id: str, filename: str
) -> str:
    """Where a task run's output file goes."""
    return _join(task_uri(namespace, flow_id, execution_id, task_id, task_run_id), sanitize_filename(filename))


def input_file_uri(namespace: str, flow_id: str, execution_id: str, input_id: str, filename: str) -> str:
    """Where an uploaded FILE input goes."""
    return _join(
        execution_uri(namespace, flow_id, execution_id),
        "inputs",
        _id(input_id, "input id"),
        sanitize_filename(filename),
    )


def trigger_uri(namespace: str, flow_id: str, execution_id: str, trigger_id: str) -> str:
    """The directory of the files a trigger attached to an execution (webhook bodies, polled files)."""
    return _join(execution_uri(namespace, flow_id, execution_id), "trigger", _slug(trigger_id, "trigger id"))


def trigger_file_uri(namespace: str, flow_id: str, execution_id: str, trigger_id: str, filename: str) -> str:
    return _join(trigger_uri(namespace, flow_id, execution_id, trigger_id), sanitize_filename(filename))


def namespace_files_uri(namespace: str) -> str:
    """`kestra:///{ns}/_files`: the root of a namespace's files."""
    return _uri(namespace, NAMESPACE_FILES_DIR)


def namespace_file_uri(namespace: str, path: str) -> str:
    """The URI of namespace file `path` (relative, canonicalised; `..`, absolute paths and the like refused)."""
    names = parse_relative_path(path)
    if not names:
        raise InvalidPath(f"invalid namespace file path {path[:200]!r}: empty")
    return _join(namespace_files_uri(namespace), *names)


def kv_prefix_uri(namespace: str) -> str:
    return _uri(namespace, KV_DIR)


def kv_uri(namespace: str, key: str) -> str:
    """`kestra:///{ns}/_kv/{key}.ion`; keys follow Kestra's `[a-zA-Z0-9][a-zA-Z0-9._-]*`."""
    if not isinstance(key, str) or not _KV_KEY.fullmatch(key):
        raise InvalidPath(f"invalid KV key {str(key)[:200]!r}")
    return _join(kv_prefix_uri(namespace), key + ".ion")


def execution_id_of(uri: str) -> str | None:
    """The execution a URI belongs to (`.../executions/{id}/...`), as Kestra's `extractExecutionId`; else None."""
    match = _EXECUTION_IN_PATH.match(parse_uri(uri).path + "/")
    return match.group(2) if match else None


def _uri(namespace: str, *names: str) -> str:
    return format_uri(tuple(namespace_path(namespace).split("/")) + names)


def _join(uri: str, *names: str) -> str:
    return parse_uri(uri).joinpath(*names).uri


def _slug(value: str, what: str) -> str:
    slug = slugify(value) if isinstance(value, str) else ""
    if not slug:
        raise InvalidPath(f"invalid {what} {str(value)[:200]!r}: nothing left once slugified")
    return slug


def _id(value: str, what: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value) or len(value.encode()) > MAX_NAME_BYTES:
        raise InvalidPath(f"invalid {what} {str(value)[:200]!r}")
    return value


def _shorten(name: str) -> str:
    """Cut to 255 UTF-8 bytes without splitting a character, keeping a short extension."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    return stem.encode("utf-8")[:budget].decode("utf-8", "ignore") + suffix
