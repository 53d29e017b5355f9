"""Flow triggers in a running runtime: downstream flows start when upstream executions end."""

from __future__ import annotations

import time

import pytest

from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import ENGINE, run_until

UPSTREAM = """id: {id}
namespace: company.team
inputs:
  - id: fail
    type: BOOL
    defaults: false
tasks:
  - id: work
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ inputs.fail }}}}"
  - id: maybe_fail
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{{{ inputs.fail }}}}"
outputs:
  - id: date
    type: STRING
    value: "2026-01-02"
"""

DOWNSTREAM = """id: downstream
namespace: company.other
inputs:
  - id: date
    type: STRING
tasks:
  - id: use
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.date }} from {{ trigger.flowId }} ({{ trigger.state }})"
triggers:
  - id: after_extract
    type: io.kestra.plugin.core.trigger.Flow
    inputs:
      date: "{{ trigger.outputs.date }}"
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [SUCCESS]
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: extract
"""

BOTH = """id: joined
namespace: company.other
tasks:
  - id: done
    type: io.kestra.plugin.core.log.Log
    message: both upstream flows succeeded
triggers:
  - id: when_both
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: both
      flows:
        - namespace: company.team
          flowId: extract
          states: [SUCCESS]
        - namespace: company.team
          flowId: load
          states: [SUCCESS]
"""


@pytest.fixture
def rt(tmp_path):
    runtime = Runtime(ServerConfig(home=tmp_path))
    for source in (UPSTREAM.format(id="extract"), UPSTREAM.format(id="load"), DOWNSTREAM, BOTH):
        save_flow(runtime.app, runtime.store, source)
    yield runtime
    runtime.close()


def executions_of(rt: Runtime, flow_id: str):
    return rt.store.executions.search(flow_id=flow_id, size=100).items


def ended(rt: Runtime, flow_id: str, count: int) -> bool:
    found = executions_of(rt, flow_id)
    return len(found) >= count and all(e.state.current.is_terminal for e in found)


def test_a_successful_upstream_starts_the_downstream_flow_with_its_outputs(rt):
    upstream = rt.control.create(rt.flows.get("company.team", "extract"), {})
    run_until(rt, lambda: ended(rt, "downstream", 1), components=ENGINE)
    (downstream,) = executions_of(rt, "downstream")
    assert downstream.state.current.value == "SUCCESS"
    assert downstream.inputs == {"date": "2026-01-02"}
    assert downstream.trigger.type == "io.kestra.plugin.core.trigger.Flow"
    assert downstream.trigger.variables["executionId"] == upstream.id
    assert downstream.task_run_list[0].outputs == {"value": "2026-01-02 from extract (SUCCESS)"}


def test_conditions_and_states_filter_what_triggers(rt):
    rt.control.create(rt.flows.get("company.team", "extract"), {"fail": True})
    rt.control.create(rt.flows.get("company.team", "load"), {})
    run_until(rt, lambda: ended(rt, "extract", 1) and ended(rt, "load", 1), timeout=5, components=ENGINE)
    time.sleep(0.1)
    assert executions_of(rt, "downstream") == []  # failed upstream, or another flow: no trigger


def test_preconditions_wait_for_every_upstream_flow(rt):
    rt.control.create(rt.flows.get("company.team", "extract"), {})
    run_until(rt, lambda: ended(rt, "extract", 1), components=ENGINE)
    assert executions_of(rt, "joined") == []
    rt.control.create(rt.flows.get("company.team", "load"), {})
    run_until(rt, lambda: ended(rt, "joined", 1), components=ENGINE)
    assert len(executions_of(rt, "joined")) == 1
    rt.control.create(rt.flows.get("company.team", "load"), {})  # reset on success: one upstream is not enough
    run_until(rt, lambda: ended(rt, "load", 2), timeout=5, components=ENGINE)
    assert len(executions_of(rt, "joined")) == 1
