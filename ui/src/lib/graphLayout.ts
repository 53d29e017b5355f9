// Kestra's FlowGraph (as the server builds it in src/choreo/api/graph.py) → positioned @xyflow/react nodes and
// edges. The pure parts (hierarchy, ELK input, conversion of ELK's answer) are separate from the ELK call so they can
// be tested without a layout engine.
import type { Edge, Node } from "@xyflow/react";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk.bundled.js";
import type { StateType } from "../api";

const HIERARCHY = "io.kestra.core.models.hierarchies.";

export interface FlowGraphNode {
  uid: string;
  /** `io.kestra.core.models.hierarchies.GraphTask|GraphClusterRoot|GraphClusterEnd|GraphTrigger|…` */
  type: string;
  task?: { id: string; type: string };
  trigger?: { id: string; type: string };
  /** ERROR, FINALLY, AFTER_EXECUTION for the tasks of those branches. */
  branchType?: string;
  /** Present in an execution's graph (`GET /executions/{id}/graph`). */
  taskRuns?: { id: string; value?: string | null; state: StateType }[];
}

export interface FlowGraphEdge {
  source: string;
  target: string;
  relation: { relationType: string; value?: string };
}

export interface FlowGraphCluster {
  cluster: { uid: string; type: string; task?: { id: string; type: string } };
  /** Every node inside the cluster, nested clusters' nodes included. */
  nodes: string[];
  /** Enclosing clusters' uids, outermost first. */
  parents: string[];
  start: string;
  end: string;
}

export interface FlowGraph {
  nodes: FlowGraphNode[];
  edges: FlowGraphEdge[];
  clusters: FlowGraphCluster[];
  flowables?: string[];
}

/** Above this many nodes the graph is not laid out: ELK on the main thread would freeze the page. */
export const MAX_DRAWN_NODES = 500;

export type NodeKind = "task" | "trigger" | "dot";

export interface TaskNodeData extends Record<string, unknown> {
  kind: NodeKind;
  uid: string;
  /** The task (or trigger) id; empty for start/end dots. */
  taskId: string;
  taskType: string;
  branchType?: string;
  state?: StateType;
}

export interface ClusterNodeData extends Record<string, unknown> {
  taskId: string;
  taskType: string;
}

export type TopologyNode = Node<TaskNodeData, "task"> | Node<ClusterNodeData, "cluster">;

export const NODE_SIZES: Record<NodeKind, { width: number; height: number }> = {
  task: { width: 200, height: 54 },
  trigger: { width: 200, height: 46 },
  dot: { width: 14, height: 14 },
};

/** `io.kestra.plugin.core.log.Log` → `Log`. */
export function shortType(type: string | undefined): string {
  if (!type) return "";
  const dot = type.lastIndexOf(".");
  return dot >= 0 ? type.slice(dot + 1) : type;
}

export function nodeKind(node: FlowGraphNode): NodeKind {
  if (node.task) return "task";
  if (node.trigger || node.type === HIERARCHY + "GraphTrigger") return "trigger";
  return "dot"; // GraphClusterRoot, GraphClusterEnd, GraphClusterFinally…: the joints of the graph
}

/** Shape of the graph only (not the task runs' states): equal signatures lay out the same. */
export function graphSignature(graph: FlowGraph): string {
  return JSON.stringify([
    graph.nodes.map((n) => [n.uid, n.type, n.task?.type ?? n.trigger?.type ?? "", n.branchType ?? ""]),
    graph.edges.map((e) => [e.source, e.target, e.relation.relationType, e.relation.value ?? ""]),
    graph.clusters.map((c) => [c.cluster.uid, c.nodes, c.parents]),
  ]);
}

/**
 * The innermost cluster of each node (clusters list every node they hold, nested ones included, so the deepest
 * cluster that lists a node is the one it is drawn in). Nodes outside every cluster are absent.
 */
export function innermostClusters(graph: FlowGraph): Map<string, string> {
  const byDepth = [...graph.clusters].sort((a, b) => a.parents.length - b.parents.length);
  const owner = new Map<string, string>();
  for (const cluster of byDepth) for (const uid of cluster.nodes) owner.set(uid, cluster.cluster.uid);
  return owner;
}

/** The chain of containers from the root down to the element's own container (`""` is the root). */
function containerChain(container: string | undefined, clusters: Map<string, FlowGraphCluster>): string[] {
  if (!container) return [""];
  const cluster = clusters.get(container);
  return ["", ...(cluster ? cluster.parents : []), container];
}

/** The lowest common container of two chains: ELK wants each edge declared there. */
function commonContainer(a: string[], b: string[]): string {
  let common = "";
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) common = a[i];
  return common;
}

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.layered.spacing.nodeNodeBetweenLayers": "64",
  "elk.spacing.nodeNode": "22",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
};
const CLUSTER_OPTIONS = { "elk.padding": "[top=34,left=16,bottom=16,right=16]" };

/** ELK's input: clusters become compound nodes holding their tasks and nested clusters; edges sit in the lowest
 * container that holds both ends. */
export function toElkGraph(graph: FlowGraph): ElkNode {
  const clusters = new Map(graph.clusters.map((c) => [c.cluster.uid, c]));
  const owner = innermostClusters(graph);
  const containers = new Map<string, ElkNode>();
  const root: ElkNode = { id: "root", layoutOptions: LAYOUT_OPTIONS, children: [], edges: [] };
  containers.set("", root);
  for (const cluster of clusters.values())
    containers.set(cluster.cluster.uid, { id: cluster.cluster.uid, layoutOptions: CLUSTER_OPTIONS, children: [], edges: [] });
  // A cluster takes the place of its start node among its siblings, so the model order (the flow's task order)
  // guides ELK's ordering of branches.
  const placed = new Set<string>();
  const place = (cluster: FlowGraphCluster) => {
    if (placed.has(cluster.cluster.uid)) return;
    placed.add(cluster.cluster.uid);
    const parent = cluster.parents.length ? cluster.parents[cluster.parents.length - 1] : "";
    const parentCluster = clusters.get(parent);
    if (parentCluster) place(parentCluster);
    (containers.get(parent) ?? root).children!.push(containers.get(cluster.cluster.uid)!);
  };
  const startOf = new Map(graph.clusters.map((c) => [c.start, c]));
  const known = new Set<string>();
  for (const node of graph.nodes) {
    known.add(node.uid);
    const started = startOf.get(node.uid);
    if (started) place(started);
    const size = NODE_SIZES[nodeKind(node)];
    (containers.get(owner.get(node.uid) ?? "") ?? root).children!.push({ id: node.uid, ...size });
  }
  for (const cluster of clusters.values()) place(cluster); // a cluster whose start node is missing: still drawn
  graph.edges.forEach((edge, index) => {
    if (!known.has(edge.source) || !known.has(edge.target)) return; // a dangling edge would make ELK throw
    const container = commonContainer(
      containerChain(owner.get(edge.source), clusters),
      containerChain(owner.get(edge.target), clusters),
    );
    const elkEdge: ElkExtendedEdge = { id: edgeId(edge, index), sources: [edge.source], targets: [edge.target] };
    (containers.get(container) ?? root).edges!.push(elkEdge);
  });
  return root;
}

function edgeId(edge: FlowGraphEdge, index: number): string {
  return `${edge.source}->${edge.target}#${index}`;
}

/** ELK's answer → xyflow nodes (parents before children, positions relative to the parent, as both use). */
export function toFlowNodes(laidOut: ElkNode, graph: FlowGraph): TopologyNode[] {
  const byUid = new Map(graph.nodes.map((n) => [n.uid, n]));
  const clusters = new Map(graph.clusters.map((c) => [c.cluster.uid, c]));
  const result: TopologyNode[] = [];
  const visit = (elk: ElkNode, parentId: string | undefined) => {
    const position = { x: elk.x ?? 0, y: elk.y ?? 0 };
    const cluster = clusters.get(elk.id);
    if (cluster) {
      const task = cluster.cluster.task;
      result.push({
        id: elk.id,
        type: "cluster",
        position,
        parentId,
        data: { taskId: task?.id ?? "", taskType: task?.type ?? "" },
        style: { width: elk.width, height: elk.height },
        width: elk.width,
        height: elk.height,
        selectable: false,
        zIndex: -1,
      });
      for (const child of elk.children ?? []) visit(child, elk.id);
      return;
    }
    const node = byUid.get(elk.id);
    if (!node) return;
    const described = node.task ?? node.trigger;
    result.push({
      id: node.uid,
      type: "task",
      position,
      parentId,
      extent: parentId ? "parent" : undefined,
      width: elk.width,
      height: elk.height,
      data: {
        kind: nodeKind(node),
        uid: node.uid,
        taskId: described?.id ?? "",
        taskType: described?.type ?? "",
        branchType: node.branchType,
      },
    });
  };
  for (const child of laidOut.children ?? []) visit(child, undefined);
  return result;
}

/** Edges as xyflow draws them: a label for choices (`then`, `else`, a Switch case), a class per relation type. */
export function toFlowEdges(graph: FlowGraph): Edge[] {
  const known = new Set(graph.nodes.map((n) => n.uid));
  return graph.edges
    .map((edge, index) => ({ edge, index }))
    .filter(({ edge }) => known.has(edge.source) && known.has(edge.target))
    .map(({ edge, index }) => ({
      id: edgeId(edge, index),
      source: edge.source,
      target: edge.target,
      type: "smoothstep",
      label: edge.relation.value,
      className: `edge-${edge.relation.relationType.toLowerCase()}`,
      data: { relationType: edge.relation.relationType },
    }));
}

export interface GraphLayout {
  nodes: TopologyNode[];
  edges: Edge[];
}

/** Lay the graph out with ELK (bundled build, on the main thread: fine below MAX_DRAWN_NODES). */
export async function layoutGraph(graph: FlowGraph): Promise<GraphLayout> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const laidOut = await elk.layout(toElkGraph(graph));
  return { nodes: toFlowNodes(laidOut, graph), edges: toFlowEdges(graph) };
}

/** Nodes with `data.state` set from `states` (by task id); the layout (positions) is left untouched. */
export function withStates(nodes: TopologyNode[], states: Record<string, StateType> | undefined): TopologyNode[] {
  if (!states) return nodes;
  return nodes.map((node) => {
    if (node.type !== "task" || !node.data.taskId) return node;
    const state = states[node.data.taskId];
    return state === node.data.state ? node : { ...node, data: { ...node.data, state } };
  });
}

const STATE_WEIGHT: Partial<Record<StateType, number>> = {
  KILLING: 9, RUNNING: 9, RETRYING: 8, PAUSED: 8, BREAKPOINT: 8, CREATED: 7, QUEUED: 7, SUBMITTED: 7,
  RESTARTED: 7, RESUBMITTED: 7, FAILED: 6, KILLED: 5, WARNING: 4, CANCELLED: 3, RETRIED: 2, SUCCESS: 1, SKIPPED: 0,
};

/**
 * One state per task id from an execution's task runs. A task with several runs (ForEach iterations, retries) shows
 * the one that matters most: still running first, then failed, killed, warning, and success last.
 */
export function statesFromTaskRuns(runs: { taskId: string; state: { current: StateType } }[] | undefined) {
  const states: Record<string, StateType> = {};
  for (const run of runs ?? []) {
    const current = states[run.taskId];
    const next = run.state.current;
    if (current === undefined || (STATE_WEIGHT[next] ?? 0) > (STATE_WEIGHT[current] ?? 0)) states[run.taskId] = next;
  }
  return states;
}
