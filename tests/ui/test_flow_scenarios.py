"""What a user does with flows in the browser: write one in the editor (an error shown at its line, fixed, saved),
execute it with inputs and watch its states and logs live, kill a running execution, restart a failed one, and find
them in the lists. Every result is checked against the API too, so the UI cannot merely look right."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

NAMESPACE = "e2e.scenarios"
# Long enough for a page load to see RUNNING, short enough for the suite.
LIVE_SLEEP = "PT3S"
# Executions end within this (the longest flow here sleeps 3 s).
FINISH_MS = 20_000

GREETER = f"""id: greeter
namespace: {NAMESPACE}
description: Written in the browser by the end-to-end tests.

inputs:
  - id: name
    type: STRING
    defaults: world

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello, {{{{ inputs.name }}}}!"
  - id: pause
    type: io.kestra.plugin.core.flow.Sleep
    duration: {LIVE_SLEEP}
  - id: bye
    type: io.kestra.plugin.core.log.Log
    message: "Goodbye, {{{{ inputs.name }}}}."
"""
# The same flow with a misspelt task type: the error must name this line.
GREETER_BROKEN = GREETER.replace("core.flow.Sleep", "core.flow.Slep")
BROKEN_LINE = next(number for number, line in enumerate(GREETER_BROKEN.splitlines(), 1) if "Slep" in line)

SLEEPER = f"""id: sleeper
namespace: {NAMESPACE}
tasks:
  - id: nap
    type: io.kestra.plugin.scripts.shell.Commands
    taskRunner:
      type: io.kestra.plugin.core.runner.Process
    commands:
      - sleep 120
"""

# Fails while the KV `flaky_should_fail` says so: the test fails it first, then flips the KV and restarts.
FLAKY = f"""id: flaky
namespace: {NAMESPACE}
tasks:
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{{{ kv('flaky_should_fail') }}}}"
    errorMessage: failing because the KV flaky_should_fail says so
  - id: done
    type: io.kestra.plugin.core.log.Log
    message: recovered
"""


def by_id(page: Page, test_id: str) -> Locator:
    return page.get_by_test_id(test_id)


def deploy(api: httpx.Client, source: str) -> None:
    response = api.post("/flows", content=source, headers={"Content-Type": "application/x-yaml"})
    assert response.status_code == 200, response.text


def execution(api: httpx.Client, execution_id: str) -> dict[str, Any]:
    response = api.get(f"/executions/{execution_id}")
    assert response.status_code == 200, response.text
    return response.json()


def wait_for_state(api: httpx.Client, execution_id: str, *states: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        document = execution(api, execution_id)
        if document["state"]["current"] in states or time.monotonic() > deadline:
            assert document["state"]["current"] in states, document["state"]
            return document
        time.sleep(0.05)


def set_kv(api: httpx.Client, key: str, value: str) -> None:
    assert api.put(f"/namespaces/{NAMESPACE}/kv/{key}", content=value).status_code == 204


def execution_url(flow_id: str, execution_id: str = "") -> str:
    return f"/ui/executions/{NAMESPACE}/{flow_id}/{execution_id}"


def confirm_if_asked(page: Page) -> None:
    """Some actions ask first (Kestra does for kill): answer yes to the app's own confirmation dialog when one
    opens (a native confirm() is accepted by the page fixture)."""
    dialog = page.get_by_role("dialog")
    try:
        dialog.wait_for(state="visible", timeout=1_500)
    except PlaywrightTimeout:  # nothing to confirm
        return
    dialog.locator("button.danger, button.primary").first.click()


@pytest.fixture(scope="module")
def scenario_flows(api: httpx.Client) -> None:
    deploy(api, SLEEPER)
    deploy(api, FLAKY)


def set_editor(page: Page, source: str) -> None:
    page.evaluate("source => window.__choreoEditor.setValue(source)", source)


def test_write_a_flow_fix_its_error_save_and_execute_it_with_inputs(page: Page, api: httpx.Client, shot):
    page.goto("/ui/flows/new")
    expect(by_id(page, "yaml-editor")).to_be_visible()
    page.wait_for_function("window.__choreoEditor !== undefined")

    set_editor(page, GREETER_BROKEN)
    errors = by_id(page, "validation-errors")
    expect(errors).to_contain_text("Slep")
    # The error names its line, however the page spells it (`line 16`, `16:11`, `<flow>:16:11`).
    expect(errors).to_contain_text(re.compile(rf"(line\s*{BROKEN_LINE}\b|\b{BROKEN_LINE}:\d+)", re.IGNORECASE))
    shot(page, "editor-validation-error")

    set_editor(page, GREETER)
    expect(errors.filter(has_text="Slep")).to_have_count(0)
    by_id(page, "save-flow").click()
    expect(page).to_have_url(re.compile(rf"/ui/flows/edit/{re.escape(NAMESPACE)}/greeter(/[a-z-]+)?$"))
    saved = api.get(f"/flows/{NAMESPACE}/greeter")
    assert saved.status_code == 200, saved.text
    assert [task["id"] for task in saved.json()["tasks"]] == ["hello", "pause", "bye"]
    shot(page, "editor-saved")

    by_id(page, "execute-flow").click()
    dialog = by_id(page, "execute-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("name", exact=True).fill("Ada")
    shot(page, "execute-dialog")
    by_id(page, "execute-submit").click()

    expect(page).to_have_url(re.compile(re.escape(execution_url("greeter")) + r"[A-Za-z0-9]+(/[a-z-]+)?$"))
    execution_id = page.url.split(f"/{NAMESPACE}/greeter/", 1)[1].split("/")[0]
    state = by_id(page, "execution-state")
    expect(state).to_contain_text("RUNNING")  # live: seen while the Sleep runs, not only at the end
    by_id(page, "tab-logs").click()
    lines = by_id(page, "log-line")
    expect(lines.filter(has_text="Hello, Ada!")).to_have_count(1)
    expect(state).to_contain_text("SUCCESS", timeout=FINISH_MS)
    expect(lines.filter(has_text="Goodbye, Ada.")).to_have_count(1)
    shot(page, "execution-logs-success")

    document = execution(api, execution_id)
    assert document["state"]["current"] == "SUCCESS"
    assert document["inputs"] == {"name": "Ada"}


def test_kill_a_running_execution(page: Page, api: httpx.Client, scenario_flows, shot):
    created = api.post(f"/executions/{NAMESPACE}/sleeper")
    assert created.status_code == 200, created.text
    execution_id = created.json()["id"]
    try:
        wait_for_state(api, execution_id, "RUNNING")
        page.goto(execution_url("sleeper", execution_id))
        state = by_id(page, "execution-state")
        expect(state).to_contain_text("RUNNING")
        by_id(page, "action-kill").click()
        confirm_if_asked(page)
        expect(state).to_contain_text("KILLED", timeout=FINISH_MS)
        shot(page, "execution-killed")
        assert execution(api, execution_id)["state"]["current"] == "KILLED"
    finally:  # never leave a two-minute sleep behind to slow the server's shutdown
        api.delete(f"/executions/{execution_id}/kill")


def test_restart_a_failed_execution(page: Page, api: httpx.Client, scenario_flows, shot):
    set_kv(api, "flaky_should_fail", "true")
    created = api.post(f"/executions/{NAMESPACE}/flaky", params={"wait": "true"})
    assert created.status_code == 200, created.text
    execution_id = created.json()["id"]
    wait_for_state(api, execution_id, "FAILED")

    page.goto(execution_url("flaky", execution_id))
    state = by_id(page, "execution-state")
    expect(state).to_contain_text("FAILED")
    shot(page, "execution-failed")
    set_kv(api, "flaky_should_fail", "false")
    by_id(page, "action-restart").click()
    confirm_if_asked(page)
    expect(state).to_contain_text("SUCCESS", timeout=FINISH_MS)
    expect(page).to_have_url(re.compile(re.escape(execution_url("flaky", execution_id))))  # the same execution

    document = execution(api, execution_id)
    assert document["state"]["current"] == "SUCCESS"
    check = next(run for run in document["taskRunList"] if run["taskId"] == "check")
    assert [attempt["state"]["current"] for attempt in check["attempts"]] == ["FAILED", "SUCCESS"]


def test_the_flows_list_shows_the_flows_and_opens_them(page: Page, shot):
    page.goto("/ui/flows")
    rows = by_id(page, "flow-row")
    for flow_id in ("hello", "etl", "fan-out"):
        expect(rows.filter(has_text=flow_id).first).to_be_visible()
    shot(page, "flows-list")
    rows.get_by_role("link", name="hello", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ui/flows/edit/company\.team/hello(/[a-z-]+)?$"))

    page.goto("/ui/flows")
    by_id(page, "create-flow").click()
    expect(page).to_have_url(re.compile(r"/ui/flows/new$"))
    expect(by_id(page, "yaml-editor")).to_be_visible()


def test_the_executions_list_shows_executions_and_opens_them(page: Page, api: httpx.Client, shot):
    created = api.post("/executions/company.team/hello", params={"wait": "true"})
    assert created.status_code == 200, created.text
    execution_id = created.json()["id"]

    page.goto("/ui/executions/company.team/hello")
    row = by_id(page, "execution-row").filter(has_text=execution_id[:8]).first
    expect(row).to_be_visible()
    expect(row.locator(".state")).to_have_text("SUCCESS")
    shot(page, "executions-list")
    row.get_by_role("link", name=re.compile(re.escape(execution_id[:8]))).first.click()
    expect(page).to_have_url(re.compile(re.escape(f"/ui/executions/company.team/hello/{execution_id}")))
    expect(by_id(page, "execution-state")).to_contain_text("SUCCESS")


def test_the_topology_draws_every_task(page: Page, shot):
    page.goto("/ui/flows/edit/company.team/fan-out/topology")
    topology = by_id(page, "topology")
    expect(topology).to_be_visible()
    for task_id in ("each-region", "process", "check", "ok", "partial", "publish", "to-warehouse", "to-dashboard"):
        expect(topology.get_by_test_id(f"node-{task_id}")).to_be_visible()
    shot(page, "flow-topology-fan-out")


def test_an_execution_topology_shows_the_task_states(page: Page, api: httpx.Client, shot):
    created = api.post("/executions/company.team/fan-out", params={"wait": "true"})
    assert created.status_code == 200, created.text
    document = wait_for_state(api, created.json()["id"], "SUCCESS")

    page.goto(f"/ui/executions/company.team/fan-out/{document['id']}/topology")
    topology = by_id(page, "topology")
    expect(topology.get_by_test_id("node-check")).to_have_attribute("data-state", "SUCCESS")
    expect(topology.get_by_test_id("node-partial")).not_to_have_attribute("data-state", "SUCCESS")  # not taken
    shot(page, "execution-topology")
