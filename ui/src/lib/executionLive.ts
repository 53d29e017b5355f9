// One execution, live: the TanStack Query cache entry fed by the server's follow stream, and the pure helpers the
// execution page's tabs share (terminal states, task-run tree order, aggregated states, a ticking clock).

import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, followEvents, type Execution, type StateType, type TaskRun } from "../api";

/** The server's terminal states (src/choreo/model/state.py): nothing changes an execution in them by itself. */
export const TERMINAL: ReadonlySet<StateType> = new Set<StateType>([
  "SUCCESS",
  "WARNING",
  "FAILED",
  "KILLED",
  "CANCELLED",
  "RETRIED",
  "SKIPPED",
  "RESUBMITTED",
]);

export function isTerminal(state: StateType | undefined): boolean {
  return state !== undefined && TERMINAL.has(state);
}

/** The fields of the execution document the page reads beyond api.ts's `Execution`. */
export interface ExecutionDocument extends Execution {
  originalId?: string | null;
  metadata?: { attemptNumber?: number; originalCreatedDate?: string } | null;
  taskRunList?: TaskRunDocument[];
}

export interface TaskRunDocument extends TaskRun {
  iteration?: number | null;
}

export function executionKey(executionId: string) {
  return ["execution", executionId] as const;
}

const RECONNECT_MS = 1_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Follow `GET /executions/{id}/follow` until the execution is terminal or `signal` aborts: every `execution` event
 * goes to `onDocument`. A stream that ends (or fails) before the end is reopened after a short pause; the server
 * sends the current document first, so nothing is missed in between.
 */
export async function followExecution(
  executionId: string,
  onDocument: (execution: ExecutionDocument) => void,
  signal: AbortSignal,
  follow: typeof followEvents = followEvents,
  pauseMs = RECONNECT_MS,
): Promise<void> {
  let last: ExecutionDocument | undefined;
  while (!signal.aborted) {
    try {
      await follow(
        `/executions/${encodeURIComponent(executionId)}/follow`,
        (event) => {
          if (event.event !== "execution") return;
          last = JSON.parse(event.data) as ExecutionDocument;
          onDocument(last);
        },
        signal,
      );
    } catch (error) {
      if (signal.aborted) return;
      // A 404 (deleted) will not come back: stop; other failures (network, restart of the server) are retried.
      if (error instanceof Error && "status" in error && (error as { status: number }).status === 404) return;
    }
    if (signal.aborted || (last && isTerminal(last.state.current))) return;
    await sleep(pauseMs, signal);
  }
}

/** The execution, read once and then kept current by its follow stream while it is not terminal. */
export function useExecution(executionId: string) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: executionKey(executionId),
    queryFn: () => api<ExecutionDocument>(`/executions/${encodeURIComponent(executionId)}`),
  });
  const live = query.data !== undefined && !isTerminal(query.data.state.current);
  useEffect(() => {
    if (!live) return;
    const controller = new AbortController();
    void followExecution(
      executionId,
      (document) => queryClient.setQueryData(executionKey(executionId), document),
      controller.signal,
    );
    return () => controller.abort();
  }, [executionId, live, queryClient]);
  return query;
}

/** After an action answered with the execution's new document: show it, and let the lists that show it refresh. */
export function applyExecutionDocument(queryClient: QueryClient, document: ExecutionDocument): void {
  queryClient.setQueryData(executionKey(document.id), document);
  void queryClient.invalidateQueries({ queryKey: ["executions"] });
}

/** `Date.now()`, re-rendering every `intervalMs` while `active` (durations of running things tick). */
export function useNow(active: boolean, intervalMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

export interface OrderedRun {
  run: TaskRunDocument;
  depth: number;
}

/** Task runs as a tree read top to bottom: each parent followed by its children, in the order the server lists them. */
export function orderTaskRuns(runs: readonly TaskRunDocument[]): OrderedRun[] {
  const ids = new Set(runs.map((run) => run.id));
  const children = new Map<string, TaskRunDocument[]>();
  const roots: TaskRunDocument[] = [];
  for (const run of runs) {
    const parent = run.parentTaskRunId;
    if (parent && ids.has(parent)) {
      const siblings = children.get(parent) ?? [];
      siblings.push(run);
      children.set(parent, siblings);
    } else {
      roots.push(run);
    }
  }
  const ordered: OrderedRun[] = [];
  const visit = (run: TaskRunDocument, depth: number) => {
    ordered.push({ run, depth });
    for (const child of children.get(run.id) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return ordered;
}

/** Which state a task with several runs (ForEach iterations, retries) shows: what still moves first, then failures. */
const STATE_PRIORITY: StateType[] = [
  "RUNNING",
  "KILLING",
  "RETRYING",
  "PAUSED",
  "BREAKPOINT",
  "RESTARTED",
  "SUBMITTED",
  "QUEUED",
  "CREATED",
  "FAILED",
  "KILLED",
  "WARNING",
  "CANCELLED",
  "RETRIED",
  "RESUBMITTED",
  "SUCCESS",
  "SKIPPED",
];

export function dominantState(states: readonly StateType[]): StateType | undefined {
  let best: StateType | undefined;
  for (const state of states) {
    if (best === undefined || STATE_PRIORITY.indexOf(state) < STATE_PRIORITY.indexOf(best)) best = state;
  }
  return best;
}

/** Each task id's state for the topology (one node per task, whatever its number of runs). */
export function stateByTaskId(execution: Pick<Execution, "taskRunList"> | undefined): Record<string, StateType> {
  const states = new Map<string, StateType[]>();
  for (const run of execution?.taskRunList ?? []) {
    const list = states.get(run.taskId) ?? [];
    list.push(run.state.current);
    states.set(run.taskId, list);
  }
  const result: Record<string, StateType> = {};
  for (const [taskId, list] of states) result[taskId] = dominantState(list)!;
  return result;
}

/** When a state began and ended: the document's dates, else its history (an unfinished one has no end). */
export function stateSpan(state: TaskRun["state"]): { start?: string; end?: string } {
  const histories = state.histories ?? [];
  const start = state.startDate ?? histories[0]?.date;
  const ended = isTerminal(state.current);
  const end = state.endDate ?? (ended ? histories[histories.length - 1]?.date : undefined);
  return { start, end: ended ? end : undefined };
}

/** A task run's name in lists: its task id, and the ForEach value it ran for. */
export function taskRunLabel(run: Pick<TaskRunDocument, "taskId" | "value">): string {
  return run.value !== undefined && run.value !== null && run.value !== "" ? `${run.taskId} [${run.value}]` : run.taskId;
}
