import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecutionDocument } from "../lib/executionLive";
import OutputsTree, { isStorageUri, summarize } from "./OutputsTree";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const uri = "kestra:///company/team/etl/executions/e1/tasks/extract/r1/data.csv";
const execution: ExecutionDocument = {
  id: "e1",
  namespace: "company.team",
  flowId: "etl",
  flowRevision: 1,
  state: { current: "SUCCESS" },
  outputs: { total: 3 },
  taskRunList: [
    { id: "r1", taskId: "extract", state: { current: "SUCCESS" }, outputs: { exitCode: 0, outputFiles: { "data.csv": uri } } },
    { id: "r2", taskId: "quiet", state: { current: "SUCCESS" } },
  ],
};

describe("helpers", () => {
  it("summarize values", () => {
    expect(summarize([1, 2])).toBe("[2 items]");
    expect(summarize({ a: 1 })).toBe("{1 key}");
    expect(summarize(null)).toBe("null");
    expect(summarize(false)).toBe("false");
    expect(summarize("x")).toBe("x");
  });

  it("recognize internal storage files", () => {
    expect(isStorageUri(uri)).toBe(true);
    expect(isStorageUri("https://x")).toBe(false);
    expect(isStorageUri(3)).toBe(false);
  });
});

describe("<OutputsTree>", () => {
  it("shows execution and task-run outputs, files with preview and download", async () => {
    const fetchMock = vi.fn(async (_url: string) =>
      new Response(JSON.stringify({ extension: "csv", content: "row,1\nrow,2", truncated: false })),
    );
    vi.stubGlobal("fetch", fetchMock);
    render(<OutputsTree execution={execution} />);
    expect(screen.getByTestId("outputs-execution").textContent).toContain("total3");
    const groups = screen.getAllByTestId("outputs-task-run");
    expect(groups.map((group) => group.dataset.taskId)).toEqual(["extract"]);
    const download = screen.getByTestId("output-download") as HTMLAnchorElement;
    expect(download.getAttribute("href")).toBe(`/api/v1/main/executions/e1/file?path=${encodeURIComponent(uri)}`);
    fireEvent.click(screen.getByTestId("output-preview"));
    await waitFor(() => expect(screen.getByTestId("output-preview-dialog").textContent).toContain("row,2"));
    expect(String(fetchMock.mock.calls[0][0])).toBe(`/api/v1/main/executions/e1/file/preview?path=${encodeURIComponent(uri)}`);
  });

  it("says when there is nothing", () => {
    render(<OutputsTree execution={{ ...execution, outputs: undefined, taskRunList: [] }} />);
    expect(screen.getByTestId("outputs-empty")).toBeTruthy();
  });
});
