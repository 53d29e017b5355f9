"""The core HTTP polling trigger against a local endpoint: it starts the flow when the response condition holds."""

from __future__ import annotations

import asyncio
import time

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from threaded_server import serve_in_thread

STATUS = {"ready": False, "calls": 0}


async def status(request):  # noqa: ANN001, ANN201 - a Starlette endpoint
    STATUS["calls"] += 1
    return JSONResponse({"ready": STATUS["ready"], "calls": STATUS["calls"]})


def test_the_flow_starts_when_the_endpoint_reports_ready(tmp_path):
    rt = Runtime(ServerConfig(home=tmp_path))
    with serve_in_thread(Starlette(routes=[Route("/status", status)])) as url:
        save_flow(
            rt.app,
            rt.store,
            f"""id: watcher
namespace: polling
tasks:
  - id: seen
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.code }}}} {{{{ json(trigger.body).calls }}}}"
triggers:
  - id: poll
    type: io.kestra.plugin.core.http.Trigger
    uri: {url}/status
    interval: PT0.2S
    responseCondition: "{{{{ json(response.body).ready }}}}"
""",
        )

        async def main() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(rt.run(stop, frozenset({"executor", "worker", "triggers"})))
            deadline = time.monotonic() + 15
            while STATUS["calls"] < 3 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert rt.store.executions.search(flow_id="watcher").total == 0  # polled, not ready: nothing started
            STATUS["ready"] = True
            while rt.store.executions.search(flow_id="watcher").total == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            STATUS["ready"] = False
            while time.monotonic() < deadline:
                found = rt.store.executions.search(flow_id="watcher").items
                if found and all(e.state.current.is_terminal for e in found):
                    break
                await asyncio.sleep(0.05)
            stop.set()
            await task

        asyncio.run(main())
    executions = rt.store.executions.search(flow_id="watcher", size=50).items
    rt.close()
    assert executions and all(e.state.current.value == "SUCCESS" for e in executions)
    assert executions[0].task_run_list[0].outputs["value"].startswith("200 ")
    assert executions[0].trigger.type == "io.kestra.plugin.core.http.Trigger"
