"""io.kestra.plugin.scripts.runner.docker.Docker"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Any, ClassVar

from pydantic import Field

from choreo.model.task import TaskRunner
from choreo.model.types import Duration, Dynamic
from choreo.plugins.scripts.runner.docker.parts import Cpu, Credentials, DeviceRequest, Memory, PullPolicy


class FileHandlingStrategy(enum.StrEnum):
    VOLUME = "VOLUME"
    MOUNT = "MOUNT"


class Docker(TaskRunner):
    """Run the script task's commands in a Docker container built from the task's `containerImage`.

    Declared so that flows written for Kestra validate; Choreo does not run containers.

    ```yaml
    - id: script
      type: io.kestra.plugin.scripts.python.Script
      containerImage: python:3.13-slim
      taskRunner:
        type: io.kestra.plugin.scripts.runner.docker.Docker
        pullPolicy: IF_NOT_PRESENT
        cpu:
          cpus: 1
        memory:
          memory: 512Mb
      script: print("hello")
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.scripts.runner.docker.Docker"

    host: Dynamic[str] | None = Field(
        default=None, description="Docker API URI.", examples=["unix:///var/run/docker.sock"]
    )
    config: Dynamic[str | dict[str, Any]] | None = Field(
        default=None, description="Docker configuration (`~/.docker/config.json` content) with registry credentials."
    )
    credentials: Credentials | None = Field(default=None, description="Credentials for a private registry.")
    image: Dynamic[str] | None = Field(
        default=None, description="Kept for compatibility: the task's `containerImage` is used instead."
    )
    user: Dynamic[str] | None = Field(default=None, description="User in the container.")
    entry_point: Dynamic[list[str]] = Field(
        default_factory=lambda: [""], description="Entrypoint of the container (none by default)."
    )
    extra_hosts: Dynamic[list[str]] | None = Field(default=None, description="Extra host-name mappings.")
    network_mode: Dynamic[str] | None = Field(default=None, description="Network mode (`host`, `none`…).")
    port_bindings: Dynamic[list[str]] | None = Field(
        default=None, description="Published ports, as `docker run -p` takes them.", examples=[["8080:80/udp"]]
    )
    volumes: Dynamic[list[str]] | None = Field(
        default=None, description="Volumes to mount (`/host/path:/container/path`); disabled unless configured."
    )
    pull_policy: Dynamic[PullPolicy] = Field(
        default=PullPolicy.IF_NOT_PRESENT, description="When to pull the image: IF_NOT_PRESENT, ALWAYS or NEVER."
    )
    device_requests: list[DeviceRequest] | None = Field(default=None, description="Device (GPU) requests.")
    cpu: Cpu | None = Field(default=None, description="CPU limit.")
    memory: Memory | None = Field(default=None, description="Memory limits.")
    shm_size: Dynamic[str] | None = Field(default=None, description="Size of `/dev/shm`.", examples=["1gb"])
    privileged: Dynamic[bool] | None = Field(default=None, description="Give extended privileges to the container.")
    file_handling_strategy: Dynamic[FileHandlingStrategy] = Field(
        default=FileHandlingStrategy.VOLUME,
        description="VOLUME copies the task files into a volume; MOUNT mounts the working directory.",
    )
    delete: Dynamic[bool] = Field(default=True, description="Delete the container when it ends.")
    wait: Dynamic[bool] = Field(default=True, description="Wait for the container to exit.")
    kill_grace_period: Duration = Field(
        default=timedelta(0), description="When the task is killed, stop the container with this grace period."
    )
    resume: Dynamic[bool] = Field(
        default=True, description="On restart, reattach to a container left by the same task run."
    )
