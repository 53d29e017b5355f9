import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { api, qs, type PagedResults } from "../api";
import BackfillDialog, { type TriggerKey } from "../components/BackfillDialog";
import ErrorBox from "../components/ErrorBox";
import NamespaceInput from "../components/NamespaceInput";
import Pagination from "../components/Pagination";
import { formatDate } from "../lib/format";
import { useUrlFilters } from "./LogsPage";
import "./admin.css";

/** What the scheduler remembers of a trigger (Kestra's trigger context). */
export interface TriggerContext extends TriggerKey {
  date: string | null;
  nextExecutionDate: string | null;
  backfill: Backfill | null;
  disabled: boolean;
  locked: boolean;
  workerId: string | null;
  executionId: string | null;
  evaluatedAt: string | null;
  kind: "SCHEDULE" | "POLLING" | "REALTIME" | null;
}

export interface Backfill {
  start: string;
  end: string | null;
  currentDate: string;
  paused: boolean;
}

interface TriggerResult {
  trigger: { id: string; type: string; disabled?: boolean; cron?: string; interval?: string };
  state: TriggerContext;
}

/** The backfill of a trigger in words: where it is, and whether it is paused. */
export function backfillStatus(backfill: Backfill | null): string {
  if (!backfill) return "";
  const end = backfill.end ? formatDate(backfill.end) : "now";
  const progress = `at ${formatDate(backfill.currentDate)} (until ${end})`;
  return backfill.paused ? `Paused ${progress}` : `Running ${progress}`;
}

/** `io.kestra.plugin.core.trigger.Schedule` → `Schedule`. */
export const shortType = (type: string) => type.slice(type.lastIndexOf(".") + 1);

const FILTERS = ["namespace", "flowId", "q"] as const;

function keyOf(state: TriggerContext): TriggerKey {
  return { namespace: state.namespace, flowId: state.flowId, triggerId: state.triggerId };
}

function TriggerRow({
  result,
  onBackfill,
  act,
  busy,
}: {
  result: TriggerResult;
  onBackfill: (key: TriggerKey) => void;
  act: (action: Action, key: TriggerKey) => void;
  busy: boolean;
}) {
  const { trigger, state } = result;
  const key = keyOf(state);
  const disabledInSource = trigger.disabled === true;
  return (
    <tr data-testid="trigger-row" data-trigger={`${state.namespace}.${state.flowId}.${state.triggerId}`}>
      <td>
        <Link to={`/flows/edit/${state.namespace}/${state.flowId}`}>
          <span className="muted">{state.namespace}.</span>
          {state.flowId}
        </Link>
      </td>
      <td className="mono">{state.triggerId}</td>
      <td title={trigger.type}>
        {shortType(trigger.type)}
        {trigger.cron && <div className="muted mono">{trigger.cron}</div>}
      </td>
      <td className="nowrap">{formatDate(state.nextExecutionDate)}</td>
      <td className="nowrap">
        {state.executionId ? (
          <Link to={`/executions/${state.namespace}/${state.flowId}/${state.executionId}`}>
            {formatDate(state.date) || "execution"}
          </Link>
        ) : (
          formatDate(state.date)
        )}
      </td>
      <td data-testid="trigger-status">
        {state.disabled ? <span className="pill off">Disabled</span> : <span className="pill on">Enabled</span>}
        {state.locked && (
          <span className="pill warn" title={state.workerId ? `Held by ${state.workerId}` : undefined}>
            Locked
          </span>
        )}
        {state.evaluatedAt && !state.locked && (
          <span className="pill info" title={`Evaluated at ${formatDate(state.evaluatedAt)}`}>
            Evaluated
          </span>
        )}
      </td>
      <td data-testid="trigger-backfill">{backfillStatus(state.backfill)}</td>
      <td>
        <div className="row-actions">
          <button
            type="button"
            disabled={busy || disabledInSource}
            title={disabledInSource ? "Disabled in the flow's source: edit the flow to enable it" : undefined}
            onClick={() => act(state.disabled ? "enable" : "disable", key)}
            data-testid={state.disabled ? "trigger-enable" : "trigger-disable"}
          >
            {state.disabled ? "Enable" : "Disable"}
          </button>
          {state.locked && (
            <button type="button" disabled={busy} onClick={() => act("unlock", key)} data-testid="trigger-unlock">
              Unlock
            </button>
          )}
          {state.kind === "SCHEDULE" && !state.backfill && (
            <button type="button" disabled={busy} onClick={() => onBackfill(key)} data-testid="trigger-backfill-open">
              Backfill
            </button>
          )}
          {state.backfill && (
            <>
              <button
                type="button"
                disabled={busy}
                onClick={() => act(state.backfill!.paused ? "unpause" : "pause", key)}
                data-testid={state.backfill.paused ? "backfill-unpause" : "backfill-pause"}
              >
                {state.backfill.paused ? "Resume backfill" : "Pause backfill"}
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => act("delete-backfill", key)}
                data-testid="backfill-delete"
              >
                Delete backfill
              </button>
            </>
          )}
        </div>
      </td>
    </tr>
  );
}

type Action = "enable" | "disable" | "unlock" | "pause" | "unpause" | "delete-backfill";

function perform(action: Action, key: TriggerKey): Promise<unknown> {
  switch (action) {
    case "enable":
    case "disable":
      return api("/triggers/set-disabled", { method: "PUT", json: { ...key, disabled: action === "disable" } });
    case "unlock":
      return api(`/triggers/${key.namespace}/${key.flowId}/${key.triggerId}/unlock`, { method: "POST" });
    case "pause":
    case "unpause":
      return api(`/triggers/backfill/${action}`, { method: "PUT", json: key });
    case "delete-backfill":
      return api("/triggers/backfill/delete", { method: "POST", json: key });
  }
}

export default function TriggersPage() {
  const filters = useUrlFilters(FILTERS);
  const { applied, draft, page, size } = filters;
  const queryClient = useQueryClient();
  const [backfillOf, setBackfillOf] = useState<TriggerKey | null>(null);

  const triggers = useQuery({
    queryKey: ["triggers", "search", applied, page, size],
    queryFn: () =>
      api<PagedResults<TriggerResult>>(
        `/triggers/search${qs({
          "filters[namespace][PREFIX]": applied.namespace,
          "filters[flowId][EQUALS]": applied.flowId,
          "filters[q][CONTAINS]": applied.q,
          page,
          size,
          sort: "namespace:asc",
        })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const action = useMutation({
    mutationFn: ({ action, key }: { action: Action; key: TriggerKey }) => perform(action, key),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["triggers"] }),
  });
  const act = (kind: Action, key: TriggerKey) => {
    if (kind === "delete-backfill" && !window.confirm(`Delete the backfill of ${key.flowId} · ${key.triggerId}?`)) return;
    action.mutate({ action: kind, key });
  };

  return (
    <div className="admin-page">
      <div className="page-header">
        <h1>Triggers</h1>
        <button type="button" onClick={() => triggers.refetch()} aria-label="Refresh triggers">
          ↻ Refresh
        </button>
      </div>
      <div className="filters" role="search">
        <label>
          Namespace
          <NamespaceInput
            id="triggers-namespaces"
            value={draft.namespace}
            onChange={(value) => filters.edit("namespace", value)}
            testId="triggers-filter-namespace"
          />
        </label>
        <label>
          Flow
          <input
            value={draft.flowId}
            onChange={(e) => filters.edit("flowId", e.target.value)}
            data-testid="triggers-filter-flow"
          />
        </label>
        <label>
          Search
          <input
            type="search"
            value={draft.q}
            onChange={(e) => filters.edit("q", e.target.value)}
            data-testid="triggers-filter-q"
          />
        </label>
        <button type="button" onClick={filters.clear}>
          Clear
        </button>
      </div>
      <ErrorBox error={triggers.error ?? action.error} />
      {triggers.isPending ? (
        <div className="loading">Loading…</div>
      ) : triggers.data && triggers.data.results.length === 0 ? (
        <div className="empty">No trigger matches: triggers are declared in flows (`triggers:`).</div>
      ) : (
        triggers.data && (
          <>
            <table className="data" data-testid="triggers-table">
              <thead>
                <tr>
                  <th>Flow</th>
                  <th>Trigger</th>
                  <th>Type</th>
                  <th>Next execution</th>
                  <th>Last triggered</th>
                  <th>Status</th>
                  <th>Backfill</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {triggers.data.results.map((result) => (
                  <TriggerRow
                    key={`${result.state.namespace}.${result.state.flowId}.${result.state.triggerId}`}
                    result={result}
                    act={act}
                    busy={action.isPending}
                    onBackfill={setBackfillOf}
                  />
                ))}
              </tbody>
            </table>
            <Pagination page={page} size={size} total={triggers.data.total} onChange={filters.setPage} />
          </>
        )
      )}
      {backfillOf && <BackfillDialog trigger={backfillOf} onClose={() => setBackfillOf(null)} />}
    </div>
  );
}
