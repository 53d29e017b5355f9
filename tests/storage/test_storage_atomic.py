"""Writes are atomic: a half-written file is never visible, a failed write leaves nothing, threads do not tear."""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from choreo.storage import LocalStorage, StorageError

URI = "kestra:///ns/f/executions/e/tasks/t/r/big.bin"
DIRECTORY = "kestra:///ns/f/executions/e/tasks/t/r"


class PausingStream(io.RawIOBase):
    """Gives one chunk, then waits until released, then gives another."""

    def __init__(self) -> None:
        self.first_chunk_read = threading.Event()
        self.release = threading.Event()
        self.chunks = [b"a" * 1000, b"b" * 1000]

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self.chunks:
            return b""
        if len(self.chunks) == 1:
            self.first_chunk_read.set()
            assert self.release.wait(10)
        return self.chunks.pop(0)


class FailingStream(io.RawIOBase):
    def __init__(self) -> None:
        self.calls = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise ConnectionResetError("client went away")
        return b"partial"


def test_no_partial_file_is_visible_during_a_write(storage: LocalStorage) -> None:
    stream = PausingStream()
    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(storage.put, URI, stream)
        assert stream.first_chunk_read.wait(10)
        # Half the data is on disk in a temporary file; nobody can see it.
        assert not storage.exists(URI)
        assert storage.list(DIRECTORY) == []
        assert [e for e in storage.list("kestra:///", recursive=True) if not e.is_dir] == []
        stream.release.set()
        assert done.result(10) == URI
    assert storage.read_bytes(URI) == b"a" * 1000 + b"b" * 1000


def test_overwrite_keeps_the_old_content_until_the_new_is_complete(storage: LocalStorage) -> None:
    storage.put(URI, b"old")
    stream = PausingStream()
    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(storage.put, URI, stream)
        assert stream.first_chunk_read.wait(10)
        assert storage.read_bytes(URI) == b"old"
        stream.release.set()
        done.result(10)
    assert storage.size(URI) == 2000


def test_a_failed_write_leaves_nothing_behind(storage: LocalStorage) -> None:
    with pytest.raises(ConnectionResetError):
        storage.put(URI, FailingStream())
    assert not storage.exists(URI)
    directory = storage.root / "ns/f/executions/e/tasks/t/r"
    assert os.listdir(directory) == []  # the temporary file is gone too


def test_a_failed_overwrite_keeps_the_old_file(storage: LocalStorage) -> None:
    storage.put(URI, b"old")
    with pytest.raises(ConnectionResetError):
        storage.put(URI, FailingStream())
    assert storage.read_bytes(URI) == b"old"
    assert sorted(os.listdir(storage.root / "ns/f/executions/e/tasks/t/r")) == ["big.bin"]


def test_concurrent_writers_and_readers_never_see_a_torn_file(storage: LocalStorage) -> None:
    size = 256 * 1024
    versions = {bytes([65 + i]) * size for i in range(8)}
    storage.put(URI, b"A" * size)
    stop = threading.Event()
    torn: list[int] = []

    def read_loop() -> None:
        while not stop.is_set():
            content = storage.read_bytes(URI)
            if content not in versions:
                torn.append(len(content))

    def write(i: int) -> None:
        for _ in range(10):
            storage.put(URI, bytes([65 + i]) * size)

    readers = [threading.Thread(target=read_loop) for _ in range(4)]
    for reader in readers:
        reader.start()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    stop.set()
    for reader in readers:
        reader.join(10)
    assert torn == []
    assert storage.read_bytes(URI) in versions
    assert os.listdir(storage.root / "ns/f/executions/e/tasks/t/r") == ["big.bin"]


def test_concurrent_puts_and_prefix_deletes(storage: LocalStorage) -> None:
    """Deletes always succeed; a put racing a delete of its directory may fail, cleanly; no debris is left."""

    def churn(i: int) -> None:
        for j in range(20):
            try:
                storage.put(f"kestra:///ns/f/executions/e{i % 2}/tasks/t/r/{j}.txt", b"x")
            except StorageError as exc:
                assert type(exc) is StorageError and "deleted" in str(exc)
            storage.delete_prefix(f"kestra:///ns/f/executions/e{(i + 1) % 2}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(churn, range(4)))
    debris = [path for path in storage.root.rglob("*") if path.name.startswith(".choreo-tmp-")]
    assert debris == []
