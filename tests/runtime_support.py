"""Running a server runtime's components in a test until a condition holds (no API, no sleeps beyond polling)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from choreo.server.bounded_run import run_bounded
from choreo.server.runtime import Runtime

WITH_TRIGGERS = frozenset({"executor", "worker", "triggers"})
ENGINE = frozenset({"executor", "worker"})


def run_until(
    rt: Runtime,
    done: Callable[[], object],
    timeout: float = 15,
    components: frozenset[str] = WITH_TRIGGERS,
    *,
    ready: Callable[[], object] = lambda: True,
    then: Callable[[], object] | None = None,
) -> None:
    """Run `components` until `done()` holds or `timeout` seconds passed, then stop them cleanly. Once `ready()`
    holds, `then()` is called from the running loop (to publish once a listener is subscribed…)."""

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(rt.run(stop, components))
        deadline = time.monotonic() + timeout
        try:
            while not ready() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if then is not None:
                then()
            while not done() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        finally:
            stop.set()
            await task

    run_bounded(main())  # as the server: a broker client stuck in its close cannot hang the test


def all_ended(rt: Runtime, flow_id: str) -> bool:
    """Every execution of `flow_id` has ended (and there is one): a producer's outputs are final."""
    found = rt.store.executions.search(flow_id=flow_id, size=100).items
    return bool(found) and all(execution.state.current.is_terminal for execution in found)


def returned_values(rt: Runtime, flow_id: str) -> list[str]:
    """The value the first task (a debug.Return) of each successful execution of `flow_id` returned, sorted."""
    found = rt.store.executions.search(flow_id=flow_id, size=100).items
    return sorted(e.task_run_list[0].outputs["value"] for e in found if e.state.current.value == "SUCCESS")
