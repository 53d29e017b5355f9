"""Kestra's own Python SDK (kestrapy) drives a real `choreo server local`: executions end to end."""

from __future__ import annotations

import time

import httpx
import pytest
from kestrapy import KestraClient
from kestrapy.exceptions import ConflictException, NotFoundException, UnauthorizedException

from server_process import ServerProcess

TENANT = "main"
USER, PASSWORD = "admin@example.com", "Sup3r-secret"

FLOWS = {
    "hello.yaml": """id: hello
namespace: company.team
inputs:
  - id: name
    type: STRING
  - id: count
    type: INT
    defaults: 1
  - id: data
    type: FILE
    required: false
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }} x{{ inputs.count }}"
  - id: shout
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.name | upper }}{% if inputs.data %} {{ read(inputs.data) }}{% endif %}"
outputs:
  - id: loud
    type: STRING
    value: "{{ outputs.shout.value }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: s3cr3t-key
    inputs:
      name: "{{ trigger.body.who ?? 'nobody' }}"
""",
    "slow.yaml": """id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
""",
    "flaky.yaml": """id: flaky
namespace: company.team
inputs:
  - id: ok
    type: BOOL
    defaults: false
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: one
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ not inputs.ok }}"
  - id: last
    type: io.kestra.plugin.core.debug.Return
    format: done
""",
    "approve.yaml": """id: approve
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approved
        type: BOOL
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.wait.onResume.approved }}"
""",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("kestrapy")
    flows = root / "flows"
    flows.mkdir()
    for name, source in FLOWS.items():
        (flows / name).write_text(source)
    env = {"CHOREO_BASIC_AUTH_USERNAME": USER, "CHOREO_BASIC_AUTH_PASSWORD": PASSWORD}
    process = ServerProcess(root / "home", flows, env)
    yield process
    assert process.stop() == 0, process.log.read_text()


@pytest.fixture
def client(server):
    with KestraClient(host=server.url, username=USER, password=PASSWORD, timeout=30) as client:
        yield client


def wait_ended(client, execution_id: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        execution = client.executions.execution(execution_id, TENANT)
        if execution.state.current in ("SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED") or (
            time.monotonic() > deadline
        ):
            return execution
        time.sleep(0.05)


def test_without_credentials_the_api_answers_401(server):
    with KestraClient(host=server.url, timeout=10) as anonymous:
        with pytest.raises(UnauthorizedException):
            anonymous.executions.search_executions(TENANT)
    with KestraClient(host=server.url, username=USER, password="wrong", timeout=10) as wrong:
        with pytest.raises(UnauthorizedException):
            wrong.executions.search_executions(TENANT)


def test_execute_with_inputs_and_a_file_then_read_logs_and_outputs(client):
    created = client.executions.create_execution(
        TENANT, "company.team", "hello", labels=["team:data"], inputs={"name": "ada", "count": 3, "data": b"FILE!"}
    )
    assert created.state.current == "CREATED" and created.url.endswith(created.id)
    execution = wait_ended(client, created.id)
    assert execution.state.current == "SUCCESS"
    assert execution.inputs["count"] == 3 and execution.inputs["data"].startswith("kestra:///company/team/hello/")
    assert {(label.key, label.value) for label in execution.labels} >= {("team", "data")}
    assert client.outputs.execution_outputs(created.id, TENANT) == {"loud": "ADA FILE!"}
    logs = client.logs.list_logs_from_execution(created.id, TENANT)
    assert any(line.message == "Hello ada x3" and line.task_id == "greet" for line in logs)
    uri = execution.inputs["data"]
    assert client.executions.download_file_from_execution(created.id, uri, TENANT) == b"FILE!"
    found = client.executions.search_executions(
        TENANT, filters=[{"field": "flowId", "operation": "EQUALS", "value": "hello"}]
    )
    assert created.id in [item["id"] for item in found["results"]]


def test_wait_returns_the_ended_execution(client):
    execution = client.executions.create_execution(TENANT, "company.team", "hello", wait=True, inputs={"name": "bo"})
    assert execution.state.current == "SUCCESS" and len(execution.task_run_list) == 2


def test_bad_inputs_and_unknown_flows_are_4xx_with_a_message(client, server):
    response = httpx.post(
        f"{server.url}/api/v1/main/executions/company.team/hello",
        files={"count": (None, "not-a-number"), "name": (None, "x")},
        auth=(USER, PASSWORD),
    )
    assert response.status_code == 422 and "count" in response.json()["message"]
    with pytest.raises(NotFoundException):
        client.executions.create_execution(TENANT, "company.team", "nope")
    with pytest.raises(NotFoundException):
        client.executions.execution("doesNotExist", TENANT)


def test_kill_a_running_execution(client):
    created = client.executions.create_execution(TENANT, "company.team", "slow")
    deadline = time.monotonic() + 10
    while client.executions.execution(created.id, TENANT).state.current != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.05)
    client.executions.kill_execution(created.id, TENANT)
    execution = wait_ended(client, created.id)
    assert execution.state.current == "KILLED"
    assert execution.task_run_list[0].state.current == "KILLED"
    with pytest.raises(ConflictException):
        client.executions.kill_execution(created.id, TENANT)


def test_restart_and_replay_a_failed_execution(client):
    created = client.executions.create_execution(TENANT, "company.team", "flaky")
    failed = wait_ended(client, created.id)
    assert failed.state.current == "FAILED"
    restarted = client.executions.restart_execution(created.id, TENANT)
    assert restarted.id == created.id and restarted.state.current == "RESTARTED"
    again = wait_ended(client, created.id)
    assert again.state.current == "FAILED"
    check = next(run for run in again.task_run_list if run.task_id == "check")
    assert len(check.attempts) == 2
    replayed = client.executions.replay_execution(created.id, TENANT, task_run_id=check.id)
    assert replayed.id != created.id and replayed.original_id == created.id
    assert wait_ended(client, replayed.id).state.current == "FAILED"
    changed = client.executions.update_task_run_state(created.id, TENANT, {"taskRunId": check.id, "state": "SUCCESS"})
    assert changed.state.current == "RESTARTED"
    finished = wait_ended(client, created.id)
    assert finished.state.current == "SUCCESS" and [r.task_id for r in finished.task_run_list][-1] == "last"


def test_pause_and_resume_with_inputs(client):
    created = client.executions.create_execution(TENANT, "company.team", "approve")
    deadline = time.monotonic() + 10
    while client.executions.execution(created.id, TENANT).state.current != "PAUSED" and time.monotonic() < deadline:
        time.sleep(0.05)
    client.executions.resume_execution(created.id, TENANT, inputs={"approved": True})
    execution = wait_ended(client, created.id)
    assert execution.state.current == "SUCCESS"
    outputs = client.outputs.task_run_outputs(created.id, execution.task_run_list[-1].id, TENANT)
    assert outputs == {"value": "true"}


def test_follow_streams_until_the_execution_ends(client):
    created = client.executions.create_execution(TENANT, "company.team", "hello", inputs={"name": "cy"})
    states = [event.state.current for event in client.executions.follow_execution(created.id, TENANT)]
    assert states[-1] == "SUCCESS" and len(states) >= 1


def test_webhook_creates_an_execution_and_a_wrong_key_is_a_404(client, server):
    response = httpx.post(
        f"{server.url}/api/v1/main/executions/webhook/company.team/hello/s3cr3t-key", json={"who": "web"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["flowId"] == "hello" and body["trigger"]["variables"]["body"] == {"who": "web"}
    wrong = httpx.post(f"{server.url}/api/v1/main/executions/webhook/company.team/hello/wrong-key")
    missing = httpx.post(f"{server.url}/api/v1/main/executions/webhook/company.team/nope/s3cr3t-key")
    assert wrong.status_code == missing.status_code == 404 and wrong.json() == missing.json()


def test_labels_status_eval_files_and_delete(client):
    created = client.executions.create_execution(
        TENANT, "company.team", "hello", inputs={"name": "di", "data": ("rows.csv", b"a,b\n1,2\n", "text/csv")}
    )
    execution = wait_ended(client, created.id)
    labelled = client.executions.set_labels_on_terminated_execution(
        created.id, TENANT, [{"key": "reviewed", "value": "yes"}]
    )
    assert ("reviewed", "yes") in {(label.key, label.value) for label in labelled.labels}
    assert any(label.key == "system.correlationId" for label in labelled.labels)  # system labels are kept
    changed = client.executions.update_execution_status(created.id, "WARNING", TENANT)
    assert changed.state.current == "WARNING"
    shout = next(run for run in execution.task_run_list if run.task_id == "shout")
    result = client.executions.eval_task_run_expression(
        created.id, shout.id, TENANT, "{{ outputs.greet is defined }} {{ inputs.name }} {{ taskrun.id }}"
    )
    assert result.result == f"false di {shout.id}" and result.error is None
    failed = client.executions.eval_task_run_expression(created.id, shout.id, TENANT, "{{ nope.field }}")
    assert failed.result is None and "nope" in failed.error
    uri = execution.inputs["data"]
    assert client.executions.file_metadatas_from_execution(created.id, uri, TENANT).size == 8
    preview = client.executions.preview_file_from_execution(created.id, uri, TENANT)
    assert preview["extension"] == "csv" and preview["content"] == "a,b\n1,2"
    with pytest.raises(NotFoundException):  # a file of another execution is not served through this one
        client.executions.download_file_from_execution(created.id, uri.replace(created.id, "someOtherId"), TENANT)
    assert [line.message for line in client.logs.follow_logs_from_execution(created.id, TENANT)][0] == "Hello di x1"
    client.executions.delete_execution(created.id, TENANT)
    with pytest.raises(NotFoundException):
        client.executions.execution(created.id, TENANT)
    assert client.logs.list_logs_from_execution(created.id, TENANT) == []


def test_bulk_kill_restart_and_delete(client):
    sleepers = [client.executions.create_execution(TENANT, "company.team", "slow").id for _ in range(2)]
    killed = client.executions.kill_executions_by_ids(TENANT, sleepers)
    assert killed == {"count": 2}
    assert {wait_ended(client, i).state.current for i in sleepers} == {"KILLED"}
    restarted = client.executions.restart_executions_by_ids(TENANT, sleepers)
    assert restarted == {"count": 2}
    assert (
        client.executions.kill_executions_by_query(
            TENANT, filters=[{"field": "flowId", "operation": "EQUALS", "value": "slow"}]
        )["count"]
        >= 2
    )
    for execution_id in sleepers:
        wait_ended(client, execution_id)
    deleted = client.executions.delete_executions_by_ids(TENANT, sleepers)
    assert deleted.count == 2
    page = client.executions.search_executions_by_flow_id(TENANT, "company.team", "slow")
    assert not set(sleepers) & {item["id"] for item in page["results"]}
    newest = client.executions.create_execution(TENANT, "company.team", "hello", inputs={"name": "el"}, wait=True)
    latest = client.executions.latest_executions(TENANT, [{"namespace": "company.team", "id": "hello"}])
    assert [(item.id, item.flow_id, item.status) for item in latest] == [(newest.id, "hello", "SUCCESS")]


def test_execution_graph_shows_task_run_states(client):
    execution = client.executions.create_execution(TENANT, "company.team", "hello", inputs={"name": "fy"}, wait=True)
    graph = client.executions.execution_flow_graph(execution.id, TENANT)
    nodes = {node.uid: node for node in graph.nodes}
    assert {"root.start", "root.end", "greet", "shout"} <= set(nodes)
    greet = nodes["greet"].to_dict()
    assert [run["state"] for run in greet["taskRuns"]] == ["SUCCESS"]
    assert any(edge.source == "greet" and edge.target == "shout" for edge in graph.edges)


def test_pause_a_running_execution_then_resume_it(client):
    created = client.executions.create_execution(TENANT, "company.team", "flaky", inputs={"ok": True})
    sleeper = client.executions.create_execution(TENANT, "company.team", "slow")
    deadline = time.monotonic() + 10
    while client.executions.execution(sleeper.id, TENANT).state.current != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.05)
    paused = client.executions.pause_execution(sleeper.id, TENANT)
    assert paused.state.current == "PAUSED"
    assert client.executions.execution(sleeper.id, TENANT).state.current == "PAUSED"
    resumed = client.executions.resume_execution(sleeper.id, TENANT)
    assert resumed.id == sleeper.id
    deadline = time.monotonic() + 10
    while client.executions.execution(sleeper.id, TENANT).state.current != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.executions.execution(sleeper.id, TENANT).state.current == "RUNNING"
    client.executions.kill_execution(sleeper.id, TENANT)
    assert wait_ended(client, sleeper.id).state.current == "KILLED"
    assert wait_ended(client, created.id).state.current == "SUCCESS"


def test_kestra_1x_action_paths_act_on_the_execution(client, server):
    created = client.executions.create_execution(TENANT, "company.team", "flaky")
    assert wait_ended(client, created.id).state.current == "FAILED"
    auth = (USER, PASSWORD)
    restarted = httpx.post(f"{server.url}/api/v1/main/executions/{created.id}/restart", auth=auth)
    assert restarted.status_code == 200, restarted.text
    assert restarted.json()["id"] == created.id and restarted.json()["state"]["current"] == "RESTARTED"
    assert wait_ended(client, created.id).state.current == "FAILED"
    replayed = httpx.post(f"{server.url}/api/v1/main/executions/{created.id}/replay", auth=auth).json()
    assert replayed["id"] != created.id and replayed["originalId"] == created.id
    # a namespace and flow id still create an execution
    hello = httpx.post(f"{server.url}/api/v1/main/executions/company.team/hello", auth=auth, data={"name": "x"})
    assert hello.status_code == 200 and hello.json()["flowId"] == "hello"
