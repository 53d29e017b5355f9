import { describe, expect, it } from "vitest";
import { ApiError, EventParser, type ServerEvent, type StateType } from "../api";
import {
  dominantState,
  followExecution,
  isTerminal,
  orderTaskRuns,
  stateByTaskId,
  stateSpan,
  taskRunLabel,
  type ExecutionDocument,
  type TaskRunDocument,
} from "./executionLive";

function run(
  id: string,
  taskId: string,
  state: StateType,
  extra: Partial<TaskRunDocument> = {},
): TaskRunDocument {
  return { id, taskId, state: { current: state }, ...extra };
}

function execution(state: StateType): ExecutionDocument {
  return {
    id: "e1",
    namespace: "n",
    flowId: "f",
    flowRevision: 1,
    state: { current: state },
  };
}

describe("orderTaskRuns", () => {
  it("puts children right after their parent, keeping the server's order, with their depth", () => {
    const runs = [
      run("a", "each", "SUCCESS"),
      run("b", "after", "SUCCESS"),
      run("a1", "process", "SUCCESS", { parentTaskRunId: "a", value: "x" }),
      run("a2", "process", "SUCCESS", { parentTaskRunId: "a", value: "y" }),
      run("a1x", "deep", "SUCCESS", { parentTaskRunId: "a1" }),
    ];
    expect(
      orderTaskRuns(runs).map(({ run, depth }) => `${run.id}:${depth}`),
    ).toEqual(["a:0", "a1:1", "a1x:2", "a2:1", "b:0"]);
  });

  it("keeps a run whose parent is not listed as a root", () => {
    expect(
      orderTaskRuns([run("c", "t", "SUCCESS", { parentTaskRunId: "gone" })]),
    ).toEqual([{ run: expect.objectContaining({ id: "c" }), depth: 0 }]);
  });
});

describe("states", () => {
  it("knows the server's terminal states", () => {
    expect(isTerminal("RESUBMITTED")).toBe(true);
    expect(isTerminal("PAUSED")).toBe(false);
    expect(isTerminal(undefined)).toBe(false);
  });

  it("shows what still moves before failures, failures before successes", () => {
    expect(dominantState(["SUCCESS", "FAILED", "SUCCESS"])).toBe("FAILED");
    expect(dominantState(["SUCCESS", "RUNNING", "FAILED"])).toBe("RUNNING");
    expect(dominantState([])).toBeUndefined();
  });

  it("gives one state per task id for the topology", () => {
    const runs = [
      run("a", "each", "RUNNING"),
      run("a1", "process", "SUCCESS", { parentTaskRunId: "a" }),
      run("a2", "process", "WARNING", { parentTaskRunId: "a" }),
    ];
    expect(stateByTaskId({ taskRunList: runs })).toEqual({
      each: "RUNNING",
      process: "WARNING",
    });
    expect(stateByTaskId(undefined)).toEqual({});
  });

  it("reads a state's span from its dates, else from its history; a running one has no end", () => {
    expect(
      stateSpan({
        current: "SUCCESS",
        histories: [
          { state: "CREATED", date: "2024-01-01T00:00:00Z" },
          { state: "SUCCESS", date: "2024-01-01T00:00:05Z" },
        ],
      }),
    ).toEqual({ start: "2024-01-01T00:00:00Z", end: "2024-01-01T00:00:05Z" });
    expect(
      stateSpan({ current: "RUNNING", startDate: "2024-01-01T00:00:00Z" }),
    ).toEqual({
      start: "2024-01-01T00:00:00Z",
      end: undefined,
    });
  });

  it("names a ForEach iteration by its value", () => {
    expect(taskRunLabel({ taskId: "process", value: "emea" })).toBe(
      "process [emea]",
    );
    expect(taskRunLabel({ taskId: "process", value: null })).toBe("process");
  });
});

describe("followExecution", () => {
  const event = (state: StateType): ServerEvent => ({
    event: "execution",
    data: JSON.stringify(execution(state)),
  });

  it("hands every execution event over and stops at a terminal state", async () => {
    const seen: StateType[] = [];
    let calls = 0;
    const follow = async (
      _path: string,
      onEvent: (event: ServerEvent) => void,
    ) => {
      calls += 1;
      onEvent(event("RUNNING"));
      onEvent({ event: "other", data: "{}" });
      onEvent(event("SUCCESS"));
    };
    await followExecution(
      "e1",
      (doc) => seen.push(doc.state.current),
      new AbortController().signal,
      follow,
      0,
    );
    expect(seen).toEqual(["RUNNING", "SUCCESS"]);
    expect(calls).toBe(1);
  });

  it("reopens a stream that ends before the execution does", async () => {
    const seen: StateType[] = [];
    const answers: StateType[][] = [["RUNNING"], ["PAUSED"], ["FAILED"]];
    const paths: string[] = [];
    const follow = async (
      path: string,
      onEvent: (event: ServerEvent) => void,
    ) => {
      paths.push(path);
      for (const state of answers.shift() ?? []) onEvent(event(state));
    };
    await followExecution(
      "e 1",
      (doc) => seen.push(doc.state.current),
      new AbortController().signal,
      follow,
      0,
    );
    expect(seen).toEqual(["RUNNING", "PAUSED", "FAILED"]);
    expect(paths).toEqual(Array(3).fill("/executions/e%201/follow"));
  });

  it("gives up on a deleted execution (404) and stops when aborted", async () => {
    let calls = 0;
    const missing = async () => {
      calls += 1;
      throw new ApiError(404, "not found");
    };
    await followExecution(
      "e1",
      () => undefined,
      new AbortController().signal,
      missing,
      0,
    );
    expect(calls).toBe(1);

    const controller = new AbortController();
    let opened = 0;
    const hangs = async () => {
      opened += 1;
      controller.abort();
      throw new Error("aborted");
    };
    await followExecution("e1", () => undefined, controller.signal, hangs, 0);
    expect(opened).toBe(1);
  });
});

describe("EventParser", () => {
  it("splits events across arbitrary chunks, CRLF included, and skips comments", () => {
    const events: ServerEvent[] = [];
    const parser = new EventParser((event) => events.push(event));
    const text =
      'event: execution\r\ndata: {"a":1}\r\n\r\n: keepalive\n\ndata: one\ndata: two\n\ndata: last\n\n';
    // every split point, one character at a time
    for (const char of text) parser.push(char);
    expect(events).toEqual([
      { event: "execution", data: '{"a":1}' },
      { event: "message", data: "one\ntwo" },
      { event: "message", data: "last" },
    ]);
  });

  it("reads a large chunk of many events in linear time", () => {
    let count = 0;
    const parser = new EventParser(() => (count += 1));
    const chunk = Array.from(
      { length: 100_000 },
      (_, i) => `data: {"message":"line ${i}"}\n\n`,
    ).join("");
    const started = performance.now();
    parser.push(chunk);
    expect(count).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
