import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import FlowsList from "./FlowsList";

const FLOWS = [
  { id: "hello", namespace: "company.team", revision: 1, labels: [{ key: "team", value: "data" }], disabled: false },
  { id: "etl", namespace: "company.team", revision: 3, disabled: true },
];

interface Call {
  method: string;
  url: string;
  body?: string;
}

function mockServer(calls: Call[]) {
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ method: init?.method ?? "GET", url, body: init?.body as string | undefined });
    const json = (data: unknown) => new Response(JSON.stringify(data), { status: 200 });
    if (url.includes("/flows/search")) return json({ results: FLOWS, total: 42 });
    if (url.includes("/flows/distinct-namespaces")) return json(["company.team"]);
    if (url.includes("/executions/search")) {
      const flowId = new URL(url, "http://x").searchParams.get("flowId");
      return json({
        results:
          flowId === "hello"
            ? [{ id: "e1", namespace: "company.team", flowId: "hello", flowRevision: 1, state: { current: "FAILED" } }]
            : [],
        total: 1,
      });
    }
    if (url.includes("/by-ids")) return json({ count: 1 });
    return new Response("{}", { status: 404 });
  });
}

function Location() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname + location.search}</div>;
}

function renderPage(path = "/flows") {
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/flows" element={<FlowsList />} />
          <Route path="*" element={<div />} />
        </Routes>
        <Location />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("FlowsList", () => {
  let calls: Call[];
  beforeEach(() => {
    calls = [];
    vi.stubGlobal("fetch", mockServer(calls));
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("asks the server for one page with the filters of the URL and shows the rows", async () => {
    renderPage("/flows?namespace=company.team&page=2&size=10&labels=team:data");
    const rows = await screen.findAllByTestId("flow-row");
    expect(rows.map((row) => row.dataset.flowId)).toEqual(["hello", "etl"]);
    const search = new URL(calls.find((c) => c.url.includes("/flows/search"))!.url, "http://x").searchParams;
    expect(search.get("namespace")).toBe("company.team");
    expect(search.get("page")).toBe("2");
    expect(search.get("size")).toBe("10");
    expect(search.getAll("labels")).toEqual(["team:data"]);
    expect(search.getAll("sort")).toEqual(["namespace:asc", "id:asc"]);
    expect(screen.getByText(/42 total/)).toBeTruthy();
    expect(within(rows[1]).getByTestId("flow-disabled")).toBeTruthy();
    expect(within(rows[1]).getByTestId("flow-execute").hasAttribute("disabled")).toBe(true);
  });

  it("shows the last executions of each flow", async () => {
    renderPage();
    const badges = await screen.findByTestId("flow-last-executions");
    expect(badges.textContent).toContain("FAILED");
    await waitFor(() => expect(screen.getAllByText("never executed")).toHaveLength(1));
  });

  it("deletes the selected flows after confirmation", async () => {
    renderPage();
    await screen.findAllByTestId("flow-row");
    fireEvent.click(screen.getByLabelText("Select all flows on this page"));
    fireEvent.click(screen.getByTestId("bulk-delete"));
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("company.team.hello");
    expect(calls.some((c) => c.url.includes("/delete/by-ids"))).toBe(false);
    fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    await waitFor(() => expect(calls.some((c) => c.url.includes("/flows/delete/by-ids"))).toBe(true));
    const call = calls.find((c) => c.url.includes("/flows/delete/by-ids"))!;
    expect(call.method).toBe("DELETE");
    expect(JSON.parse(call.body!)).toEqual([
      { namespace: "company.team", id: "hello" },
      { namespace: "company.team", id: "etl" },
    ]);
  });

  it("enables a disabled flow from its row", async () => {
    renderPage();
    const rows = await screen.findAllByTestId("flow-row");
    fireEvent.click(within(rows[1]).getByTestId("flow-enable"));
    await waitFor(() => expect(calls.some((c) => c.url.includes("/flows/enable/by-ids"))).toBe(true));
  });

  it("filters by namespace from the tree and sorts from the headers", async () => {
    renderPage();
    await screen.findAllByTestId("flow-row");
    fireEvent.click(await screen.findByRole("button", { name: "Expand company" }));
    fireEvent.click(screen.getByTestId("namespace-node-company.team"));
    expect(screen.getByTestId("location").textContent).toBe("/flows?namespace=company.team");
    fireEvent.click(screen.getByRole("button", { name: /^Id/ }));
    expect(screen.getByTestId("location").textContent).toContain("sort=id%3Aasc");
  });
});
