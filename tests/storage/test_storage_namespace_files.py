"""Namespace files: the `_files` tree of a namespace, its globs (Kestra's PathMatcherPredicate) and copying out."""

from __future__ import annotations

from pathlib import Path

import pytest

from choreo.storage import InvalidPath, LocalStorage, NamespaceFiles, StorageError, glob_to_regex, path_filter


@pytest.fixture
def files(storage: LocalStorage) -> NamespaceFiles:
    namespace = NamespaceFiles(storage, "company.team")
    for path in ["main.py", "README.md", "scripts/etl.py", "scripts/lib/util.py", "sql/q.sql", "docs/a/b/notes.md"]:
        namespace.put(path, path.encode())
    return namespace


def test_put_read_and_layout(storage: LocalStorage) -> None:
    files = NamespaceFiles(storage, "company.team")
    assert files.put("scripts/etl.py", b"print(1)") == "kestra:///company/team/_files/scripts/etl.py"
    assert files.read("scripts/etl.py") == b"print(1)"
    assert storage.read_bytes("kestra:///company/team/_files/scripts/etl.py") == b"print(1)"
    assert (storage.root / "company/team/_files/scripts/etl.py").is_file()
    assert files.uri("scripts/etl.py") == "kestra:///company/team/_files/scripts/etl.py"
    assert files.root_uri == "kestra:///company/team/_files"
    with files.open("scripts/etl.py") as stream:
        assert stream.read() == b"print(1)"


def test_list_all_files_recursively_with_relative_paths(files: NamespaceFiles) -> None:
    listed = files.list()
    assert [f.path for f in listed] == [
        "README.md",
        "docs/a/b/notes.md",
        "main.py",
        "scripts/etl.py",
        "scripts/lib/util.py",
        "sql/q.sql",
    ]
    first = listed[0]
    assert (first.namespace, first.uri, first.size, first.is_dir) == (
        "company.team",
        "kestra:///company/team/_files/README.md",
        len(b"README.md"),
        False,
    )


def test_list_prefix_and_levels(files: NamespaceFiles) -> None:
    assert [f.path for f in files.list("scripts")] == ["scripts/etl.py", "scripts/lib/util.py"]
    assert [f.path for f in files.list("scripts", recursive=False)] == ["scripts/etl.py"]
    assert [(f.path, f.is_dir) for f in files.list("scripts", recursive=False, include_dirs=True)] == [
        ("scripts/etl.py", False),
        ("scripts/lib", True),
    ]
    assert [f.path for f in files.list("main.py")] == ["main.py"]  # a file prefix lists the file
    assert files.list("nothing/here") == []


def test_list_of_a_namespace_without_files(storage: LocalStorage) -> None:
    assert NamespaceFiles(storage, "empty.namespace").list() == []
    assert NamespaceFiles(storage, "empty.namespace").glob(["**"]) == []


def test_namespaces_are_separate(storage: LocalStorage) -> None:
    NamespaceFiles(storage, "a").put("x.txt", b"a")
    NamespaceFiles(storage, "a.b").put("x.txt", b"ab")
    assert NamespaceFiles(storage, "a").read("x.txt") == b"a"
    assert [f.path for f in NamespaceFiles(storage, "a").list()] == ["x.txt"]  # not a/b/_files/x.txt


def test_exists_delete_move_mkdirs(files: NamespaceFiles) -> None:
    assert files.exists("scripts/etl.py")
    assert files.delete("scripts/etl.py") is True
    assert files.delete("scripts/etl.py") is False
    assert not files.exists("scripts/etl.py")
    assert files.move("sql/q.sql", "queries/report.sql") == "kestra:///company/team/_files/queries/report.sql"
    assert files.read("queries/report.sql") == b"sql/q.sql"
    assert files.delete("docs") is True
    assert not files.exists("docs/a/b/notes.md")
    files.mkdirs("empty/dir")
    assert [f.path for f in files.list("empty", include_dirs=True)] == ["empty/dir"]


def test_percent_encoded_paths_are_decoded_once(files: NamespaceFiles) -> None:
    files.put("my%20file.txt", b"x")
    assert files.read("my file.txt") == b"x"


@pytest.mark.parametrize(
    "path",
    [
        "../secret.txt",
        "scripts/../../x",
        "..\\x",
        "%2e%2e/x",
        "%2e%2e%2fx",
        "%252e%252e/x",
        "/etc/passwd",
        "%2fetc/passwd",
        "C:\\x",
        "C:/x",
        "kestra:///company/team/_files/x",
        "file:///etc/passwd",
        "a\x00b",
        "",
        ".",
        ".choreo-tmp-x",
    ],
)
def test_hostile_namespace_paths_are_refused(files: NamespaceFiles, path: str) -> None:
    for call in (files.read, files.exists, files.delete, files.uri, files.mkdirs, lambda p: files.put(p, b"x")):
        with pytest.raises(InvalidPath):
            call(path)
    with pytest.raises(InvalidPath):
        files.move("main.py", path)


def test_invalid_namespace(storage: LocalStorage) -> None:
    for namespace in ["", "..", "a/../b", "../etc", "a..b", "a\\b"]:
        with pytest.raises(InvalidPath):
            NamespaceFiles(storage, namespace)


# --- globs ---


def test_glob_include_exclude(files: NamespaceFiles) -> None:
    def paths(include=None, exclude=None) -> list[str]:
        return [f.path for f in files.glob(include, exclude)]

    assert paths() == [f.path for f in files.list()]
    assert paths(["**.py"]) == ["main.py", "scripts/etl.py", "scripts/lib/util.py"]
    assert paths(["**/*.py"]) == ["main.py", "scripts/etl.py", "scripts/lib/util.py"]
    assert paths(["*.py"]) == ["main.py"]  # top level only (Kestra itself would find nothing)
    assert paths(["scripts/**"]) == ["scripts/etl.py", "scripts/lib/util.py"]
    assert paths(["/scripts/*.py"]) == ["scripts/etl.py"]
    assert paths(["main.py"]) == ["main.py"]  # bare names match at any depth (Kestra adds **/)
    assert paths(["util.py"]) == ["scripts/lib/util.py"]
    assert paths(["**"], ["**.md"]) == ["main.py", "scripts/etl.py", "scripts/lib/util.py", "sql/q.sql"]
    assert paths(exclude=["scripts/**", "docs/**"]) == ["README.md", "main.py", "sql/q.sql"]
    assert paths(["**.{py,sql}"]) == ["main.py", "scripts/etl.py", "scripts/lib/util.py", "sql/q.sql"]
    assert paths(["regex:.*\\.sql"]) == ["sql/q.sql"]
    assert paths(["glob:/sql/*"]) == ["sql/q.sql"]
    assert paths(["sql/q.sq?"]) == ["sql/q.sql"]
    assert paths(["[RS]*"]) == ["README.md"]
    assert paths(["[!R]*.??"]) == ["main.py"]


def test_path_filter_matches_kestra_predicate_example() -> None:
    # Kestra's PathMatcherPredicateTest.shouldMatchGivenIncludeAndExcludeExpressions
    accept = path_filter(["/a/**", "c/**"], ["**/2"])
    paths = ["a/b/c/1", "a/2", "b/c/d/3", "b/d/4", "c/5"]
    assert [p for p in paths if accept(p)] == ["a/b/c/1", "b/c/d/3", "c/5"]


@pytest.mark.parametrize(
    ("glob", "regex"),
    [
        ("*.py", r"[^/]*\.py"),
        ("**/*.py", r".*/[^/]*\.py"),
        ("a?c", r"a[^/]c"),
        ("{a,b}/x", r"(?:a|b)/x"),
        ("[a-c]", r"[a-c]"),
        ("[!a]", r"[^/a]"),
        (r"\*", r"\*"),
    ],
)
def test_glob_to_regex(glob: str, regex: str) -> None:
    assert glob_to_regex(glob) == regex


@pytest.mark.parametrize("pattern", ["[abc", "{a,{b}}", "{a", "glob:x\\", "regex:(", "[a/b]"])
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(StorageError, match="invalid file pattern"):
        path_filter([pattern])


# --- copying into a working directory ---


def test_copy_to_working_directory(files: NamespaceFiles, tmp_path: Path) -> None:
    work = tmp_path / "work"
    written = files.copy_to(work, include=["**.py"], exclude=["**/lib/**"])
    assert sorted(p.relative_to(work).as_posix() for p in written) == ["main.py", "scripts/etl.py"]
    assert (work / "scripts" / "etl.py").read_bytes() == b"scripts/etl.py"
    assert not (work / "README.md").exists()


def test_copy_to_refuses_a_planted_symlink(files: NamespaceFiles, tmp_path: Path, outside: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "scripts").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidPath) as caught:
        files.copy_to(work, include=["scripts/**"])
    assert not (outside / "etl.py").exists()
    assert str(outside) not in str(caught.value)
