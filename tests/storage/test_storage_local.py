"""LocalStorage: round trips, listing, moving, deleting, attributes, and errors that name URIs."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from choreo.errors import ChoreoError
from choreo.storage import FileNotFoundInStorage, InvalidPath, LocalStorage, StorageError, task_file_uri
from choreo.storage.local import CHUNK_SIZE

URI = "kestra:///company/team/flow/executions/e1/tasks/t/r1/out.txt"


def test_root_is_created_and_resolved(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "a" / "b")
    assert storage.root == (tmp_path / "a" / "b").resolve()
    assert storage.root.is_dir()


def test_put_bytes_and_read_back(storage: LocalStorage) -> None:
    assert storage.put(URI, b"hello") == URI
    assert storage.read_bytes(URI) == b"hello"
    assert storage.exists(URI)
    assert storage.size(URI) == 5
    with storage.open(URI) as stream:
        assert stream.read() == b"hello"


def test_the_uri_path_is_the_path_under_the_root(storage: LocalStorage) -> None:
    storage.put(URI, b"x")
    assert (storage.root / "company/team/flow/executions/e1/tasks/t/r1/out.txt").read_bytes() == b"x"


def test_put_accepts_bytearray_memoryview_stream_and_path(storage: LocalStorage, tmp_path: Path) -> None:
    storage.put("kestra:///a", bytearray(b"1"))
    storage.put("kestra:///b", memoryview(b"2"))
    storage.put("kestra:///c", io.BytesIO(b"3"))
    local = tmp_path / "local.bin"
    local.write_bytes(b"4")
    storage.put("kestra:///d", local)
    assert [storage.read_bytes(f"kestra:///{n}") for n in "abcd"] == [b"1", b"2", b"3", b"4"]


def test_put_refuses_text(storage: LocalStorage) -> None:
    with pytest.raises(TypeError):
        storage.put(URI, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        storage.put(URI, io.StringIO("text"))  # type: ignore[arg-type]
    assert not storage.exists(URI)


def test_put_from_a_missing_local_file(storage: LocalStorage, tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        storage.put(URI, tmp_path / "missing.bin")
    assert str(tmp_path) not in str(caught.value)


class CountingStream(io.RawIOBase):
    """A large stream that records how much each read asked for."""

    def __init__(self, total: int) -> None:
        self.remaining = total
        self.requests: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.requests.append(size)
        n = self.remaining if size < 0 else min(size, self.remaining)
        self.remaining -= n
        return b"z" * n


def test_large_streams_are_copied_in_chunks(storage: LocalStorage) -> None:
    total = 5 * CHUNK_SIZE + 123
    source = CountingStream(total)
    storage.put(URI, source)  # type: ignore[arg-type]
    assert storage.size(URI) == total
    assert all(0 < size <= CHUNK_SIZE for size in source.requests)  # never read(-1): the whole thing in memory


def test_put_overwrites(storage: LocalStorage) -> None:
    storage.put(URI, b"old")
    storage.put(URI, b"new content")
    assert storage.read_bytes(URI) == b"new content"


def test_scheme_less_uri_is_accepted_and_canonical_uri_returned(storage: LocalStorage) -> None:
    assert storage.put("/ns/a%20b.txt", b"x") == "kestra:///ns/a%20b.txt"
    assert storage.read_bytes("kestra:///ns/a b.txt") == b"x"  # decoded once: the same file


def test_missing_file_errors_name_the_uri(storage: LocalStorage) -> None:
    missing = "kestra:///ns/missing.txt"
    for call in (storage.read_bytes, storage.open, storage.size, storage.attributes, storage.list):
        with pytest.raises(FileNotFoundInStorage) as caught:
            call(missing)
        assert missing in str(caught.value)
        assert str(storage.root) not in str(caught.value)
        assert isinstance(caught.value, ChoreoError)
        assert caught.value.uri == missing
    assert storage.exists(missing) is False


def test_reading_a_directory_is_an_error(storage: LocalStorage) -> None:
    storage.put("kestra:///d/f.txt", b"x")
    with pytest.raises(StorageError, match="directory"):
        storage.read_bytes("kestra:///d")
    with pytest.raises(StorageError, match="directory"):
        storage.size("kestra:///d")
    with pytest.raises(StorageError, match="directory"):
        storage.put("kestra:///d", b"x")


def test_writing_below_a_file_is_an_error(storage: LocalStorage) -> None:
    storage.put("kestra:///d/f.txt", b"x")
    with pytest.raises(StorageError) as caught:
        storage.put("kestra:///d/f.txt/g.txt", b"x")
    assert str(storage.root) not in str(caught.value)


def test_the_root_cannot_be_written_or_deleted(storage: LocalStorage) -> None:
    with pytest.raises(InvalidPath):
        storage.put("kestra:///", b"x")
    with pytest.raises(InvalidPath):
        storage.delete("kestra:///")
    with pytest.raises(InvalidPath):
        storage.delete_prefix("kestra:///")
    with pytest.raises(InvalidPath):
        storage.move("kestra:///", "kestra:///x")


def test_attributes(storage: LocalStorage) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    storage.put("kestra:///ns/dir/file.bin", b"12345")
    file = storage.attributes("kestra:///ns/dir/file.bin")
    assert (file.name, file.uri, file.size, file.is_dir) == ("file.bin", "kestra:///ns/dir/file.bin", 5, False)
    assert before <= file.modified <= datetime.now(UTC) + timedelta(seconds=5)
    directory = storage.attributes("kestra:///ns/dir")
    assert (directory.name, directory.is_dir, directory.size) == ("dir", True, 0)
    kestra = file.to_kestra()
    assert kestra["fileName"] == "file.bin" and kestra["type"] == "File" and kestra["size"] == 5
    assert isinstance(kestra["lastModifiedTime"], int)
    assert directory.to_kestra()["type"] == "Directory"


# --- listing ---


def _tree(storage: LocalStorage) -> None:
    for uri in [
        "kestra:///ns/root.yml",
        "kestra:///ns/level1/1.yml",
        "kestra:///ns/level1/level2/2.yml",
        "kestra:///ns/another/3.yml",
    ]:
        storage.put(uri, b"content")


def test_list_direct_children_sorted(storage: LocalStorage) -> None:
    _tree(storage)
    entries = storage.list("kestra:///ns")
    assert [(e.name, e.is_dir) for e in entries] == [("another", True), ("level1", True), ("root.yml", False)]
    assert [e.uri for e in entries] == ["kestra:///ns/another", "kestra:///ns/level1", "kestra:///ns/root.yml"]


def test_list_recursive(storage: LocalStorage) -> None:
    _tree(storage)
    uris = [e.uri for e in storage.list("kestra:///ns/", recursive=True) if not e.is_dir]
    assert uris == [
        "kestra:///ns/another/3.yml",
        "kestra:///ns/level1/1.yml",
        "kestra:///ns/level1/level2/2.yml",
        "kestra:///ns/root.yml",
    ]


def test_list_root(storage: LocalStorage) -> None:
    _tree(storage)
    assert [e.uri for e in storage.list()] == ["kestra:///ns"]


def test_list_a_file_is_an_error(storage: LocalStorage) -> None:
    _tree(storage)
    with pytest.raises(StorageError, match="not a directory"):
        storage.list("kestra:///ns/root.yml")


def test_list_hides_symlinks_and_foreign_names(storage: LocalStorage, outside: Path) -> None:
    _tree(storage)
    (storage.root / "ns" / "link").symlink_to(outside)
    (storage.root / "ns" / ".choreo-tmp-123").write_bytes(b"partial")
    (storage.root / "ns" / "back\\slash").write_bytes(b"x")
    names = [e.name for e in storage.list("kestra:///ns", recursive=True)]
    assert "link" not in names and "secret.txt" not in names
    assert ".choreo-tmp-123" not in names and "back\\slash" not in names


def test_list_encodes_names(storage: LocalStorage) -> None:
    storage.put(task_file_uri("ns", "f", "e", "t", "r", "my file?.csv"), b"x")
    [entry] = storage.list("kestra:///ns/f/executions/e/tasks/t/r")
    assert entry.name == "my file?.csv"
    assert entry.uri.endswith("/r/my%20file%3F.csv")
    assert storage.read_bytes(entry.uri) == b"x"


# --- mkdirs, move, delete ---


def test_mkdirs(storage: LocalStorage) -> None:
    assert storage.mkdirs("kestra:///a/b/c") == "kestra:///a/b/c"
    assert storage.attributes("kestra:///a/b/c").is_dir
    assert storage.mkdirs("kestra:///a/b/c") == "kestra:///a/b/c"  # again: fine
    storage.put("kestra:///a/file", b"x")
    with pytest.raises(StorageError):
        storage.mkdirs("kestra:///a/file")


def test_move_file(storage: LocalStorage) -> None:
    storage.put("kestra:///a/x.txt", b"x")
    assert storage.move("kestra:///a/x.txt", "kestra:///b/c/y.txt") == "kestra:///b/c/y.txt"
    assert not storage.exists("kestra:///a/x.txt")
    assert storage.read_bytes("kestra:///b/c/y.txt") == b"x"


def test_move_file_replaces_a_file(storage: LocalStorage) -> None:
    storage.put("kestra:///x", b"new")
    storage.put("kestra:///y", b"old")
    storage.move("kestra:///x", "kestra:///y")
    assert storage.read_bytes("kestra:///y") == b"new"


def test_move_directory(storage: LocalStorage) -> None:
    _tree(storage)
    storage.move("kestra:///ns/level1", "kestra:///other/moved")
    assert storage.read_bytes("kestra:///other/moved/level2/2.yml") == b"content"
    assert not storage.exists("kestra:///ns/level1")


def test_move_errors(storage: LocalStorage) -> None:
    _tree(storage)
    with pytest.raises(FileNotFoundInStorage):
        storage.move("kestra:///nope", "kestra:///x")
    with pytest.raises(StorageError, match="already exists"):
        storage.move("kestra:///ns/level1", "kestra:///ns/another")
    with pytest.raises(StorageError, match="already exists"):
        storage.move("kestra:///ns/root.yml", "kestra:///ns/another")
    with pytest.raises(StorageError, match="into itself"):
        storage.move("kestra:///ns/level1", "kestra:///ns/level1/level2/inside")
    assert storage.move("kestra:///ns/root.yml", "/ns/root.yml") == "kestra:///ns/root.yml"


def test_delete(storage: LocalStorage) -> None:
    _tree(storage)
    assert storage.delete("kestra:///ns/root.yml") is True
    assert storage.delete("kestra:///ns/root.yml") is False
    assert storage.delete("kestra:///ns/level1") is True  # a directory, recursively
    assert not storage.exists("kestra:///ns/level1/level2/2.yml")
    assert storage.exists("kestra:///ns/another/3.yml")


def test_delete_prefix_counts_files(storage: LocalStorage) -> None:
    _tree(storage)
    storage.put("kestra:///ns-other/keep.yml", b"x")
    assert storage.delete_prefix("kestra:///ns/level1") == 2
    assert storage.delete_prefix("kestra:///ns/level1") == 0
    assert storage.delete_prefix("kestra:///ns/root.yml") == 1
    assert storage.delete_prefix("kestra:///ns") == 1
    assert not storage.exists("kestra:///ns")
    assert storage.exists("kestra:///ns-other/keep.yml")  # a path prefix, not a string prefix


def test_delete_prefix_purges_one_execution(storage: LocalStorage) -> None:
    for execution in ("e1", "e2"):
        storage.put(task_file_uri("ns", "f", execution, "t", "r", "a.txt"), b"x")
        storage.put(task_file_uri("ns", "f", execution, "t", "r", "b.txt"), b"x")
    assert storage.delete_prefix("kestra:///ns/f/executions/e1") == 2
    assert [e.name for e in storage.list("kestra:///ns/f/executions")] == ["e2"]


def test_fsync_option(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "root", fsync=True)
    storage.put(URI, b"durable")
    assert storage.read_bytes(URI) == b"durable"
