"""A namespace's file tree (scripts, SQL, configs) kept in internal storage under `/{namespace as path}/_files/`.

Paths are relative to the namespace (`scripts/etl.py`). They are canonicalised like URIs: percent-decoded once,
and `..`, absolute paths, backslashes, drive letters, NUL and double encoding are refused with `InvalidPath`.
Kestra's API and `read()` accept `/scripts/etl.py`; callers at those boundaries strip the one leading slash.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from .attributes import FileAttributes
from .errors import FileNotFoundInStorage, InvalidPath
from .globs import path_filter
from .local import LocalStorage, PutData
from .paths import StoragePath, parse_relative_path, parse_uri
from .uris import namespace_files_uri

__all__ = ["NamespaceFile", "NamespaceFiles"]


@dataclass(frozen=True, slots=True)
class NamespaceFile:
    """One entry of a namespace's files. `path` is relative to the namespace and has no leading slash."""

    namespace: str
    path: str
    uri: str
    size: int
    modified: datetime
    is_dir: bool


class NamespaceFiles:
    """The files of one namespace, on top of a `LocalStorage`."""

    def __init__(self, storage: LocalStorage, namespace: str) -> None:
        self._storage = storage
        self._namespace = namespace
        self._base = parse_uri(namespace_files_uri(namespace))  # validates the namespace

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def root_uri(self) -> str:
        return self._base.uri

    def uri(self, path: str) -> str:
        """The `kestra:///` URI of a namespace file (what Kestra's `fileURI()` gives)."""
        return self._locate(path).uri

    def put(self, path: str, data: PutData) -> str:
        """Create or replace a file; returns its URI."""
        return self._storage.put(self._locate(path).uri, data)

    def read(self, path: str) -> bytes:
        return self._storage.read_bytes(self._locate(path).uri)

    def open(self, path: str) -> BinaryIO:
        return self._storage.open(self._locate(path).uri)

    def exists(self, path: str) -> bool:
        return self._storage.exists(self._locate(path).uri)

    def mkdirs(self, path: str) -> str:
        return self._storage.mkdirs(self._locate(path).uri)

    def delete(self, path: str) -> bool:
        """Delete a file, or a directory and everything in it; False when nothing was there."""
        return self._storage.delete(self._locate(path).uri)

    def move(self, source: str, target: str) -> str:
        """Rename a file or directory inside the namespace; returns the new URI."""
        return self._storage.move(self._locate(source).uri, self._locate(target).uri)

    def list(self, prefix: str = "", recursive: bool = True, *, include_dirs: bool = False) -> list[NamespaceFile]:
        """The files under directory `prefix` ('' for all), sorted by path; none when the prefix does not exist."""
        names = parse_relative_path(prefix)
        where = self._base.joinpath(*names)
        try:
            found = self._storage.attributes(where.uri)
            # A prefix naming a file lists that file, as Kestra's `allByPrefix` does.
            entries = self._storage.list(where.uri, recursive=recursive) if found.is_dir else [found]
        except FileNotFoundInStorage:
            return []
        files = [self._entry(entry) for entry in entries if include_dirs or not entry.is_dir]
        return sorted(files, key=lambda file: file.path)

    def glob(self, include: Sequence[str] | None = None, exclude: Sequence[str] | None = None) -> list[NamespaceFile]:
        """The files matching any `include` pattern (all, when empty) and no `exclude` one; see `globs`."""
        accept = path_filter(include, exclude)
        return [file for file in self.list() if accept(file.path)]

    def copy_to(
        self, directory: Path, include: Sequence[str] | None = None, exclude: Sequence[str] | None = None
    ) -> list[Path]:
        """Copy the matching files into a local directory (a task's working directory), keeping their paths.

        Refuses to write through a symlink that leads out of `directory` (a script may have planted one).
        """
        target_root = Path(directory).resolve()
        written: list[Path] = []
        for file in self.glob(include, exclude):
            target = target_root.joinpath(*file.path.split("/"))
            if not target.resolve().is_relative_to(target_root):
                raise InvalidPath(f"namespace file {file.path!r} would be copied outside the working directory")
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._storage.open(file.uri) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
            written.append(target)
        return written

    def _locate(self, path: str) -> StoragePath:
        names = parse_relative_path(path)
        if not names:
            raise InvalidPath(f"invalid namespace file path {path[:200]!r}: empty")
        return self._base.joinpath(*names)

    def _entry(self, entry: FileAttributes) -> NamespaceFile:
        relative = parse_uri(entry.uri).segments[len(self._base.segments) :]
        return NamespaceFile(
            namespace=self._namespace,
            path="/".join(relative),
            uri=entry.uri,
            size=entry.size,
            modified=entry.modified,
            is_dir=entry.is_dir,
        )
