"""Logs, the KV store and namespace files over HTTP (TestClient) and through Kestra's own client (kestrapy) against a
real uvicorn server."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from kestrapy import KestraClient
from kestrapy.exceptions import BadRequestException, NotFoundException
from kestrapy.models.kv_controller_api_delete_bulk_request import KVControllerApiDeleteBulkRequest
from kestrapy.models.query_filter import QueryFilter

from choreo.api.app import create_app
from choreo.api.routes import logs as logs_routes
from choreo.api.routes.namespaces import typed_value
from choreo.model.execution import Execution, StateRecord
from choreo.model.state import State
from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from choreo.store.records import KVType, LogEntry, LogLevel
from threaded_server import serve_in_thread

TENANT = "main"
API = "/api/v1/main"


# -- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("logs-kv-files")


@pytest.fixture(scope="module")
def rt(home) -> Iterator[Runtime]:
    runtime = Runtime(ServerConfig(home=home))
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def app(rt):
    return create_app(rt)


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def base_url(app) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def kestra(base_url) -> Iterator[KestraClient]:
    with KestraClient(host=base_url, timeout=15) as client:
        yield client


def save_execution(rt: Runtime, state: State = State.SUCCESS, namespace: str = "company.team") -> Execution:
    execution = Execution(namespace=namespace, flow_id="etl", state=StateRecord.new(state))
    rt.store.executions.save(execution)
    return execution


def line(execution: Execution, message: str, **fields) -> LogEntry:
    fields.setdefault("task_id", "extract")
    return LogEntry(
        namespace=execution.namespace,
        flow_id=execution.flow_id,
        execution_id=execution.id,
        message=message,
        **fields,
    )


def add_lines(rt: Runtime, execution: Execution) -> list[LogEntry]:
    """Four lines a second apart: DEBUG/INFO of task `extract`, WARN/ERROR of task `load` (attempt 2)."""
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    entries = [
        line(execution, "reading rows", level=LogLevel.DEBUG, timestamp=start, task_run_id="run1", attempt_number=1),
        line(
            execution, "read 10 rows", level=LogLevel.INFO, timestamp=start + timedelta(seconds=1), task_run_id="run1"
        ),
        line(execution, "slow disk", level=LogLevel.WARN, timestamp=start + timedelta(seconds=2), task_id="load"),
        line(
            execution,
            "load failed\nsecond line",
            level=LogLevel.ERROR,
            timestamp=start + timedelta(seconds=3),
            task_id="load",
            attempt_number=2,
        ),
    ]
    rt.store.logs.append(entries)
    return entries


def messages(documents: list[dict]) -> list[str]:
    return [document["message"] for document in documents]


# -- logs ----------------------------------------------------------------------------------------------------------


def test_list_logs_of_an_execution_with_filters(client, rt):
    execution = save_execution(rt)
    add_lines(rt, execution)
    url = f"{API}/logs/{execution.id}"
    assert messages(client.get(url).json()) == ["reading rows", "read 10 rows", "slow disk", "load failed\nsecond line"]
    assert messages(client.get(url, params={"minLevel": "WARN"}).json()) == ["slow disk", "load failed\nsecond line"]
    assert messages(client.get(url, params={"taskId": "load", "attempt": 2}).json()) == ["load failed\nsecond line"]
    assert messages(client.get(url, params={"taskRunId": "run1"}).json()) == ["reading rows", "read 10 rows"]
    first = client.get(url).json()[0]
    assert first["namespace"] == "company.team" and first["flowId"] == "etl" and first["executionId"] == execution.id
    assert first["timestamp"] == "2024-05-01T12:00:00Z" and first["level"] == "DEBUG" and first["attemptNumber"] == 1


def test_bad_log_level_is_a_400(client, rt):
    execution = save_execution(rt)
    response = client.get(f"{API}/logs/{execution.id}", params={"minLevel": "LOUD"})
    assert response.status_code == 400
    assert "minLevel" in response.json()["message"]


def test_search_logs_filters_pages_and_sorts(client, rt):
    execution = save_execution(rt, namespace="search.logs")
    add_lines(rt, execution)
    url = f"{API}/logs/search"
    found = client.get(url, params={"filters[executionId][EQUALS]": execution.id, "size": 2, "sort": "timestamp:asc"})
    body = found.json()
    assert body["type"] == "OFFSET" and body["total"] == 4
    assert messages(body["results"]) == ["reading rows", "read 10 rows"]
    page2 = client.get(url, params={"filters[executionId][EQUALS]": execution.id, "size": 2, "page": 2}).json()
    assert messages(page2["results"]) == ["read 10 rows", "reading rows"]  # default: newest first
    level = client.get(url, params={"filters[namespace][EQUALS]": "search", "filters[level][EQUALS]": "WARN"}).json()
    assert level["total"] == 2  # a level filter keeps that level and above; a namespace filter includes children
    text = client.get(
        url, params={"filters[q][EQUALS]": "ROWS", "filters[flowId][EQUALS]": "etl", "namespace": "search"}
    )
    assert sorted(messages(text.json()["results"])) == ["read 10 rows", "reading rows"]
    dated = client.get(
        url,
        params={
            "filters[executionId][EQUALS]": execution.id,
            "filters[startDate][GREATER_THAN_OR_EQUAL_TO]": "2024-05-01T12:00:01+00:00",
            "filters[endDate][LESS_THAN_OR_EQUAL_TO]": "2024-05-01T12:00:02Z",
        },
    ).json()
    assert sorted(messages(dated["results"])) == ["read 10 rows", "slow disk"]
    by_task = client.get(url, params={"filters[executionId][EQUALS]": execution.id, "filters[taskId][EQUALS]": "load"})
    assert by_task.json()["total"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"filters[level][REGEX]": "x"},
        {"filters[bogus][EQUALS]": "x"},
        {"filters[startDate][GREATER_THAN]": "yesterday"},
        {"sort": "message:asc"},
        {"filters[taskId][EQUALS]": "load"},
        {"page": "0"},
        {"filters[level][EQUALS]": "LOUD"},
    ],
)
def test_bad_log_searches_are_400(client, params):
    response = client.get(f"{API}/logs/search", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["message"]


def test_download_logs_as_text(client, rt):
    execution = save_execution(rt)
    add_lines(rt, execution)
    response = client.get(f"{API}/logs/{execution.id}/download", params={"minLevel": "INFO"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.splitlines() == [
        "2024-05-01T12:00:01.000Z INFO [extract] read 10 rows",
        "2024-05-01T12:00:02.000Z WARN [load] slow disk",
        "2024-05-01T12:00:03.000Z ERROR [load] load failed",
        "    second line",
    ]


def test_delete_logs_with_filters_keeps_the_others(client, rt):
    execution = save_execution(rt)
    add_lines(rt, execution)
    url = f"{API}/logs/{execution.id}"
    assert client.delete(url, params={"taskId": "load"}).status_code == 204
    assert messages(client.get(url).json()) == ["reading rows", "read 10 rows"]
    assert client.get(url).json()[0]["timestamp"] == "2024-05-01T12:00:00Z"  # rewritten lines keep their dates
    assert client.delete(url).status_code == 204
    assert client.get(url).json() == []


def test_delete_logs_of_a_flow(client, rt):
    mine, other = save_execution(rt, namespace="purge.me"), save_execution(rt, namespace="purge.me.child")
    for execution in (mine, other):
        add_lines(rt, execution)
    rt.store.logs.append([line(mine, "fired", trigger_id="daily"), line(mine, "kept", trigger_id="hourly")])
    assert client.delete(f"{API}/logs/purge.me/etl", params={"triggerId": "daily"}).status_code == 204
    assert "fired" not in messages(client.get(f"{API}/logs/{mine.id}").json())
    assert len(client.get(f"{API}/logs/{mine.id}").json()) == 5
    assert client.delete(f"{API}/logs/purge.me/etl").status_code == 204
    assert client.get(f"{API}/logs/{mine.id}").json() == []
    assert len(client.get(f"{API}/logs/{other.id}").json()) == 4  # a child namespace is another flow


def _events(response) -> list[dict]:
    payloads = []
    for block in response.text.split("\n\n"):
        for text_line in block.splitlines():
            if text_line.startswith("data: "):
                payloads.append(json.loads(text_line.removeprefix("data: ")))
    return payloads


def test_follow_an_ended_execution_sends_stored_lines_and_ends(client, rt):
    execution = save_execution(rt, State.FAILED)
    add_lines(rt, execution)
    with client.stream("GET", f"{API}/logs/{execution.id}/follow", params={"minLevel": "WARN"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        response.read()
    assert messages(_events(response)) == ["slow disk", "load failed\nsecond line"]


def test_follow_an_unknown_execution_is_a_404(client):
    response = client.get(f"{API}/logs/nope/follow")
    assert response.status_code == 404
    assert "nope" in response.json()["message"]


class _Connected:
    async def is_disconnected(self) -> bool:
        return False


def test_follow_sends_live_lines_once_then_ends_when_the_execution_ends(rt, monkeypatch):
    monkeypatch.setattr(logs_routes, "FOLLOW_POLL_SECONDS", 0.02)
    monkeypatch.setattr(logs_routes, "KEEPALIVE_SECONDS", 0.0)
    execution = save_execution(rt, State.RUNNING)
    rt.store.logs.append([line(execution, "stored before")])
    live = line(execution, "live line")
    hidden = line(execution, "too quiet", level=LogLevel.DEBUG)

    async def scenario() -> list[str]:
        received: list[str] = []
        events = logs_routes.follow_events(rt, execution.id, logs_routes.LineFilter(LogLevel.INFO), _Connected())

        async def consume() -> None:
            async for event in events:
                received.append(event)

        task = asyncio.create_task(consume())
        while not any("stored before" in event for event in received):
            await asyncio.sleep(0.01)
        rt.live.logs([live, hidden])  # announced by the worker before it is stored
        while not any("live line" in event for event in received):
            await asyncio.sleep(0.01)
        rt.store.logs.append([live, hidden, line(execution, "stored late")])  # flushed later: not sent twice
        while not any(event.startswith(": keepalive") for event in received):
            await asyncio.sleep(0.01)
        rt.store.executions.save(execution.with_state(State.SUCCESS))
        await asyncio.wait_for(task, 5)
        return received

    received = asyncio.run(asyncio.wait_for(scenario(), 10))
    data = [json.loads(event.removeprefix("data: ")) for event in received if event.startswith("data: ")]
    assert messages(data) == ["stored before", "live line", "stored late"]


def test_follow_sends_lines_only_stored_while_live_ones_keep_coming(rt, monkeypatch):
    """A line emitted before the follower subscribed is in neither its live feed nor the store it read first: it
    must come from a later store read although live lines never leave the follower idle."""
    monkeypatch.setattr(logs_routes, "FOLLOW_POLL_SECONDS", 0.2)
    execution = save_execution(rt, State.RUNNING)

    async def scenario() -> list[str]:
        received: list[str] = []
        events = logs_routes.follow_events(rt, execution.id, logs_routes.LineFilter(LogLevel.INFO), _Connected())

        async def consume() -> None:
            async for event in events:
                received.append(event)

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.05)  # subscribed and the (empty) store read
        rt.store.logs.append([line(execution, "flushed late")])  # emitted before the subscription
        for n in range(40):  # a live line every 0.02 s: the live feed is never quiet for a poll period
            rt.live.logs([line(execution, f"live {n}")])
            await asyncio.sleep(0.02)
            if any("flushed late" in event for event in received):
                break
        rt.store.executions.save(execution.with_state(State.SUCCESS))
        await asyncio.wait_for(task, 5)
        return received

    received = asyncio.run(asyncio.wait_for(scenario(), 10))
    data = [json.loads(event.removeprefix("data: ")) for event in received if event.startswith("data: ")]
    sent = messages(data)
    assert "flushed late" in sent
    assert sent.index("flushed late") < 30, sent  # within a poll period or two, not at the end


def test_follow_through_kestrapy_ends_when_the_execution_ends(kestra, rt, monkeypatch):
    monkeypatch.setattr(logs_routes, "FOLLOW_POLL_SECONDS", 0.05)
    execution = save_execution(rt, State.RUNNING)
    rt.store.logs.append([line(execution, "first")])

    def finish() -> None:
        time.sleep(0.3)
        rt.store.logs.append([line(execution, "last words", level=LogLevel.ERROR)])
        rt.store.executions.save(execution.with_state(State.FAILED))

    finisher = threading.Thread(target=finish)
    finisher.start()
    try:
        followed = list(kestra.logs.follow_logs_from_execution(execution.id, TENANT))
    finally:
        finisher.join()
    assert [entry.message for entry in followed] == ["first", "last words"]
    assert followed[1].level == "ERROR" and followed[1].execution_id == execution.id


def test_logs_through_kestrapy(kestra, rt):
    execution = save_execution(rt, namespace="kestrapy.logs")
    add_lines(rt, execution)
    listed = kestra.logs.list_logs_from_execution(execution.id, TENANT, min_level="WARN")
    assert [entry.message for entry in listed] == ["slow disk", "load failed\nsecond line"]
    assert listed[0].timestamp == datetime(2024, 5, 1, 12, 0, 2, tzinfo=UTC)
    found = kestra.logs.search_logs(
        TENANT,
        page=1,
        size=10,
        filters=[
            QueryFilter(field="executionId", operation="EQUALS", value=execution.id),
            QueryFilter(field="level", operation="EQUALS", value="INFO"),
        ],
    )
    assert found.total == 3 and found.type == "OFFSET"
    assert {entry.message for entry in found.results} == {"read 10 rows", "slow disk", "load failed\nsecond line"}
    text = kestra.logs.download_logs_from_execution(execution.id, TENANT, task_id="extract")
    assert text.splitlines() == [
        "2024-05-01T12:00:00.000Z DEBUG [extract] reading rows",
        "2024-05-01T12:00:01.000Z INFO [extract] read 10 rows",
    ]
    kestra.logs.delete_logs_from_execution(execution.id, TENANT, min_level="WARN")
    assert [e.message for e in kestra.logs.list_logs_from_execution(execution.id, TENANT)] == [
        "reading rows",
        "read 10 rows",
    ]
    kestra.logs.delete_logs_from_flow("kestrapy.logs", "etl", "", TENANT)
    assert kestra.logs.list_logs_from_execution(execution.id, TENANT) == []
    with pytest.raises(NotFoundException):
        next(iter(kestra.logs.follow_logs_from_execution("missing", TENANT)))


# -- KV ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind", "value"),
    [
        ('"hello"', KVType.STRING, "hello"),
        ("hello world", KVType.STRING, "hello world"),
        ('"2024-01-01"', KVType.STRING, "2024-01-01"),
        ("42", KVType.NUMBER, 42),
        ("-1.5", KVType.NUMBER, -1.5),
        ("1e999", KVType.STRING, "1e999"),
        ("NaN", KVType.STRING, "NaN"),
        ("true", KVType.BOOLEAN, True),
        ("false", KVType.BOOLEAN, False),
        ('{"a": [1, 2]}', KVType.JSON, {"a": [1, 2]}),
        ("[1, 2]", KVType.JSON, [1, 2]),
        ("2024-01-31", KVType.DATE, date(2024, 1, 31)),
        ("2024-01-31T10:00:00Z", KVType.DATETIME, datetime(2024, 1, 31, 10, tzinfo=UTC)),
        ("2024-01-31T10:00:00", KVType.DATETIME, datetime(2024, 1, 31, 10, tzinfo=UTC)),
        ("PT5M", KVType.DURATION, timedelta(minutes=5)),
        ("P1DT2H", KVType.DURATION, timedelta(days=1, hours=2)),
        ("2024-13-45", KVType.STRING, "2024-13-45"),
        ("Pizza", KVType.STRING, "Pizza"),
        ("", KVType.STRING, ""),
    ],
)
def test_kv_body_typing(body, kind, value):
    assert typed_value(body) == (value, kind)


@pytest.mark.parametrize(
    ("body", "kind", "served"),
    [
        ('"text"', "STRING", "text"),
        ("12", "NUMBER", 12),
        ("true", "BOOLEAN", True),
        ('{"k": "v"}', "JSON", {"k": "v"}),
        ("2024-01-31T10:00:00+02:00", "DATETIME", "2024-01-31T08:00:00Z"),
        ("2024-01-31", "DATE", "2024-01-31"),
        ("PT90M", "DURATION", "PT1H30M"),
    ],
)
def test_kv_set_and_get_typed_values(client, body, kind, served):
    url = f"{API}/namespaces/kv.types/kv/k{abs(hash(body))}"
    assert client.put(url, content=body.encode(), headers={"content-type": "text/plain"}).status_code == 204
    detail = client.get(url).json()
    assert detail["type"] == kind and detail["value"] == served
    assert detail["revision"] == 1 and detail["updated"].endswith("Z")


def test_kv_ttl_header_expires_the_key(client):
    url = f"{API}/namespaces/kv.ttl/kv/short"
    assert client.put(url, content=b"1", headers={"ttl": "PT1S"}).status_code == 204
    assert client.get(url).status_code == 200
    listed = client.get(f"{API}/namespaces/kv.ttl/kv").json()
    assert listed[0]["expirationDate"] is not None
    time.sleep(1.1)
    missing = client.get(url)
    assert missing.status_code == 404
    assert missing.json()["message"] == "No value found for key 'short' in namespace 'kv.ttl'"


@pytest.mark.parametrize("ttl", ["soon", "PT0S", "-PT5M"])
def test_kv_bad_ttl_is_a_400(client, ttl):
    response = client.put(f"{API}/namespaces/kv.ttl/kv/bad", content=b"1", headers={"ttl": ttl})
    assert response.status_code == 400
    assert "ttl" in response.json()["message"]
    assert client.get(f"{API}/namespaces/kv.ttl/kv/bad").status_code == 404


@pytest.mark.parametrize("key", ["-dash", "has space", "semi;colon", "_under"])
def test_kv_invalid_keys_are_400(client, key):
    url = f"{API}/namespaces/kv.keys/kv/{key}"
    assert client.put(url, content=b"1").status_code == 400
    assert client.get(url).status_code == 400
    assert client.delete(url).status_code == 400


def test_kv_invalid_namespace_is_a_400(client):
    assert client.put(f"{API}/namespaces/..bad/kv/key", content=b"1").status_code == 400


def test_kv_body_must_be_utf8(client):
    response = client.put(f"{API}/namespaces/kv.bytes/kv/key", content=b"\xff\xfe")
    assert response.status_code == 400


def test_kv_delete_list_and_bulk_delete(client):
    base = f"{API}/namespaces/kv.crud/kv"
    for key in ("a", "b", "c"):
        client.put(f"{base}/{key}", content=b'"x"')
    assert client.delete(f"{base}/a").json() is True
    assert client.delete(f"{base}/a").json() is False
    assert [entry["key"] for entry in client.get(base).json()] == ["b", "c"]
    deleted = client.request("DELETE", base, json={"keys": ["b", "zz"], "additional_properties": {}})
    assert deleted.json() == {"keys": ["b"]}
    refused = client.request("DELETE", base, json={"keys": ["c", "bad key"]})
    assert refused.status_code == 400
    assert client.get(f"{base}/c").status_code == 200  # nothing deleted when one key is invalid
    assert client.request("DELETE", base, json={"nokeys": 1}).status_code == 400


def test_kv_inheritance_and_list_all_keys(client):
    for namespace, key in [("inh", "shared"), ("inh", "top"), ("inh.team", "shared"), ("inh.team", "own")]:
        client.put(f"{API}/namespaces/{namespace}/kv/{key}", content=f'"{namespace}"'.encode())
    inherited = client.get(f"{API}/namespaces/inh.team/kv/inheritance").json()
    assert sorted((entry["namespace"], entry["key"]) for entry in inherited) == [
        ("inh", "top"),
        ("inh.team", "own"),
        ("inh.team", "shared"),
    ]
    everything = client.get(f"{API}/kv", params={"filters[namespace][EQUALS]": "inh.team"}).json()
    assert everything["total"] == 2 and [entry["key"] for entry in everything["results"]] == ["own", "shared"]
    prefixed = client.get(f"{API}/kv", params={"filters[namespace][PREFIX]": "inh", "size": 3, "sort": "key:desc"})
    assert prefixed.json()["total"] == 4
    assert [entry["key"] for entry in prefixed.json()["results"]] == ["top", "shared", "shared"]
    assert (
        client.get(f"{API}/kv", params={"filters[namespace][EQUALS]": "inh", "filters[q][EQUALS]": "TO"}).json()[
            "total"
        ]
        == 1
    )
    assert client.get(f"{API}/kv", params={"filters[expirationDate][EQUALS]": "x"}).status_code == 400


def test_kv_through_kestrapy(kestra):
    kestra.kv.set_key_value("kestrapy.kv", "greeting", TENANT, '"hello"')
    kestra.kv.set_key_value("kestrapy.kv", "count", TENANT, "42")
    kestra.kv.set_key_value("kestrapy.kv", "when", TENANT, "2024-02-03T04:05:06Z")
    greeting = kestra.kv.key_value("kestrapy.kv", "greeting", TENANT)
    assert greeting.type == "STRING" and greeting.value == "hello" and greeting.revision == 1
    assert kestra.kv.key_value("kestrapy.kv", "count", TENANT).value == 42
    when = kestra.kv.key_value("kestrapy.kv", "when", TENANT)
    assert when.type == "DATETIME" and when.value == "2024-02-03T04:05:06Z"
    with pytest.raises(NotFoundException):
        kestra.kv.key_value("kestrapy.kv", "nothing", TENANT)
    with pytest.raises(BadRequestException):
        kestra.kv.set_key_value("kestrapy.kv", "bad key", TENANT, "1")
    listed = kestra.kv.list_all_keys(
        TENANT, filters=[QueryFilter(field="namespace", operation="EQUALS", value="kestrapy.kv")]
    )
    assert listed.total == 3 and sorted(entry.key for entry in listed.results) == ["count", "greeting", "when"]
    assert {entry.key for entry in kestra.kv.list_keys_with_inheritance("kestrapy.kv", TENANT)} == {
        "count",
        "greeting",
        "when",
    }
    assert kestra.kv.delete_key_value("kestrapy.kv", "when", TENANT) is True
    bulk = kestra.kv.delete_key_values(
        "kestrapy.kv", TENANT, KVControllerApiDeleteBulkRequest(keys=["greeting", "count", "gone"])
    )
    assert sorted(bulk.keys) == ["count", "greeting"]


# -- namespace files -----------------------------------------------------------------------------------------------


def test_namespace_files_through_kestrapy(kestra):
    files = kestra.files
    files.create_namespace_file("kestrapy.files", "/scripts/etl.py", TENANT, b"print('hi')\n")
    files.create_namespace_file("kestrapy.files", "/scripts/sql/query.sql", TENANT, "select 1")
    files.create_namespace_file("kestrapy.files", "/empty.txt", TENANT)
    files.create_namespace_directory("kestrapy.files", TENANT, "/configs")
    assert files.file_content("kestrapy.files", "/scripts/etl.py", TENANT) == b"print('hi')\n"
    assert files.file_content("kestrapy.files", "/empty.txt", TENANT) == b""
    stats = files.file_metadatas("kestrapy.files", TENANT, "/scripts/etl.py")
    assert stats.file_name == "etl.py" and stats.type == "File" and stats.size == 12
    assert isinstance(stats.last_modified_time, int) and stats.last_modified_time > 1_600_000_000_000
    root = files.list_namespace_directory_files("kestrapy.files", TENANT)
    assert sorted((entry.file_name, entry.type) for entry in root) == [
        ("configs", "Directory"),
        ("empty.txt", "File"),
        ("scripts", "Directory"),
    ]
    assert files.search_namespace_files("kestrapy.files", "SQL", TENANT) == ["/scripts/sql/query.sql"]
    files.move_file_directory("kestrapy.files", "/scripts/etl.py", "/scripts/main.py", TENANT)
    assert files.file_content("kestrapy.files", "/scripts/main.py", TENANT) == b"print('hi')\n"
    with pytest.raises(NotFoundException):
        files.file_content("kestrapy.files", "/scripts/etl.py", TENANT)
    archive = zipfile.ZipFile(io.BytesIO(files.export_namespace_files("kestrapy.files", TENANT)))
    assert archive.read("scripts/main.py") == b"print('hi')\n"
    assert archive.read("scripts/sql/query.sql") == b"select 1"
    assert "configs/" in archive.namelist()
    assert [revision.revision for revision in files.file_revisions("kestrapy.files", TENANT, "/empty.txt")] == [1]
    files.delete_file_directory("kestrapy.files", "/scripts", TENANT)
    assert sorted(entry.file_name for entry in files.list_namespace_directory_files("kestrapy.files", TENANT)) == [
        "configs",
        "empty.txt",
    ]
    with pytest.raises(BadRequestException):
        files.file_content("kestrapy.files", "/../../choreo.db", TENANT)


def test_namespace_file_edge_cases(client):
    base = f"{API}/namespaces/edge.files/files"
    assert client.post(base, params={"path": "/raw.bin"}, content=b"\x00\x01").status_code == 204
    assert client.get(base, params={"path": "raw.bin"}).content == b"\x00\x01"
    assert client.post(base, params={"path": "/raw.bin"}, files={"fileContent": ("file", b"v2")}).status_code == 204
    assert client.get(base, params={"path": "/raw.bin"}).content == b"v2"
    assert client.post(base, params={"path": "/dir/"}).status_code == 204
    assert client.get(f"{base}/stats", params={"path": "/dir"}).json()["type"] == "Directory"
    assert client.get(f"{base}/stats", params={"path": "/missing"}).status_code == 404
    assert client.get(f"{base}/stats").json()["type"] == "Directory"
    assert client.get(f"{base}/directory", params={"path": "/raw.bin"}).status_code == 400
    assert client.get(f"{base}/directory", params={"path": "/nope"}).status_code == 404
    assert client.get(f"{API}/namespaces/never.used/files/directory").json() == []
    client.post(base, params={"path": "/other.txt"}, content=b"x")
    assert client.put(base, params={"from": "/other.txt", "to": "/raw.bin"}).status_code == 409
    assert client.put(base, params={"from": "/ghost.txt", "to": "/x.txt"}).status_code == 404
    assert client.delete(base, params={"path": "/ghost.txt"}).status_code == 404
    assert client.delete(base, params={"path": "/"}).status_code == 400
    assert client.post(base, params={"path": "/"}).status_code == 400
    assert client.get(base).status_code == 400  # path is required


TRAVERSALS = [
    "../outside.txt",
    "/../outside.txt",
    "a/../../outside.txt",
    "..%2Foutside.txt",
    "%2e%2e/outside.txt",
    "//etc/outside.txt",
    "a\\..\\..\\outside.txt",
    "C:/outside.txt",
    "a/%252e%252e/outside.txt",
    "a/\x00/outside.txt",
    "kestra:///outside.txt",
]


def _tree(root: Path) -> set[str]:
    """Every path under the server's home but the database files (which change as the server works)."""
    return {str(path.relative_to(root)) for path in root.rglob("*") if ".db" not in path.name}


@pytest.mark.parametrize("path", TRAVERSALS)
def test_namespace_file_traversal_is_refused_and_touches_nothing(client, home, path):
    base = f"{API}/namespaces/safe.files/files"
    client.post(base, params={"path": "/inside.txt"}, content=b"inside")
    before = _tree(home.parent)
    attempts = [
        client.post(base, params={"path": path}, files={"fileContent": ("file", b"evil")}),
        client.post(base, params={"path": path}, content=b"evil"),
        client.get(base, params={"path": path}),
        client.get(f"{base}/stats", params={"path": path}),
        client.get(f"{base}/directory", params={"path": path}),
        client.post(f"{base}/directory", params={"path": path}),
        client.get(f"{base}/revisions", params={"path": path}),
        client.put(base, params={"from": "/inside.txt", "to": path}),
        client.put(base, params={"from": path, "to": "/moved.txt"}),
        client.delete(base, params={"path": path}),
    ]
    for response in attempts:
        assert response.status_code == 400, (path, response.request.method, response.request.url, response.text)
        assert "invalid" in response.json()["message"].lower()
    assert _tree(home.parent) == before
    assert client.get(base, params={"path": "/inside.txt"}).content == b"inside"


def test_invalid_namespace_for_files_is_a_400(client):
    assert client.get(f"{API}/namespaces/..x/files/directory").status_code == 400


# -- namespaces ----------------------------------------------------------------------------------------------------


FLOW = """id: f
namespace: ns.flows.deep
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi
"""


def test_namespaces_exist_through_flows_files_or_kv(client, rt):
    save_flow(rt.app, rt.store, FLOW)
    client.post(f"{API}/namespaces/ns.files/files", params={"path": "/a.txt"}, content=b"a")
    client.put(f"{API}/namespaces/ns.kv/kv/key", content=b"1")
    for namespace in ("ns", "ns.flows", "ns.flows.deep", "ns.files", "ns.kv"):
        assert client.get(f"{API}/namespaces/{namespace}").json() == {"id": namespace, "deleted": False}
    assert client.get(f"{API}/namespaces/ns.nothing").status_code == 404
    found = client.get(f"{API}/namespaces/search", params={"q": "ns.", "size": 10}).json()
    assert [result["id"] for result in found["results"]] == ["ns.files", "ns.flows", "ns.flows.deep", "ns.kv"]
    desc = client.get(f"{API}/namespaces/search", params={"filters[q][EQUALS]": "ns.f", "sort": "id:desc", "size": 1})
    assert desc.json() == {"results": [{"id": "ns.flows.deep", "deleted": False}], "total": 3}
