"""B2: hostile paths. Nothing outside the root is read or written, and no error shows a real filesystem path."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from choreo.storage import FileNotFoundInStorage, InvalidPath, LocalStorage, StorageError

SECRET = b"the sandbox secret"

HOSTILE_URIS = [
    "../secret.txt",
    "kestra:///../secret.txt",
    "kestra:///ns/../../secret.txt",
    "kestra:///ns/..",
    "kestra:///./x",
    "..\\secret.txt",
    "kestra:///..\\..\\secret.txt",
    "kestra:///ns\\..\\..\\secret.txt",
    "kestra:///%2e%2e%2fsecret.txt",
    "kestra:///%2E%2E/secret.txt",
    "kestra:///ns/%2e%2e/%2e%2e/secret.txt",
    "kestra:///..%2fsecret.txt",
    "kestra:///%252e%252e/secret.txt",
    "kestra:///%252e%252e%252fsecret.txt",
    "kestra:///%25252e%25252e/x",
    "kestra:///%5c..%5csecret.txt",
    "kestra:///%c0%ae%c0%ae/secret.txt",  # overlong UTF-8 dots
    "kestra://evil/x",
    "kestra://evil.com/../secret.txt",
    "kestra://user@/x",
    "kestra:/x",
    "kestra:x",
    "file:///etc/passwd",
    "http://example.com/x",
    "s3://bucket/x",
    "C:\\x",
    "C:/x",
    "c:",
    "kestra:///C:/x",
    "kestra:///c%3a/x",
    "relative/path",
    "",
    "kestra:///a\x00b",
    "kestra:///a%00b",
    "kestra:///a\nb",
    "kestra:///a%0Ab",
    "kestra:///a?b=c",
    "kestra:///a#frag",
    "kestra:///.choreo-tmp-abc",
]


def operations(storage: LocalStorage) -> dict[str, Callable[[str], object]]:
    return {
        "put": lambda uri: storage.put(uri, b"pwned"),
        "open": lambda uri: storage.open(uri).close(),
        "read_bytes": storage.read_bytes,
        "exists": storage.exists,
        "size": storage.size,
        "attributes": storage.attributes,
        "list": storage.list,
        "delete": storage.delete,
        "delete_prefix": storage.delete_prefix,
        "mkdirs": storage.mkdirs,
        "move_from": lambda uri: storage.move(uri, "kestra:///dst"),
        "move_to": lambda uri: storage.move("kestra:///src", uri),
    }


@pytest.mark.parametrize("uri", HOSTILE_URIS)
def test_hostile_uris_are_refused_by_every_operation(
    storage: LocalStorage, outside: Path, secret: bytes, uri: str
) -> None:
    storage.put("kestra:///src", b"source")
    for name, call in operations(storage).items():
        with pytest.raises(InvalidPath) as caught:
            call(uri)
        message = str(caught.value)
        assert str(storage.root) not in message, name
        assert str(outside) not in message, name
    assert (outside / "secret.txt").read_bytes() == secret
    assert sorted(os.listdir(outside)) == ["secret.txt"]
    assert storage.read_bytes("kestra:///src") == b"source"


def test_an_absolute_path_stays_inside_the_root(storage: LocalStorage) -> None:
    # Scheme-less URIs are absolute *storage* paths (as in Kestra): /etc/passwd is <root>/etc/passwd.
    with pytest.raises(FileNotFoundInStorage) as caught:
        storage.read_bytes("/etc/passwd")
    assert "kestra:///etc/passwd" in str(caught.value)
    storage.put("/etc/passwd", b"harmless")
    assert (storage.root / "etc" / "passwd").read_bytes() == b"harmless"


def test_messages_quote_input_safely(storage: LocalStorage) -> None:
    with pytest.raises(InvalidPath) as caught:
        storage.read_bytes("kestra:///a\nFAKE LOG LINE")
    assert "\n" not in str(caught.value)


# --- symlinks inside the root ---


@pytest.fixture
def escape(storage: LocalStorage, outside: Path) -> Path:
    """`<root>/ns/escape` → the outside directory; `<root>/ns/secret.txt` → the outside secret file."""
    (storage.root / "ns").mkdir()
    (storage.root / "ns" / "escape").symlink_to(outside, target_is_directory=True)
    (storage.root / "ns" / "secret.txt").symlink_to(outside / "secret.txt")
    (storage.root / "ns" / "dangling").symlink_to(outside / "not-yet.txt")
    return outside


@pytest.mark.parametrize(
    "uri",
    [
        "kestra:///ns/escape/secret.txt",
        "kestra:///ns/secret.txt",
        "kestra:///ns/escape",
        "kestra:///ns/escape/new/dir/file.txt",
        "kestra:///ns/dangling",
    ],
)
def test_symlinks_out_of_the_root_are_refused_for_reading_and_writing(
    storage: LocalStorage, escape: Path, secret: bytes, uri: str
) -> None:
    storage.put("kestra:///src", b"source")
    for name, call in operations(storage).items():
        with pytest.raises(InvalidPath) as caught:
            call(uri)
        assert str(escape) not in str(caught.value), name
        assert str(storage.root) not in str(caught.value), name
    assert (escape / "secret.txt").read_bytes() == secret
    assert sorted(os.listdir(escape)) == ["secret.txt"]  # nothing created: not "new", not "not-yet.txt"


def test_symlinks_inside_the_root_are_followed(storage: LocalStorage) -> None:
    storage.put("kestra:///real/file.txt", b"inside")
    (storage.root / "alias").symlink_to(storage.root / "real", target_is_directory=True)
    assert storage.read_bytes("kestra:///alias/file.txt") == b"inside"


def test_a_symlinked_root_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real-root").mkdir()
    (tmp_path / "link-root").symlink_to(tmp_path / "real-root", target_is_directory=True)
    storage = LocalStorage(tmp_path / "link-root")
    storage.put("kestra:///x", b"x")
    assert (tmp_path / "real-root" / "x").read_bytes() == b"x"


def test_special_files_are_not_opened(storage: LocalStorage) -> None:
    os.mkfifo(storage.root / "fifo")
    with pytest.raises(StorageError, match="not a regular file"):
        storage.read_bytes("kestra:///fifo")  # and does not hang waiting for a writer


# --- property: refused, or under the root ---

TOKENS = [
    "..",
    ".",
    "/",
    "//",
    "\\",
    "%2e",
    "%2E",
    "%2f",
    "%2F",
    "%5c",
    "%25",
    "%00",
    "%0a",
    "\x00",
    ":",
    "C:",
    "c:",
    "kestra:",
    "kestra://",
    "kestra:///",
    "file://",
    "evil",
    "escape",
    "secret.txt",
    "a",
    "b.txt",
    "~",
    "?",
    "#",
    "%",
    "%c0%ae",
    "é",
    " ",
    "_files",
    ".choreo-tmp-",
    "%2e%2e%2f",
    "..%2f",
    "%252e",
    "%u002e",
    "\u2215",
    "\uff0e",
]
hostile_paths = st.one_of(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map("".join),
    st.builds(lambda p: "kestra:///" + p, st.lists(st.sampled_from(TOKENS), max_size=10).map("".join)),
    st.text(max_size=40),
)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalStorage, Path]:
    base = tmp_path_factory.mktemp("sandbox")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    storage = LocalStorage(base / "root")
    (storage.root / "escape").symlink_to(outside, target_is_directory=True)
    (storage.root / "secret.txt").symlink_to(outside / "secret.txt")
    return storage, outside


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=hostile_paths)
def test_any_path_is_refused_or_stays_under_the_root(sandbox: tuple[LocalStorage, Path], path: str) -> None:
    storage, outside = sandbox
    try:
        _, real = storage._locate(path)
    except InvalidPath as exc:
        assert str(storage.root) not in str(exc) and str(outside) not in str(exc)
    else:
        assert real.resolve().is_relative_to(storage.root)

    for call in (lambda: storage.put(path, b"written"), lambda: storage.read_bytes(path)):
        try:
            result = call()
        except InvalidPath:
            continue
        except StorageError as exc:  # e.g. reading what is not there, or a file in the way
            assert str(storage.root) not in str(exc) and str(outside) not in str(exc)
            continue
        assert result != SECRET
    assert sorted(os.listdir(outside)) == ["secret.txt"]
    assert (outside / "secret.txt").read_bytes() == SECRET
