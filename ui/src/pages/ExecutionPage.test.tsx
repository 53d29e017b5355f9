import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StateType } from "../api";
import ExecutionPage, { cleanLabels, userLabels } from "./ExecutionPage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function document(state: StateType) {
  return {
    id: "e1",
    namespace: "company.team",
    flowId: "hello",
    flowRevision: 2,
    state: { current: state, startDate: "2024-01-01T00:00:00Z", histories: [{ state: "CREATED", date: "2024-01-01T00:00:00Z" }] },
    inputs: { name: "world" },
    labels: [
      { key: "system.correlationId", value: "e1" },
      { key: "team", value: "data" },
    ],
    taskRunList: [],
    trigger: null,
  };
}

function sse(...events: unknown[]): Response {
  const text = events.map((data) => `event: execution\ndata: ${JSON.stringify(data)}\n\n`).join("");
  return new Response(text, { headers: { "Content-Type": "text/event-stream" } });
}

function renderAt(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/executions/:namespace/:flowId/:executionId" element={<ExecutionPage />} />
          <Route path="/executions/:namespace/:flowId/:executionId/:tab" element={<ExecutionPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("labels", () => {
  it("leave system labels to the server and drop empty or repeated keys", () => {
    expect(userLabels(document("SUCCESS").labels as never)).toEqual([{ key: "team", value: "data" }]);
    expect(
      cleanLabels([
        { key: " team ", value: " a " },
        { key: "", value: "x" },
        { key: "team", value: "b" },
        { key: "env", value: "" },
      ]),
    ).toEqual([
      { key: "team", value: "b" },
      { key: "env", value: "" },
    ]);
  });
});

describe("<ExecutionPage>", () => {
  it("shows the header, the tabs, and follows the execution until it ends", async () => {
    const fetchMock = vi.fn(async (url: string) =>
      url.endsWith("/follow") ? sse(document("RUNNING"), document("SUCCESS")) : new Response(JSON.stringify(document("RUNNING"))),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderAt("/executions/company.team/hello/e1");
    await waitFor(() => expect(screen.getByTestId("execution-state").dataset.state).toBe("RUNNING"));
    expect(screen.getByTestId("execution-flow-link").getAttribute("href")).toBe("/flows/edit/company.team/hello");
    expect(screen.getByTestId("execution-inputs").textContent).toContain("name=world");
    expect(screen.getByTestId("tab-overview").getAttribute("aria-current")).toBe("page");
    expect(screen.getByTestId("tab-logs").getAttribute("href")).toBe("/executions/company.team/hello/e1/logs");
    await waitFor(() => expect(screen.getByTestId("execution-state").dataset.state).toBe("SUCCESS"));
    expect(fetchMock.mock.calls.filter((call) => String(call[0]).endsWith("/follow"))).toHaveLength(1);
    expect(screen.getByTestId("action-kill")).toHaveProperty("disabled", true);
  });

  it("saves edited labels through the API", async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) =>
      url.endsWith("/actions/labels")
        ? new Response(JSON.stringify({ ...document("SUCCESS"), labels: JSON.parse(String(init?.body)) }))
        : new Response(JSON.stringify(document("SUCCESS"))),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderAt("/executions/company.team/hello/e1/overview");
    fireEvent.click(await screen.findByTestId("edit-labels"));
    fireEvent.change(screen.getByTestId("label-value"), { target: { value: "platform" } });
    fireEvent.click(screen.getByTestId("save-labels"));
    await waitFor(() => expect(screen.queryByTestId("dialog-labels")).toBeNull());
    const call = fetchMock.mock.calls.find((c) => String(c[0]).endsWith("/actions/labels"))!;
    expect(JSON.parse(String(call[1]!.body))).toEqual([{ key: "team", value: "platform" }]);
    expect(screen.getAllByTestId("execution-label").map((el) => el.textContent)).toEqual(["team:platform"]);
  });

  it("says so when the execution does not exist", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ message: "not found" }), { status: 404 })));
    renderAt("/executions/company.team/hello/nope");
    expect(await screen.findByTestId("execution-missing")).toBeTruthy();
  });
});
