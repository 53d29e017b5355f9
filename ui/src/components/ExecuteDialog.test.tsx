import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useParams } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import ExecuteDialog from "./ExecuteDialog";

const FLOW = {
  id: "etl",
  namespace: "company.team",
  revision: 1,
  inputs: [
    { id: "rows", type: "INT", required: true, defaults: 100, min: 1 },
    { id: "name", type: "STRING", required: false, displayName: "Your name", description: "Who to greet." },
    { id: "mode", type: "SELECT", required: true, values: ["fast", "safe"], defaults: "safe" },
    { id: "data", type: "FILE", required: false },
  ],
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function ExecutionPage() {
  const { executionId } = useParams();
  return <div data-testid="execution-page">{executionId}</div>;
}

function renderDialog(onClose = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={["/flows/edit/company.team/etl"]}>
        <Routes>
          <Route path="/flows/edit/:namespace/:id" element={<ExecuteDialog namespace="company.team" flowId="etl" onClose={onClose} />} />
          <Route path="/executions/:namespace/:flowId/:executionId" element={<ExecutionPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return onClose;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ExecuteDialog", () => {
  it("builds the form from the flow's inputs, posts multipart fields with labels, and opens the execution", async () => {
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
      if (!init?.method || init.method === "GET") return json(FLOW);
      return json({ id: "exec1", namespace: "company.team", flowId: "etl", state: { current: "CREATED" } });
    });
    vi.stubGlobal("fetch", fetchMock);
    const onClose = renderDialog();

    const rows = (await screen.findByLabelText("rows")) as HTMLInputElement;
    expect(rows.value).toBe("100");
    expect(screen.getByTestId("input-name").textContent).toContain("Your name");
    expect(screen.getByTestId("input-name").textContent).toContain("Who to greet.");
    expect((screen.getByLabelText("mode") as HTMLSelectElement).value).toBe("safe");

    fireEvent.change(rows, { target: { value: "5" } });
    fireEvent.change(screen.getByLabelText("name"), { target: { value: "Ada" } });
    const file = new File(["a,b\n"], "in.csv");
    fireEvent.change(screen.getByLabelText("data"), { target: { files: [file] } });
    fireEvent.click(screen.getByTestId("execute-add-label"));
    fireEvent.change(screen.getByLabelText("Label 1 key"), { target: { value: "team" } });
    fireEvent.change(screen.getByLabelText("Label 1 value"), { target: { value: "data" } });

    fireEvent.click(screen.getByText("Show the curl command"));
    const curl = screen.getByTestId("execute-curl").textContent!;
    expect(curl).toContain("/api/v1/main/executions/company.team/etl?labels=team%3Adata");
    expect(curl).toContain("-F 'rows=5'");
    expect(curl).toContain("-F 'data=@in.csv'");

    fireEvent.click(screen.getByTestId("execute-submit"));
    expect((await screen.findByTestId("execution-page")).textContent).toBe("exec1");
    expect(onClose).toHaveBeenCalled();

    const [url, init] = fetchMock.mock.calls.find(([, i]) => i?.method === "POST")!;
    expect(url).toBe("/api/v1/main/executions/company.team/etl?labels=team%3Adata");
    const body = init!.body as FormData;
    expect(body.get("rows")).toBe("5");
    expect(body.get("name")).toBe("Ada");
    expect(body.get("mode")).toBe("safe");
    expect((body.get("data") as File).name).toBe("in.csv");
  });

  it("shows the server's per-input messages beside the fields", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init?: RequestInit) => {
        if (!init?.method || init.method === "GET") return json(FLOW);
        return json(
          {
            message: "Invalid inputs: Invalid input for `rows`, it must be more than `1`, but received `0`",
            inputs: { rows: "Invalid input for `rows`, it must be more than `1`, but received `0`" },
          },
          422,
        );
      }),
    );
    renderDialog();
    fireEvent.change(await screen.findByLabelText("rows"), { target: { value: "0" } });
    fireEvent.click(screen.getByTestId("execute-submit"));
    const message = await screen.findByTestId("input-error-rows");
    expect(message.textContent).toContain("it must be more than `1`");
    expect(screen.getByLabelText("rows").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByTestId("input-error-name")).toBeNull();
    expect(screen.getByTestId("execute-dialog")).toBeTruthy();
  });

  it("shows a flow that cannot be loaded as an error, and closes on Escape", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json({ message: "flow 'company.team.etl' not found" }, 404)));
    const onClose = renderDialog();
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("not found"));
    fireEvent.keyDown(window, { key: "Escape" });
    expect(onClose).toHaveBeenCalled();
  });
});
