"""The server runtime's housekeeping."""

from __future__ import annotations

from choreo.server.config import ServerConfig
from choreo.server.runtime import Runtime


def test_retention_deletes_ended_executions_older_than_the_limit(tmp_path):
    import asyncio
    from datetime import UTC, datetime, timedelta

    from choreo.model.execution import Execution, StateRecord
    from choreo.model.state import State

    rt = Runtime(ServerConfig(home=tmp_path, retention_days=7))
    old = datetime.now(UTC) - timedelta(days=8)
    for execution_id, start, state in (("old", old, State.SUCCESS), ("running", old, State.RUNNING)):
        record = StateRecord.new(State.CREATED, start).to(state, start)
        rt.store.executions.save(Execution(id=execution_id, namespace="n", flow_id="f", state=record))
    rt.store.executions.save(Execution(id="new", namespace="n", flow_id="f", state=StateRecord.new(State.SUCCESS)))

    async def one_pass() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(rt._purge_old_executions(stop))
        await asyncio.sleep(0.2)
        stop.set()
        await task

    asyncio.run(one_pass())
    assert rt.store.executions.get("old") is None
    assert rt.store.executions.get("running") is not None and rt.store.executions.get("new") is not None
    rt.close()
