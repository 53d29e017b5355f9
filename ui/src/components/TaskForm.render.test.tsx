import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import TaskForm from "./TaskForm";

const LOG = "io.kestra.plugin.core.log.Log";
const PLUGINS = [
  { name: "core", tasks: [{ cls: LOG, title: "Log" }, { cls: "io.kestra.plugin.core.debug.Return" }], triggers: [] },
];
const LOG_DOC = {
  cls: LOG,
  markdown: `# ${LOG}\n\nLog one message.`,
  schema: {
    properties: {
      required: ["type", "id", "message"],
      properties: {
        type: { type: "string" },
        id: { type: "string" },
        message: { type: "string" },
        level: { $ref: "#/definitions/LogLevel" },
        description: { type: "string" },
      },
    },
    definitions: { LogLevel: { enum: ["WARN", "INFO"] } },
  },
};

function renderForm(props: Partial<Parameters<typeof TaskForm>[0]> = {}) {
  const onSubmit = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient()}>
      <TaskForm kind="task" existingIds={["greet"]} onSubmit={onSubmit} onCancel={() => {}} {...props} />
    </QueryClientProvider>,
  );
  return onSubmit;
}

describe("TaskForm", () => {
  beforeEach(() => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL) => {
        const url = String(input);
        const body = url.endsWith("/plugins") ? PLUGINS : LOG_DOC;
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("adds a task of a chosen type with the properties filled in", async () => {
    const onSubmit = renderForm();
    await screen.findByRole("option", { name: LOG });
    fireEvent.change(screen.getByTestId("task-form-type"), { target: { value: LOG } });
    fireEvent.change(screen.getByTestId("task-form-id"), { target: { value: "greet" } });
    fireEvent.change(await screen.findByTestId("task-form-field-message"), { target: { value: "Hi" } });
    fireEvent.change(screen.getByTestId("task-form-field-level"), { target: { value: "WARN" } });
    fireEvent.click(screen.getByTestId("task-form-submit"));
    expect(await screen.findByText(/already used/)).toBeTruthy(); // the id is taken
    expect(onSubmit).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId("task-form-id"), { target: { value: "hello" } });
    fireEvent.click(screen.getByTestId("task-form-submit"));
    expect(onSubmit).toHaveBeenCalledWith({ id: "hello", type: LOG, props: { message: "Hi", level: "WARN" } });
  });

  it("edits only what changed", async () => {
    const onSubmit = renderForm({ initial: { id: "greet", type: LOG, message: "Hello", level: "INFO" } });
    const message = await screen.findByTestId("task-form-field-message");
    expect((message as HTMLInputElement).value).toBe("Hello");
    fireEvent.change(message, { target: { value: "Bonjour" } });
    fireEvent.click(screen.getByTestId("task-form-submit"));
    await waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({ id: "greet", type: LOG, props: { message: "Bonjour" } }),
    );
  });

  it("refuses an empty required property", async () => {
    const onSubmit = renderForm({ initial: { id: "greet", type: LOG, message: "Hello" } });
    fireEvent.change(await screen.findByTestId("task-form-field-message"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("task-form-submit"));
    expect(await screen.findByText("required")).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
