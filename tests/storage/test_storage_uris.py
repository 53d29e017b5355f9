"""URI builders follow Kestra's `StorageContext` layout; parsing and formatting are inverse; names are made safe."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from choreo.errors import ChoreoError
from choreo.storage import (
    InvalidPath,
    StoragePath,
    execution_id_of,
    execution_uri,
    flow_uri,
    format_uri,
    input_file_uri,
    kv_prefix_uri,
    kv_uri,
    namespace_file_uri,
    namespace_files_uri,
    namespace_path,
    parse_relative_path,
    parse_uri,
    sanitize_filename,
    slugify,
    task_file_uri,
    task_uri,
    trigger_file_uri,
    trigger_uri,
)
from choreo.storage.paths import is_valid_name

# --- Kestra's layout (StorageContextTest) ---


def test_flow_and_execution_uris() -> None:
    assert flow_uri("namespace", "flowid") == "kestra:///namespace/flowid"
    assert execution_uri("namespace", "flowid", "executionid") == "kestra:///namespace/flowid/executions/executionid"


def test_task_uri() -> None:
    assert (
        task_uri("namespace", "flowid", "executionid", "taskid", "taskrun")
        == "kestra:///namespace/flowid/executions/executionid/tasks/taskid/taskrun"
    )


def test_trigger_uri() -> None:
    assert (
        trigger_uri("namespace", "flowid", "executionid", "triggerid")
        == "kestra:///namespace/flowid/executions/executionid/trigger/triggerid"
    )
    assert (
        trigger_file_uri("ns", "f", "e", "webhook", "body.json")
        == "kestra:///ns/f/executions/e/trigger/webhook/body.json"
    )


def test_namespace_files_prefix_replaces_dots() -> None:
    assert namespace_files_uri("io.namespace") == "kestra:///io/namespace/_files"
    assert namespace_file_uri("io.namespace", "scripts/etl.py") == "kestra:///io/namespace/_files/scripts/etl.py"


def test_task_file_uri_full_layout() -> None:
    uri = task_file_uri("company.team.sub", "my_flow", "4wjtkzwVGBM9yKnjm3yv8r", "extract_data", "6DFRz1Fz", "out.csv")
    assert uri == (
        "kestra:///company/team/sub/my-flow/executions/4wjtkzwVGBM9yKnjm3yv8r/tasks/extract-data/6DFRz1Fz/out.csv"
    )


def test_input_file_uri() -> None:
    assert (
        input_file_uri("io.kestra.tests", "inputs", "exec1", "file", "application.yml")
        == "kestra:///io/kestra/tests/inputs/executions/exec1/inputs/file/application.yml"
    )


def test_kv_uris() -> None:
    assert kv_prefix_uri("io.kestra") == "kestra:///io/kestra/_kv"
    assert kv_uri("io.kestra", "my_key.v2") == "kestra:///io/kestra/_kv/my_key.v2.ion"
    for key in ["", "../x", "a/b", ".hidden", "a b"]:
        with pytest.raises(InvalidPath):
            kv_uri("io.kestra", key)


def test_flow_task_and_trigger_ids_are_slugified_like_kestra() -> None:
    uri = task_uri("ns", "My Flow", "e", "Task_ID.v2", "r")
    assert uri == "kestra:///ns/my-flow/executions/e/tasks/task-idv2/r"
    assert trigger_uri("ns", "f", "e", "Every_Minute") == "kestra:///ns/f/executions/e/trigger/every-minute"


@pytest.mark.parametrize(
    ("source", "slug"),
    [
        ("test test ", "test-test"),
        ("Test\t\t\ntest*", "test-test"),
        ("--Test\t\t\ntest9*", "test-test9"),  # Kestra's SlugifyTest
        ("hello_world", "hello-world"),
        ("Crème brûlée", "creme-brulee"),
        ("a.b.c", "abc"),
        ("../../etc", "etc"),
    ],
)
def test_slugify(source: str, slug: str) -> None:
    assert slugify(source) == slug


def test_namespace_path() -> None:
    assert namespace_path("company.team") == "company/team"
    for bad in ["", ".", "a..b", ".a", "a.", "a/b", "a\\b", "..", "a.b/../c", "a b", "a%2fb", "a\x00b"]:
        with pytest.raises(InvalidPath):
            namespace_path(bad)


@pytest.mark.parametrize(
    "builder",
    [
        lambda bad: execution_uri("ns", "f", bad),
        lambda bad: task_uri("ns", "f", "e", "t", bad),
        lambda bad: input_file_uri("ns", "f", "e", bad, "x.txt"),
        lambda bad: task_uri(bad, "f", "e", "t", "r"),
    ],
)
@pytest.mark.parametrize("bad", ["", "..", ".", "../x", "a/b", "a\\b", "%2e%2e", "x\x00", "C:", "-x"])
def test_ids_used_verbatim_must_be_plain(builder, bad: str) -> None:
    with pytest.raises(InvalidPath):
        builder(bad)


def test_ids_that_slugify_to_nothing_are_refused() -> None:
    with pytest.raises(InvalidPath):
        task_uri("ns", "f", "e", "***", "r")
    with pytest.raises(InvalidPath):
        flow_uri("ns", "..")


# --- file names ---


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.csv", "report.csv"),
        ("C:\\Users\\me\\data.csv", "data.csv"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("notes:stream.txt", "notes_stream.txt"),
        ("100%25.txt", "100_25.txt"),
        ("50%.txt", "50%.txt"),
        ("  spaced .txt  ", "spaced .txt"),
        ("trailing...", "trailing"),
        (".env", ".env"),
        ("données.csv", "données.csv"),
        (".choreo-tmp-x", "_.choreo-tmp-x"),
    ],
)
def test_sanitize_filename(name: str, safe: str) -> None:
    assert sanitize_filename(name) == safe


@pytest.mark.parametrize("name", ["", ".", "..", "...", "a/..", "dir/", "\x00", "  "])
def test_sanitize_filename_refuses_what_is_left_empty(name: str) -> None:
    with pytest.raises(InvalidPath):
        sanitize_filename(name)


def test_sanitize_filename_shortens_keeping_the_extension() -> None:
    safe = sanitize_filename("é" * 300 + ".parquet")
    assert safe.endswith(".parquet")
    assert len(safe.encode()) <= 255
    assert is_valid_name(safe)


def test_builders_sanitise_file_names() -> None:
    assert task_file_uri("ns", "f", "e", "t", "r", "../../secret").endswith("/tasks/t/r/secret")
    assert input_file_uri("ns", "f", "e", "i", "C:\\tmp\\a b.csv").endswith("/inputs/i/a%20b.csv")


@given(st.text(min_size=1))
def test_sanitized_names_are_always_valid_segments(name: str) -> None:
    try:
        safe = sanitize_filename(name)
    except InvalidPath:
        return
    assert is_valid_name(safe)
    assert parse_uri(format_uri(("d", safe))).segments == ("d", safe)


# --- parsing ---


def test_parse_accepts_kestra_forms() -> None:
    assert parse_uri("kestra:///a/b.txt") == StoragePath(("a", "b.txt"))
    assert parse_uri("KESTRA:///a/b.txt") == StoragePath(("a", "b.txt"))
    assert parse_uri("/a/b.txt") == StoragePath(("a", "b.txt"))  # Kestra accepts scheme-less paths
    assert parse_uri("///a/b.txt") == StoragePath(("a", "b.txt"))  # StorageContext's "///ns/..." form
    assert parse_uri("kestra:///a//b/") == StoragePath(("a", "b"))
    assert parse_uri("kestra:///") == StoragePath(())
    assert parse_uri("kestra:///a%20b/%C3%A9.txt").segments == ("a b", "é.txt")


def test_format_encodes_specials_and_keeps_letters() -> None:
    assert format_uri(("a b", "é?#%.txt")) == "kestra:///a%20b/é%3F%23%25.txt"
    assert format_uri(()) == "kestra:///"


names = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
    st.text(st.sampled_from("aF2%/.:é ?#+~"), min_size=1, max_size=8),
).filter(is_valid_name)


@given(st.lists(names, max_size=6))
def test_format_then_parse_is_identity(segments: list[str]) -> None:
    uri = format_uri(segments)
    assert parse_uri(uri).segments == tuple(segments)
    assert parse_uri(uri).uri == uri


def test_names_that_look_percent_encoded_are_not_valid() -> None:
    assert not is_valid_name("%41")
    assert is_valid_name("50%")
    with pytest.raises(InvalidPath):
        parse_uri(format_uri(("100%41",)))


def test_parse_relative_path() -> None:
    assert parse_relative_path("scripts/etl.py") == ("scripts", "etl.py")
    assert parse_relative_path("a//b/") == ("a", "b")
    assert parse_relative_path("") == ()
    assert parse_relative_path("my%20file.py") == ("my file.py",)
    for bad in ["/etc/passwd", "%2fetc/passwd", "../x", "a/../../x", "kestra:///x", "file:/etc/x", "C:/x", "c%3a/x"]:
        with pytest.raises(InvalidPath):
            parse_relative_path(bad)


def test_execution_id_of() -> None:
    assert execution_id_of(task_file_uri("a.b", "f", "exec42", "t", "r", "x.txt")) == "exec42"
    assert execution_id_of(input_file_uri("a.b", "f", "exec42", "i", "x.txt")) == "exec42"
    assert execution_id_of(namespace_file_uri("a.b", "x.txt")) is None
    assert execution_id_of("kestra:///a/f/executions/e") == "e"
    assert execution_id_of("kestra:///a/f/executions") is None


def test_invalid_path_is_a_choreo_error() -> None:
    with pytest.raises(ChoreoError):
        parse_uri("file:///etc/passwd")
