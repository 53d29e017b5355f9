"""Container options shared by the Docker task runner and the deprecated `docker` property of script tasks."""

from __future__ import annotations

import enum
from typing import Any

from pydantic import Field

from choreo.model.base import Part
from choreo.model.types import Dynamic


class PullPolicy(enum.StrEnum):
    IF_NOT_PRESENT = "IF_NOT_PRESENT"
    ALWAYS = "ALWAYS"
    NEVER = "NEVER"


class Credentials(Part):
    """Credentials for a private container registry."""

    registry: Dynamic[str] | None = Field(
        default=None, description="The registry URL (taken from the image name when unset).", examples=["ghcr.io"]
    )
    username: Dynamic[str] | None = Field(default=None, description="The registry user name.")
    password: Dynamic[str] | None = Field(
        default=None, description="The registry password.", examples=["{{ secret('REGISTRY_PASSWORD') }}"]
    )
    registry_token: Dynamic[str] | None = Field(default=None, description="A registry token.")
    identity_token: Dynamic[str] | None = Field(default=None, description="An identity token.")
    auth: Dynamic[str] | None = Field(default=None, description="Base64 `user:password`, as in a Docker config.")


class Cpu(Part):
    """CPU limit of the container."""

    cpus: Dynamic[float] | None = Field(
        default=None, description="Maximum CPUs the container may use (e.g. 1.5).", examples=[1, 1.5]
    )


class Memory(Part):
    """Memory limits of the container (sizes such as `512Mb`)."""

    memory: Dynamic[str] | None = Field(default=None, description="Hard memory limit.", examples=["512Mb"])
    memory_swap: Dynamic[str] | None = Field(default=None, description="Memory plus swap limit.")
    memory_swappiness: Dynamic[str] | None = Field(default=None, description="Swappiness (0 to 100).")
    memory_reservation: Dynamic[str] | None = Field(
        default=None, description="Soft limit, enforced when the host runs low on memory."
    )
    kernel_memory: Dynamic[str] | None = Field(default=None, description="Kernel memory limit.")
    oom_kill_disable: Dynamic[bool] | None = Field(
        default=None, description="Do not kill the container's processes on out-of-memory."
    )


class DeviceRequest(Part):
    """A request for devices (GPUs…) sent to a device driver."""

    driver: Dynamic[str] | None = Field(default=None, description="The device driver.", examples=["nvidia"])
    count: Dynamic[int] | None = Field(default=None, description="How many devices (-1 for all).", examples=[-1])
    device_ids: Dynamic[list[str]] | None = Field(default=None, description="The ids of the devices.")
    capabilities: list[list[str]] | None = Field(
        default=None, description="An OR list of AND lists of capabilities.", examples=[[["gpu"]]]
    )
    options: dict[str, str] | None = Field(default=None, description="Driver-specific options.")


class DockerOptions(Part):
    """Deprecated container options of script tasks (`docker:`); use a Docker `taskRunner` instead."""

    host: Dynamic[str] | None = Field(
        default=None, description="Docker API URI.", examples=["unix:///var/run/docker.sock"]
    )
    config: Dynamic[str | dict[str, Any]] | None = Field(
        default=None, description="Docker configuration (`~/.docker/config.json` content) with registry credentials."
    )
    credentials: Credentials | None = Field(default=None, description="Credentials for a private registry.")
    image: Dynamic[str] | None = Field(
        default=None, description="The image (the task's default image when unset).", examples=["python:3.13-slim"]
    )
    user: Dynamic[str] | None = Field(default=None, description="User in the container.")
    entry_point: Dynamic[list[str]] | None = Field(default=None, description="Entrypoint of the container.")
    extra_hosts: Dynamic[list[str]] | None = Field(default=None, description="Extra host-name mappings.")
    network_mode: Dynamic[str] | None = Field(default=None, description="Network mode (`host`, `none`…).")
    volumes: Dynamic[list[str]] | None = Field(
        default=None, description="Volumes to mount (`/host/path:/container/path`); disabled unless configured."
    )
    pull_policy: Dynamic[PullPolicy] = Field(
        default=PullPolicy.ALWAYS, description="When to pull the image: IF_NOT_PRESENT, ALWAYS or NEVER."
    )
    device_requests: list[DeviceRequest] | None = Field(default=None, description="Device (GPU) requests.")
    cpu: Cpu | None = Field(default=None, description="CPU limit.")
    memory: Memory | None = Field(default=None, description="Memory limits.")
    shm_size: Dynamic[str] | None = Field(default=None, description="Size of `/dev/shm`.", examples=["1gb"])
    privileged: Dynamic[bool] | None = Field(default=None, description="Give extended privileges to the container.")
