"""What a listing says about one stored entry, without exposing where it lives on disk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["FileAttributes"]


@dataclass(frozen=True, slots=True)
class FileAttributes:
    """One file or directory in internal storage. `uri` is its `kestra:///` URI; `size` is 0 for directories."""

    name: str
    uri: str
    size: int
    modified: datetime  # timezone-aware, UTC
    is_dir: bool

    def to_kestra(self) -> dict[str, object]:
        """Kestra's JSON shape for `FileAttributes` (API responses): epoch milliseconds and `File`/`Directory`."""
        millis = int(self.modified.timestamp() * 1000)
        return {
            "fileName": self.name,
            "lastModifiedTime": millis,
            "creationTime": millis,  # stat() has no portable creation time; the modification time stands in
            "type": "Directory" if self.is_dir else "File",
            "size": self.size,
        }
