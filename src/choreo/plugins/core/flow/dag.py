"""io.kestra.plugin.core.flow.Dag"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import ClassVar

from pydantic import Field, NonNegativeInt

from choreo.model.base import Part
from choreo.model.plugin import Problem, ValidationScope
from choreo.model.task import OneTask, Task, Tasks
from choreo.model.types import Dynamic


class DagTask(Part):
    """One node of a DAG: a task and the ids of the tasks it waits for."""

    task: OneTask = Field(description="The task to run.")
    depends_on: list[str] | None = Field(
        default=None,
        description="Ids of the tasks of this DAG that must succeed before this one starts.",
        examples=[["extract"]],
    )


class OnChildFailure(enum.StrEnum):
    CONTINUE = "CONTINUE"
    CANCEL = "CANCEL"
    FAIL = "FAIL"


class Dag(Task):
    """Run tasks in the order their `dependsOn` links give, in parallel where they allow it.

    ```yaml
    - id: dag
      type: io.kestra.plugin.core.flow.Dag
      tasks:
        - task:
            id: task1
            type: io.kestra.plugin.core.log.Log
            message: task 1
        - task:
            id: task2
            type: io.kestra.plugin.core.log.Log
            message: task 2
          dependsOn:
            - task1
    ```
    """

    type_name: ClassVar[str] = "io.kestra.plugin.core.flow.Dag"
    aliases: ClassVar[tuple[str, ...]] = ("io.kestra.core.tasks.flows.Dag",)
    task_kind = "flowable"

    concurrent: Dynamic[NonNegativeInt] = Field(
        default=0, description="How many tasks may run at once; 0 means no limit.", examples=[2]
    )
    on_child_failure: Dynamic[OnChildFailure] = Field(
        default=OnChildFailure.CONTINUE,
        description="When a task fails: CONTINUE lets the others finish; CANCEL or FAIL interrupts those still "
        "running and ends them CANCELLED or FAILED.",
    )
    tasks: list[DagTask] = Field(min_length=1, description="The tasks of the DAG with their dependencies.")
    errors: Tasks | None = Field(default=None, description="Tasks to run when a task of the DAG fails.")
    finally_: Tasks | None = Field(
        default=None, alias="finally", description="Tasks to run at the end, whatever the outcome."
    )

    def problems(self, scope: ValidationScope) -> Iterable[Problem]:
        yield from super().problems(scope)
        unknown = _unknown_dependencies(self.tasks)
        if unknown:
            first, ids = unknown
            yield Problem(
                ("tasks", first, "dependsOn"), f"{self.id}: Not existing task id in dependency: {', '.join(ids)}"
            )
            return
        cyclic = _cyclic_tasks(self.tasks)
        if cyclic:
            first, ids = cyclic
            yield Problem(("tasks", first, "dependsOn"), f"{self.id}: Cyclic dependency detected: {', '.join(ids)}")


def _unknown_dependencies(nodes: Sequence[DagTask]) -> tuple[int, list[str]] | None:
    """The index of the first node naming an unknown dependency, and every unknown id (in order, once each)."""
    known = {node.task.id for node in nodes}
    first: int | None = None
    unknown: list[str] = []
    for index, node in enumerate(nodes):
        for dependency in node.depends_on or ():
            if dependency not in known:
                first = index if first is None else first
                if dependency not in unknown:
                    unknown.append(dependency)
    return None if first is None else (first, unknown)


def _cyclic_tasks(nodes: Sequence[DagTask]) -> tuple[int, list[str]] | None:
    """The index of the first node on a cycle, and the ids of all nodes on a cycle, in declaration order.

    A node is on a cycle when it can reach itself through `dependsOn` links; the walk is iterative.
    """
    edges: dict[str, list[str]] = {}
    for node in nodes:
        edges.setdefault(node.task.id, list(node.depends_on or ()))

    def reaches_itself(start: str) -> bool:
        seen: set[str] = set()
        stack = [start]
        while stack:
            for dependency in edges.get(stack.pop(), ()):
                if dependency == start:
                    return True
                if dependency not in seen:
                    seen.add(dependency)
                    stack.append(dependency)
        return False

    first: int | None = None
    cyclic: list[str] = []
    for index, node in enumerate(nodes):
        task_id = node.task.id
        if node.depends_on and task_id not in cyclic and reaches_itself(task_id):
            first = index if first is None else first
            cyclic.append(task_id)
    return None if first is None else (first, cyclic)
