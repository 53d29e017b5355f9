"""Kestra's FlowGraph of a flow (the topology the UI draws): nodes, edges and clusters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from choreo.model.flow import Flow
from choreo.model.plugin import PluginModel
from choreo.model.task import Task
from choreo.model.types import PluginSlot
from choreo.model.walk import NestedSlots, field_plans, slot_items

_GRAPH = "io.kestra.core.models.hierarchies."
_PARALLEL_TYPES = frozenset({"io.kestra.plugin.core.flow.Parallel", "io.kestra.plugin.core.flow.EachParallel"})
#: Branch property → (relation of its edges, relation value, branch type of its nodes).
_BRANCHES: dict[str, tuple[str, str | None, str | None]] = {
    "then": ("CHOICE", "then", None),
    "else": ("CHOICE", "else", None),
    "defaults": ("CHOICE", "defaults", None),
    "errors": ("ERROR", None, "ERROR"),
    "finally": ("FINALLY", None, "FINALLY"),
    "afterExecution": ("AFTER_EXECUTION", None, "AFTER_EXECUTION"),
}


@dataclass
class _Graph:
    """Kestra's FlowGraph: task nodes, `root.start`/`root.end`, a cluster (with its own end node) per flowable."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    flowables: list[str] = field(default_factory=list)

    def node(self, uid: str, kind: str, **extra: Any) -> str:
        self.nodes.append({"uid": uid, "type": _GRAPH + kind, **{k: v for k, v in extra.items() if v is not None}})
        return uid

    def edge(self, source: str, target: str, relation: str, value: str | None = None) -> None:
        relation_json = {"relationType": relation} if value is None else {"relationType": relation, "value": value}
        self.edges.append({"source": source, "target": target, "relation": relation_json})

    def to_json(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges, "clusters": self.clusters, "flowables": self.flowables}


def _chain(
    graph: _Graph,
    tasks: Iterable[Task],
    parent: str | None,
    entry: str,
    exit_: str,
    relation: str,
    *,
    value: str | None = None,
    branch: str | None = None,
    parents: tuple[str, ...] = (),
) -> None:
    """Tasks one after the other between `entry` and `exit_`; every edge of a branch carries its relation."""
    previous = entry
    any_task = False
    for task in tasks:
        head, tail = _task_graph(graph, task, parent, branch, parents)
        graph.edge(previous, head, relation, value)
        value = None
        previous, any_task = tail, True
    if any_task:
        graph.edge(previous, exit_, relation)


def _task_graph(
    graph: _Graph, task: Task, parent: str | None, branch: str | None, parents: tuple[str, ...]
) -> tuple[str, str]:
    """The node of `task` (and a cluster for its children); returns where edges enter and leave it."""
    uid = f"{parent}.{task.id}" if parent else task.id
    graph.node(uid, "GraphTask", task={"id": task.id, "type": task.type}, branchType=branch)
    slots = [plan for plan in field_plans(type(task)) if _is_task_slot(plan.slot)]
    if not slots:
        return uid, uid
    cluster = f"cluster_{uid}"
    end = f"{cluster}.end"
    first_node = len(graph.nodes) - 1
    graph.flowables.append(uid)
    inner = (*parents, cluster)
    for plan in slots:
        value = getattr(task, plan.name, None)
        if value is not None:
            _slot_graph(graph, task, plan.alias, plan.slot, value, uid, end, inner)
    if not any(edge["source"] == uid for edge in graph.edges):  # no child drawn: still a path through the cluster
        graph.edge(uid, end, "SEQUENTIAL")
    graph.node(end, "GraphClusterEnd")
    graph.clusters.append(
        {
            "cluster": {"uid": cluster, "type": _GRAPH + "GraphCluster", "task": {"id": task.id, "type": task.type}},
            "nodes": [node["uid"] for node in graph.nodes[first_node:]],
            "parents": list(parents),
            "start": uid,
            "end": end,
        }
    )
    return uid, end


def _is_task_slot(slot: Any) -> bool:
    if isinstance(slot, NestedSlots):
        return any(_is_task_slot(plan.slot) for plan in field_plans(slot.model))
    return isinstance(slot, PluginSlot) and slot.kind == "task"


def _slot_graph(
    graph: _Graph, task: Task, alias: str, slot: Any, value: Any, uid: str, end: str, parents: tuple[str, ...]
) -> None:
    if isinstance(slot, NestedSlots):
        entries = [item for _, item in slot_items(value, slot.shape)]
        if "task" in slot.model.model_fields:  # Dag: {task, dependsOn} entries
            _dag_graph(graph, entries, uid, end, parents)
        else:
            _chain(graph, _nested_tasks(entries), uid, uid, end, "SEQUENTIAL", parents=parents)
        return
    if alias == "cases":  # Switch: one CHOICE branch per value
        for key, tasks in value.items():
            _chain(graph, tasks, uid, uid, end, "CHOICE", value=str(key), parents=parents)
        return
    items = [item for _, item in slot_items(value, slot.shape) if isinstance(item, Task)]
    if alias in _BRANCHES:
        relation, relation_value, branch = _BRANCHES[alias]
        _chain(graph, items, uid, uid, end, relation, value=relation_value, branch=branch, parents=parents)
    elif task.type in _PARALLEL_TYPES:
        for item in items:
            _chain(graph, [item], uid, uid, end, "PARALLEL", parents=parents)
    else:
        _chain(graph, items, uid, uid, end, "SEQUENTIAL", parents=parents)


def _nested_tasks(entries: list[Any]) -> list[Task]:
    """The tasks held by plain models (not plugins) in a property, in order."""
    tasks = []
    for entry in entries:
        for plan in field_plans(type(entry)) if isinstance(entry, BaseModel) else ():
            value = getattr(entry, plan.name, None)
            if value is not None and isinstance(plan.slot, PluginSlot) and plan.slot.kind == "task":
                tasks.extend(item for _, item in slot_items(value, plan.slot.shape) if isinstance(item, Task))
    return tasks


def _dag_graph(graph: _Graph, entries: list[Any], uid: str, end: str, parents: tuple[str, ...]) -> None:
    ends: dict[str, str] = {}
    heads: list[tuple[str, list[str]]] = []
    for entry in entries:
        child = getattr(entry, "task", None)
        if not isinstance(child, Task):
            continue
        head, tail = _task_graph(graph, child, uid, None, parents)
        ends[child.id] = tail
        heads.append((head, list(getattr(entry, "depends_on", None) or [])))
    depended = {dependency for _, dependencies in heads for dependency in dependencies}
    for head, dependencies in heads:
        for dependency in dependencies or [None]:
            graph.edge(ends.get(dependency, uid) if dependency else uid, head, "SEQUENTIAL")
    for task_id, tail in ends.items():
        if task_id not in depended:
            graph.edge(tail, end, "SEQUENTIAL")


def flow_graph_document(flow: Flow) -> dict[str, Any]:
    """Kestra's FlowGraph of a flow: nodes, edges (SEQUENTIAL, PARALLEL, CHOICE, ERROR, FINALLY…) and clusters."""
    graph = _Graph()
    start, end = "root.start", "root.end"
    graph.node(start, "GraphClusterRoot")
    for trigger in flow.triggers or ():
        if isinstance(trigger, PluginModel):
            trigger_id = getattr(trigger, "id", "")
            uid = graph.node(
                f"root.Triggers.{trigger_id}", "GraphTrigger", trigger={"id": trigger_id, "type": trigger.type}
            )
            graph.edge(uid, start, "SEQUENTIAL")
    _chain(graph, flow.tasks, None, start, end, "SEQUENTIAL")
    for alias, tasks in (("errors", flow.errors), ("finally", flow.finally_), ("afterExecution", flow.after_execution)):
        relation, _, branch = _BRANCHES[alias]
        _chain(graph, tasks or (), None, start, end, relation, branch=branch)
    graph.node(end, "GraphClusterEnd")
    return graph.to_json()
