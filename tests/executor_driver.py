"""Drives the pure executor in tests: events in, the latest execution and commands kept. No worker, store or clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from choreo.app import Choreo
from choreo.engine.events import RunTask, Start, TaskResult
from choreo.engine.executor import Executor
from choreo.engine.local import new_execution
from choreo.model.state import State

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class Driver:
    """Feeds events to the executor and keeps the latest execution and commands."""

    def __init__(self, app: Choreo, source: str, inputs: dict | None = None) -> None:
        self.flow = app.flows.load(source)
        self.executor = Executor(app.expressions, envs={})
        self.execution = new_execution(self.flow, inputs or {})
        self.now = T0
        self.commands: list = []
        self.send(Start())

    def send(self, *events, seconds: float = 0.001):
        self.now += timedelta(seconds=seconds)
        result = self.executor.step(self.execution, self.flow, list(events), self.now)
        self.execution = result.execution
        self.commands = result.commands
        return self

    def started(self) -> list[str]:
        return [self.task_of(c.task_run_id) for c in self.commands if isinstance(c, RunTask)]

    def task_of(self, run_id: str) -> str:
        return self.execution.find_task_run(run_id).task_id

    def run_id(self, task_id: str, value: str | None = None) -> str:
        return next(
            r.id for r in self.execution.task_run_list if r.task_id == task_id and (value is None or r.value == value)
        )

    def finish(self, task_id: str, state: State = State.SUCCESS, outputs=None, value=None):
        return self.send(TaskResult(self.run_id(task_id, value), state, outputs))

    @property
    def state(self) -> State:
        return self.execution.state.current

    def states(self) -> dict[str, str]:
        return {
            r.task_id + (f"[{r.value}]" if r.value else ""): r.state.current.value for r in self.execution.task_run_list
        }


def flow(tasks: str, extra: str = "") -> str:
    return f"id: f\nnamespace: tests\n{extra}tasks:\n{tasks}"


def log(task_id: str, indent: int = 2, more: str = "") -> str:
    pad = " " * indent
    return f"{pad}- id: {task_id}\n{pad}  type: io.kestra.plugin.core.log.Log\n{pad}  message: hi\n{more}"
