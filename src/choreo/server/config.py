"""Server configuration: `choreo.yaml` (optional) plus `CHOREO_*` environment variables; every value has a default
that works with none, so `choreo server local` needs no set-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from choreo.errors import ChoreoError


class ConfigInvalid(ChoreoError):
    """The configuration file or an environment variable is wrong; the message names it."""


@dataclass(frozen=True, slots=True)
class User:
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    #: Where the embedded database and internal storage live (`CHOREO_HOME`, default ~/.choreo).
    home: Path = field(default_factory=lambda: Path(os.environ.get("CHOREO_HOME", Path.home() / ".choreo")))
    #: `sqlite:///…` or `postgresql://…` (`CHOREO_DATABASE_URL`); default: choreo.db under `home`.
    database_url: str | None = None
    #: Internal storage directory (`CHOREO_STORAGE_PATH`); default: storage/ under `home`.
    storage_path: Path | None = None
    worker_threads: int = 8
    #: Flows loaded at start and reloaded when their files change (`-f`).
    flow_path: Path | None = None
    #: Basic-auth users; with none and no API token, the API is open (and bound to 127.0.0.1 only).
    users: tuple[User, ...] = ()
    #: Seconds running tasks get to finish on SIGTERM before they are stopped and re-queued.
    grace_period: float = 30.0
    #: Days executions are kept after they end (0: forever).
    retention_days: int = 0
    #: Seconds between two heartbeats of this process's components (`liveness.interval`).
    heartbeat_interval: float = 3.0
    #: A component silent for longer than this is dead: its attempts are resubmitted (`liveness.timeout`,
    #: `CHOREO_HEARTBEAT_TIMEOUT`).
    heartbeat_timeout: float = 30.0
    #: The worker group of this process's workers (`--worker-group`, `worker.group`); None: the default group.
    worker_group: str | None = None

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'choreo.db'}"

    @property
    def storage(self) -> Path:
        return self.storage_path or self.home / "storage"

    @property
    def auth_enabled(self) -> bool:
        return bool(self.users)

    @classmethod
    def load(cls, path: Path | None = None, environ: dict[str, str] | None = None, **overrides: Any) -> ServerConfig:
        """Defaults, then the file, then the environment, then explicit overrides (command-line options)."""
        env = os.environ if environ is None else environ
        config = cls()
        if path is not None:
            config = _from_file(config, path)
        config = _from_env(config, env)
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})


def _from_file(config: ServerConfig, path: Path) -> ServerConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigInvalid(f"{path}: cannot read the configuration: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigInvalid(f"{path}: expected a mapping at the top level")
    section = data.get("choreo", data)
    known = {
        "host",
        "port",
        "home",
        "database",
        "storage",
        "worker",
        "flowPath",
        "auth",
        "server",
        "retention",
        "liveness",
    }
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigInvalid(f"{path}: unknown key(s) {', '.join(unknown)} (expected {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    server = section.get("server") or {}
    if "host" in section or "host" in server:
        values["host"] = str(section.get("host", server.get("host")))
    if "port" in section or "port" in server:
        values["port"] = _int(path, "port", section.get("port", server.get("port")))
    if "gracePeriod" in server:
        values["grace_period"] = float(server["gracePeriod"])
    if "home" in section:
        values["home"] = Path(section["home"]).expanduser()
    if "database" in section:
        database = section["database"]
        values["database_url"] = database.get("url") if isinstance(database, dict) else str(database)
    if "storage" in section:
        storage = section["storage"]
        values["storage_path"] = Path(storage.get("path") if isinstance(storage, dict) else storage).expanduser()
    if "worker" in section:
        worker = section["worker"] or {}
        values["worker_threads"] = _int(path, "worker.threads", worker.get("threads", 8))
        if worker.get("group"):
            values["worker_group"] = str(worker["group"])
    if "liveness" in section:
        liveness = section["liveness"] or {}
        values["heartbeat_interval"] = _seconds(path, "liveness.interval", liveness.get("interval", 3.0))
        values["heartbeat_timeout"] = _seconds(path, "liveness.timeout", liveness.get("timeout", 30.0))
    if "flowPath" in section:
        values["flow_path"] = Path(section["flowPath"]).expanduser()
    if "retention" in section:
        values["retention_days"] = _int(path, "retention.days", (section["retention"] or {}).get("days", 0))
    auth = section.get("auth") or {}
    users = []
    for index, user in enumerate(auth.get("users") or (), start=1):
        if not isinstance(user, dict) or not user.get("username") or not user.get("password"):
            raise ConfigInvalid(f"{path}: auth.users[{index}] needs a username and a password")
        users.append(User(str(user["username"]), str(user["password"])))
    if users:
        values["users"] = tuple(users)
    return replace(config, **values)


def _from_env(config: ServerConfig, env: Any) -> ServerConfig:
    values: dict[str, Any] = {}
    if env.get("CHOREO_DATABASE_URL"):
        values["database_url"] = env["CHOREO_DATABASE_URL"]
    if env.get("CHOREO_STORAGE_PATH"):
        values["storage_path"] = Path(env["CHOREO_STORAGE_PATH"])
    if env.get("CHOREO_WORKER_THREADS"):
        values["worker_threads"] = _int(None, "CHOREO_WORKER_THREADS", env["CHOREO_WORKER_THREADS"])
    if env.get("CHOREO_HEARTBEAT_INTERVAL"):
        values["heartbeat_interval"] = _seconds(None, "CHOREO_HEARTBEAT_INTERVAL", env["CHOREO_HEARTBEAT_INTERVAL"])
    if env.get("CHOREO_HEARTBEAT_TIMEOUT"):
        values["heartbeat_timeout"] = _seconds(None, "CHOREO_HEARTBEAT_TIMEOUT", env["CHOREO_HEARTBEAT_TIMEOUT"])
    username, password = env.get("CHOREO_BASIC_AUTH_USERNAME"), env.get("CHOREO_BASIC_AUTH_PASSWORD")
    if username or password:
        if not (username and password):
            raise ConfigInvalid("set both CHOREO_BASIC_AUTH_USERNAME and CHOREO_BASIC_AUTH_PASSWORD, or neither")
        values["users"] = (*config.users, User(username, password))
    return replace(config, **values)


def _int(path: Path | None, name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        where = f"{path}: " if path else ""
        raise ConfigInvalid(f"{where}{name}: expected a whole number, got {value!r}") from None


def _seconds(path: Path | None, name: str, value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if seconds <= 0:
        where = f"{path}: " if path else ""
        raise ConfigInvalid(f"{where}{name}: expected a positive number of seconds, got {value!r}")
    return seconds
