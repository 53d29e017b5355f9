"""Tasks whose work needs the engine's run context: TemplatedTask, Assert, PurgeCurrentExecutionFiles, Resume."""

from __future__ import annotations

import asyncio

import pytest

from choreo.app import Choreo, Settings
from choreo.engine.context import MemoryKeyValues, MemoryLogs
from choreo.engine.executor import Executor
from choreo.engine.local import LocalRunner, new_execution
from choreo.engine.worker import Worker
from choreo.model.state import State
from choreo.storage import LocalStorage


@pytest.fixture(scope="module")
def app():
    return Choreo(Settings())


class Harness:
    def __init__(self, app: Choreo, tmp_path) -> None:
        self.app = app
        self.storage = LocalStorage(tmp_path)
        self.logs = MemoryLogs()
        self.known: dict[str, tuple] = {}  # ended or paused executions, as a store would keep them
        self.worker = Worker(
            expressions=app.expressions,
            storage=self.storage,
            kv=MemoryKeyValues(),
            secrets={},
            on_log=self.logs.on_log,
            envs={},
            logs=self.logs,
            task_loader=app.load_task,
        )

    def run(self, source: str, inputs: dict | None = None):
        flow = self.app.flows.load(source)

        def on_update(execution) -> None:
            self.logs.on_update(execution)
            self.known[execution.id] = (execution, self.flows_by_id.get(execution.flow_id, flow))

        self.flows_by_id = getattr(self, "flows_by_id", {})
        self.flows_by_id[flow.id] = flow
        runner = LocalRunner(
            Executor(self.app.expressions, envs={}),
            self.worker,
            flows=lambda *a: None,
            on_update=on_update,
            executions=self.known.get,
        )
        return asyncio.run(runner.execute(flow, new_execution(flow, inputs or {})))

    def messages(self, level: str) -> list[str]:
        return [line["message"] for line in self.logs.lines if line["level"] == level]


def flow(tasks: str, extra: str = "") -> str:
    return f"id: f\nnamespace: tests\n{extra}tasks:\n{tasks}"


def test_templated_task_renders_its_spec_then_runs_it(app, tmp_path):
    h = Harness(app, tmp_path)
    tasks = (
        "  - id: templated\n    type: io.kestra.plugin.core.templating.TemplatedTask\n"
        '    spec: |\n      type: io.kestra.plugin.core.debug.Return\n      format: "{{ inputs.word }}!"\n'
    )
    execution = h.run(flow(tasks, "inputs:\n  - id: word\n    type: STRING\n"), {"word": "hello"})
    assert execution.state.current == State.SUCCESS
    assert execution.task_run_list[0].outputs == {"value": "hello!"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("type: io.kestra.plugin.core.debug.Retrun\\nformat: x", "did you mean 'io.kestra.plugin.core.debug.Return'"),
        ("type: io.kestra.plugin.core.flow.Pause", "must be a runnable task"),
        ("type: io.kestra.plugin.core.debug.Return\\nformt: x", "unknown property 'formt'"),
    ],
)
def test_templated_task_names_what_is_wrong_with_its_spec(app, tmp_path, spec, expected):
    h = Harness(app, tmp_path)
    tasks = f'  - id: templated\n    type: io.kestra.plugin.core.templating.TemplatedTask\n    spec: "{spec}"\n'
    execution = h.run(flow(tasks))
    assert execution.state.current == State.FAILED
    assert any(expected in message for message in h.messages("ERROR")), h.messages("ERROR")


def test_assert_fails_with_each_false_condition_logged(app, tmp_path):
    h = Harness(app, tmp_path)
    tasks = (
        "  - id: check\n    type: io.kestra.plugin.core.execution.Assert\n    errorMessage: bad {{ inputs.n }}\n"
        '    conditions:\n      - "{{ inputs.n > 1 }}"\n      - "{{ inputs.n > 10 }}"\n      - "{{ inputs.n < 0 }}"\n'
    )
    execution = h.run(flow(tasks, "inputs:\n  - id: n\n    type: INT\n"), {"n": 5})
    assert execution.state.current == State.FAILED
    errors = h.messages("ERROR")
    assert "Assertion `{{ inputs.n > 10 }}` failed!" in errors and "Assertion `{{ inputs.n < 0 }}` failed!" in errors
    assert errors[-1] == "2 assertion(s) failed: bad 5"
    ok = h.run(
        flow(
            tasks.replace('      - "{{ inputs.n > 10 }}"\n      - "{{ inputs.n < 0 }}"\n', ""),
            "inputs:\n  - id: n\n    type: INT\n",
        ),
        {"n": 5},
    )
    assert ok.state.current == State.SUCCESS


def test_purge_current_execution_files_deletes_only_this_executions_files(app, tmp_path):
    h = Harness(app, tmp_path)
    tasks = (
        "  - id: write\n    type: io.kestra.plugin.core.storage.Write\n    content: data\n"
        "  - id: purge\n    type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles\n"
    )
    first = h.run(
        flow(tasks.replace("  - id: purge\n    type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles\n", ""))
    )
    kept = first.task_run_list[0].outputs["uri"]
    execution = h.run(flow(tasks))
    written = execution.task_run_list[0].outputs["uri"]
    assert execution.state.current == State.SUCCESS
    assert execution.task_run_list[1].outputs == {"uris": [written]}
    assert not h.storage.exists(written) and h.storage.exists(kept)


def test_resume_task_resumes_another_paused_execution(app, tmp_path):
    h = Harness(app, tmp_path)
    paused = h.run(
        "id: waits\nnamespace: tests\ntasks:\n  - id: pause\n    type: io.kestra.plugin.core.flow.Pause\n"
        '  - id: after\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ outputs.pause.onResume.ok }}"\n'
    )
    assert paused.state.current == State.PAUSED
    resume = (
        '  - id: resume\n    type: io.kestra.plugin.core.execution.Resume\n    executionId: "{{ inputs.target }}"\n'
        "    inputs:\n      ok: yes\n"
    )
    execution = h.run(flow(resume, "inputs:\n  - id: target\n    type: STRING\n"), {"target": paused.id})
    assert execution.state.current == State.SUCCESS
    resumed, _ = h.known[paused.id]
    assert resumed.state.current == State.SUCCESS
    assert resumed.task_run_list[-1].outputs == {"value": "yes"}
    again = h.run(flow(resume, "inputs:\n  - id: target\n    type: STRING\n"), {"target": paused.id})
    assert again.state.current == State.FAILED
    assert any("is SUCCESS, not PAUSED" in m for m in h.messages("ERROR"))


CACHED = """id: f
namespace: tests
tasks:
  - id: wd
    type: io.kestra.plugin.core.flow.WorkingDirectory
    cache:
      ttl: PT1H
      patterns: ["*.txt"]
    tasks:
      - id: seen
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - 'echo "::{\\"outputs\\":{\\"found\\":\\"$(cat deps.txt 2>/dev/null || echo none)\\"}}::"'
      - id: make
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo built-{{ execution.id }} > deps.txt
"""


def test_working_directory_cache_restores_files_in_the_next_execution_until_its_ttl(app, tmp_path):
    import os
    import time

    h = Harness(app, tmp_path)
    first = h.run(CACHED)
    assert first.state.current == State.SUCCESS
    assert first.task_run_list[1].outputs["vars"]["found"] == "none"
    second = h.run(CACHED)
    assert second.task_run_list[1].outputs["vars"]["found"] == f"built-{first.id}"
    cache = tmp_path / "tests" / "f" / "wd" / "cache" / "cache.zip"
    assert cache.is_file()
    old = time.time() - 2 * 3600
    os.utime(cache, (old, old))
    third = h.run(CACHED)
    assert third.task_run_list[1].outputs["vars"]["found"] == "none"  # expired: not restored


def test_a_cache_archive_cannot_write_outside_the_working_directory(app, tmp_path):
    import io
    import zipfile

    h = Harness(app, tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escaped.txt", "pwned")
    h.storage.put("kestra:///tests/f/wd/cache/cache.zip", buffer.getvalue())
    execution = h.run(CACHED)
    assert execution.state.current == State.FAILED
    assert any("invalid path '../../escaped.txt'" in m for m in h.messages("ERROR"))
    assert not list(tmp_path.parent.glob("**/escaped.txt"))
