"""The server process: SIGTERM drains and loses nothing; kill -9 and a restart finish what was running."""

from __future__ import annotations

import os
import signal
import time

import httpx

from server_process import ServerProcess

FLOW = """id: nap
namespace: life
tasks:
  - id: before
    type: io.kestra.plugin.core.debug.Return
    format: one
  - id: sleep
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - sleep 1
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: done
"""


def start(tmp_path) -> ServerProcess:
    flows = tmp_path / "flows"
    flows.mkdir(exist_ok=True)
    (flows / "nap.yaml").write_text(FLOW)
    return ServerProcess(tmp_path / "home", flows)


def execution(server: ServerProcess, execution_id: str) -> dict:
    return httpx.get(f"{server.url}/api/v1/main/executions/{execution_id}", timeout=10).json()


def wait_for(server: ServerProcess, execution_id: str, predicate, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        current = execution(server, execution_id)
        if predicate(current) or time.monotonic() > deadline:
            return current
        time.sleep(0.05)


def sleeping(document: dict) -> bool:
    return any(run["taskId"] == "sleep" and run["state"]["current"] == "RUNNING" for run in document["taskRunList"])


def test_sigterm_lets_the_running_task_finish_then_a_restart_completes_the_execution(tmp_path):
    server = start(tmp_path)
    created = httpx.post(f"{server.url}/api/v1/main/executions/life/nap", timeout=10).json()
    assert sleeping(wait_for(server, created["id"], sleeping))
    assert server.stop() == 0  # SIGTERM: the shell task finishes within the grace period
    server = start(tmp_path)
    try:
        final = wait_for(server, created["id"], lambda d: d["state"]["current"] == "SUCCESS")
        assert final["state"]["current"] == "SUCCESS"
        sleep_run = next(run for run in final["taskRunList"] if run["taskId"] == "sleep")
        assert len(sleep_run["attempts"]) == 1  # it finished during the drain: not run twice
    finally:
        server.stop()


def test_kill_9_mid_task_then_restart_runs_the_task_again_and_finishes(tmp_path):
    server = start(tmp_path)
    created = httpx.post(f"{server.url}/api/v1/main/executions/life/nap", timeout=10).json()
    assert sleeping(wait_for(server, created["id"], sleeping))
    os.kill(server.process.pid, signal.SIGKILL)
    server.stop()
    server = start(tmp_path)
    try:
        final = wait_for(server, created["id"], lambda d: d["state"]["current"] == "SUCCESS")
        assert final["state"]["current"] == "SUCCESS"
        assert [run["taskId"] for run in final["taskRunList"]] == ["before", "sleep", "after"]
    finally:
        server.stop()
