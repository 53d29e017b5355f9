// A flow's topology: Kestra's FlowGraph laid out by ELK (left → right, flowables as group boxes) and drawn by
// @xyflow/react. The layout depends on the graph's shape only, so live state changes just recolour the nodes.
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  type NodeMouseHandler,
  type NodeProps,
  type Node,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useEffect, useMemo, useState } from "react";
import type { StateType } from "../api";
import {
  graphSignature,
  layoutGraph,
  MAX_DRAWN_NODES,
  shortType,
  withStates,
  type ClusterNodeData,
  type FlowGraph,
  type GraphLayout,
  type TaskNodeData,
  type TopologyNode,
} from "../lib/graphLayout";
import "./topology.css";

export type { FlowGraph } from "../lib/graphLayout";

export interface TopologyProps {
  graph: FlowGraph;
  /** Task id → state, to colour the nodes (an execution's task runs). */
  states?: Record<string, StateType>;
  onSelect?: (taskId: string) => void;
  height?: number;
}

function TaskNode({ data }: NodeProps<Node<TaskNodeData, "task">>) {
  if (data.kind === "dot") {
    return (
      <div className="topology-dot" data-uid={data.uid} title={data.uid}>
        <Handle type="target" position={Position.Left} isConnectable={false} />
        <Handle type="source" position={Position.Right} isConnectable={false} />
      </div>
    );
  }
  const testId = data.kind === "trigger" ? `trigger-${data.taskId}` : `node-${data.taskId}`;
  return (
    <div
      className={`topology-node topology-${data.kind}${data.branchType ? ` branch-${data.branchType.toLowerCase()}` : ""}`}
      data-testid={testId}
      data-state={data.state}
      style={data.state ? { ["--node-state" as string]: `var(--state-${data.state})` } : undefined}
      title={`${data.taskId}\n${data.taskType}${data.state ? `\n${data.state}` : ""}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topology-node-id">
        {data.kind === "trigger" && <span aria-hidden="true">⚡ </span>}
        {data.taskId}
      </div>
      <div className="topology-node-type">
        {shortType(data.taskType)}
        {data.state && <span className="topology-node-state"> · {data.state}</span>}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

function ClusterNode({ data }: NodeProps<Node<ClusterNodeData, "cluster">>) {
  return (
    <div className="topology-cluster" data-testid={`cluster-${data.taskId}`}>
      <span className="topology-cluster-label">
        {data.taskId} <span className="muted">{shortType(data.taskType)}</span>
      </span>
    </div>
  );
}

const NODE_TYPES = { task: TaskNode, cluster: ClusterNode };

export default function Topology({ graph, states, onSelect, height = 480 }: TopologyProps) {
  const size = graph.nodes.length;
  const tooLarge = size > MAX_DRAWN_NODES;
  const signature = useMemo(() => (tooLarge ? "" : graphSignature(graph)), [graph, tooLarge]);
  const [layout, setLayout] = useState<{ signature: string; result: GraphLayout } | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Lay out only when the shape changes (a refetched graph with new task runs keeps its layout).
  useEffect(() => {
    if (tooLarge) return;
    let cancelled = false;
    setError(null);
    layoutGraph(graph)
      .then((result) => !cancelled && setLayout({ signature, result }))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
    // `signature` stands for the graph's shape: a new graph object of the same shape is not laid out again.
  }, [signature, tooLarge]);

  const current = layout && layout.signature === signature ? layout.result : null;
  const nodes = useMemo<TopologyNode[]>(() => (current ? withStates(current.nodes, states) : []), [current, states]);

  const onNodeClick: NodeMouseHandler = (_, node) => {
    const data = node.data as Partial<TaskNodeData>;
    if (node.type === "task" && data.kind === "task" && data.taskId) onSelect?.(data.taskId);
  };

  let body;
  if (tooLarge) body = <div className="empty">Graph too large to draw ({size} nodes)</div>;
  else if (error) body = <div className="error-box" role="alert">Could not lay out the graph: {error}</div>;
  else if (!current) body = <div className="loading">Laying out the graph…</div>;
  else
    body = (
      <ReactFlow
        key={signature}
        nodes={nodes}
        edges={current.edges}
        nodeTypes={NODE_TYPES}
        onNodeClick={onNodeClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        fitView
        fitViewOptions={{ padding: 0.1, maxZoom: 1.2 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    );
  return (
    <div
      className={`topology${onSelect ? " selectable" : ""}`}
      data-testid="topology"
      style={{ height }}
      role="group"
      aria-label="Flow topology"
    >
      {body}
    </div>
  );
}
