"""`choreo flow validate` and `choreo flow schema`, run as the user runs them: a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corpus_support import REPO

CHOREO = str(Path(sys.executable).parent / "choreo")

VALID = """id: hello
namespace: company.team
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name ?? 'world' }}"
"""

INVALID = """id: etl
namespace: company.team
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Lgo
    message: hi
  - id: other
    type: io.kestra.plugin.core.log.Log
    mesage: hi
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHOREO, *args], capture_output=True, text=True, cwd=cwd, timeout=60, check=False)


def test_validate_lists_valid_flows_and_exits_zero(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "hello.yaml").write_text(VALID)
    done = run("flow", "validate", "flows", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "flows/hello.yaml  company.team.hello  (1 task)" in done.stdout
    assert "1 flow file(s): 1 valid, 0 invalid" in done.stdout


def test_validate_reports_every_error_with_its_place_and_exits_one(tmp_path):
    (tmp_path / "hello.yml").write_text(VALID)
    (tmp_path / "etl.yaml").write_text(INVALID)
    done = run("flow", "validate", str(tmp_path))
    assert done.returncode == 1
    out = done.stdout.replace("\n  ", " ")
    assert (
        f"{tmp_path}/etl.yaml:5:11: tasks[0].type: unknown type 'io.kestra.plugin.core.log.Lgo' "
        "(did you mean 'io.kestra.plugin.core.log.Log'?)"
    ) in out
    assert f"{tmp_path}/etl.yaml:9:5: tasks[1].mesage: unknown property 'mesage'" in out
    assert "2 flow file(s): 1 valid, 1 invalid" in out


def test_validate_json_output_for_machines(tmp_path):
    (tmp_path / "etl.yaml").write_text(INVALID)
    done = run("flow", "validate", "--json", str(tmp_path / "etl.yaml"), str(tmp_path / "missing.yaml"))
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["valid"] is False
    assert document["missing"] == [str(tmp_path / "missing.yaml")]
    (report,) = document["files"]
    assert [(v["line"], v["column"], v["path"]) for v in report["violations"]] == [
        (5, 11, "tasks[0].type"),
        (7, 5, "tasks[1].message"),
        (9, 5, "tasks[1].mesage"),
    ]


def test_validate_accepts_declared_worker_groups(tmp_path):
    flow = VALID + "    workerGroup:\n      key: gpu\n"
    (tmp_path / "f.yaml").write_text(flow)
    assert run("flow", "validate", str(tmp_path)).returncode == 1
    assert run("flow", "validate", "--worker-group", "gpu", str(tmp_path)).returncode == 0


def test_the_examples_shipped_with_choreo_are_valid():
    done = run("flow", "validate", str(REPO / "examples"))
    assert done.returncode == 0, done.stdout
    assert "0 invalid" in done.stdout


def test_schema_covers_every_registered_type(tmp_path):
    done = run("flow", "schema", "-o", str(tmp_path / "schema.json"))
    assert done.returncode == 0, done.stderr
    schema = json.loads((tmp_path / "schema.json").read_text())
    tasks = {ref["$ref"].rsplit("/", 1)[-1] for ref in schema["$defs"]["task"]["anyOf"]}
    assert {"io.kestra.plugin.core.log.Log", "io.kestra.plugin.scripts.python.Script"} <= tasks
    log = schema["$defs"]["io.kestra.plugin.core.log.Log"]
    assert "io.kestra.core.tasks.log.Log" in log["properties"]["type"]["enum"]
    assert log["properties"]["message"]["description"]
    assert schema["properties"]["tasks"]["items"] == {"$ref": "#/$defs/task"}
    assert {"id", "namespace", "tasks"} <= set(schema["required"])
