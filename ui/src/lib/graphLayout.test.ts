import { describe, expect, it } from "vitest";
import {
  graphSignature,
  innermostClusters,
  layoutGraph,
  nodeKind,
  shortType,
  statesFromTaskRuns,
  toElkGraph,
  toFlowEdges,
  withStates,
  type FlowGraph,
} from "./graphLayout";
import type { ElkNode } from "elkjs/lib/elk.bundled.js";

const H = "io.kestra.core.models.hierarchies.";
const task = (
  uid: string,
  type = "io.kestra.plugin.core.log.Log",
  branchType?: string,
) => ({
  uid,
  type: H + "GraphTask",
  task: { id: uid.split(".").pop()!, type },
  ...(branchType ? { branchType } : {}),
});
const joint = (uid: string, kind = "GraphClusterEnd") => ({
  uid,
  type: H + kind,
});
const edge = (
  source: string,
  target: string,
  relationType = "SEQUENTIAL",
  value?: string,
) => ({
  source,
  target,
  relation: value ? { relationType, value } : { relationType },
});

/** As the server builds it for: show; wrap (Sequential) > par (Parallel) > p1, p2; finally: fin. */
const NESTED: FlowGraph = {
  nodes: [
    joint("root.start", "GraphClusterRoot"),
    {
      uid: "root.Triggers.daily",
      type: H + "GraphTrigger",
      trigger: { id: "daily", type: "io.kestra.plugin.core.trigger.Schedule" },
    },
    task("show"),
    task("wrap", "io.kestra.plugin.core.flow.Sequential"),
    task("wrap.par", "io.kestra.plugin.core.flow.Parallel"),
    task("wrap.par.p1"),
    task("wrap.par.p2"),
    joint("cluster_wrap.par.end"),
    joint("cluster_wrap.end"),
    task("fin", "io.kestra.plugin.core.log.Log", "FINALLY"),
    joint("root.end"),
  ],
  edges: [
    edge("root.Triggers.daily", "root.start"),
    edge("root.start", "show"),
    edge("wrap.par", "wrap.par.p1", "PARALLEL"),
    edge("wrap.par.p1", "cluster_wrap.par.end", "PARALLEL"),
    edge("wrap.par", "wrap.par.p2", "PARALLEL"),
    edge("wrap.par.p2", "cluster_wrap.par.end", "PARALLEL"),
    edge("wrap", "wrap.par"),
    edge("cluster_wrap.par.end", "cluster_wrap.end"),
    edge("show", "wrap"),
    edge("cluster_wrap.end", "root.end"),
    edge("root.start", "fin", "FINALLY"),
    edge("fin", "root.end", "FINALLY"),
  ],
  clusters: [
    {
      cluster: {
        uid: "cluster_wrap.par",
        type: H + "GraphCluster",
        task: { id: "par", type: "io.kestra.plugin.core.flow.Parallel" },
      },
      nodes: ["wrap.par", "wrap.par.p1", "wrap.par.p2", "cluster_wrap.par.end"],
      parents: ["cluster_wrap"],
      start: "wrap.par",
      end: "cluster_wrap.par.end",
    },
    {
      cluster: {
        uid: "cluster_wrap",
        type: H + "GraphCluster",
        task: { id: "wrap", type: "io.kestra.plugin.core.flow.Sequential" },
      },
      nodes: [
        "wrap",
        "wrap.par",
        "wrap.par.p1",
        "wrap.par.p2",
        "cluster_wrap.par.end",
        "cluster_wrap.end",
      ],
      parents: [],
      start: "wrap",
      end: "cluster_wrap.end",
    },
  ],
};

const childIds = (node: ElkNode | undefined) =>
  (node?.children ?? []).map((c) => c.id);
const find = (node: ElkNode, id: string): ElkNode | undefined =>
  node.id === id
    ? node
    : (node.children ?? []).map((c) => find(c, id)).find(Boolean);

describe("names and kinds", () => {
  it("shortens a type to its class name", () => {
    expect(shortType("io.kestra.plugin.core.log.Log")).toBe("Log");
    expect(shortType("Log")).toBe("Log");
    expect(shortType(undefined)).toBe("");
  });

  it("tells tasks, triggers and joints apart", () => {
    expect(NESTED.nodes.map(nodeKind)).toEqual([
      "dot",
      "trigger",
      "task",
      "task",
      "task",
      "task",
      "task",
      "dot",
      "dot",
      "task",
      "dot",
    ]);
  });
});

describe("hierarchy", () => {
  it("puts each node in its innermost cluster", () => {
    const owner = innermostClusters(NESTED);
    expect(owner.get("wrap")).toBe("cluster_wrap");
    expect(owner.get("cluster_wrap.end")).toBe("cluster_wrap");
    expect(owner.get("wrap.par")).toBe("cluster_wrap.par");
    expect(owner.get("wrap.par.p2")).toBe("cluster_wrap.par");
    expect(owner.has("show")).toBe(false);
  });

  it("nests clusters as ELK compound nodes, in the flow's order", () => {
    const elk = toElkGraph(NESTED);
    expect(childIds(elk)).toEqual([
      "root.start",
      "root.Triggers.daily",
      "show",
      "cluster_wrap",
      "fin",
      "root.end",
    ]);
    expect(childIds(find(elk, "cluster_wrap"))).toEqual([
      "wrap",
      "cluster_wrap.par",
      "cluster_wrap.end",
    ]);
    expect(childIds(find(elk, "cluster_wrap.par"))).toEqual([
      "wrap.par",
      "wrap.par.p1",
      "wrap.par.p2",
      "cluster_wrap.par.end",
    ]);
  });

  it("declares each edge in the lowest container holding both ends", () => {
    const elk = toElkGraph(NESTED);
    const edgesOf = (id: string) =>
      (find(elk, id)?.edges ?? []).map(
        (e) => `${e.sources[0]}>${e.targets[0]}`,
      );
    expect(edgesOf("cluster_wrap.par")).toContain("wrap.par>wrap.par.p1");
    expect(edgesOf("cluster_wrap")).toEqual([
      "wrap>wrap.par",
      "cluster_wrap.par.end>cluster_wrap.end",
    ]);
    expect(edgesOf("root")).toContain("show>wrap");
    expect(edgesOf("root")).toContain("cluster_wrap.end>root.end");
  });

  it("drops edges to unknown nodes instead of failing the layout", () => {
    const broken = {
      ...NESTED,
      edges: [...NESTED.edges, edge("show", "nowhere")],
    };
    const all = JSON.stringify(toElkGraph(broken));
    expect(all).not.toContain("nowhere");
    expect(toFlowEdges(broken).some((e) => e.target === "nowhere")).toBe(false);
  });
});

describe("edges", () => {
  it("labels choices and marks relation types", () => {
    const graph: FlowGraph = {
      ...NESTED,
      edges: [
        edge("show", "fin", "CHOICE", "then"),
        edge("root.start", "fin", "ERROR"),
      ],
    };
    const [choice, error] = toFlowEdges(graph);
    expect(choice.label).toBe("then");
    expect(choice.className).toBe("edge-choice");
    expect(error.label).toBeUndefined();
    expect(error.className).toBe("edge-error");
  });
});

describe("signature", () => {
  it("ignores task runs, so an execution's refetched graph keeps its layout", () => {
    const withRuns: FlowGraph = {
      ...NESTED,
      nodes: NESTED.nodes.map((n) =>
        n.uid === "show"
          ? { ...n, taskRuns: [{ id: "1", state: "RUNNING" as const }] }
          : n,
      ),
    };
    expect(graphSignature(withRuns)).toBe(graphSignature(NESTED));
    expect(
      graphSignature({ ...NESTED, edges: NESTED.edges.slice(1) }),
    ).not.toBe(graphSignature(NESTED));
  });
});

describe("layout", () => {
  it("lays the graph out left to right with parents before children", async () => {
    const { nodes, edges } = await layoutGraph(NESTED);
    expect(nodes).toHaveLength(NESTED.nodes.length + NESTED.clusters.length);
    expect(edges).toHaveLength(NESTED.edges.length);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    for (const node of nodes)
      if (node.parentId)
        expect(index.get(node.parentId)!).toBeLessThan(index.get(node.id)!);
    const p1 = nodes.find((n) => n.id === "wrap.par.p1")!;
    expect(p1.parentId).toBe("cluster_wrap.par");
    expect(nodes.find((n) => n.id === "cluster_wrap.par")!.parentId).toBe(
      "cluster_wrap",
    );
    // Absolute x grows along the chain show → wrap → root.end.
    const absoluteX = (id: string): number => {
      const node = nodes.find((n) => n.id === id)!;
      return node.position.x + (node.parentId ? absoluteX(node.parentId) : 0);
    };
    expect(absoluteX("show")).toBeLessThan(absoluteX("cluster_wrap"));
    expect(absoluteX("wrap.par")).toBeLessThan(absoluteX("wrap.par.p1"));
    expect(absoluteX("cluster_wrap")).toBeLessThan(absoluteX("root.end"));
    // The two parallel branches are side by side, not on top of each other.
    const p2 = nodes.find((n) => n.id === "wrap.par.p2")!;
    expect(p1.position.y).not.toBe(p2.position.y);
    const show = nodes.find((n) => n.id === "show")!;
    expect(show.type).toBe("task");
    expect(show.data).toMatchObject({
      kind: "task",
      taskId: "show",
      taskType: "io.kestra.plugin.core.log.Log",
    });
  });
});

describe("states", () => {
  it("colours task nodes without moving them, keeping untouched nodes as they were", async () => {
    const { nodes } = await layoutGraph(NESTED);
    const coloured = withStates(nodes, { show: "RUNNING", p1: "FAILED" });
    const show = coloured.find((n) => n.id === "show")!;
    expect(show.data.state).toBe("RUNNING");
    expect(show.position).toEqual(nodes.find((n) => n.id === "show")!.position);
    expect(coloured.find((n) => n.id === "wrap.par.p1")!.data.state).toBe(
      "FAILED",
    );
    const fin = nodes.find((n) => n.id === "fin");
    expect(coloured.find((n) => n.id === "fin")).toBe(fin);
    expect(withStates(nodes, undefined)).toBe(nodes);
  });

  it("sums up several task runs of one task by the one that matters most", () => {
    const run = (
      taskId: string,
      current: "RUNNING" | "SUCCESS" | "FAILED" | "WARNING",
    ) => ({ taskId, state: { current } });
    expect(
      statesFromTaskRuns([
        run("each", "SUCCESS"),
        run("each", "FAILED"),
        run("each", "SUCCESS"),
        run("loop", "SUCCESS"),
        run("loop", "RUNNING"),
        run("ok", "WARNING"),
        run("ok", "SUCCESS"),
      ]),
    ).toEqual({ each: "FAILED", loop: "RUNNING", ok: "WARNING" });
    expect(statesFromTaskRuns(undefined)).toEqual({});
  });
});
