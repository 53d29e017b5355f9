"""Internal storage in a local directory: the path of a `kestra:///` URI is the path under the root, as in Kestra.

Every call canonicalises its URI (`paths.parse_uri`), resolves the real path, symlinks followed, and refuses
anything not under the resolved root. Writes go to a temporary file in the target directory and are renamed into
place, so readers and listings never see a half-written file. The object holds no mutable state: it can be shared
by threads, and several processes can share one root.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from .attributes import FileAttributes
from .errors import FileNotFoundInStorage, InvalidPath, StorageError
from .paths import RESERVED_PREFIX, StoragePath, is_valid_name, parse_uri

__all__ = ["LocalStorage", "PutData"]

PutData = bytes | bytearray | memoryview | BinaryIO | Path
CHUNK_SIZE = 1024 * 1024
_RACE_RETRIES = 10
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO planted in the root must not hang a worker


class LocalStorage:
    """Files behind `kestra:///` URIs in the directory `root` (created if missing)."""

    def __init__(self, root: Path | str, *, fsync: bool = False) -> None:
        """`fsync=True` flushes each file to disk before it becomes visible: durable across power loss, slower."""
        path = Path(root)
        path.mkdir(parents=True, exist_ok=True)
        self._root = path.resolve(strict=True)
        self._fsync = fsync

    @property
    def root(self) -> Path:
        return self._root

    # -- writing -------------------------------------------------------------------------------------------------

    def put(self, uri: str, data: PutData) -> str:
        """Store `data` (bytes, a binary stream read in chunks, or a local file) at `uri`; returns the canonical URI."""
        loc, real = self._locate(uri)
        if loc.is_root():
            raise InvalidPath("cannot write a file at the storage root")
        if isinstance(data, bytes | bytearray | memoryview):
            return self._write(loc, real, iter((data,)))
        if isinstance(data, os.PathLike):
            try:
                source = open(data, "rb")
            except OSError as exc:
                raise StorageError(
                    f"cannot read the local file to store at {loc.uri}: {_reason(exc)}", errno=exc.errno
                ) from None
            with source:
                return self._write(loc, real, iter(lambda: source.read(CHUNK_SIZE), b""))
        if isinstance(data, str):
            raise TypeError("put() takes bytes, a binary stream or a Path; encode text first")
        if callable(getattr(data, "read", None)):
            return self._write(loc, real, _chunks(data))
        raise TypeError(f"put() takes bytes, a binary stream or a Path, not {type(data).__name__}")

    def mkdirs(self, uri: str) -> str:
        """Create the directory `uri` and its parents (no error if it exists)."""
        loc, real = self._locate(uri)
        self._make_dirs(loc, real)
        return loc.uri

    def move(self, source: str, target: str) -> str:
        """Rename a file or directory; a file replaces a file at `target`, anything else already there is an error."""
        src, src_real = self._locate(source)
        dst, dst_real = self._locate(target)
        if src.is_root() or dst.is_root():
            raise InvalidPath("cannot move the storage root")
        src_stat = self._lstat(src, src_real)
        if src_stat is None:
            raise FileNotFoundInStorage(src.uri)
        if src_real == dst_real:
            return dst.uri
        if dst_real.is_relative_to(src_real):
            raise StorageError(f"cannot move {src.uri} into itself")
        self._make_dirs(dst, dst_real.parent)
        dst_stat = self._lstat(dst, dst_real)
        if dst_stat is not None and (stat.S_ISDIR(src_stat.st_mode) or stat.S_ISDIR(dst_stat.st_mode)):
            raise StorageError(f"cannot move {src.uri} to {dst.uri}: the target already exists")
        try:
            os.replace(src_real, dst_real)
        except FileNotFoundError:
            raise FileNotFoundInStorage(src.uri) from None
        except OSError as exc:
            raise _failure("move", src, exc) from None
        return dst.uri

    def delete(self, uri: str) -> bool:
        """Delete a file, or a directory with everything in it; False when nothing was there."""
        loc, real = self._locate(uri)
        if loc.is_root():
            raise InvalidPath("refusing to delete the storage root")
        found = self._lstat(loc, real)
        if found is None:
            return False
        if stat.S_ISDIR(found.st_mode):
            return self._remove_tree(loc, real) is not None
        try:
            os.unlink(real)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise _failure("delete", loc, exc) from None
        return True

    def delete_prefix(self, uri_prefix: str) -> int:
        """Delete everything under a directory URI (an execution's files, say); returns how many files went.

        The directory is renamed out of sight first, so it disappears at once and concurrent writes below it
        start afresh instead of making the deletion fail.
        """
        loc, real = self._locate(uri_prefix)
        if loc.is_root():
            raise InvalidPath("refusing to delete the storage root")
        found = self._lstat(loc, real)
        if found is None:
            return 0
        if not stat.S_ISDIR(found.st_mode):
            return 1 if self.delete(loc.uri) else 0
        return self._remove_tree(loc, real) or 0

    # -- reading -------------------------------------------------------------------------------------------------

    def open(self, uri: str) -> BinaryIO:
        """A binary stream on the stored file; the caller closes it."""
        loc, real = self._locate(uri)
        try:
            fd = os.open(real, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK)
        except (FileNotFoundError, NotADirectoryError):
            raise FileNotFoundInStorage(loc.uri) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InvalidPath(f"{loc.uri}: refusing to follow a symlink") from None
            raise _failure("read", loc, exc) from None
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise StorageError(f"cannot read {loc.uri}: it is a directory")
            if not stat.S_ISREG(mode):
                raise StorageError(f"cannot read {loc.uri}: not a regular file")
            os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise

    def read_bytes(self, uri: str) -> bytes:
        with self.open(uri) as stream:
            return stream.read()

    def exists(self, uri: str) -> bool:
        """Whether a file or directory is stored at `uri` (an unsafe URI still raises `InvalidPath`)."""
        loc, real = self._locate(uri)
        return self._lstat(loc, real) is not None

    def size(self, uri: str) -> int:
        """The size of a stored file, in bytes."""
        attributes = self.attributes(uri)
        if attributes.is_dir:
            raise StorageError(f"cannot size {attributes.uri}: it is a directory")
        return attributes.size

    def attributes(self, uri: str) -> FileAttributes:
        loc, real = self._locate(uri)
        found = self._lstat(loc, real)
        if found is None:
            raise FileNotFoundInStorage(loc.uri)
        return _attributes(loc, found)

    def list(self, uri: str = "kestra:///", *, recursive: bool = False) -> list[FileAttributes]:
        """The entries in directory `uri` (all levels with `recursive`), sorted by URI.

        Temporary files of writes in progress, symlinks and special files are never listed.
        """
        loc, real = self._locate(uri)
        found = self._lstat(loc, real)
        if found is None:
            raise FileNotFoundInStorage(loc.uri)
        if not stat.S_ISDIR(found.st_mode):
            raise StorageError(f"cannot list {loc.uri}: not a directory")
        entries: list[FileAttributes] = []
        pending = [(loc, real)]
        while pending:
            base, directory = pending.pop()
            try:
                scan = os.scandir(directory)
            except (FileNotFoundError, NotADirectoryError):
                continue  # deleted while we walked
            except OSError as exc:
                raise _failure("list", base, exc) from None
            with scan:
                for entry in scan:
                    if not is_valid_name(entry.name):
                        continue
                    try:
                        entry_stat = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue
                    if not (stat.S_ISREG(entry_stat.st_mode) or stat.S_ISDIR(entry_stat.st_mode)):
                        continue
                    child = StoragePath(base.segments + (entry.name,))
                    entries.append(_attributes(child, entry_stat))
                    if recursive and stat.S_ISDIR(entry_stat.st_mode):
                        pending.append((child, Path(entry.path)))
        return sorted(entries, key=lambda entry: entry.uri)

    # -- internals -----------------------------------------------------------------------------------------------

    def _locate(self, uri: str) -> tuple[StoragePath, Path]:
        """Canonicalise `uri`, resolve its real path (symlinks followed) and insist it is under the root."""
        loc = parse_uri(uri)
        try:
            real = self._root.joinpath(*loc.segments).resolve()
        except (OSError, RuntimeError):
            raise InvalidPath(f"{loc.uri}: the path cannot be resolved") from None
        if not real.is_relative_to(self._root):
            raise InvalidPath(f"{loc.uri}: the path leads outside the internal storage")
        return loc, real

    def _lstat(self, loc: StoragePath, real: Path) -> os.stat_result | None:
        try:
            found = os.lstat(real)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise _failure("read", loc, exc) from None
        if stat.S_ISLNK(found.st_mode):  # only if a symlink appeared after `_locate` resolved the path
            raise InvalidPath(f"{loc.uri}: refusing to follow a symlink")
        return found

    def _make_dirs(self, loc: StoragePath, directory: Path) -> None:
        for attempt in range(_RACE_RETRIES):  # a concurrent delete may remove a parent between two mkdir calls
            try:
                directory.mkdir(parents=True, exist_ok=True)
                return
            except (FileExistsError, NotADirectoryError, FileNotFoundError) as exc:
                if not isinstance(exc, FileNotFoundError) and _file_in_the_way(directory):
                    raise StorageError(f"cannot create {loc.uri}: a file is in the way") from None
                if attempt == _RACE_RETRIES - 1:
                    raise _failure("create", loc, exc) from None
            except OSError as exc:
                raise _failure("create", loc, exc) from None

    def _write(self, loc: StoragePath, real: Path, chunks: Iterator[bytes | bytearray | memoryview]) -> str:
        """Stream `chunks` into a temporary file beside `real`, then rename it into place.

        Errors of the source (a client that went away) propagate as they are; disk errors become `StorageError`.
        """
        existing = self._lstat(loc, real)
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise StorageError(f"cannot write {loc.uri}: it is a directory")
        fd, temporary = self._temporary(loc, real.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    _on_disk(loc, out.write, chunk)
                _on_disk(loc, out.flush)
                if self._fsync:
                    _on_disk(loc, os.fsync, out.fileno())
            try:
                os.replace(temporary, real)
            except FileNotFoundError:
                raise StorageError(f"cannot write {loc.uri}: its directory was deleted or moved meanwhile") from None
            except OSError as exc:
                raise _failure("write", loc, exc) from None
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        return loc.uri

    def _temporary(self, loc: StoragePath, directory: Path) -> tuple[int, str]:
        """A temporary file beside the target; retried when a concurrent delete removes the directory under us."""
        for _ in range(_RACE_RETRIES):
            self._make_dirs(loc, directory)
            try:
                return tempfile.mkstemp(prefix=RESERVED_PREFIX, dir=directory)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise _failure("write", loc, exc) from None
        raise StorageError(f"cannot write {loc.uri}: its directory keeps being deleted")

    def _remove_tree(self, loc: StoragePath, real: Path) -> int | None:
        """Rename a directory to a hidden name, then delete it; the number of files it held, None if it was gone."""
        hidden = real.parent / f"{RESERVED_PREFIX}{uuid.uuid4().hex}"
        try:
            os.rename(real, hidden)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _failure("delete", loc, exc) from None
        count = _count_files(hidden)
        try:
            shutil.rmtree(hidden)
        except OSError as exc:
            raise _failure("finish deleting", loc, exc) from None
        return count


def _chunks(source: BinaryIO) -> Iterator[bytes]:
    """Read a stream piece by piece, so a large upload never sits in memory whole."""
    while chunk := source.read(CHUNK_SIZE):
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise TypeError(f"put() needs a binary stream; read() returned {type(chunk).__name__}")
        yield chunk


def _on_disk(loc: StoragePath, operation: Callable[..., object], *args: object) -> None:
    try:
        operation(*args)
    except OSError as exc:
        raise _failure("write", loc, exc) from None


def _file_in_the_way(directory: Path) -> bool:
    """Whether `directory` or one of its parents exists as something other than a directory."""
    for path in (directory, *directory.parents):
        if os.path.lexists(path):
            return not path.is_dir()
    return False


def _count_files(directory: Path) -> int:
    count = 0
    for _, _, files in os.walk(directory):
        count += sum(1 for name in files if is_valid_name(name))
    return count


def _attributes(loc: StoragePath, found: os.stat_result) -> FileAttributes:
    is_dir = stat.S_ISDIR(found.st_mode)
    return FileAttributes(
        name=loc.name,
        uri=loc.uri,
        size=0 if is_dir else found.st_size,
        modified=datetime.fromtimestamp(found.st_mtime, UTC),
        is_dir=is_dir,
    )


def _reason(exc: OSError) -> str:
    """The OS's words for an error, without the file name it carries."""
    return exc.strerror or type(exc).__name__


def _failure(action: str, loc: StoragePath, exc: OSError) -> StorageError:
    return StorageError(f"cannot {action} {loc.uri}: {_reason(exc)}", errno=exc.errno)
