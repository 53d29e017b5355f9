"""Running shell and Python script tasks with the Process runner, as real subprocesses."""

from __future__ import annotations

import pytest

from choreo.plugins.context import TaskFailed
from choreo.plugins.scripts.python.commands import Commands as PythonCommands
from choreo.plugins.scripts.python.script import Script as PythonScript
from choreo.plugins.scripts.shell.commands import Commands as ShellCommands
from choreo.plugins.scripts.shell.script import Script as ShellScript
from choreo.testing import FakeRunContext, default_variables


def info(ctx: FakeRunContext) -> list[str]:
    return ctx.messages("INFO")


def test_shell_commands_log_stdout_and_output_the_protocol(ctx, load, run):
    task = load(
        ShellCommands,
        """
        id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        taskRunner:
          type: io.kestra.plugin.core.runner.Process
        commands:
          - echo "Hello from {{ flow.id }}"
          - echo '::{"outputs":{"rows":3,"names":["a","b"]}}::'
          - echo '::{"outputs":{"done":true},"metrics":[{"name":"rows","type":"counter","value":3,"tags":{"t":"x"}}]}::'
        """,
    )
    outputs = run(task, ctx)
    assert outputs == {"vars": {"rows": 3, "names": ["a", "b"], "done": True}, "exitCode": 0, "outputFiles": {}}
    assert info(ctx) == ["Hello from test_flow"]
    assert [(m.name, m.kind, m.value, dict(m.tags)) for m in ctx.metrics] == [("rows", "counter", 3.0, {"t": "x"})]
    assert not ctx.state_warning


def test_without_task_runner_runs_as_a_process(ctx, load, run):
    task = load(ShellScript, "id: s\ntype: io.kestra.plugin.scripts.shell.Script\nscript: echo plain")
    assert run(task, ctx)["exitCode"] == 0
    assert info(ctx) == ["plain"]


def test_shell_script_with_env_working_dir_and_output_dir(ctx, load, run):
    task = load(
        ShellScript,
        """
        id: script
        type: io.kestra.plugin.scripts.shell.Script
        env:
          STAGE: "{{ flow.namespace }}-prod"
          COUNT: 3
        script: |
          echo "stage=$STAGE count=$COUNT"
          test "$WORKING_DIR" = "{{ workingDir }}" && test "$PWD" = "$WORKING_DIR" && echo "in working dir"
          echo report > "$OUTPUT_DIR/report.txt"
          test "$OUTPUT_DIR" = "{{ outputDir }}" && echo "output dir ok"
        """,
    )
    outputs = run(task, ctx)
    assert info(ctx) == ["stage=company.team-prod count=3", "in working dir", "output dir ok"]
    assert list(outputs["outputFiles"]) == ["report.txt"]
    assert ctx.read_file(outputs["outputFiles"]["report.txt"]) == b"report\n"


def test_input_files_from_content_and_from_a_stored_uri(tmp_path, load, run):
    uri = "kestra:///fake/executions/1/inputs/data.csv"  # what a FILE input holds
    variables = default_variables() | {"inputs": {"file": uri}}
    ctx = FakeRunContext(variables, files={uri: "id,name\n1,ada\n"}, work_root=tmp_path)
    task = load(
        ShellCommands,
        """
        id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        inputFiles:
          data.csv: "{{ inputs.file }}"
          conf/settings.ini: |
            [main]
            dir={{ workingDir }}
        commands:
          - cat data.csv
          - grep -c "dir=$WORKING_DIR" conf/settings.ini
          - wc -l < {{ inputs.file }}
        """,
    )
    run(task, ctx)
    assert info(ctx) == ["id,name", "1,ada", "1", "2"]


def test_input_files_may_not_leave_the_working_directory(ctx, load, run):
    task = load(
        ShellCommands,
        "id: s\ntype: io.kestra.plugin.scripts.shell.Commands\ninputFiles: {'../evil': x}\ncommands: [ls]",
    )
    with pytest.raises(TaskFailed, match="inputFiles"):
        run(task, ctx)


def test_output_files_match_java_globs(ctx, load, run):
    task = load(
        ShellCommands,
        """
        id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        outputFiles:
          - "*.csv"
          - "reports/**"
          - "{a,b}.txt"
        commands:
          - mkdir -p reports/2024 sub
          - echo 1 > top.csv; echo 2 > sub/nested.csv; echo 3 > reports/2024/r.json; echo 4 > a.txt; echo 5 > c.txt
        """,
    )
    outputs = run(task, ctx)
    assert sorted(outputs["outputFiles"]) == ["a.txt", "reports/2024/r.json", "top.csv"]
    assert ctx.read_file(outputs["outputFiles"]["reports/2024/r.json"]) == b"3\n"


def test_before_commands_run_first_in_the_same_shell(ctx, load, run):
    task = load(
        ShellCommands,
        """
        id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        beforeCommands:
          - export GREETING=hello
          - cd "$WORKING_DIR"
        commands:
          - echo "$GREETING world"
        """,
    )
    run(task, ctx)
    assert info(ctx) == ["hello world"]


def test_non_zero_exit_fails_with_stderr_in_the_logs(ctx, load, run):
    task = load(
        ShellCommands,
        """
        id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        commands:
          - echo "starting"
          - echo "something broke" >&2
          - exit 3
        """,
    )
    with pytest.raises(TaskFailed, match="^Command failed with exit code 3$"):
        run(task, ctx)
    assert ("INFO", "starting") in ctx.log_lines and ("ERROR", "something broke") in ctx.log_lines


def test_fail_fast_stops_at_the_first_failing_command(ctx, load, run):
    task = load(ShellCommands, "id: s\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: [false, echo after]")
    with pytest.raises(TaskFailed, match="exit code 1"):
        run(task, ctx)
    assert "after" not in info(ctx)


def test_without_fail_fast_the_last_command_decides(ctx, load, run):
    text = "id: s\ntype: io.kestra.plugin.scripts.shell.Commands\nfailFast: false\ncommands: [false, echo after]"
    assert run(load(ShellCommands, text), ctx)["exitCode"] == 0
    assert info(ctx) == ["after"]


def test_stderr_ends_in_warning_unless_disabled(ctx, load, run, tmp_path):
    text = "id: s\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: ['echo careful >&2']"
    run(load(ShellCommands, text), ctx)
    assert ctx.state_warning and ctx.log_lines[-2:] == [
        ("ERROR", "careful"),
        ("DEBUG", "Command succeed with exit code 0"),
    ]
    quiet = FakeRunContext(work_root=tmp_path / "quiet")
    run(load(ShellCommands, text + "\nwarningOnStdErr: false"), quiet)
    assert not quiet.state_warning


def test_a_process_killed_by_a_signal_reports_128_plus_the_signal(ctx, load, run):
    task = load(ShellCommands, "id: s\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: ['kill -9 $$']")
    with pytest.raises(TaskFailed, match="exit code 137"):
        run(task, ctx)


def test_custom_interpreter(ctx, load, run):
    task = load(
        ShellScript,
        """
        id: bash
        type: io.kestra.plugin.scripts.shell.Script
        interpreter: ["/bin/bash", "-c"]
        script: |
          words=(one two)
          [[ ${words[0]} == one ]] && echo "bash arrays: ${words[1]}"
        """,
    )
    run(task, ctx)
    assert info(ctx) == ["bash arrays: two"]


def test_unknown_interpreter_fails(ctx, load, run):
    task = load(
        ShellScript, "id: s\ntype: io.kestra.plugin.scripts.shell.Script\ninterpreter: [/no/such/sh, -c]\nscript: ls"
    )
    with pytest.raises(TaskFailed, match="Unable to start the process '/no/such/sh'"):
        run(task, ctx)


@pytest.mark.parametrize(
    "runner",
    [
        "taskRunner:\n  type: io.kestra.plugin.scripts.runner.docker.Docker\n  pullPolicy: NEVER",
        "runner: DOCKER",
        "docker:\n  image: ubuntu",
    ],
)
def test_the_docker_runner_is_not_available(ctx, load, run, runner):
    task = load(ShellCommands, f"id: s\ntype: io.kestra.plugin.scripts.shell.Commands\n{runner}\ncommands: [ls]")
    with pytest.raises(
        TaskFailed, match="the Docker task runner is not available; use io.kestra.plugin.core.runner.Process"
    ) as failure:
        run(task, ctx)
    assert failure.value.retryable is False and ctx.log_lines == []


def test_runner_process_wins_over_docker_options(ctx, load, run):
    text = """
        id: s
        type: io.kestra.plugin.scripts.shell.Commands
        runner: PROCESS
        docker: {image: ubuntu}
        commands: [echo ok]
        """
    run(load(ShellCommands, text), ctx)
    assert info(ctx) == ["ok"]


KESTRA_HELPER = '''
import json, logging, sys

class Kestra:
    """The lines the `kestra` package from PyPI prints (kestra-io/libs python/src/kestra.py), emulated here."""

    @staticmethod
    def _send(map_):
        print("::" + json.dumps(map_) + "::")

    @staticmethod
    def _metrics(name, type_, value, tags=None):
        Kestra._send({"metrics": [{"name": name, "type": type_, "value": value, "tags": tags or {}}]})

    @staticmethod
    def outputs(map_):
        Kestra._send({"outputs": map_})

    @staticmethod
    def counter(name, value, tags=None):
        Kestra._metrics(name, "counter", value, tags)

    @staticmethod
    def timer(name, duration, tags=None):
        Kestra._metrics(name, "timer", duration, tags)

    @staticmethod
    def log(level, message, stream):
        print("::" + json.dumps({"logs": [{"level": level, "message": message}]}) + "::", file=stream)
'''


def test_python_script_reports_outputs_metrics_and_logs_with_the_kestra_helper_format(ctx, load, run):
    script = (
        KESTRA_HELPER
        + """
rows = [{"id": i} for i in range(3)]
print("processing", len(rows), "rows for {{ flow.namespace }}")
Kestra.outputs({"rows": len(rows), "first": rows[0]})
Kestra.counter("processed", len(rows), {"source": "api"})
Kestra.timer("duration", 0.25)
Kestra.log("INFO", "done", sys.stdout)
"""
    )
    task = load(
        PythonScript,
        "id: py\ntype: io.kestra.plugin.scripts.python.Script\n"
        + "taskRunner:\n  type: io.kestra.plugin.core.runner.Process\n"
        + "script: |\n"
        + "".join(f"  {line}\n" for line in script.splitlines()),
    )
    outputs = run(task, ctx)
    assert outputs["vars"] == {"rows": 3, "first": {"id": 0}}
    assert info(ctx) == ["processing 3 rows for company.team", "done"]
    assert [(m.name, m.kind, m.value, dict(m.tags)) for m in ctx.metrics] == [
        ("processed", "counter", 3.0, {"source": "api"}),
        ("duration", "timer", 0.25, {}),
    ]
    assert not ctx.state_warning


def test_python_logger_warnings_go_to_stderr_and_end_in_warning(ctx, load, run):
    script = KESTRA_HELPER + '\nKestra.log("WARN", "low disk", sys.stderr)\n'
    task = load(
        PythonScript,
        "id: py\ntype: io.kestra.plugin.scripts.python.Script\nscript: |\n"
        + "".join(f"  {line}\n" for line in script.splitlines()),
    )
    run(task, ctx)
    assert ("WARN", "low disk") in ctx.log_lines and ctx.state_warning


def test_python_script_exception_fails_with_the_traceback_logged(ctx, load, run):
    task = load(
        PythonScript,
        """
        id: py
        type: io.kestra.plugin.scripts.python.Script
        script: |
          raise ValueError("An error occurred")
        """,
    )
    with pytest.raises(TaskFailed, match="exit code 1"):
        run(task, ctx)
    assert ("ERROR", "ValueError: An error occurred") in ctx.log_lines


def test_python_commands_run_input_files_with_the_python_environment(ctx, load, run):
    task = load(
        PythonCommands,
        """
        id: etl
        type: io.kestra.plugin.scripts.python.Commands
        inputFiles:
          main.py: |
            import os, sys
            print("unbuffered:", os.environ["PYTHONUNBUFFERED"], "args:", sys.argv[1:])
            open("result.json", "w").write('{"ok": true}')
        outputFiles: [result.json]
        dependencies: [pandas]
        commands:
          - python3 main.py --date {{ execution.startDate }}
        """,
    )
    outputs = run(task, ctx)
    assert info(ctx) == ["unbuffered: true args: ['--date', '2025-01-01T00:00:00Z']"]
    assert ctx.read_file(outputs["outputFiles"]["result.json"]) == b'{"ok": true}'
    assert any("dependencies are not installed" in message for message in ctx.messages("WARN"))


def test_storage_uris_in_commands_are_local_files(tmp_path, load, run):
    uri = "kestra:///company/team/flow/executions/e/tasks/extract/t/rows.csv"
    variables = default_variables() | {"outputs": {"extract": {"uri": uri}}}
    ctx = FakeRunContext(variables, files={uri: "a\nb\nc\n"}, work_root=tmp_path)
    task = load(
        ShellCommands,
        "id: s\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: ['wc -l < {{ outputs.extract.uri }}']",
    )
    run(task, ctx)
    assert info(ctx) == ["3"]
