import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Execution } from "../api";
import ExecutionsList, {
  hasLiveExecution,
  nextSort,
  parseLabels,
  readFilters,
  searchParams,
  writeFilters,
} from "./ExecutionsList";

const execution = (id: string, current: Execution["state"]["current"], extra: Partial<Execution> = {}): Execution => ({
  id,
  namespace: "company.team",
  flowId: "hello",
  flowRevision: 1,
  state: { current, startDate: "2024-05-01T10:00:00Z", endDate: current === "RUNNING" ? undefined : "2024-05-01T10:00:02Z" },
  labels: [
    { key: "team", value: "data" },
    { key: "system.correlationId", value: id },
  ],
  trigger: null,
  ...extra,
});

describe("filters in the URL", () => {
  it("reads and writes the same filters (defaults left out)", () => {
    const search = new URLSearchParams(
      "namespace=company&state=FAILED&state=KILLED&state=BOGUS&labels=team:data&labels=nolabel&q=etl&page=2&size=50&sort=state:asc",
    );
    const filters = readFilters(search);
    expect(filters).toMatchObject({
      namespace: "company",
      flowId: "",
      states: ["FAILED", "KILLED"],
      labels: ["team:data"],
      q: "etl",
      page: 2,
      size: 50,
      sort: "state:asc",
    });
    expect(writeFilters(filters).toString()).toBe(
      "namespace=company&state=FAILED&state=KILLED&labels=team%3Adata&q=etl&page=2&size=50&sort=state%3Aasc",
    );
    expect(writeFilters(readFilters(new URLSearchParams())).toString()).toBe("");
  });

  it("takes the namespace and flow from the route and does not repeat them", () => {
    const filters = readFilters(new URLSearchParams("namespace=other&page=0"), { namespace: "company.team", flowId: "hello" });
    expect(filters.namespace).toBe("company.team");
    expect(filters.flowId).toBe("hello");
    expect(filters.page).toBe(1);
    expect(writeFilters(filters, { namespace: "company.team", flowId: "hello" }).toString()).toBe("");
  });

  it("asks the server with Kestra's filters[field][OPERATION] parameters", () => {
    const filters = readFilters(
      new URLSearchParams("namespace=company&flowId=etl&state=FAILED&state=KILLED&labels=team:data&labels=env:a:b&q=x&startDate=2024-01-01T00:00:00.000Z&endDate=2024-02-01T00:00:00.000Z"),
    );
    expect(searchParams(filters)).toEqual({
      page: 1,
      size: 25,
      sort: "startDate:desc",
      "filters[namespace][EQUALS]": "company",
      "filters[flowId][EQUALS]": "etl",
      "filters[state][IN]": "FAILED,KILLED",
      "filters[startDate][GREATER_THAN_OR_EQUAL_TO]": "2024-01-01T00:00:00.000Z",
      "filters[startDate][LESS_THAN_OR_EQUAL_TO]": "2024-02-01T00:00:00.000Z",
      "filters[labels][EQUALS][team]": "data",
      "filters[labels][EQUALS][env]": "a:b",
      "filters[q][EQUALS]": "x",
    });
  });

  it("turns a relative time range into a start date at request time", () => {
    const now = Date.parse("2024-05-02T12:00:00Z");
    const params = searchParams(readFilters(new URLSearchParams("timeRange=PT24H")), now);
    expect(params["filters[startDate][GREATER_THAN_OR_EQUAL_TO]"]).toBe("2024-05-01T12:00:00.000Z");
    // Without a flow, the namespace filter includes child namespaces.
    expect(searchParams(readFilters(new URLSearchParams("namespace=company")))["filters[namespace][PREFIX]"]).toBe("company");
  });

  it("parses typed labels and sorts by clicked columns", () => {
    expect(parseLabels("team:data, env:prod ,broken, :x")).toEqual(["team:data", "env:prod"]);
    expect(nextSort("startDate:desc", "startDate")).toBe("startDate:asc");
    expect(nextSort("startDate:asc", "startDate")).toBe("startDate:desc");
    expect(nextSort("startDate:asc", "state")).toBe("state:desc");
  });

  it("knows when a page is live", () => {
    expect(hasLiveExecution([execution("a", "SUCCESS"), execution("b", "RUNNING")])).toBe(true);
    expect(hasLiveExecution([execution("a", "SUCCESS"), execution("b", "FAILED")])).toBe(false);
    expect(hasLiveExecution(undefined)).toBe(false);
  });
});

function Location() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname + location.search}</div>;
}

function renderList(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/executions" element={<ExecutionsList />} />
          <Route path="/executions/:namespace/:flowId" element={<ExecutionsList />} />
        </Routes>
        <Location />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ExecutionsList", () => {
  it("lists the server's page with links, states, labels and triggers", async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) =>
      Response.json({
        results: [
          execution("aaaaaaaa1111", "RUNNING"),
          execution("bbbbbbbb2222", "FAILED", { trigger: { id: "daily", type: "io.kestra.plugin.core.trigger.Schedule" } }),
        ],
        total: 42,
      }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderList("/executions?state=FAILED&state=RUNNING&page=2");
    const rows = await screen.findAllByTestId("execution-row");
    expect(rows).toHaveLength(2);
    const url = decodeURIComponent(fetchMock.mock.calls[0][0]);
    expect(url).toContain("/api/v1/main/executions/search?");
    expect(url).toContain("filters[state][IN]=FAILED,RUNNING");
    expect(url).toContain("page=2");
    const states = screen.getAllByTestId("execution-state").map((cell) => cell.getAttribute("data-state"));
    expect(states).toEqual(["RUNNING", "FAILED"]);
    const link = within(rows[0]).getByTestId("execution-link");
    expect(link.getAttribute("href")).toBe("/executions/company.team/hello/aaaaaaaa1111");
    expect(rows[0].textContent).toContain("team:data");
    expect(rows[0].textContent).not.toContain("system.correlationId");
    expect(rows[1].textContent).toContain("daily (Schedule)");
    expect(screen.getByText(/Page 2 of 2 · 42 total/)).toBeTruthy();

    // Clicking a label filters by it, back on page 1.
    fireEvent.click(within(rows[0]).getByText("team:data"));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/executions?state=FAILED&state=RUNNING&labels=team%3Adata"));
  });

  it("kills the selected executions after confirmation", async () => {
    const calls: { url: string; method: string; body?: string }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        calls.push({ url, method: init?.method ?? "GET", body: init?.body as string | undefined });
        if (url.includes("/kill/by-ids")) return Response.json({ count: 1 });
        return Response.json({ results: [execution("run1", "RUNNING"), execution("done2", "SUCCESS")], total: 2 });
      }),
    );
    renderList("/executions/company.team/hello");
    const rows = await screen.findAllByTestId("execution-row");
    expect(screen.queryByTestId("bulk-actions")).toBeNull();
    fireEvent.click(screen.getByTestId("select-all"));
    expect(screen.getByTestId("bulk-actions").textContent).toContain("2 selected");
    fireEvent.click(within(rows[1]).getByTestId("execution-select"));
    fireEvent.click(screen.getByTestId("bulk-kill"));
    expect(screen.getByTestId("confirm-dialog").textContent).toContain("Kill 1 execution?");
    fireEvent.click(screen.getByTestId("confirm-bulk"));
    expect((await screen.findByTestId("bulk-notice")).textContent).toContain("Killed 1 execution.");
    const kill = calls.find((c) => c.url.includes("/kill/by-ids"))!;
    expect(kill.method).toBe("DELETE");
    expect(JSON.parse(kill.body!)).toEqual(["run1"]);
    expect(decodeURIComponent(calls[0].url)).toContain("filters[namespace][EQUALS]=company.team");
    expect(decodeURIComponent(calls[0].url)).toContain("filters[flowId][EQUALS]=hello");
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });
});
