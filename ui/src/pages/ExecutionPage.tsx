// One execution (Kestra's /ui/executions/{namespace}/{flowId}/{id}/{tab}): a header that follows the execution live,
// its actions, and the tabs Overview, Topology, Gantt, Logs and Outputs.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api, ApiError, type Label } from "../api";
import ErrorBox from "../components/ErrorBox";
import ExecutionActions, { TaskRunMenu } from "../components/ExecutionActions";
import Gantt from "../components/Gantt";
import LogsView from "../components/LogsView";
import OutputsTree from "../components/OutputsTree";
import StateBadge from "../components/StateBadge";
import Topology, { type FlowGraph } from "../components/Topology";
import { durationMs, formatDate, formatDuration } from "../lib/format";
import {
  applyExecutionDocument,
  isTerminal,
  stateByTaskId,
  stateSpan,
  taskRunLabel,
  useExecution,
  useNow,
  type ExecutionDocument,
  type TaskRunDocument,
} from "../lib/executionLive";
import "./execution.css";

export const EXECUTION_TABS = [
  ["overview", "Overview"],
  ["topology", "Topology"],
  ["gantt", "Gantt"],
  ["logs", "Logs"],
  ["outputs", "Outputs"],
] as const;
type TabName = (typeof EXECUTION_TABS)[number][0];

function tabOf(value: string | undefined): TabName {
  return EXECUTION_TABS.some(([name]) => name === value) ? (value as TabName) : "overview";
}

export default function ExecutionPage() {
  const { namespace = "", flowId = "", executionId = "", tab } = useParams();
  const query = useExecution(executionId);
  const execution = query.data;
  const current = tabOf(tab);
  const base = `/executions/${namespace}/${flowId}/${executionId}`;

  if (query.isLoading) return <div className="loading">Loading execution…</div>;
  if (!execution) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div>
        <h1>Execution {executionId}</h1>
        {missing ? (
          <div className="empty" data-testid="execution-missing">
            This execution does not exist (it may have been deleted).{" "}
            <Link to={`/executions/${namespace}/${flowId}`}>Executions of {flowId}</Link>
          </div>
        ) : (
          <ErrorBox error={query.error} />
        )}
      </div>
    );
  }
  const menu = (run: TaskRunDocument) => <TaskRunMenu execution={execution} run={run} />;
  return (
    <div className="execution-page" data-testid="execution-page">
      <ExecutionHeader execution={execution} />
      <ExecutionActions execution={execution} />
      <nav className="tabs" aria-label="Execution tabs">
        {EXECUTION_TABS.map(([name, label]) => (
          <Link
            key={name}
            to={`${base}/${name}`}
            className={name === current ? "active" : undefined}
            aria-current={name === current ? "page" : undefined}
            data-testid={`tab-${name}`}
          >
            {label}
          </Link>
        ))}
      </nav>
      {current === "overview" && <Overview execution={execution} />}
      {current === "topology" && <TopologyTab execution={execution} base={base} menu={menu} />}
      {current === "gantt" && <Gantt execution={execution} taskRunMenu={menu} />}
      {current === "logs" && <LogsTab execution={execution} menu={menu} />}
      {current === "outputs" && <OutputsTree execution={execution} />}
    </div>
  );
}

// -- header ---------------------------------------------------------------------------------------------------------

function ExecutionHeader({ execution }: { execution: ExecutionDocument }) {
  const running = !isTerminal(execution.state.current);
  const now = useNow(running, 250);
  const { start, end } = stateSpan(execution.state);
  const elapsed = start ? (end ? durationMs(start, end) : Math.max(0, now - Date.parse(start))) : null;
  return (
    <header className="execution-header">
      <div className="page-header">
        <h1>
          <span className="muted">Execution</span> <span className="mono" data-testid="execution-id">{execution.id}</span>
        </h1>
        <span data-testid="execution-state" data-state={execution.state.current}>
          <StateBadge state={execution.state.current} />
        </span>
      </div>
      <dl className="execution-facts">
        <Fact name="Flow">
          <Link to={`/flows/edit/${execution.namespace}/${execution.flowId}`} data-testid="execution-flow-link">
            {execution.namespace}.{execution.flowId}
          </Link>{" "}
          <span className="muted">rev {execution.flowRevision}</span>
        </Fact>
        <Fact name="Started">{formatDate(start) || "—"}</Fact>
        <Fact name="Duration">
          <span data-testid="execution-duration">{formatDuration(elapsed) || "—"}</span>
        </Fact>
        <Fact name="Trigger">
          {execution.trigger ? (
            <span title={execution.trigger.type}>
              {execution.trigger.id} <span className="muted">({shortType(execution.trigger.type)})</span>
            </span>
          ) : (
            "manual"
          )}
        </Fact>
        {execution.inputs && Object.keys(execution.inputs).length > 0 && (
          <Fact name="Inputs">
            <span className="inline-values" data-testid="execution-inputs">
              {Object.entries(execution.inputs).map(([key, value]) => (
                <code key={key}>
                  {key}={short(value)}
                </code>
              ))}
            </span>
          </Fact>
        )}
        <Fact name="Labels">
          <LabelsEditor execution={execution} />
        </Fact>
      </dl>
    </header>
  );
}

function Fact({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf(".") + 1);
}

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

// -- labels ---------------------------------------------------------------------------------------------------------

/** Labels without the system ones (the server keeps those whatever is sent). */
export function userLabels(labels: readonly Label[] | undefined): Label[] {
  return (labels ?? []).filter((label) => !label.key.startsWith("system."));
}

/** The labels to send: trimmed, empty rows dropped, a key given twice keeps its last value. */
export function cleanLabels(rows: readonly Label[]): Label[] {
  const byKey = new Map<string, string>();
  for (const row of rows) {
    const key = row.key.trim();
    if (key) byKey.set(key, row.value.trim());
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}

function LabelsEditor({ execution }: { execution: ExecutionDocument }) {
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<Label[] | null>(null);
  const save = useMutation({
    mutationFn: (labels: Label[]) =>
      api<ExecutionDocument>(`/executions/${encodeURIComponent(execution.id)}/actions/labels`, {
        method: "POST",
        json: labels,
      }),
    onSuccess: (document) => {
      applyExecutionDocument(queryClient, document);
      setRows(null);
    },
  });
  const labels = execution.labels ?? [];
  return (
    <span className="labels" data-testid="execution-labels">
      {labels.map((label) => (
        <span
          key={label.key}
          className={`label-chip${label.key.startsWith("system.") ? " system" : ""}`}
          data-testid="execution-label"
        >
          {label.key}:{label.value}
        </span>
      ))}
      <button
        type="button"
        className="link"
        onClick={() => setRows(userLabels(labels).length ? userLabels(labels) : [{ key: "", value: "" }])}
        data-testid="edit-labels"
      >
        Edit labels
      </button>
      {rows && (
        <div className="dialog-backdrop" onClick={() => setRows(null)}>
          <form
            className="dialog"
            role="dialog"
            aria-label="Edit labels"
            data-testid="dialog-labels"
            onClick={(event) => event.stopPropagation()}
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate(cleanLabels(rows));
            }}
          >
            <h2>Labels</h2>
            {rows.map((row, index) => (
              <div className="label-row" key={index}>
                <label>
                  Key
                  <input
                    value={row.key}
                    onChange={(e) => setRows(rows.map((r, i) => (i === index ? { ...r, key: e.target.value } : r)))}
                    data-testid="label-key"
                  />
                </label>
                <label>
                  Value
                  <input
                    value={row.value}
                    onChange={(e) => setRows(rows.map((r, i) => (i === index ? { ...r, value: e.target.value } : r)))}
                    data-testid="label-value"
                  />
                </label>
                <button
                  type="button"
                  aria-label={`Remove label ${row.key}`}
                  onClick={() => setRows(rows.filter((_, i) => i !== index))}
                >
                  ✕
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setRows([...rows, { key: "", value: "" }])} data-testid="add-label">
              + Add a label
            </button>
            <p className="muted">System labels (system.*) are kept as they are.</p>
            <ErrorBox error={save.error} />
            <div className="dialog-actions">
              <button type="button" onClick={() => setRows(null)}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={save.isPending} data-testid="save-labels">
                Save
              </button>
            </div>
          </form>
        </div>
      )}
    </span>
  );
}

// -- overview -------------------------------------------------------------------------------------------------------

function Overview({ execution }: { execution: ExecutionDocument }) {
  const inputs = Object.entries(execution.inputs ?? {});
  const outputs = Object.entries(execution.outputs ?? {});
  return (
    <div className="overview" data-testid="execution-overview">
      <RelatedExecutions execution={execution} />
      <section>
        <h2>Inputs</h2>
        <KeyValues entries={inputs} empty="No inputs." testId="overview-inputs" />
      </section>
      <section>
        <h2>Outputs</h2>
        <KeyValues entries={outputs} empty="No outputs." testId="overview-outputs" />
      </section>
      <section>
        <h2>Labels</h2>
        <KeyValues
          entries={(execution.labels ?? []).map((label) => [label.key, label.value])}
          empty="No labels."
          testId="overview-labels"
        />
      </section>
      <section>
        <h2>Trigger</h2>
        {execution.trigger ? (
          <div data-testid="overview-trigger">
            <p>
              <strong>{execution.trigger.id}</strong> <code>{execution.trigger.type}</code>
            </p>
            {execution.trigger.variables && Object.keys(execution.trigger.variables).length > 0 && (
              <pre>{JSON.stringify(execution.trigger.variables, null, 2)}</pre>
            )}
          </div>
        ) : (
          <p className="muted">Started by hand (no trigger).</p>
        )}
      </section>
      <section>
        <h2>State history</h2>
        <table className="data" data-testid="overview-history">
          <thead>
            <tr>
              <th>State</th>
              <th>Date</th>
            </tr>
          </thead>
          <tbody>
            {(execution.state.histories ?? []).map((entry, index) => (
              <tr key={index}>
                <td>
                  <StateBadge state={entry.state} />
                </td>
                <td>{formatDate(entry.date)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function KeyValues({ entries, empty, testId }: { entries: [string, unknown][]; empty: string; testId: string }) {
  if (!entries.length) return <p className="muted">{empty}</p>;
  return (
    <table className="data" data-testid={testId}>
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className="mono">
              {typeof value === "object" && value !== null ? (
                <pre>{JSON.stringify(value, null, 2)}</pre>
              ) : (
                String(value)
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Links to the parent execution (a subflow's caller) and to the execution this one replays. */
function RelatedExecutions({ execution }: { execution: ExecutionDocument }) {
  const replayOf = execution.originalId && execution.originalId !== execution.id ? execution.originalId : null;
  if (!execution.parentId && !replayOf) return null;
  return (
    <section className="related" data-testid="overview-related">
      {execution.parentId && <ExecutionLink id={execution.parentId} label="Parent execution" testId="parent-link" />}
      {replayOf && <ExecutionLink id={replayOf} label="Replay of" testId="original-link" />}
    </section>
  );
}

function ExecutionLink({ id, label, testId }: { id: string; label: string; testId: string }) {
  // The link needs the other execution's flow: read it (it may have been deleted).
  const other = useQuery({
    queryKey: ["execution", id],
    queryFn: () => api<ExecutionDocument>(`/executions/${encodeURIComponent(id)}`),
    retry: false,
  });
  return (
    <p>
      {label}:{" "}
      {other.data ? (
        <Link to={`/executions/${other.data.namespace}/${other.data.flowId}/${id}`} data-testid={testId}>
          <span className="mono">{id}</span> ({other.data.namespace}.{other.data.flowId})
        </Link>
      ) : (
        <span className="mono">
          {id}
          {other.isError && <span className="muted"> (not found)</span>}
        </span>
      )}
    </p>
  );
}

// -- topology -------------------------------------------------------------------------------------------------------

function TopologyTab({
  execution,
  base,
  menu,
}: {
  execution: ExecutionDocument;
  base: string;
  menu: (run: TaskRunDocument) => ReactNode;
}) {
  const navigate = useNavigate();
  const [selected, setSelected] = useState<string | null>(null);
  const graph = useQuery({
    queryKey: ["execution-graph", execution.id, execution.flowRevision],
    queryFn: () => api<FlowGraph>(`/executions/${encodeURIComponent(execution.id)}/graph`),
    staleTime: Infinity,
  });
  if (graph.isLoading) return <div className="loading">Loading the topology…</div>;
  if (!graph.data) return <ErrorBox error={graph.error} />;
  const runs = (execution.taskRunList ?? []).filter((run) => run.taskId === selected);
  return (
    <div data-testid="execution-topology">
      <Topology graph={graph.data} states={stateByTaskId(execution)} onSelect={setSelected} height={520} />
      {selected && (
        <div className="card topology-selection" data-testid="topology-selection">
          <div className="toolbar">
            <strong>{selected}</strong>
            <button type="button" onClick={() => navigate(`${base}/logs?taskId=${encodeURIComponent(selected)}`)}>
              Show its logs
            </button>
            <button type="button" className="link" aria-label="Close the selection" onClick={() => setSelected(null)}>
              ✕
            </button>
          </div>
          {runs.length === 0 ? (
            <p className="muted">This task has not run in this execution.</p>
          ) : (
            runs.map((run) => (
              <div key={run.id} className="topology-run">
                <span>{taskRunLabel(run)}</span> <StateBadge state={run.state.current} />{" "}
                <span className="muted">{formatDuration(durationMs(stateSpan(run.state).start, stateSpan(run.state).end))}</span>
                {menu(run)}
              </div>
            ))
          )}
        </div>
      )}
    </div>
  );
}

// -- logs -----------------------------------------------------------------------------------------------------------

function LogsTab({ execution, menu }: { execution: ExecutionDocument; menu: (run: TaskRunDocument) => ReactNode }) {
  const [params, setParams] = useSearchParams();
  const taskId = params.get("taskId") ?? undefined;
  return (
    <LogsView
      execution={execution}
      taskId={taskId}
      onClearTask={() => setParams({}, { replace: true })}
      taskRunMenu={menu}
    />
  );
}
