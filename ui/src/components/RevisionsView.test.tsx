import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import RevisionsView from "./RevisionsView";

const REVISIONS = [
  { id: "f", namespace: "n", revision: 1, source: "id: f\nnamespace: n\ntasks: []\n", updated: "2026-01-01T00:00:00Z" },
  {
    id: "f",
    namespace: "n",
    revision: 2,
    source: "id: f\nnamespace: n\ndescription: d\ntasks: []\n",
    updated: "2026-01-02T00:00:00Z",
  },
];

describe("RevisionsView", () => {
  let calls: { method: string; url: string; body?: string }[];
  beforeEach(() => {
    calls = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        calls.push({ method: init?.method ?? "GET", url: String(input), body: init?.body as string | undefined });
        if (init?.method === "PUT")
          return new Response(JSON.stringify({ ...REVISIONS[0], revision: 3 }), { status: 200 });
        return new Response(JSON.stringify(REVISIONS), { status: 200 });
      }),
    );
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("compares the previous revision with the current one and restores an old one", async () => {
    const onRestored = vi.fn();
    render(
      <QueryClientProvider client={new QueryClient()}>
        <RevisionsView namespace="n" flowId="f" onRestored={onRestored} />
      </QueryClientProvider>,
    );
    const diff = await screen.findByTestId("revision-diff");
    expect(diff.querySelectorAll(".diff-added")).toHaveLength(1);
    expect(diff.querySelector(".diff-added")!.textContent).toContain("description: d");
    expect(screen.getByTestId("revision-diff-stats").textContent).toBe("+1 −0");
    expect(screen.getAllByTestId("revision-row").map((row) => row.dataset.revision)).toEqual(["2", "1"]);

    fireEvent.click(screen.getByTestId("revision-restore"));
    fireEvent.click(screen.getByTestId("revision-restore-confirm"));
    await waitFor(() => expect(onRestored).toHaveBeenCalled());
    const put = calls.find((c) => c.method === "PUT")!;
    expect(put.url).toBe("/api/v1/main/flows/n/f");
    expect(put.body).toBe(REVISIONS[0].source);
  });
});
