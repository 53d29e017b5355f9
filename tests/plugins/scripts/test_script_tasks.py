"""Script tasks (io.kestra.plugin.scripts.shell/python Commands and Script) and their task runners.

The `taskRunner` is resolved by the loader through the registry; here it is validated as a runner class directly.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from choreo.model.plugin import PluginModel, ValidationScope
from choreo.plugins.core.parts import FileExistBehavior
from choreo.plugins.core.runner.process import Process
from choreo.plugins.registry import PluginRegistry
from choreo.plugins.scripts.catalog import PLUGINS, RUNNERS, TASKS
from choreo.plugins.scripts.exec import DEFAULT_INTERPRETER, RunnerType, TargetOS
from choreo.plugins.scripts.python._base import PackageManager
from choreo.plugins.scripts.python.commands import Commands as PythonCommands
from choreo.plugins.scripts.python.script import Script as PythonScript
from choreo.plugins.scripts.runner.docker.docker import Docker, FileHandlingStrategy
from choreo.plugins.scripts.runner.docker.parts import PullPolicy
from choreo.plugins.scripts.shell.commands import Commands as ShellCommands
from choreo.plugins.scripts.shell.script import Script as ShellScript

REGISTRY = PluginRegistry(PLUGINS)


def read(text: str) -> PluginModel:
    """A task from its YAML mapping; its `taskRunner` is resolved through the registry like the loader does."""
    data: dict[str, Any] = yaml.safe_load(text)
    task_class = REGISTRY.resolve("task", data["type"])
    assert task_class is not None, data["type"]
    runner = data.get("taskRunner")
    if isinstance(runner, dict):
        runner_class = REGISTRY.resolve("runner", runner["type"])
        assert runner_class is not None, runner["type"]
        data["taskRunner"] = runner_class.model_validate(runner)
    return task_class.model_validate(data)


def issues(model: PluginModel, severity: str = "error") -> list[tuple[tuple[str | int, ...], str]]:
    return [(p.path, p.message) for p in model.problems(ValidationScope()) if p.severity == severity]


def test_exports():
    assert {t.type_name for t in TASKS} == {
        "io.kestra.plugin.scripts.shell.Commands",
        "io.kestra.plugin.scripts.shell.Script",
        "io.kestra.plugin.scripts.python.Commands",
        "io.kestra.plugin.scripts.python.Script",
    }
    assert PLUGINS == [*TASKS, *RUNNERS] and Process in RUNNERS and Docker in RUNNERS


def test_shell_commands_with_every_common_property():
    task = read(
        """
        id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        taskRunner:
          type: io.kestra.plugin.core.runner.Process
        containerImage: ubuntu:24.04
        beforeCommands:
          - export GREETING=hello
        env:
          STAGE: prod
          RETRIES: 3
        interpreter: ["/bin/bash", "-c"]
        failFast: false
        warningOnStdErr: false
        targetOS: LINUX
        inputFiles:
          data.txt: "{{ inputs.file }}"
          script.sh: |
            echo hi
        outputFiles:
          - out.txt
          - "reports/**"
        namespaceFiles:
          enabled: true
          include: [scripts/**]
          exclude: ["**/*.md"]
          folderPerNamespace: true
        commands:
          - cp data.txt out.txt
          - echo '::{"outputs":{"lines":3}}::'
        timeout: PT5M
        """
    )
    assert isinstance(task, ShellCommands)
    assert isinstance(task.task_runner, Process)
    assert task.env == {"STAGE": "prod", "RETRIES": "3"}
    assert task.interpreter == ["/bin/bash", "-c"] and task.fail_fast is False and task.warning_on_std_err is False
    assert task.target_os is TargetOS.LINUX
    assert task.input_files["data.txt"] == "{{ inputs.file }}"
    assert task.output_files == ["out.txt", "reports/**"]
    assert task.namespace_files.folder_per_namespace is True
    assert task.namespace_files.if_exists is FileExistBehavior.OVERWRITE
    assert issues(task) == [] and issues(task, "warning") == []


def test_shell_defaults():
    task = read("id: s\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: [echo hi]\n")
    assert task.task_runner is None
    assert task.interpreter == list(DEFAULT_INTERPRETER) == ["/bin/sh", "-c"]
    assert task.fail_fast is True and task.warning_on_std_err is True and task.target_os is TargetOS.AUTO
    assert task.container_image == "ubuntu"
    assert ShellCommands.property_names()[-1] == "commands"
    assert "targetOS" in ShellCommands.property_names() and "warningOnStdErr" in ShellCommands.property_names()


def test_shell_script():
    task = read('id: s\ntype: io.kestra.plugin.scripts.shell.Script\nscript: |\n  echo "Hello {{ inputs.name }}"\n')
    assert isinstance(task, ShellScript) and task.script.startswith("echo")


def test_python_script_with_dependencies():
    task = read(
        """
        id: transform
        type: io.kestra.plugin.scripts.python.Script
        containerImage: python:3.12-slim
        dependencies:
          - requests
          - pandas==2.2.3
        pythonVersion: "3.12"
        packageManager: PIP
        dependencyCacheEnabled: false
        script: |
          from kestra import Kestra
          Kestra.outputs({"ok": True})
        """
    )
    assert isinstance(task, PythonScript)
    assert task.dependencies == ["requests", "pandas==2.2.3"]
    assert task.package_manager is PackageManager.PIP and task.dependency_cache_enabled is False


def test_python_commands_defaults():
    task = read("id: p\ntype: io.kestra.plugin.scripts.python.Commands\ncommands: [python main.py]\n")
    assert isinstance(task, PythonCommands)
    assert task.container_image == "python:3.13-slim"
    assert task.package_manager is PackageManager.UV and task.dependencies is None


def test_input_files_may_be_an_expression_or_json_text():
    templated = read(
        'id: p\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: [ls]\ninputFiles: "{{ outputs.files }}"\n'
    )
    assert templated.input_files == "{{ outputs.files }}"
    json_text = read(
        'id: p\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: [ls]\ninputFiles: \'{"a.txt": "x"}\'\n'
    )
    assert json_text.input_files == '{"a.txt": "x"}'


def test_properties_may_be_expressions():
    task = read(
        'id: p\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: "{{ vars.commands }}"\n'
        'env: "{{ vars.env }}"\nfailFast: "{{ inputs.strict }}"\ntargetOS: "{{ vars.os }}"\n'
    )
    assert task.commands == "{{ vars.commands }}" and task.fail_fast == "{{ inputs.strict }}"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("id: p\ntype: io.kestra.plugin.scripts.shell.Commands\n", "commands"),
        ("id: p\ntype: io.kestra.plugin.scripts.shell.Script\n", "script"),
        ("id: p\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: [ls]\ninterpreter: []\n", "interpreter"),
        ("id: p\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: [ls]\ntargetOS: MACOS\n", "targetOS"),
        ("id: p\ntype: io.kestra.plugin.scripts.shell.Commands\ncommands: [ls]\nscript: x\n", "script"),
        ("id: p\ntype: io.kestra.plugin.scripts.shell.Script\nscript: x\ndependencies: [a]\n", "dependencies"),
    ],
)
def test_invalid_tasks_name_the_property(text: str, field: str):
    with pytest.raises(ValidationError, match=field):
        read(text)


def test_deprecated_runner_docker_and_output_directory_warn():
    task = read(
        """
        id: legacy
        type: io.kestra.plugin.scripts.python.Commands
        runner: DOCKER
        docker:
          image: python:3.11
          pullPolicy: IF_NOT_PRESENT
          memory:
            memory: 512Mb
        outputDirectory: true
        commands: [python main.py]
        """
    )
    assert task.runner is RunnerType.DOCKER and task.docker.pull_policy is PullPolicy.IF_NOT_PRESENT
    assert issues(task) == []
    assert [path for path, _ in issues(task, "warning")] == [("runner",), ("docker",), ("outputDirectory",)]


def test_process_runner_has_no_property_but_type():
    assert set(Process.property_names()) <= {"type", "version"}
    with pytest.raises(ValidationError, match="image"):
        Process.model_validate({"type": Process.type_name, "image": "ubuntu"})


def test_docker_runner():
    task = read(
        """
        id: script
        type: io.kestra.plugin.scripts.python.Script
        containerImage: ghcr.io/kestra-io/kestrapy:latest
        taskRunner:
          type: io.kestra.plugin.scripts.runner.docker.Docker
          pullPolicy: NEVER
          credentials:
            registry: ghcr.io
            username: me
            password: "{{ secret('GHCR') }}"
          cpu:
            cpus: 1
          memory:
            memory: 512Mb
          volumes: ["/data:/data"]
          deviceRequests:
            - driver: nvidia
              count: -1
              capabilities: [[gpu]]
          fileHandlingStrategy: MOUNT
          killGracePeriod: PT10S
        script: print("hello")
        """
    )
    runner = task.task_runner
    assert isinstance(runner, Docker)
    assert runner.pull_policy is PullPolicy.NEVER and runner.file_handling_strategy is FileHandlingStrategy.MOUNT
    assert runner.cpu.cpus == 1 and runner.device_requests[0].count == -1
    assert runner.entry_point == [""] and runner.delete is True
