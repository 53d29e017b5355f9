import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FlowInput, StateType } from "../api";
import type { ExecutionDocument } from "../lib/executionLive";
import ExecutionActions, {
  availableActions,
  findTask,
  initialValue,
  inputsFormData,
  resumeInputs,
  TaskRunMenu,
} from "./ExecutionActions";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function execution(state: StateType, runs: ExecutionDocument["taskRunList"] = []): ExecutionDocument {
  return { id: "e1", namespace: "company.team", flowId: "approve", flowRevision: 1, state: { current: state }, taskRunList: runs };
}

const flow = {
  inputs: [{ id: "who", type: "STRING", required: true, defaults: "bob" }],
  tasks: [
    { id: "before", type: "io.kestra.plugin.core.log.Log" },
    {
      id: "branch",
      type: "io.kestra.plugin.core.flow.If",
      then: [
        {
          id: "wait",
          type: "io.kestra.plugin.core.flow.Pause",
          onResume: [
            { id: "approved", type: "BOOLEAN", defaults: true },
            { id: "reason", type: "STRING", required: false },
          ],
        },
      ],
    },
  ],
};

describe("availableActions", () => {
  it("follows the states the server accepts each action in", () => {
    expect(availableActions("RUNNING")).toMatchObject({ kill: true, pause: true, resume: false, restart: false, replay: false, delete: false });
    expect(availableActions("PAUSED")).toMatchObject({ kill: true, pause: false, resume: true, restart: true, changeTaskRunState: true });
    expect(availableActions("FAILED")).toMatchObject({ kill: false, restart: true, replay: true, delete: true, changeTaskRunState: true });
    expect(availableActions("SUCCESS")).toMatchObject({ kill: false, restart: false, replay: true, delete: true });
    expect(availableActions("KILLING")).toMatchObject({ kill: false, delete: false });
  });
});

describe("onResume inputs", () => {
  it("finds a task wherever it is nested", () => {
    expect(findTask(flow.tasks, "wait")?.type).toBe("io.kestra.plugin.core.flow.Pause");
    expect(findTask(flow.tasks, "who")).toBeUndefined();
  });

  it("are those of the paused Pause tasks", () => {
    const paused = execution("PAUSED", [
      { id: "r1", taskId: "before", state: { current: "SUCCESS" } },
      { id: "r2", taskId: "wait", state: { current: "PAUSED" } },
    ]);
    expect(resumeInputs(flow, paused).map((input) => input.id)).toEqual(["approved", "reason"]);
    expect(resumeInputs(flow, execution("PAUSED", [{ id: "r1", taskId: "before", state: { current: "SUCCESS" } }]))).toEqual([]);
  });
});

describe("input values", () => {
  const inputs: FlowInput[] = [
    { id: "name", type: "STRING" },
    { id: "ok", type: "BOOLEAN" },
    { id: "tags", type: "MULTISELECT", values: ["a", "b"] },
    { id: "conf", type: "JSON" },
    { id: "empty", type: "STRING" },
  ];

  it("show the values given before in the fields", () => {
    expect(initialValue(inputs[1], true)).toBe(true);
    expect(initialValue(inputs[2], ["a"])).toEqual(["a"]);
    expect(initialValue(inputs[3], { x: 1 })).toBe('{\n  "x": 1\n}');
    expect(initialValue(inputs[0], undefined)).toBe("");
  });

  it("go to the server as form fields, empty ones left out", () => {
    const form = inputsFormData(inputs, { name: "ann", ok: false, tags: ["a", "b"], conf: '{"x":1}', empty: "" });
    expect([...form.entries()]).toEqual([
      ["name", "ann"],
      ["ok", "false"],
      ["tags", '["a","b"]'],
      ["conf", '{"x":1}'],
    ]);
  });
});

function wrap(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={["/executions/company.team/approve/e1"]}>
        <Routes>
          <Route path="/executions/company.team/approve/e1" element={children} />
          <Route path="/executions/:namespace/:flowId/:executionId" element={<div data-testid="moved">moved</div>} />
          <Route path="/executions/:namespace/:flowId" element={<div data-testid="list">list</div>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>
  );
}

describe("<ExecutionActions>", () => {
  it("enables the buttons the state allows", () => {
    vi.stubGlobal("fetch", vi.fn());
    render(wrap(<ExecutionActions execution={execution("RUNNING")} />));
    expect(screen.getByTestId("action-kill")).toHaveProperty("disabled", false);
    expect(screen.getByTestId("action-pause")).toHaveProperty("disabled", false);
    expect(screen.getByTestId("action-restart")).toHaveProperty("disabled", true);
    expect(screen.getByTestId("action-delete")).toHaveProperty("disabled", true);
  });

  it("shows the server's message when an action is refused", async () => {
    const fetchMock = vi.fn(async (_url: string) =>
      new Response(JSON.stringify({ message: "execution e1 is SUCCESS; only a failed… can be restarted" }), { status: 409 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    render(wrap(<ExecutionActions execution={execution("FAILED")} />));
    fireEvent.click(screen.getByTestId("action-restart"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("can be restarted"));
    expect(String(fetchMock.mock.calls[0][0])).toBe("/api/v1/main/executions/e1/actions/restart");
  });

  it("asks for the onResume inputs and sends them", async () => {
    const paused = execution("PAUSED", [{ id: "r2", taskId: "wait", state: { current: "PAUSED" } }]);
    const fetchMock = vi.fn(async (url: string) =>
      url.endsWith("/flow")
        ? new Response(JSON.stringify(flow))
        : new Response(JSON.stringify(paused)),
    );
    vi.stubGlobal("fetch", fetchMock);
    render(wrap(<ExecutionActions execution={paused} />));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    fireEvent.click(screen.getByTestId("action-resume"));
    await waitFor(() => expect(screen.getByTestId("input-approved")).toBeTruthy());
    fireEvent.click(screen.getByTestId("input-approved")); // default true → false
    fireEvent.change(screen.getByTestId("input-reason"), { target: { value: "no budget" } });
    fireEvent.click(screen.getByTestId("confirm-resume"));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    const [url, init] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/main/executions/e1/actions/resume");
    expect([...(init.body as FormData).entries()]).toEqual([
      ["approved", "false"],
      ["reason", "no budget"],
    ]);
  });

  it("replays from a task run and goes to the new execution", async () => {
    const failed = execution("FAILED", [{ id: "r1", taskId: "before", state: { current: "FAILED" } }]);
    const fetchMock = vi.fn(async (url: string) =>
      url.endsWith("/flow")
        ? new Response(JSON.stringify(flow))
        : new Response(JSON.stringify({ ...failed, id: "e2", state: { current: "CREATED" } })),
    );
    vi.stubGlobal("fetch", fetchMock);
    render(wrap(<TaskRunMenu execution={failed} run={failed.taskRunList![0]} />));
    fireEvent.click(screen.getByTestId("replay-from-task-run"));
    expect((screen.getByTestId("replay-from") as HTMLSelectElement).value).toBe("r1");
    fireEvent.click(screen.getByTestId("confirm-replay"));
    await waitFor(() => expect(screen.getByTestId("moved")).toBeTruthy());
    expect(fetchMock.mock.calls.map((call) => String(call[0]))).toContain("/api/v1/main/executions/e1/flow");
    expect(fetchMock.mock.calls.map((call) => String(call[0]))).toContain("/api/v1/main/executions/e1/actions/replay?taskRunId=r1");
  });

  it("sets a task run's state", async () => {
    const failed = execution("FAILED", [{ id: "r1", taskId: "before", state: { current: "FAILED" } }]);
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify({ ...failed, state: { current: "RESTARTED" } })));
    vi.stubGlobal("fetch", fetchMock);
    render(wrap(<TaskRunMenu execution={failed} run={failed.taskRunList![0]} />));
    expect(screen.getByTestId("set-state-FAILED")).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByTestId("set-state-SUCCESS"));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/main/executions/e1/actions/state");
    expect(JSON.parse(String(init.body))).toEqual({ taskRunId: "r1", state: "SUCCESS" });
  });
});
