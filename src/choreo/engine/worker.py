"""The worker: runs one attempt of a runnable task with its timeout, and reports the result as an event.

Tasks are coroutines on the event loop; blocking work inside them goes to threads or subprocesses (the tasks'
own business). Cancellation (kill, timeout) reaches the task as CancelledError.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from choreo.engine.context import Admin, KeyValues, LogReader, TaskRunContext
from choreo.engine.events import RunTask, TaskResult
from choreo.engine.masking import Masker
from choreo.engine.variables import build_variables, taskrun_variables
from choreo.errors import ChoreoError
from choreo.expr import ExpressionEngine
from choreo.model.durations import format_duration, parse_duration
from choreo.model.execution import Execution
from choreo.model.flow import Flow
from choreo.model.state import State
from choreo.model.task import Task
from choreo.plugins.context import TaskFailed
from choreo.storage import LocalStorage

#: (execution id, task run id, attempt, level, message)
LogSink = Callable[[str, str | None, int, str, str], None]
#: (YAML, namespace, flow id) → a task checked like a task of a flow (TemplatedTask's `spec`).
TaskLoader = Callable[[str, str, str], Task]


class Worker:
    def __init__(
        self,
        *,
        expressions: ExpressionEngine,
        storage: LocalStorage,
        kv: KeyValues,
        secrets: Mapping[str, str],
        on_log: LogSink,
        envs: dict[str, str] | None = None,
        logs: LogReader | None = None,
        task_loader: TaskLoader | None = None,
        admin: Admin | None = None,
    ) -> None:
        self.expressions = expressions
        self.admin = admin
        self.task_loader = task_loader
        self.logs = logs
        self.storage = storage
        self.kv = kv
        self.secrets = secrets
        self.masker = Masker(secrets.values())
        self.on_log = on_log
        self.envs = envs
        self._shared: dict[tuple[str, str], Path] = {}  # (execution, WorkingDirectory run) → its directory

    def release(self, execution_id: str) -> None:
        """Remove the WorkingDirectory directories of an execution that ended."""
        for key in [k for k in self._shared if k[0] == execution_id]:
            shutil.rmtree(self._shared.pop(key), ignore_errors=True)

    async def run(self, command: RunTask, flow: Flow, execution: Execution) -> TaskResult:
        task = command.task
        run = execution.find_task_run(command.task_run_id)
        assert run is not None

        def emit(level: str, message: str) -> None:
            self.on_log(execution.id, run.id, command.attempt, level, self.masker.text(message))

        variables = build_variables(flow, execution, task=task, run=run, envs=self.envs)
        if command.shared_dir and command.shared_dir != run.id:
            working_directory = execution.find_task_run(command.shared_dir)
            if working_directory is not None:  # Kestra's `workerTaskrun`: the WorkingDirectory's own task run
                variables["workerTaskrun"] = taskrun_variables(working_directory)
        shared_dir, fresh = self._shared_dir(execution.id, command.shared_dir)
        ctx = TaskRunContext(
            expressions=self.expressions,
            variables=variables,
            run=run,
            storage=self.storage,
            kv=self.kv,
            secrets=self.secrets,
            emit_log=emit,
            min_log_level=task.log_level.value if task.log_level else None,
            shared_dir=shared_dir,
            logs=self.logs,
            task_loader=self.task_loader,
            admin=self.admin,
        )
        runner = getattr(task, "run", None)
        if runner is None:
            emit("ERROR", f"The task type '{task.type}' cannot run yet in Choreo.")
            return TaskResult(run.id, State.FAILED, retryable=False)
        try:
            prepare = getattr(command.shared_dir_task, "prepare", None)
            if fresh and prepare is not None:
                await prepare(ctx)
            timeout = self._timeout(task.timeout, ctx)
            outputs = await asyncio.wait_for(runner(ctx), timeout)
        except TimeoutError:
            emit("ERROR", f"Timeout after {format_duration(timedelta(seconds=timeout or 0))}")
            return TaskResult(run.id, State.FAILED)
        except TaskFailed as exc:
            emit("ERROR", str(exc))
            return TaskResult(run.id, State.FAILED, retryable=exc.retryable)
        except asyncio.CancelledError:
            emit("WARN", "Task killed")
            raise
        except ChoreoError as exc:
            emit("ERROR", str(exc))
            return TaskResult(run.id, State.FAILED)
        except Exception as exc:  # a task's own bug must not take the worker down
            emit("ERROR", f"{type(exc).__name__}: {exc}")
            return TaskResult(run.id, State.FAILED)
        finally:
            ctx.close()
        return TaskResult(
            run.id, State.WARNING if ctx.warning else State.SUCCESS, self.masker.value(_as_outputs(outputs))
        )

    def _shared_dir(self, execution_id: str, key: str | None) -> tuple[Path | None, bool]:
        if key is None:
            return None, False
        existing = self._shared.get((execution_id, key))
        if existing is not None:
            return existing, False
        path = self._shared[(execution_id, key)] = Path(tempfile.mkdtemp(prefix="choreo-wd-"))
        return path, True

    @staticmethod
    def _timeout(value: Any, ctx: TaskRunContext) -> float | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = ctx.render(value)
            value = parse_duration(value) if isinstance(value, str) else value
        return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _as_outputs(outputs: Any) -> dict[str, Any] | None:
    if outputs is None:
        return None
    if isinstance(outputs, BaseModel):
        return outputs.model_dump(mode="json", by_alias=True)
    return dict(outputs)
