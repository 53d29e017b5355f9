"""A per-second schedule in a real server: on time, and a restart in the middle neither skips nor repeats a date."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx

from server_process import ServerProcess

FLOW = """id: tick
namespace: sched
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.date }}"
triggers:
  - id: every_second
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * * *"
    withSeconds: true
    recoverMissedSchedules: ALL
"""


def fired(server: ServerProcess) -> list[dict]:
    params = {"filters[flowId][EQUALS]": "tick", "size": 1000}
    return httpx.get(f"{server.url}/api/v1/main/executions/search", params=params, timeout=10).json()["results"]


def test_every_second_across_a_restart(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "tick.yaml").write_text(FLOW)
    server = ServerProcess(tmp_path / "home", flows)
    time.sleep(4)
    assert server.stop() == 0
    time.sleep(2)  # down for two seconds: ALL recovers those dates
    restarted_at = datetime.now(UTC)
    server = ServerProcess(tmp_path / "home", flows)
    try:
        time.sleep(4)
        executions = fired(server)
    finally:
        server.stop()
    dates = sorted(datetime.fromisoformat(e["trigger"]["variables"]["date"].replace("Z", "+00:00")) for e in executions)
    assert len(dates) >= 8
    assert len(set(dates)) == len(dates), "a date fired twice"
    assert all(b - a == timedelta(seconds=1) for a, b in zip(dates, dates[1:], strict=False)), "a date was skipped"
    created = {
        e["id"]: datetime.fromisoformat(e["state"]["histories"][0]["date"].replace("Z", "+00:00")) for e in executions
    }
    recovery = min(at for at in created.values() if at >= restarted_at)  # the first tick after the restart
    lateness = sorted(
        created[e["id"]] - datetime.fromisoformat(e["trigger"]["variables"]["date"].replace("Z", "+00:00"))
        for e in executions
        if not recovery <= created[e["id"]] < recovery + timedelta(milliseconds=100)  # recovered dates are late
    )
    assert len(lateness) >= 6 and lateness[int(len(lateness) * 0.99) - 1] < timedelta(milliseconds=200), lateness
