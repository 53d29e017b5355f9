import { render, screen, fireEvent, cleanup } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { StateType } from "../api";
import type { ExecutionDocument, TaskRunDocument } from "../lib/executionLive";
import Gantt, { ganttLayout } from "./Gantt";

const T0 = Date.parse("2024-01-01T00:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function attempt(state: StateType, from: number, to?: number) {
  return { state: { current: state, startDate: at(from), endDate: to === undefined ? undefined : at(to) } };
}

function run(id: string, state: StateType, from: number, to: number | undefined, extra: Partial<TaskRunDocument> = {}) {
  return {
    id,
    taskId: id,
    state: { current: state, startDate: at(from), endDate: to === undefined ? undefined : at(to) },
    ...extra,
  } as TaskRunDocument;
}

afterEach(cleanup);

describe("ganttLayout", () => {
  it("places each run on the time line from the first start to the last end", () => {
    const layout = ganttLayout([run("a", "SUCCESS", 0, 2), run("b", "SUCCESS", 2, 10)], T0 + 60_000);
    expect(layout.start).toBe(T0);
    expect(layout.end).toBe(T0 + 10_000);
    const [a, b] = layout.rows;
    expect(a.left).toBeCloseTo(0);
    expect(a.width).toBeCloseTo(20);
    expect(b.left).toBeCloseTo(20);
    expect(b.width).toBeCloseTo(80);
    expect(b.durationMs).toBe(8000);
  });

  it("makes each attempt a segment coloured by its own state", () => {
    const flaky = run("flaky", "FAILED", 0, 10, {
      attempts: [attempt("FAILED", 0, 2), attempt("FAILED", 4, 6), attempt("SUCCESS", 8, 10)],
    });
    const [row] = ganttLayout([flaky], T0).rows;
    expect(row.segments.map((s) => [s.attempt, s.state, Math.round(s.left), Math.round(s.width)])).toEqual([
      [1, "FAILED", 0, 20],
      [2, "FAILED", 40, 20],
      [3, "SUCCESS", 80, 20],
    ]);
  });

  it("lets a running run (and its running attempt) reach now", () => {
    const layout = ganttLayout([run("a", "SUCCESS", 0, 5), run("b", "RUNNING", 5, undefined, { attempts: [attempt("RUNNING", 5)] })], T0 + 20_000);
    const b = layout.rows[1];
    expect(layout.end).toBe(T0 + 20_000);
    expect(b.running).toBe(true);
    expect(b.durationMs).toBe(15_000);
    expect(b.left + b.width).toBeCloseTo(100);
    expect(b.segments[0].width).toBeCloseTo(75);
  });

  it("widens instant runs so they stay visible, leaves runs without a start without a bar", () => {
    const rows = ganttLayout(
      [run("long", "SUCCESS", 0, 1000), run("instant", "SUCCESS", 500, 500), { id: "later", taskId: "later", state: { current: "CREATED" } }],
      T0,
    ).rows;
    expect(rows[1].width).toBeGreaterThan(0.3);
    expect(rows[2].width).toBe(0);
    expect(rows[2].durationMs).toBeNull();
  });

  it("orders rows as a tree and names ForEach iterations by value", () => {
    const rows = ganttLayout(
      [run("each", "SUCCESS", 0, 3), run("next", "SUCCESS", 3, 4), run("p1", "SUCCESS", 0, 1, { taskId: "process", parentTaskRunId: "each", value: "emea" })],
      T0,
    ).rows;
    expect(rows.map((row) => [row.label, row.depth])).toEqual([
      ["each", 0],
      ["process [emea]", 1],
      ["next", 0],
    ]);
  });
});

describe("<Gantt>", () => {
  const execution: ExecutionDocument = {
    id: "e1",
    namespace: "n",
    flowId: "f",
    flowRevision: 1,
    state: { current: "FAILED", startDate: at(0), endDate: at(10) },
    taskRunList: [
      run("extract", "SUCCESS", 0, 4, { attempts: [attempt("SUCCESS", 0, 4)] }),
      run("flaky", "FAILED", 4, 10, { attempts: [attempt("FAILED", 4, 6), attempt("FAILED", 8, 10)] }),
    ],
  };

  it("draws a row per task run with its attempts, and opens the task run's menu", () => {
    render(<Gantt execution={execution} taskRunMenu={(r) => <div data-testid="menu">menu of {r.id}</div>} />);
    expect(screen.getAllByTestId("gantt-row")).toHaveLength(2);
    const attempts = screen.getAllByTestId("gantt-attempt");
    expect(attempts.map((a) => a.dataset.state)).toEqual(["SUCCESS", "FAILED", "FAILED"]);
    expect(screen.queryByTestId("menu")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: /flaky/ }));
    expect(screen.getByTestId("menu").textContent).toBe("menu of flaky");
    expect(screen.getByTestId("gantt-details").querySelectorAll("tbody tr")).toHaveLength(2);
  });
});
