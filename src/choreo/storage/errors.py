"""Storage errors, rooted at `choreo.errors.ChoreoError`.

ChoreoError
 └── StorageError               a storage operation failed (I/O error, wrong kind of entry, refused operation)
      ├── InvalidPath           a URI or path was refused before touching the disk (traversal, bad scheme, …)
      └── FileNotFoundInStorage nothing is stored at the URI

Messages name the `kestra://` URI (or the namespace-file path) the caller gave, never a real filesystem path:
they reach users through the API and task logs, and the storage root is nobody's business (Kestra PR #17603).
"""

from __future__ import annotations

from choreo.errors import ChoreoError

__all__ = ["FileNotFoundInStorage", "InvalidPath", "StorageError"]


class StorageError(ChoreoError):
    """A storage operation failed. `errno` is the operating system's error number when one caused it."""

    def __init__(self, message: str, *, errno: int | None = None) -> None:
        self.errno = errno
        super().__init__(message)


class InvalidPath(StorageError):
    """A URI or path was refused: traversal, encoding tricks, another scheme, a host, a symlink out of the root…"""


class FileNotFoundInStorage(StorageError):
    """Nothing is stored at `uri`."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        super().__init__(f"file not found in internal storage: {uri}")
