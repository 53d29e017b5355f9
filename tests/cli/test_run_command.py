"""`choreo run`: a flow run to its end in a real process, on the embedded store under $CHOREO_HOME."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from choreo.model.execution import Execution
from choreo.model.state import State
from choreo.store import Store

CHOREO = str(Path(sys.executable).parent / "choreo")

HELLO = """id: hello
namespace: company.team
inputs:
  - id: name
    type: STRING
    defaults: world
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}!"
  - id: shout
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.name | upper }}"
outputs:
  - id: loud
    type: STRING
    value: "{{ outputs.shout.value }}"
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHOREO_HOME": str(tmp_path / "home")}
    return subprocess.run([CHOREO, "run", *args], capture_output=True, text=True, env=env, timeout=60, check=False)


def test_run_shows_task_runs_and_logs_and_exits_zero(tmp_path):
    (tmp_path / "hello.yaml").write_text(HELLO)
    done = run(tmp_path, str(tmp_path / "hello.yaml"), "--input", "name=ada")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Hello ada!" in done.stdout
    assert "greet" in done.stdout and "SUCCESS" in done.stdout


def test_run_json_prints_the_execution_document(tmp_path):
    (tmp_path / "hello.yaml").write_text(HELLO)
    done = run(tmp_path, str(tmp_path / "hello.yaml"), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["namespace"] == "company.team" and document["flowId"] == "hello"
    assert document["state"]["current"] == "SUCCESS" and document["state"]["endDate"]
    assert document["outputs"] == {"loud": "WORLD"}
    assert [(r["taskId"], r["state"]["current"], len(r["attempts"])) for r in document["taskRunList"]] == [
        ("greet", "SUCCESS", 1),
        ("shout", "SUCCESS", 1),
    ]
    assert document["taskRunList"][1]["outputs"] == {"value": "WORLD"}
    # the same execution is in the embedded store, with its logs
    with Store.open(f"sqlite:///{tmp_path / 'home' / 'choreo.db'}") as store:
        stored = store.executions.get(document["id"])
        assert stored is not None and stored.state.current == State.SUCCESS
        assert any("Hello world!" in line.message for line in store.logs.for_execution(document["id"]))


def test_a_failing_flow_exits_one_with_the_error_in_the_logs(tmp_path):
    (tmp_path / "fail.yaml").write_text(
        "id: fail\nnamespace: t\ntasks:\n  - id: boom\n    type: io.kestra.plugin.scripts.shell.Commands\n"
        "    commands: ['echo broken >&2; exit 3']\n"
    )
    done = run(tmp_path, str(tmp_path / "fail.yaml"))
    assert done.returncode == 1
    assert "broken" in done.stdout and "exit code 3" in done.stdout


def test_bad_inputs_and_invalid_flows_are_refused_before_running(tmp_path):
    (tmp_path / "typed.yaml").write_text(
        "id: typed\nnamespace: t\ninputs:\n  - id: n\n    type: INT\ntasks:\n"
        "  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: '{{ inputs.n }}'\n"
    )
    done = run(tmp_path, str(tmp_path / "typed.yaml"), "-i", "n=abc")
    assert done.returncode == 1 and "Invalid input for `n`, Expected an integer, but received `abc`" in done.stdout
    (tmp_path / "bad.yaml").write_text(
        "id: bad\nnamespace: t\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Lgo\n"
    )
    done = run(tmp_path, str(tmp_path / "bad.yaml"))
    assert done.returncode == 1 and "bad.yaml:5:11: tasks[0].type: unknown type" in done.stdout


def test_subflows_are_found_in_the_flow_directory(tmp_path):
    (tmp_path / "child.yaml").write_text(
        "id: child\nnamespace: t\ninputs:\n  - id: x\n    type: STRING\ntasks:\n"
        "  - id: echo\n    type: io.kestra.plugin.core.debug.Return\n    format: 'got {{ inputs.x }}'\n"
        "outputs:\n  - id: said\n    type: STRING\n    value: '{{ outputs.echo.value }}'\n"
    )
    (tmp_path / "parent.yaml").write_text(
        "id: parent\nnamespace: t\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n"
        "    namespace: t\n    flowId: child\n    inputs:\n      x: hi\n"
    )
    done = run(tmp_path, str(tmp_path / "parent.yaml"), "--json")
    assert done.returncode == 0, done.stderr
    (call,) = json.loads(done.stdout)["taskRunList"]
    assert call["outputs"]["outputs"] == {"said": "got hi"} and call["outputs"]["state"] == "SUCCESS"


def test_kill_9_mid_flow_leaves_a_store_that_opens_and_shows_the_progress(tmp_path):
    (tmp_path / "slow.yaml").write_text(
        "id: slow\nnamespace: t\ntasks:\n  - id: first\n    type: io.kestra.plugin.core.log.Log\n    message: one\n"
        "  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT30S\n"
    )
    env = {**os.environ, "CHOREO_HOME": str(tmp_path / "home")}
    process = subprocess.Popen([CHOREO, "run", str(tmp_path / "slow.yaml")], env=env, stdout=subprocess.DEVNULL)
    database = tmp_path / "home" / "choreo.db"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # wait until the store shows `nap` running
        if database.exists():
            connection = sqlite3.connect(database)
            try:
                rows = connection.execute("select value from executions").fetchall()
            except sqlite3.Error:
                rows = []
            finally:
                connection.close()
            if rows and '"nap"' in rows[0][0]:
                break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    with Store.open(f"sqlite:///{database}") as store:
        (execution,) = store.executions.search().items
        assert isinstance(execution, Execution) and execution.state.current == State.RUNNING
        assert [(r.task_id, r.state.current) for r in execution.task_run_list] == [
            ("first", State.SUCCESS),
            ("nap", State.RUNNING),
        ]


def test_template_tasks_include_templates_from_the_templates_directory(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "greet.yaml").write_text(
        "id: greet\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n"
        '    message: "Hello {{ parent.outputs.args.who }}"\n'
    )
    (tmp_path / "main.yaml").write_text(
        "id: main\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.flow.Template\n"
        "    namespace: company.team\n    templateId: greet\n    args:\n      who: world\n"
    )
    done = run(tmp_path, str(tmp_path / "main.yaml"), "--templates", str(tmp_path / "templates"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Hello world" in done.stdout
    missing = run(tmp_path, str(tmp_path / "main.yaml"))
    assert missing.returncode == 1
    assert "Can't find flow template 'company.team.greet'" in missing.stdout
