import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { FlowGraph } from "../lib/graphLayout";

// Count the layouts: a change of states alone must not lay the graph out again.
const layoutCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock("../lib/graphLayout", async (importOriginal) => {
  const original = await importOriginal<typeof import("../lib/graphLayout")>();
  return {
    ...original,
    layoutGraph: (graph: FlowGraph) => {
      layoutCalls.count++;
      return original.layoutGraph(graph);
    },
  };
});

import Topology from "./Topology";

beforeAll(() => {
  // jsdom has no ResizeObserver; xyflow only needs it to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});
afterEach(cleanup);

const H = "io.kestra.core.models.hierarchies.";
const GRAPH: FlowGraph = {
  nodes: [
    { uid: "root.start", type: H + "GraphClusterRoot" },
    { uid: "greet", type: H + "GraphTask", task: { id: "greet", type: "io.kestra.plugin.core.log.Log" } },
    { uid: "shout", type: H + "GraphTask", task: { id: "shout", type: "io.kestra.plugin.core.debug.Return" } },
    { uid: "root.end", type: H + "GraphClusterEnd" },
  ],
  edges: [
    { source: "root.start", target: "greet", relation: { relationType: "SEQUENTIAL" } },
    { source: "greet", target: "shout", relation: { relationType: "SEQUENTIAL" } },
    { source: "shout", target: "root.end", relation: { relationType: "SEQUENTIAL" } },
  ],
  clusters: [],
};

describe("Topology", () => {
  it("refuses to lay out a huge graph", () => {
    const nodes = Array.from({ length: 501 }, (_, i) => ({
      uid: `t${i}`,
      type: H + "GraphTask",
      task: { id: `t${i}`, type: "io.kestra.plugin.core.log.Log" },
    }));
    const before = layoutCalls.count;
    render(<Topology graph={{ nodes, edges: [], clusters: [] }} />);
    expect(screen.getByTestId("topology").textContent).toContain("Graph too large to draw (501 nodes)");
    expect(layoutCalls.count).toBe(before);
  });

  it("draws task nodes with their short type, recolours them without a new layout, and reports clicks", async () => {
    const onSelect = vi.fn();
    const before = layoutCalls.count;
    const view = render(<Topology graph={GRAPH} onSelect={onSelect} />);
    const greet = await screen.findByTestId("node-greet");
    expect(greet.textContent).toContain("greet");
    expect(greet.textContent).toContain("Log");
    expect(screen.getByTestId("node-shout").textContent).toContain("Return");
    expect(greet.getAttribute("data-state")).toBeNull();
    expect(layoutCalls.count).toBe(before + 1);

    // Same shape, new objects and states: colours change, the layout stays.
    view.rerender(<Topology graph={structuredClone(GRAPH)} states={{ greet: "SUCCESS", shout: "RUNNING" }} onSelect={onSelect} />);
    await act(async () => {});
    expect(screen.getByTestId("node-greet").getAttribute("data-state")).toBe("SUCCESS");
    expect(screen.getByTestId("node-shout").getAttribute("data-state")).toBe("RUNNING");
    expect(layoutCalls.count).toBe(before + 1);

    fireEvent.click(screen.getByTestId("node-shout"));
    expect(onSelect).toHaveBeenCalledWith("shout");
  });
});
