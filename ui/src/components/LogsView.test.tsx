import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LogEntry } from "../api";
import type { ExecutionDocument, TaskRunDocument } from "../lib/executionLive";
import LogsView, { buildLogRows, EXECUTION_GROUP, logKey, logTime, ROW_HEIGHT, visibleRange } from "./LogsView";

function line(message: string, taskRunId?: string, taskId?: string, level = "INFO", second = 0): LogEntry {
  return {
    namespace: "n",
    flowId: "f",
    executionId: "e1",
    taskRunId,
    taskId,
    attemptNumber: 1,
    level,
    message,
    timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString(),
  };
}

const runs: TaskRunDocument[] = [
  { id: "r1", taskId: "extract", state: { current: "SUCCESS" } },
  { id: "r2", taskId: "each", state: { current: "FAILED" } },
  { id: "r3", taskId: "process", parentTaskRunId: "r2", value: "emea", state: { current: "FAILED" } },
];

const none = new Set<string>();

describe("buildLogRows", () => {
  const lines = [line("in r3", "r3", "process"), line("first\nsecond", "r1", "extract"), line("trigger said hi")];

  it("groups lines under their task run, in the tree order, execution lines first", () => {
    const rows = buildLogRows(lines, runs, { grouped: true, collapsed: none, search: "" });
    expect(rows.map((row) => (row.kind === "group" ? `# ${row.label} ${row.state ?? ""}`.trim() : row.text))).toEqual([
      "# Execution",
      "trigger said hi",
      "# extract SUCCESS",
      "first",
      "second",
      "# process [emea] FAILED",
      "in r3",
    ]);
    const continued = rows.filter((row) => row.kind === "line" && row.continuation);
    expect(continued).toHaveLength(1);
  });

  it("leaves the lines of collapsed groups out but keeps their header and count", () => {
    const rows = buildLogRows(lines, runs, { grouped: true, collapsed: new Set(["r1", EXECUTION_GROUP]), search: "" });
    const r1 = rows.find((row) => row.kind === "group" && row.label === "extract");
    expect(r1).toMatchObject({ collapsed: true, count: 1 });
    expect(rows.filter((row) => row.kind === "line").map((row) => row.kind === "line" && row.text)).toEqual(["in r3"]);
  });

  it("filters by text (any case) and by task, flat when not grouped", () => {
    const rows = buildLogRows(lines, runs, { grouped: false, collapsed: none, search: "SECOND", taskId: "extract" });
    expect(rows.map((row) => row.kind === "line" && row.text)).toEqual(["first", "second"]);
    expect(buildLogRows(lines, runs, { grouped: false, collapsed: none, search: "", taskId: "process" })).toHaveLength(1);
  });

  it("still shows lines of a task run the execution does not list yet", () => {
    const rows = buildLogRows([line("early", "r9", "new-task")], runs, { grouped: true, collapsed: none, search: "" });
    expect(rows[0]).toMatchObject({ kind: "group", label: "new-task" });
  });
});

describe("visibleRange", () => {
  it("covers the rows in view plus the overscan, within bounds", () => {
    expect(visibleRange(0, 220, 22, 100_000, 5)).toEqual({ first: 0, last: 15 });
    expect(visibleRange(22_000, 220, 22, 100_000, 5)).toEqual({ first: 995, last: 1015 });
    expect(visibleRange(2_200_000, 220, 22, 100_000, 5)).toEqual({ first: 99_995, last: 100_000 });
    expect(visibleRange(0, 220, 22, 0, 5)).toEqual({ first: 0, last: 0 });
  });
});

describe("logKey", () => {
  it("is the same for the live and the stored copy of a line", () => {
    const live = line("x", "r1", "extract");
    expect(logKey({ ...live, thread: "t" })).toBe(logKey(live));
    expect(logKey({ ...live, message: "y" })).not.toBe(logKey(live));
  });
});

describe("<LogsView>", () => {
  const execution: ExecutionDocument = {
    id: "e1",
    namespace: "n",
    flowId: "f",
    flowRevision: 1,
    state: { current: "SUCCESS" },
    taskRunList: runs,
  };
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    localStorage.clear();
    const many = Array.from({ length: 100_000 }, (_, i) => line(`line ${i}`, "r1", "extract", "INFO", i % 60));
    fetchMock = vi.fn(async () => new Response(JSON.stringify(many), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("reads the lines at the chosen level and puts only the visible ones in the DOM", async () => {
    render(<LogsView execution={execution} />);
    await waitFor(() => expect(screen.getByTestId("logs-count").textContent).toContain("100000 lines"));
    expect(String(fetchMock.mock.calls[0][0])).toBe("/api/v1/main/logs/e1?minLevel=INFO");
    const shown = screen.getAllByTestId("log-line");
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(100);
    const spacer = screen.getByTestId("log-window").firstElementChild as HTMLElement;
    expect(spacer.style.height).toBe(`${100_001 * ROW_HEIGHT}px`);

    const window = screen.getByTestId("log-window");
    window.scrollTop = 50_000 * ROW_HEIGHT;
    fireEvent.scroll(window);
    await waitFor(() => expect(screen.getAllByTestId("log-line").some((el) => el.textContent?.includes("line 49999"))).toBe(true));
    expect(screen.getAllByTestId("log-line").length).toBeLessThan(100);
  });

  it("asks the server again when the level changes, and filters by text here", async () => {
    render(<LogsView execution={execution} />);
    await waitFor(() => expect(screen.getAllByTestId("log-line").length).toBeGreaterThan(0));
    fireEvent.change(screen.getByTestId("logs-level"), { target: { value: "ERROR" } });
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    expect(String(fetchMock.mock.calls[1][0])).toBe("/api/v1/main/logs/e1?minLevel=ERROR");
    expect(localStorage.getItem("choreo.logs.minLevel")).toBe("ERROR");
    await waitFor(() => expect(screen.getAllByTestId("log-line").length).toBeGreaterThan(0));
    fireEvent.change(screen.getByTestId("logs-search"), { target: { value: "line 99999" } });
    await waitFor(() => expect(screen.getAllByTestId("log-line")).toHaveLength(1));
  });

  it("collapses a task run's group", async () => {
    render(<LogsView execution={execution} />);
    await waitFor(() => expect(screen.getAllByTestId("log-line").length).toBeGreaterThan(0));
    fireEvent.click(screen.getByRole("button", { name: /extract/ }));
    expect(screen.queryAllByTestId("log-line")).toHaveLength(0);
    expect(screen.getByTestId("log-group").textContent).toContain("100000 lines");
  });
});

describe("logTime", () => {
  it("is fixed width, in local time, with milliseconds", () => {
    const text = logTime("2024-03-05T07:08:09.012Z");
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.012$/);
    expect(logTime("not a date")).toBe("not a date");
  });
});
