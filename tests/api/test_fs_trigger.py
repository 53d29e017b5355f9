"""The local directory trigger: allowed paths only, one execution per batch of new files, MOVE/DELETE/NONE."""

from __future__ import annotations

import time

import pytest

from choreo.server.config import ServerConfig
from choreo.server.deploy import save_flow
from choreo.server.runtime import Runtime
from runtime_support import run_until


def flow(directory, action: str, extra: str = "") -> str:
    return f"""id: files
namespace: fs
tasks:
  - id: names
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ trigger.files | jq('.[].name') | join(',') }}}} {{{{ read(trigger.files[0].uri) }}}}"
triggers:
  - id: watch
    type: io.kestra.plugin.fs.local.Trigger
    from: {directory}
    regExp: ".*\\\\.csv"
    action: {action}
    interval: PT0.1S
{extra}"""


def outputs(rt) -> list[str]:
    found = rt.store.executions.search(flow_id="files", size=50, sort="startDate:asc").items
    return [e.task_run_list[0].outputs["value"] for e in found if e.state.current.value == "SUCCESS"]


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    directory = tmp_path / "inbox"
    directory.mkdir()
    monkeypatch.setenv("CHOREO_FS_ALLOWED_PATHS", str(tmp_path))
    return directory


def test_move_takes_new_files_once(tmp_path, inbox):
    (inbox / "a.csv").write_text("A")
    (inbox / "skip.txt").write_text("x")
    rt = Runtime(ServerConfig(home=tmp_path / "home"))
    save_flow(rt.app, rt.store, flow(inbox, "MOVE", f"    moveDirectory: {tmp_path / 'done'}\n"))
    try:
        run_until(rt, lambda: len(outputs(rt)) == 1)
        assert outputs(rt) == ["a.csv A"]
        assert not (inbox / "a.csv").exists() and (tmp_path / "done" / "a.csv").read_text() == "A"
        assert (inbox / "skip.txt").exists()
    finally:
        rt.close()


def test_none_remembers_files_across_restarts_and_sees_changes(tmp_path, inbox):
    (inbox / "b.csv").write_text("B")
    rt = Runtime(ServerConfig(home=tmp_path / "home"))
    save_flow(rt.app, rt.store, flow(inbox, "NONE"))
    try:
        run_until(rt, lambda: len(outputs(rt)) == 1)
        run_until(rt, lambda: False, timeout=0.5)  # a restart: the file is remembered, nothing new starts
        assert outputs(rt) == ["b.csv B"]
        time.sleep(0.01)
        (inbox / "b.csv").write_text("B2")  # changed: it starts the flow again
        run_until(rt, lambda: len(outputs(rt)) == 2)
        assert outputs(rt) == ["b.csv B", "b.csv B2"]
    finally:
        rt.close()


def test_a_directory_outside_the_allowed_paths_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("CHOREO_FS_ALLOWED_PATHS", str(tmp_path / "elsewhere"))
    (tmp_path / "c.csv").write_text("C")
    rt = Runtime(ServerConfig(home=tmp_path / "home"))
    save_flow(rt.app, rt.store, flow(tmp_path, "DELETE"))
    try:
        run_until(rt, lambda: False, timeout=0.6)
        assert outputs(rt) == [] and (tmp_path / "c.csv").exists()
        logs = rt.store.logs.search(namespace="fs").items
        assert any("not under an allowed path" in line.message for line in logs)
    finally:
        rt.close()
