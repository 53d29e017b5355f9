"""The application object: configuration, plugin registry, expression engine and flow loader, wired once.

No global state: whoever needs these (the CLI today, the server later) builds one `Choreo` and passes it down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from choreo.expr import ExpressionEngine
from choreo.model.loader import FlowLoader
from choreo.model.task import Task
from choreo.plugins.registry import PluginRegistry


@dataclass(frozen=True, slots=True)
class Settings:
    """Configuration. Every value has a default that works with no configuration at all."""

    #: Worker groups tasks may name in `workerGroup.key` (`CHOREO_WORKER_GROUPS`, comma-separated).
    worker_groups: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        groups = frozenset(g.strip() for g in env.get("CHOREO_WORKER_GROUPS", "").split(",") if g.strip())
        return cls(worker_groups=groups)


class Choreo:
    """Holds what every component shares."""

    def __init__(self, settings: Settings | None = None, *, registry: PluginRegistry | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.registry = registry or PluginRegistry.from_entry_points()
        self.expressions = ExpressionEngine()
        self.flows = FlowLoader(
            self.registry,
            check_template=self.expressions.check_syntax,
            worker_groups=self.settings.worker_groups,
        )

    def load_task(self, text: str, namespace: str = "", flow_id: str = "") -> Task:
        """A task from YAML (TemplatedTask): the worker's `task_loader`."""
        return self.flows.load_task(text, namespace=namespace, flow_id=flow_id)
