"""The worker: secrets masked in logs and outputs (raw, base64, URL-encoded), timeouts, unknown runnables."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import quote

import pytest

from choreo.app import Choreo, Settings
from choreo.engine.context import MemoryKeyValues, secrets_from_env
from choreo.engine.events import Start
from choreo.engine.executor import Executor
from choreo.engine.local import new_execution
from choreo.engine.masking import MASK, Masker
from choreo.engine.worker import Worker
from choreo.model.state import State
from choreo.storage import LocalStorage

SECRET = "s3cr3t/pa ss"


@pytest.fixture(scope="module")
def app():
    return Choreo(Settings())


def run_first_task(app, tmp_path, source: str, secrets: dict[str, str]):
    flow = app.flows.load(source)
    executor = Executor(app.expressions, envs={})
    step = executor.step(new_execution(flow, {}), flow, [Start()])
    (command,) = step.commands
    logs: list[tuple[str, str]] = []
    worker = Worker(
        expressions=app.expressions,
        storage=LocalStorage(tmp_path),
        kv=MemoryKeyValues(),
        secrets=secrets,
        on_log=lambda execution_id, run_id, attempt, level, message: logs.append((level, message)),
        envs={},
        task_loader=app.load_task,
    )
    result = asyncio.run(worker.run(command, flow, step.execution))
    return result, logs


def test_secrets_are_masked_in_logs_and_outputs_in_every_encoding(app, tmp_path):
    b64 = base64.b64encode(SECRET.encode()).decode()
    source = f"""id: leak
namespace: t
tasks:
  - id: print
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo "raw {{{{ secret('api') }}}}"
      - echo "b64 {b64}"
      - echo "url {quote(SECRET, safe="")}"
      - echo '::{{"outputs":{{"token":"{{{{ secret('api') }}}}"}}}}::'
"""
    result, logs = run_first_task(app, tmp_path, source, {"api": SECRET})
    assert result.state == State.SUCCESS, logs
    text = "\n".join(message for _, message in logs)
    assert "raw " + MASK in text and "b64 " + MASK in text and "url " + MASK in text
    assert SECRET not in text and b64.rstrip("=") not in text and quote(SECRET, safe="") not in text
    assert result.outputs["vars"] == {"token": MASK}


def test_short_secrets_do_not_mask_everything():
    masker = Masker(["a", "ok", "long-secret"])
    assert masker.text("a cat is ok, long-secret") == f"a cat is ok, {MASK}"


def test_secrets_come_from_base64_and_plain_environment_variables():
    env = {"SECRET_MY_SECRET": base64.b64encode(b'{"k":"v"}').decode(), "CHOREO_SECRET_PLAIN": "hello", "X": "y"}
    assert secrets_from_env(env) == {"my_secret": '{"k":"v"}', "plain": "hello"}


def test_a_timeout_fails_the_attempt(app, tmp_path):
    source = (
        "id: slow\nnamespace: t\ntasks:\n  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n"
        "    duration: PT5S\n    timeout: PT0.2S\n"
    )
    result, logs = run_first_task(app, tmp_path, source, {})
    assert result.state == State.FAILED
    assert ("ERROR", "Timeout after PT0.2S") in logs
