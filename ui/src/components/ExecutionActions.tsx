// What a user can do to an execution (kill, pause, resume, restart, replay, delete) and to one of its task runs
// (set its state, replay from it); each enabled only in the states where the server accepts it, as in Kestra.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useNavigate } from "react-router-dom";
import { api, qs, type FlowInput, type StateType } from "../api";
import {
  applyExecutionDocument,
  executionKey,
  isTerminal,
  orderTaskRuns,
  taskRunLabel,
  type ExecutionDocument,
  type TaskRunDocument,
} from "../lib/executionLive";
import ErrorBox from "./ErrorBox";
import "../pages/execution.css";

// -- which action when (mirrors src/choreo/engine/control.py and operations.py) ---------------------------------

const RESTARTABLE: ReadonlySet<StateType> = new Set<StateType>(["FAILED", "KILLED", "PAUSED", "CANCELLED", "WARNING"]);

export interface AvailableActions {
  kill: boolean;
  pause: boolean;
  resume: boolean;
  restart: boolean;
  replay: boolean;
  delete: boolean;
  /** Setting a task run's state by hand. */
  changeTaskRunState: boolean;
}

export function availableActions(state: StateType): AvailableActions {
  const terminal = isTerminal(state);
  return {
    kill: !terminal && state !== "KILLING",
    pause: state === "RUNNING",
    resume: state === "PAUSED",
    restart: RESTARTABLE.has(state),
    replay: terminal,
    delete: terminal,
    changeTaskRunState: terminal || state === "PAUSED",
  };
}

/** The states a task run can be set to from the UI (the server accepts a few more). */
export const TASK_RUN_STATES: StateType[] = ["SUCCESS", "FAILED", "WARNING"];

// -- inputs forms (resume with onResume inputs, replay with new inputs) -------------------------------------------

/** A task of a flow document, wherever it is nested (tasks, then/else, errors, finally, cases…). */
export function findTask(node: unknown, taskId: string): Record<string, unknown> | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findTask(item, taskId);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node !== "object" || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (record.id === taskId && typeof record.type === "string") return record;
  for (const [key, value] of Object.entries(record)) {
    if (key === "inputs" || key === "onResume" || key === "triggers") continue; // declarations, not tasks
    const found = findTask(value, taskId);
    if (found) return found;
  }
  return undefined;
}

/** The `onResume` inputs of the execution's paused Pause tasks (the server checks resume values against them). */
export function resumeInputs(flow: unknown, execution: ExecutionDocument): FlowInput[] {
  const inputs: FlowInput[] = [];
  for (const run of execution.taskRunList ?? []) {
    if (run.state.current !== "PAUSED") continue;
    const declared = findTask((flow as { tasks?: unknown } | undefined)?.tasks ?? flow, run.taskId)?.onResume;
    if (Array.isArray(declared)) inputs.push(...(declared as FlowInput[]));
  }
  return inputs;
}

export type InputValue = string | boolean | File | string[] | null;

/** How a value already given (an execution's inputs, a declared default) shows in the form's field. */
export function initialValue(input: FlowInput, value: unknown): InputValue {
  if (value === undefined || value === null) return input.type === "BOOLEAN" || input.type === "BOOL" ? false : "";
  if (input.type === "BOOLEAN" || input.type === "BOOL") return value === true || value === "true";
  if (input.type === "MULTISELECT") return Array.isArray(value) ? value.map(String) : [String(value)];
  if (input.type === "FILE") return null;
  if (typeof value === "object") return JSON.stringify(value, null, 2);
  return String(value);
}

/** The multipart body the server reads inputs from: empty fields are left out (their defaults apply). */
export function inputsFormData(inputs: FlowInput[], values: Record<string, InputValue>): FormData {
  const form = new FormData();
  for (const input of inputs) {
    const value = values[input.id];
    if (value === null || value === undefined || value === "") continue;
    if (value instanceof File) form.append(input.id, value, value.name);
    else if (Array.isArray(value)) form.append(input.id, JSON.stringify(value));
    else form.append(input.id, String(value));
  }
  return form;
}

function InputField({
  input,
  value,
  onChange,
}: {
  input: FlowInput;
  value: InputValue;
  onChange: (value: InputValue) => void;
}) {
  const label = (
    <span>
      {input.displayName ?? input.id}
      {input.required !== false && input.defaults === undefined && <span className="required"> *</span>}
      <span className="muted input-type"> {input.type}</span>
    </span>
  );
  const common = { "data-testid": `input-${input.id}`, name: input.id };
  let field: ReactNode;
  switch (input.type) {
    case "BOOLEAN":
    case "BOOL":
      return (
        <label className="inline">
          <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </label>
      );
    case "SELECT":
    case "ENUM":
      field = (
        <select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {(input.values ?? []).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
      break;
    case "MULTISELECT":
      field = (
        <select
          {...common}
          multiple
          value={Array.isArray(value) ? value : []}
          onChange={(e) => onChange(Array.from(e.target.selectedOptions, (option) => option.value))}
        >
          {(input.values ?? []).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
      break;
    case "INT":
    case "FLOAT":
      field = (
        <input
          {...common}
          type="number"
          step={input.type === "INT" ? 1 : "any"}
          value={String(value ?? "")}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "FILE":
      field = <input {...common} type="file" onChange={(e) => onChange(e.target.files?.[0] ?? null)} />;
      break;
    case "JSON":
    case "YAML":
    case "ARRAY":
      field = (
        <textarea {...common} rows={4} className="mono" value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />
      );
      break;
    default: {
      const placeholders: Record<string, string> = {
        DATETIME: "2024-01-31T13:45:00Z",
        DATE: "2024-01-31",
        TIME: "13:45:00",
        DURATION: "PT5M",
      };
      field = (
        <input
          {...common}
          type={input.type === "SECRET" ? "password" : "text"}
          placeholder={placeholders[input.type]}
          value={String(value ?? "")}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    }
  }
  return (
    <label>
      {label}
      {field}
      {input.description && <span className="muted input-description">{input.description}</span>}
    </label>
  );
}

function InputsFields({
  inputs,
  values,
  onChange,
}: {
  inputs: FlowInput[];
  values: Record<string, InputValue>;
  onChange: (values: Record<string, InputValue>) => void;
}) {
  return (
    <div className="inputs-form">
      {inputs.map((input) => (
        <InputField
          key={input.id}
          input={input}
          value={values[input.id] ?? null}
          onChange={(value) => onChange({ ...values, [input.id]: value })}
        />
      ))}
    </div>
  );
}

function initialValues(inputs: FlowInput[], given: Record<string, unknown> | undefined): Record<string, InputValue> {
  return Object.fromEntries(inputs.map((input) => [input.id, initialValue(input, given?.[input.id] ?? input.defaults)]));
}

// -- shared plumbing ------------------------------------------------------------------------------------------------

function executionPath(execution: ExecutionDocument, action: string): string {
  return `/executions/${encodeURIComponent(execution.id)}/actions/${action}`;
}

function executionUrl(execution: Pick<ExecutionDocument, "namespace" | "flowId" | "id">): string {
  return `/executions/${execution.namespace}/${execution.flowId}/${execution.id}`;
}

/** The flow revision the execution runs (its inputs and its Pause tasks' onResume declarations). */
function useExecutionFlow(execution: ExecutionDocument, enabled: boolean) {
  return useQuery({
    queryKey: ["execution-flow", execution.id, execution.flowRevision],
    queryFn: () => api<{ inputs?: FlowInput[]; tasks?: unknown[] }>(`/executions/${encodeURIComponent(execution.id)}/flow`),
    enabled,
    staleTime: Infinity,
  });
}

function Dialog({
  title,
  onClose,
  children,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId: string;
}) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        onClick={(event) => event.stopPropagation()}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

// -- the execution's actions ------------------------------------------------------------------------------------------

type OpenDialog = "kill" | "resume" | "replay" | "delete" | null;

export default function ExecutionActions({ execution }: { execution: ExecutionDocument }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const allowed = availableActions(execution.state.current);
  const paused = execution.state.current === "PAUSED";
  const flow = useExecutionFlow(execution, paused || dialog === "replay");
  const onResume = paused && flow.data ? resumeInputs(flow.data, execution) : [];

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: executionKey(execution.id) });
    void queryClient.invalidateQueries({ queryKey: ["executions"] });
  };
  // The answer is the execution after the action (restart, pause) or before it (kill, resume: the executor applies
  // those; the follow stream shows the result).
  const action = useMutation({
    mutationFn: ({ path, method, body }: { path: string; method: string; body?: FormData }) =>
      api<ExecutionDocument>(path, { method, body }),
    onSuccess: (document, { path }) => {
      setDialog(null);
      if (document && /\/(restart|pause)$/.test(path)) applyExecutionDocument(queryClient, document);
      else refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => api(`/executions/${encodeURIComponent(execution.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: executionKey(execution.id) });
      void queryClient.invalidateQueries({ queryKey: ["executions"] });
      navigate(`/executions/${execution.namespace}/${execution.flowId}`);
    },
  });
  const run = (name: string, method = "POST", body?: FormData) =>
    action.mutate({ path: executionPath(execution, name), method, body });

  const close = () => {
    setDialog(null);
    action.reset();
  };

  return (
    <div className="execution-actions" data-testid="execution-actions">
      <div className="toolbar">
        <button type="button" disabled={!allowed.restart || action.isPending} onClick={() => run("restart")} data-testid="action-restart">
          ↻ Restart
        </button>
        <button type="button" disabled={!allowed.replay} onClick={() => setDialog("replay")} data-testid="action-replay">
          ⟲ Replay
        </button>
        <button type="button" disabled={!allowed.pause || action.isPending} onClick={() => run("pause")} data-testid="action-pause">
          ❚❚ Pause
        </button>
        <button
          type="button"
          disabled={!allowed.resume || action.isPending}
          onClick={() => (onResume.length || flow.isLoading ? setDialog("resume") : run("resume"))}
          data-testid="action-resume"
        >
          ▶ Resume
        </button>
        <button type="button" className="danger" disabled={!allowed.kill} onClick={() => setDialog("kill")} data-testid="action-kill">
          ■ Kill
        </button>
        <button type="button" className="danger" disabled={!allowed.delete} onClick={() => setDialog("delete")} data-testid="action-delete">
          Delete
        </button>
      </div>
      {dialog === null && <ErrorBox error={action.error} />}

      {dialog === "kill" && (
        <Dialog title="Kill this execution?" onClose={close} testId="dialog-kill">
          <p>Running tasks are stopped and the execution ends KILLED.</p>
          <ErrorBox error={action.error} />
          <div className="dialog-actions">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              disabled={action.isPending}
              onClick={() => run("kill", "DELETE")}
              data-testid="confirm-kill"
            >
              Kill
            </button>
          </div>
        </Dialog>
      )}
      {dialog === "delete" && (
        <Dialog title="Delete this execution?" onClose={() => setDialog(null)} testId="dialog-delete">
          <p>The execution, its logs, metrics and files are deleted for good.</p>
          <ErrorBox error={remove.error} />
          <div className="dialog-actions">
            <button type="button" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
              data-testid="confirm-delete"
            >
              Delete
            </button>
          </div>
        </Dialog>
      )}
      {dialog === "resume" && (
        <ResumeDialog
          inputs={onResume}
          loading={flow.isLoading}
          loadError={flow.error}
          error={action.error}
          pending={action.isPending}
          onClose={close}
          onResume={(body) => run("resume", "POST", body)}
        />
      )}
      {dialog === "replay" && <ReplayDialog execution={execution} onClose={() => setDialog(null)} />}
    </div>
  );
}

function ResumeDialog({
  inputs,
  loading,
  loadError,
  error,
  pending,
  onClose,
  onResume,
}: {
  inputs: FlowInput[];
  loading: boolean;
  loadError: unknown;
  error: unknown;
  pending: boolean;
  onClose: () => void;
  onResume: (body?: FormData) => void;
}) {
  const [values, setValues] = useState<Record<string, InputValue> | null>(null);
  const current = values ?? initialValues(inputs, undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onResume(inputs.length ? inputsFormData(inputs, current) : undefined);
  };
  return (
    <Dialog title="Resume the execution" onClose={onClose} testId="dialog-resume">
      <form onSubmit={submit}>
        {loading ? (
          <div className="loading">Reading the paused task…</div>
        ) : inputs.length ? (
          <InputsFields inputs={inputs} values={current} onChange={setValues} />
        ) : (
          <p>The paused task asks for no input.</p>
        )}
        <ErrorBox error={loadError ?? error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending || loading} data-testid="confirm-resume">
            Resume
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Replay: a new execution of the same revision, from the start or from a chosen task run, maybe with new inputs. */
export function ReplayDialog({
  execution,
  fromTaskRun,
  onClose,
}: {
  execution: ExecutionDocument;
  fromTaskRun?: string;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [taskRunId, setTaskRunId] = useState(fromTaskRun ?? "");
  const [changeInputs, setChangeInputs] = useState(false);
  const flow = useExecutionFlow(execution, true);
  const declared = flow.data?.inputs ?? [];
  const [values, setValues] = useState<Record<string, InputValue> | null>(null);
  const current = values ?? initialValues(declared, execution.inputs);
  const replay = useMutation({
    mutationFn: () => {
      const query = qs({ taskRunId });
      if (changeInputs && declared.length) {
        return api<ExecutionDocument>(executionPath(execution, "replay-with-inputs") + query, {
          method: "POST",
          body: inputsFormData(declared, current),
        });
      }
      return api<ExecutionDocument>(executionPath(execution, "replay") + query, { method: "POST" });
    },
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ["executions"] });
      queryClient.setQueryData(executionKey(created.id), created);
      onClose();
      navigate(executionUrl(created));
    },
  });
  return (
    <Dialog title="Replay the execution" onClose={onClose} testId="dialog-replay">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          replay.mutate();
        }}
      >
        <label>
          From
          <select value={taskRunId} onChange={(event) => setTaskRunId(event.target.value)} data-testid="replay-from">
            <option value="">the start</option>
            {orderTaskRuns(execution.taskRunList ?? []).map(({ run, depth }) => (
              <option key={run.id} value={run.id}>
                {"\u00a0\u00a0".repeat(depth)}
                {taskRunLabel(run)} ({run.state.current})
              </option>
            ))}
          </select>
        </label>
        {declared.length > 0 && (
          <label className="inline">
            <input
              type="checkbox"
              checked={changeInputs}
              onChange={(event) => setChangeInputs(event.target.checked)}
              data-testid="replay-change-inputs"
            />
            With other inputs
          </label>
        )}
        {changeInputs && <InputsFields inputs={declared} values={current} onChange={setValues} />}
        <ErrorBox error={flow.error ?? replay.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={replay.isPending} data-testid="confirm-replay">
            Replay
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// -- one task run's actions (Gantt rows, log groups, topology selection) --------------------------------------------

export function TaskRunMenu({ execution, run }: { execution: ExecutionDocument; run: TaskRunDocument }) {
  const queryClient = useQueryClient();
  const [replaying, setReplaying] = useState(false);
  const allowed = availableActions(execution.state.current);
  const change = useMutation({
    mutationFn: (state: StateType) =>
      api<ExecutionDocument>(executionPath(execution, "state"), { method: "POST", json: { taskRunId: run.id, state } }),
    onSuccess: (document) => applyExecutionDocument(queryClient, document),
  });
  const why = allowed.changeTaskRunState ? undefined : "Only an ended or paused execution can have a task run changed";
  return (
    <div className="task-run-menu" data-testid="task-run-menu" data-task-run-id={run.id}>
      <span className="muted">Set state:</span>
      {TASK_RUN_STATES.map((state) => (
        <button
          key={state}
          type="button"
          disabled={!allowed.changeTaskRunState || change.isPending || run.state.current === state}
          title={why}
          onClick={() => change.mutate(state)}
          data-testid={`set-state-${state}`}
        >
          {state}
        </button>
      ))}
      <button
        type="button"
        disabled={!allowed.replay}
        title={allowed.replay ? undefined : "Only an ended execution can be replayed"}
        onClick={() => setReplaying(true)}
        data-testid="replay-from-task-run"
      >
        ⟲ Replay from here
      </button>
      <ErrorBox error={change.error} />
      {replaying && <ReplayDialog execution={execution} fromTaskRun={run.id} onClose={() => setReplaying(false)} />}
    </div>
  );
}
