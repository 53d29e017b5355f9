"""Choreo's internal storage: files behind `kestra://` URIs, laid out on disk exactly as Kestra lays them out.

    storage = LocalStorage(home / "storage")
    uri = storage.put(task_file_uri("company.team", "etl", execution_id, "extract", task_run_id, "rows.csv"), data)
    storage.read_bytes(uri)
    NamespaceFiles(storage, "company.team").glob(include=["scripts/**"], exclude=["**.md"])

Every URI and namespace-file path is canonicalised, then checked to stay under the root (`paths`); violations
raise `InvalidPath`, missing files `FileNotFoundInStorage`; neither message ever shows a real filesystem path.
"""

from __future__ import annotations

from .attributes import FileAttributes
from .errors import FileNotFoundInStorage, InvalidPath, StorageError
from .globs import glob_to_regex, path_filter
from .local import LocalStorage, PutData
from .namespace_files import NamespaceFile, NamespaceFiles
from .paths import StoragePath, format_uri, parse_relative_path, parse_uri
from .uris import (
    execution_id_of,
    execution_uri,
    flow_uri,
    input_file_uri,
    kv_prefix_uri,
    kv_uri,
    namespace_file_uri,
    namespace_files_uri,
    namespace_path,
    sanitize_filename,
    slugify,
    task_file_uri,
    task_uri,
    trigger_file_uri,
    trigger_uri,
)

__all__ = [
    "FileAttributes",
    "FileNotFoundInStorage",
    "InvalidPath",
    "LocalStorage",
    "NamespaceFile",
    "NamespaceFiles",
    "PutData",
    "StorageError",
    "StoragePath",
    "execution_id_of",
    "execution_uri",
    "flow_uri",
    "format_uri",
    "glob_to_regex",
    "input_file_uri",
    "kv_prefix_uri",
    "kv_uri",
    "namespace_file_uri",
    "namespace_files_uri",
    "namespace_path",
    "parse_relative_path",
    "parse_uri",
    "path_filter",
    "sanitize_filename",
    "slugify",
    "task_file_uri",
    "task_uri",
    "trigger_file_uri",
    "trigger_uri",
]
