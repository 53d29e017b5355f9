"""Plugins, health/configuration/metrics/statistics/tokens and triggers over HTTP (TestClient) and through Kestra's
own client (kestrapy) against a real uvicorn server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from kestrapy import KestraClient
from kestrapy.exceptions import ConflictException, NotFoundException
from kestrapy.models.delete_triggers_by_query_request import DeleteTriggersByQueryRequest
from kestrapy.models.query_filter import QueryFilter
from kestrapy.models.trigger_controller_api_trigger_id import TriggerControllerApiTriggerId
from kestrapy.models.trigger_controller_set_disabled_request import TriggerControllerSetDisabledRequest

from choreo import __version__
from choreo.api.app import create_app
from choreo.model.execution import Execution, StateRecord
from choreo.model.state import State
from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from threaded_server import serve_in_thread

TENANT = "main"
API = "/api/v1/main"

FLOW = """id: {flow_id}
namespace: {namespace}
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: daily
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 9 * * *"
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: a-long-enough-webhook-key
  - id: paused
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "@hourly"
    disabled: true
"""


# -- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rt(tmp_path_factory) -> Iterator[Runtime]:
    runtime = Runtime(ServerConfig(home=tmp_path_factory.mktemp("plugins-misc-triggers")))
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def app(rt):
    return create_app(rt)


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def kestra(app) -> Iterator[KestraClient]:
    with serve_in_thread(app) as url, KestraClient(host=url, timeout=15) as client:
        yield client


def deploy(rt: Runtime, namespace: str, flow_id: str = "scheduled") -> None:
    save_flow(rt.app, rt.store, FLOW.format(namespace=namespace, flow_id=flow_id))


def key(namespace: str, trigger_id: str, flow_id: str = "scheduled") -> dict[str, str]:
    return {"namespace": namespace, "flowId": flow_id, "triggerId": trigger_id}


def search(client: TestClient, **params) -> dict:
    response = client.get(f"{API}/triggers/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def context(client: TestClient, namespace: str, trigger_id: str, flow_id: str = "scheduled") -> dict:
    found = search(client, **{"filters[namespace][EQUALS]": namespace, "filters[flowId][EQUALS]": flow_id})
    return next(r["triggerContext"] for r in found["results"] if r["triggerContext"]["triggerId"] == trigger_id)


# -- plugins -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/v1/plugins", f"{API}/plugins"])
def test_list_plugins_groups_them_by_package(client, prefix):
    plugins = client.get(prefix).json()
    names = [plugin["name"] for plugin in plugins]
    assert names == sorted(names) and {"core", "scripts", "redis", "fs", "jdbc"} <= set(names)
    by_name = {plugin["name"]: plugin for plugin in plugins}
    core, redis, scripts = by_name["core"], by_name["redis"], by_name["scripts"]
    assert redis["group"] == "io.kestra.plugin.redis"
    assert core["group"] == "io.kestra.plugin.core" and scripts["group"] == "io.kestra.plugin.scripts"
    log = next(task for task in core["tasks"] if task["cls"] == "io.kestra.plugin.core.log.Log")
    assert log["title"].startswith("Log one message") and log["deprecated"] is False
    assert any(task["deprecated"] for task in core["tasks"])
    assert "io.kestra.plugin.core.trigger.Schedule" in {trigger["cls"] for trigger in core["triggers"]}
    assert "io.kestra.plugin.core.condition.Expression" in {c["cls"] for c in core["conditions"]}
    assert {runner["cls"] for runner in core["taskRunners"]} == {"io.kestra.plugin.core.runner.Process"}
    assert "io.kestra.plugin.scripts.python.Script" in {task["cls"] for task in scripts["tasks"]}
    assert core["storages"] == [] and core["version"] == __version__


def test_plugins_under_another_tenant_are_404(client):
    assert client.get("/api/v1/other/plugins").status_code == 404


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()


def test_plugin_documentation_has_markdown_and_a_self_contained_schema(client):
    doc = client.get("/api/v1/plugins/io.kestra.plugin.core.flow.Sequential", params={"all": "true"}).json()
    assert doc["cls"] == "io.kestra.plugin.core.flow.Sequential"
    assert doc["markdown"].startswith("# io.kestra.plugin.core.flow.Sequential\n\nRun tasks one after the other")
    schema = doc["schema"]
    assert {"tasks", "id", "type"} <= set(schema["properties"]["properties"])
    assert schema["outputs"] == {}
    for ref in _refs(schema):
        assert ref.startswith("#/definitions/"), ref
        assert ref.removeprefix("#/definitions/") in schema["definitions"], ref
    assert schema["definitions"]["task"]["type"] == "object"  # a stand-in, not every plugin's schema
    assert "#/$defs/" not in str(schema)  # discriminator mappings too


def test_plugin_documentation_by_alias_and_unknown_class(client):
    doc = client.get(f"{API}/plugins/io.kestra.core.tasks.log.Log").json()
    assert doc["cls"] == "io.kestra.plugin.core.log.Log"
    assert "io.kestra.core.tasks.log.Log" in doc["markdown"]
    assert "message" in doc["schema"]["properties"]["properties"]
    missing = client.get("/api/v1/plugins/io.kestra.plugin.core.log.Lgo")
    assert missing.status_code == 404 and "Lgo" in missing.json()["message"]


def test_plugin_schemas(client):
    flow = client.get("/api/v1/plugins/schemas/flow").json()
    assert {"id", "namespace", "tasks"} <= set(flow["properties"]) and "task" in flow["$defs"]
    task = client.get("/api/v1/plugins/schemas/task").json()
    assert {"$ref": "#/$defs/io.kestra.plugin.core.log.Log"} in task["anyOf"]
    assert "io.kestra.plugin.core.log.Log" in task["$defs"]
    triggers = client.get("/api/v1/plugins/schemas/trigger", params={"arrayOf": "true"}).json()
    assert (
        triggers["type"] == "array"
        and {"$ref": "#/$defs/io.kestra.plugin.core.trigger.Schedule"} in triggers["items"]["anyOf"]
    )
    flows = client.get("/api/v1/plugins/schemas/flow", params={"arrayOf": "true"}).json()
    assert flows["type"] == "array" and "tasks" in flows["items"]["properties"] and "$defs" in flows
    assert client.get("/api/v1/plugins/schemas/template").status_code == 404


def test_plugin_inputs_and_triggers(client):
    assert {"type": "STRING"} in client.get("/api/v1/plugins/inputs").json()
    triggers = client.get("/api/v1/plugins/triggers").json()
    assert "io.kestra.plugin.core.trigger.Webhook" in {trigger["cls"] for trigger in triggers}


def test_plugins_through_kestrapy(kestra):
    names = [plugin["name"] for plugin in kestra.plugins.list_plugins()]
    assert {"core", "redis", "scripts"} <= set(names)
    doc = kestra.plugins.plugin_documentation("io.kestra.plugin.core.log.Log", all_properties=True)
    assert "markdown" in doc and "message" in doc["schema"]["properties"]["properties"]
    assert "tasks" in kestra.plugins.plugin_schema("flow")["properties"]
    assert {"type": "INT"} in kestra.plugins.plugin_input_types()
    assert any(t["cls"] == "io.kestra.plugin.core.trigger.Schedule" for t in kestra.plugins.plugin_triggers())
    with pytest.raises(NotFoundException):
        kestra.plugins.plugin_documentation("no.such.Plugin")


# -- health, configuration, metrics --------------------------------------------------------------------------------


def test_health(client, rt, monkeypatch):
    assert client.get("/health").json() == {"status": "UP"}

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(rt.store.engine, "connect", broken)
    response = client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "DOWN"


def test_configuration_through_kestrapy(kestra):
    config = kestra.misc.configuration()
    assert config.version == __version__ and config.edition == "OSS" and config.commit_id == ""
    assert config.is_basic_auth_initialized is False
    assert config.system_namespace == "system" and config.hidden_labels_prefixes == ["system."]
    assert config.uuid == kestra.misc.configuration().uuid  # stable
    assert config.url.startswith("http://127.0.0.1:")


def test_prometheus_metrics(client, rt):
    for state in (State.SUCCESS, State.SUCCESS, State.FAILED):
        rt.store.executions.save(Execution(namespace="metrics.ns", flow_id="f", state=StateRecord.new(state)))
    rt.store.queue.push("task", {"job": 1})
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = response.text.splitlines()
    assert f'choreo_build_info{{version="{__version__}"}} 1' in lines
    samples = dict(line.rsplit(" ", 1) for line in lines if not line.startswith("#"))
    assert int(samples['choreo_executions_total{state="SUCCESS"}']) >= 2
    assert int(samples['choreo_executions_total{state="FAILED"}']) >= 1
    assert int(samples['choreo_queue_jobs{kind="task",claimed="false"}']) >= 1
    assert samples['choreo_queue_jobs{kind="execution",claimed="true"}'] == "0"
    assert "# TYPE choreo_executions_total gauge" in lines


# -- daily statistics ----------------------------------------------------------------------------------------------


def _ended(namespace: str, flow_id: str, start: datetime, seconds: int, state: State) -> Execution:
    record = (
        StateRecord.new(State.CREATED, at=start)
        .to(State.RUNNING, at=start)
        .to(state, at=start + timedelta(seconds=seconds))
    )
    return Execution(namespace=namespace, flow_id=flow_id, state=record)


def test_daily_execution_statistics(client, rt):
    day1, day3 = datetime(2023, 3, 1, 10, tzinfo=UTC), datetime(2023, 3, 3, 23, 59, tzinfo=UTC)
    for execution in (
        _ended("stats.ns", "a", day1, 10, State.SUCCESS),
        _ended("stats.ns", "a", day1 + timedelta(hours=1), 30, State.FAILED),
        _ended("stats.ns.child", "b", day3, 60, State.SUCCESS),
        _ended("elsewhere", "a", day1, 5, State.SUCCESS),
        Execution(namespace="stats.ns", flow_id="a", state=StateRecord.new(State.RUNNING, at=day3)),
    ):
        rt.store.executions.save(execution)
    body = {"namespace": "stats.ns", "startDate": "2023-03-01T00:00:00Z", "endDate": "2023-03-03T12:00:00Z"}
    days = client.post(f"{API}/stats/executions/daily", json=body).json()
    assert [day["startDate"] for day in days] == [
        "2023-03-01T00:00:00Z",
        "2023-03-02T00:00:00Z",
        "2023-03-03T00:00:00Z",
    ]
    first, second, third = days
    assert first["executionCounts"]["SUCCESS"] == 1 and first["executionCounts"]["FAILED"] == 1
    assert first["duration"] == {"min": "PT10S", "avg": "PT20S", "max": "PT30S", "sum": "PT40S", "count": 2}
    assert sum(second["executionCounts"].values()) == 0 and second["duration"]["count"] == 0
    assert third["executionCounts"]["SUCCESS"] == 1 and third["executionCounts"]["RUNNING"] == 1
    assert third["duration"]["max"] == "PT1M"
    by_flow = client.get(
        f"{API}/stats/executions/daily",
        params={"namespace": "stats.ns", "flowId": "b", "startDate": "2023-03-03", "endDate": "2023-03-03"},
    ).json()
    assert len(by_flow) == 1 and by_flow[0]["executionCounts"]["SUCCESS"] == 1
    assert len(client.post(f"{API}/stats/executions/daily").json()) == 31  # the last 30 days and today
    durations = client.get(
        f"{API}/stats/executions/durations",
        params={"namespace": "stats.ns", "startDate": "2023-03-01T00:00:00Z", "endDate": "2023-03-04T00:00:00Z"},
    ).json()
    # ended: 10 s SUCCESS, 30 s FAILED, 60 s SUCCESS (the running one and the other namespace are left out)
    assert durations == {"count": 3, "p50": "PT30S", "p95": "PT1M", "avg": "PT33.333333S", "successRate": 2 / 3}
    empty = client.get(f"{API}/stats/executions/durations", params={"namespace": "nothing.here"}).json()
    assert empty["count"] == 0 and empty["p50"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"startDate": "2023-03-05", "endDate": "2023-03-01"},
        {"startDate": "yesterday"},
        {"startDate": "1900-01-01", "endDate": "2023-01-01"},
    ],
)
def test_bad_statistics_requests_are_400(client, body):
    response = client.post(f"{API}/stats/executions/daily", json=body)
    assert response.status_code == 400, response.text


# -- API tokens ----------------------------------------------------------------------------------------------------


def test_api_tokens(client, rt):
    created = client.post(f"{API}/tokens", json={"name": "ci", "expiresAt": "2999-01-01T00:00:00Z"})
    assert created.status_code == 201
    token = created.json()
    assert token["name"] == "ci" and token["expiresAt"] == "2999-01-01T00:00:00Z" and token["createdDate"]
    assert rt.store.tokens.verify(token["token"]).id == token["id"]
    listed = client.get(f"{API}/tokens").json()
    assert {"id": token["id"], "name": "ci"}.items() <= next(t for t in listed if t["id"] == token["id"]).items()
    assert all("token" not in entry for entry in listed)
    assert client.delete(f"{API}/tokens/{token['id']}").status_code == 204
    assert rt.store.tokens.verify(token["token"]) is None
    assert client.delete(f"{API}/tokens/{token['id']}").status_code == 404
    assert client.post(f"{API}/tokens", json={"name": "old", "expiresAt": "2000-01-01T00:00:00Z"}).status_code == 400
    assert client.post(f"{API}/tokens", json={"name": ""}).status_code == 400
    assert client.post(f"{API}/tokens", json={}).status_code == 400


# -- triggers ------------------------------------------------------------------------------------------------------


def test_trigger_search_lists_every_trigger_of_live_flows(client, rt):
    deploy(rt, "trig.search")
    deploy(rt, "trig.search", "second")
    found = search(client, **{"filters[namespace][EQUALS]": "trig.search", "sort": "triggerId:asc"})
    assert found["total"] == 6
    ids = [(r["triggerContext"]["flowId"], r["triggerContext"]["triggerId"]) for r in found["results"]]
    assert ids == sorted(ids, key=lambda pair: (pair[1], pair))
    daily = context(client, "trig.search", "daily")
    assert daily["disabled"] is False and daily["locked"] is False and daily["nextExecutionDate"] is None
    assert daily["kind"] == "SCHEDULE" and daily["backfill"] is None
    assert context(client, "trig.search", "paused")["disabled"] is True  # disabled in the flow's source
    result = found["results"][0]
    assert result["abstractTrigger"] == result["trigger"] and result["triggerContext"] == result["state"]
    paged = search(client, **{"filters[namespace][EQUALS]": "trig.search", "size": 4, "page": 2})
    assert paged["total"] == 6 and len(paged["results"]) == 2
    hooks = search(client, **{"filters[q][EQUALS]": "HOOK", "filters[namespace][PREFIX]": "trig.search"})
    assert hooks["total"] == 2 and hooks["results"][0]["abstractTrigger"]["key"] == "a-long-enough-webhook-key"
    assert search(client, **{"filters[namespace][EQUALS]": "trig"})["total"] == 0
    one_flow = client.get(f"{API}/triggers/trig.search/second", params={"q": "dai"}).json()
    assert one_flow["total"] == 1 and one_flow["results"][0]["triggerContext"]["flowId"] == "second"
    assert client.get(f"{API}/triggers/trig.search/ghost").status_code == 404
    assert client.get(f"{API}/triggers/search", params={"filters[cron][EQUALS]": "x"}).status_code == 400
    assert client.get(f"{API}/triggers/search", params={"sort": "cron:asc"}).status_code == 400


def test_disable_and_enable_triggers(client, rt):
    deploy(rt, "trig.disable")
    response = client.put(f"{API}/triggers/set-disabled", json={**key("trig.disable", "daily"), "disabled": True})
    assert response.status_code == 200 and response.json()["disabled"] is True
    assert rt.store.triggers.get("trig.disable", "scheduled", "daily").disabled is True
    assert context(client, "trig.disable", "daily")["disabled"] is True
    body = {"triggers": [key("trig.disable", "daily"), key("trig.disable", "ghost")], "disabled": False}
    assert client.post(f"{API}/triggers/set-disabled/by-triggers", json=body).json() == {"count": 1}
    assert context(client, "trig.disable", "daily")["disabled"] is False
    by_query = client.post(
        f"{API}/triggers/set-disabled/by-query",
        params={
            "disabled": "true",
            "filters[namespace][EQUALS]": "trig.disable",
            "filters[triggerId][IN]": "daily,hook",
        },
    )
    assert by_query.json() == {"count": 2}
    assert context(client, "trig.disable", "hook")["disabled"] is True
    missing = client.put(f"{API}/triggers/set-disabled", json={**key("trig.disable", "ghost"), "disabled": True})
    assert missing.status_code == 404
    assert client.put(f"{API}/triggers/set-disabled", json={"namespace": "trig.disable"}).status_code == 400


def test_unlock_triggers(client, rt):
    deploy(rt, "trig.lock")
    assert rt.store.triggers.try_lock("trig.lock", "scheduled", "daily", "scheduler-1", timedelta(minutes=5))
    assert context(client, "trig.lock", "daily")["locked"] is True
    unlocked = client.post(f"{API}/triggers/trig.lock/scheduled/daily/unlock")
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    again = client.post(f"{API}/triggers/trig.lock/scheduled/daily/unlock")
    assert again.status_code == 409 and "not locked" in again.json()["message"]
    assert client.post(f"{API}/triggers/trig.lock/scheduled/ghost/unlock").status_code == 404
    for trigger_id in ("daily", "hook"):
        rt.store.triggers.try_lock("trig.lock", "scheduled", trigger_id, "scheduler-2", timedelta(minutes=5))
    body = [
        key("trig.lock", "daily"),
        key("trig.lock", "paused"),
        {**key("trig.lock", "x"), "additional_properties": {}},
    ]
    assert client.post(f"{API}/triggers/unlock/by-triggers", json=body).json() == {"count": 1}
    by_query = client.post(f"{API}/triggers/unlock/by-query", params={"filters[namespace][EQUALS]": "trig.lock"})
    assert by_query.json() == {"count": 1}
    assert (
        search(client, **{"filters[namespace][EQUALS]": "trig.lock", "filters[locked][EQUALS]": "true"})["total"] == 0
    )


def test_delete_trigger_state(client, rt):
    deploy(rt, "trig.delete")
    client.put(f"{API}/triggers/set-disabled", json={**key("trig.delete", "daily"), "disabled": True})
    assert client.delete(f"{API}/triggers/trig.delete/scheduled/daily").status_code == 204
    assert rt.store.triggers.get("trig.delete", "scheduled", "daily") is None
    assert client.delete(f"{API}/triggers/trig.delete/scheduled/daily").status_code == 204  # known, nothing stored
    assert client.delete(f"{API}/triggers/trig.delete/scheduled/ghost").status_code == 404
    for trigger_id in ("daily", "hook", "paused"):
        client.put(f"{API}/triggers/set-disabled", json={**key("trig.delete", trigger_id), "disabled": True})
    by_ids = client.request("DELETE", f"{API}/triggers/delete/by-triggers", json=[key("trig.delete", "daily")])
    assert by_ids.json() == {"count": 1}
    filters = {"filters": [{"field": "namespace", "operation": "EQUALS", "value": "trig.delete"}]}
    assert client.request("DELETE", f"{API}/triggers/delete/by-query", json=filters).json() == {"count": 2}
    assert client.request("DELETE", f"{API}/triggers/delete/by-query", json={"nope": 1}).status_code == 400


def test_backfill_lifecycle(client, rt):
    deploy(rt, "trig.backfill")
    url = f"{API}/triggers/backfill"
    request = {
        **key("trig.backfill", "daily"),
        "backfill": {
            "start": "2024-01-01T00:00:00Z",
            "end": "2024-01-08T00:00:00Z",
            "inputs": {"region": "eu"},
            "labels": [{"key": "backfill", "value": "yes", "additional_properties": {}}],
        },
    }
    created = client.put(f"{url}/create", json=request)
    assert created.status_code == 200, created.text
    backfill = created.json()["backfill"]
    assert backfill["start"] == "2024-01-01T00:00:00Z" and backfill["end"] == "2024-01-08T00:00:00Z"
    assert backfill["currentDate"] == "2024-01-01T00:00:00Z" and backfill["paused"] is False
    assert backfill["inputs"] == {"region": "eu"} and backfill["labels"] == [{"key": "backfill", "value": "yes"}]
    assert rt.store.triggers.get("trig.backfill", "scheduled", "daily").backfill == backfill
    assert client.put(f"{url}/create", json=request).status_code == 409
    assert client.put(f"{url}/pause", json=key("trig.backfill", "daily")).json()["backfill"]["paused"] is True
    assert client.put(f"{url}/unpause", json=key("trig.backfill", "daily")).json()["backfill"]["paused"] is False
    assert client.post(f"{url}/delete", json=key("trig.backfill", "daily")).json()["backfill"] is None
    assert client.put(f"{url}/pause", json=key("trig.backfill", "daily")).status_code == 404


@pytest.mark.parametrize(
    ("trigger_id", "backfill", "status"),
    [
        ("hook", {"start": "2024-01-01T00:00:00Z"}, 400),
        ("daily", {"start": "2024-01-08T00:00:00Z", "end": "2024-01-01T00:00:00Z"}, 400),
        ("daily", {"start": "2024-01-01T00:00:00Z", "end": "2024-01-01T00:00:00Z"}, 400),
        ("daily", {"end": "2024-01-01T00:00:00Z"}, 400),
        ("daily", {"start": "not a date"}, 400),
        ("daily", {"start": "2024-01-01T00:00:00Z", "labels": [{"key": "k"}]}, 400),
        ("ghost", {"start": "2024-01-01T00:00:00Z"}, 404),
    ],
)
def test_bad_backfills_are_refused(client, rt, trigger_id, backfill, status):
    deploy(rt, "trig.badfill")
    response = client.put(
        f"{API}/triggers/backfill/create", json={**key("trig.badfill", trigger_id), "backfill": backfill}
    )
    assert response.status_code == status, response.text
    assert rt.store.triggers.get("trig.badfill", "scheduled", trigger_id) is None


def test_bulk_backfill_actions(client, rt):
    deploy(rt, "trig.bulkfill")
    for trigger_id in ("daily", "paused"):
        body = {**key("trig.bulkfill", trigger_id), "backfill": {"start": "2024-01-01T00:00:00Z"}}
        assert client.put(f"{API}/triggers/backfill/create", json=body).status_code == 200
    url = f"{API}/triggers/backfill"
    keys = [key("trig.bulkfill", "daily"), key("trig.bulkfill", "hook")]
    assert client.post(f"{url}/pause/by-triggers", json=keys).json() == {"count": 1}
    query = {"filters[namespace][EQUALS]": "trig.bulkfill"}
    assert client.post(f"{url}/unpause/by-query", params=query).json() == {"count": 2}
    assert client.post(f"{url}/delete/by-query", params=query).json() == {"count": 2}
    assert client.post(f"{url}/explode/by-query", params=query).status_code == 404


def test_triggers_through_kestrapy(kestra, rt):
    deploy(rt, "trig.kestrapy")
    found = kestra.triggers.search_triggers(
        TENANT, page=1, size=10, filters=[QueryFilter(field="namespace", operation="EQUALS", value="trig.kestrapy")]
    )
    assert found["total"] == 3
    disabled = kestra.triggers.disable_trigger_by_id(TENANT, {**key("trig.kestrapy", "daily"), "disabled": True})
    assert disabled["disabled"] is True
    request = TriggerControllerSetDisabledRequest(
        triggers=[TriggerControllerApiTriggerId(namespace="trig.kestrapy", flowId="scheduled", triggerId="hook")],
        disabled=True,
    )
    assert kestra.triggers.disabled_triggers_by_ids(TENANT, request) == {"count": 1}
    rt.store.triggers.try_lock("trig.kestrapy", "scheduled", "daily", "scheduler", timedelta(minutes=1))
    assert kestra.triggers.unlock_trigger(TENANT, "trig.kestrapy", "scheduled", "daily")["locked"] is False
    with pytest.raises(ConflictException):
        kestra.triggers.unlock_trigger(TENANT, "trig.kestrapy", "scheduled", "daily")
    backfill = {**key("trig.kestrapy", "daily"), "backfill": {"start": "2024-01-01T00:00:00Z"}}
    assert kestra.triggers.create_backfill(TENANT, backfill)["backfill"]["paused"] is False
    assert kestra.triggers.pause_backfill(TENANT, key("trig.kestrapy", "daily"))["backfill"]["paused"] is True
    assert kestra.triggers.delete_backfill(TENANT, key("trig.kestrapy", "daily"))["backfill"] is None
    kestra.triggers.delete_trigger(TENANT, "trig.kestrapy", "scheduled", "daily")
    assert rt.store.triggers.get("trig.kestrapy", "scheduled", "daily") is None
    by_query = DeleteTriggersByQueryRequest(
        filters=[QueryFilter(field="namespace", operation="EQUALS", value="trig.kestrapy")]
    )
    assert kestra.triggers.delete_triggers_by_query(TENANT, by_query) == {"count": 1}
    with pytest.raises(NotFoundException):
        kestra.triggers.delete_trigger(TENANT, "trig.kestrapy", "scheduled", "ghost")


def test_execution_search_by_namespace_exact_or_with_children(client, rt):
    start = datetime(2023, 4, 1, tzinfo=UTC)
    for namespace in ("exact.ns", "exact.ns.child", "exact.nsx"):
        rt.store.executions.save(_ended(namespace, "f", start, 1, State.SUCCESS))

    def namespaces(params: dict[str, str]) -> list[str]:
        found = client.get(f"{API}/executions/search", params={**params, "size": 50}).json()["results"]
        return sorted(execution["namespace"] for execution in found)

    assert namespaces({"filters[namespace][EQUALS]": "exact.ns"}) == ["exact.ns"]
    assert namespaces({"filters[namespace][PREFIX]": "exact.ns"}) == ["exact.ns", "exact.ns.child"]
    assert namespaces({"namespace": "exact.ns"}) == ["exact.ns", "exact.ns.child"]
