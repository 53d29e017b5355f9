import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { api, qs, type Execution, type Flow, type Label, type PagedResults } from "../api";
import ErrorBox from "../components/ErrorBox";
import ExecuteDialog from "../components/ExecuteDialog";
import NamespaceTree from "../components/NamespaceTree";
import Pagination from "../components/Pagination";
import StateBadge from "../components/StateBadge";
import { formatDate } from "../lib/format";
import "./flows.css";

// -- helpers (exported for tests) ---------------------------------------------------------------------------------

/** A flow's labels as a list, whether the server sent Kestra's list of {key, value} or a map. */
export function labelList(labels: Flow["labels"]): Label[] {
  if (!labels) return [];
  if (Array.isArray(labels)) return labels;
  return Object.entries(labels).map(([key, value]) => ({
    key,
    value: String(value),
  }));
}

/** `team:data, env:prod` (commas or spaces between) → ["team:data", "env:prod"]; entries without `:` are dropped. */
export function parseLabelFilter(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => /^[^:]+:.+$/.test(part));
}

export type SortField = "id" | "namespace" | "updated";

/** The next sort when a column header is clicked: ascending, then descending, then back to the default. */
export function nextSort(current: string | null, field: SortField): string | null {
  if (current === `${field}:asc`) return `${field}:desc`;
  if (current === `${field}:desc`) return null;
  return `${field}:asc`;
}

const flowKey = (flow: { namespace: string; id: string }) => `${flow.namespace}\u0000${flow.id}`;

// -- the page -------------------------------------------------------------------------------------------------------

type BulkAction = "enable" | "disable" | "delete";

export default function FlowsList() {
  const [params, setParams] = useSearchParams();
  const page = Number(params.get("page") ?? 1) || 1;
  const size = Number(params.get("size") ?? 25) || 25;
  const q = params.get("q") ?? "";
  const namespace = params.get("namespace");
  const labels = params.getAll("labels");
  const sort = params.get("sort");

  const [search, setSearch] = useState(q);
  const [labelText, setLabelText] = useState(labels.join(", "));
  const [selection, setSelection] = useState<Map<string, { namespace: string; id: string }>>(new Map());
  const [confirm, setConfirm] = useState<{
    action: BulkAction;
    flows: { namespace: string; id: string }[];
  } | null>(null);
  const [executing, setExecuting] = useState<{
    namespace: string;
    id: string;
  } | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const update = (changes: Record<string, string | string[] | null>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      next.delete(key);
      for (const item of value === null ? [] : Array.isArray(value) ? value : [value]) if (item) next.append(key, item);
    }
    if (resetPage) next.delete("page");
    setParams(next, { replace: true });
  };

  // The search box filters as the user types (debounced: one request per pause, not per key).
  useEffect(() => {
    const timer = setTimeout(() => search !== q && update({ q: search || null }), 300);
    return () => clearTimeout(timer);
  }, [search]);

  const flows = useQuery({
    queryKey: ["flows", "search", { page, size, q, namespace, labels, sort }],
    queryFn: () =>
      api<PagedResults<Flow>>(
        "/flows/search" +
          qs({
            page,
            size,
            q,
            namespace,
            labels,
            sort: sort ?? ["namespace:asc", "id:asc"],
          }),
      ),
    placeholderData: keepPreviousData,
  });

  const bulk = useMutation({
    mutationFn: async ({
      action,
      flows: targets,
    }: {
      action: BulkAction;
      flows: { namespace: string; id: string }[];
    }) => {
      const body = targets.map(({ namespace: ns, id }) => ({
        namespace: ns,
        id,
      }));
      const path = action === "delete" ? "/flows/delete/by-ids" : `/flows/${action}/by-ids`;
      return api<{ count: number }>(path, {
        method: action === "delete" ? "DELETE" : "POST",
        json: body,
      });
    },
    onSuccess: (_, { action }) => {
      setConfirm(null);
      if (action === "delete") setSelection(new Map());
      queryClient.invalidateQueries({ queryKey: ["flows"] });
    },
  });

  const results = flows.data?.results ?? [];
  const allSelected = results.length > 0 && results.every((flow) => selection.has(flowKey(flow)));
  const toggle = (flow: Flow) =>
    setSelection((current) => {
      const next = new Map(current);
      if (next.has(flowKey(flow))) next.delete(flowKey(flow));
      else next.set(flowKey(flow), { namespace: flow.namespace, id: flow.id });
      return next;
    });
  const toggleAll = () =>
    setSelection((current) => {
      const next = new Map(current);
      for (const flow of results) {
        if (allSelected) next.delete(flowKey(flow));
        else next.set(flowKey(flow), { namespace: flow.namespace, id: flow.id });
      }
      return next;
    });
  const selected = [...selection.values()];

  const sortHeader = (field: SortField, label: string) => {
    const direction = sort === `${field}:asc` ? "ascending" : sort === `${field}:desc` ? "descending" : undefined;
    return (
      <th aria-sort={direction ?? "none"}>
        <button type="button" className="link sort" onClick={() => update({ sort: nextSort(sort, field) })}>
          {label} {direction === "ascending" ? "▲" : direction === "descending" ? "▼" : ""}
        </button>
      </th>
    );
  };

  return (
    <div className="flows-page">
      <div className="page-header">
        <h1>Flows</h1>
        <button
          type="button"
          className="primary"
          data-testid="create-flow"
          onClick={() => navigate(namespace ? `/flows/new?namespace=${encodeURIComponent(namespace)}` : "/flows/new")}
        >
          Create
        </button>
      </div>
      <div className="flows-layout">
        <aside className="flows-sidebar card">
          <NamespaceTree selected={namespace} onSelect={(ns) => update({ namespace: ns })} />
        </aside>
        <section className="flows-main">
          <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
            <label className="inline">
              <span className="visually-hidden">Search</span>
              <input
                type="search"
                placeholder="Search flows by id or namespace"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                data-testid="flows-search"
              />
            </label>
            <label className="inline">
              <span className="visually-hidden">Labels</span>
              <input
                placeholder="Labels: key:value, …"
                value={labelText}
                onChange={(e) => setLabelText(e.target.value)}
                onBlur={() => update({ labels: parseLabelFilter(labelText) })}
                onKeyDown={(e) => e.key === "Enter" && update({ labels: parseLabelFilter(labelText) })}
                data-testid="flows-labels"
              />
            </label>
            {(q || namespace || labels.length > 0) && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setSearch("");
                  setLabelText("");
                  update({ q: null, namespace: null, labels: null });
                }}
              >
                Clear filters
              </button>
            )}
          </form>

          {selected.length > 0 && (
            <div className="toolbar bulk-bar" data-testid="flows-bulk-bar">
              <span>{selected.length} selected</span>
              <button
                type="button"
                onClick={() => setConfirm({ action: "enable", flows: selected })}
                data-testid="bulk-enable"
              >
                Enable
              </button>
              <button
                type="button"
                onClick={() => setConfirm({ action: "disable", flows: selected })}
                data-testid="bulk-disable"
              >
                Disable
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => setConfirm({ action: "delete", flows: selected })}
                data-testid="bulk-delete"
              >
                Delete
              </button>
              <button type="button" className="link" onClick={() => setSelection(new Map())}>
                Clear selection
              </button>
            </div>
          )}

          <ErrorBox error={flows.error} />
          <ErrorBox error={bulk.error} />
          <div className="flows-table-scroll">
            <table className="data flows-table" data-testid="flows-table">
              <thead>
                <tr>
                  <th className="select">
                    <input
                      type="checkbox"
                      aria-label="Select all flows on this page"
                      checked={allSelected}
                      onChange={toggleAll}
                    />
                  </th>
                  {sortHeader("id", "Id")}
                  {sortHeader("namespace", "Namespace")}
                  <th>Labels</th>
                  <th>Last executions</th>
                  {sortHeader("updated", "Updated")}
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {results.map((flow) => (
                  <tr
                    key={flowKey(flow)}
                    data-testid="flow-row"
                    data-flow-id={flow.id}
                    data-namespace={flow.namespace}
                    className={flow.disabled ? "disabled" : undefined}
                  >
                    <td className="select">
                      <input
                        type="checkbox"
                        aria-label={`Select ${flow.namespace}.${flow.id}`}
                        checked={selection.has(flowKey(flow))}
                        onChange={() => toggle(flow)}
                      />
                    </td>
                    <td>
                      <Link
                        to={`/flows/edit/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}`}
                        data-testid="flow-link"
                      >
                        {flow.id}
                      </Link>
                      {flow.disabled && (
                        <span className="tag muted" data-testid="flow-disabled">
                          disabled
                        </span>
                      )}
                      {flow.description && (
                        <div className="muted flow-description">{flow.description.split("\n")[0]}</div>
                      )}
                    </td>
                    <td>
                      <button type="button" className="link" onClick={() => update({ namespace: flow.namespace })}>
                        {flow.namespace}
                      </button>
                    </td>
                    <td>
                      <Labels
                        labels={labelList(flow.labels)}
                        onPick={(label) => update({ labels: [...new Set([...labels, label])] })}
                      />
                    </td>
                    <td>
                      <LastExecutions namespace={flow.namespace} flowId={flow.id} />
                    </td>
                    <td className="updated">{formatDate((flow as Flow & { updated?: string }).updated)}</td>
                    <td className="actions nowrap">
                      <button
                        type="button"
                        onClick={() =>
                          setExecuting({
                            namespace: flow.namespace,
                            id: flow.id,
                          })
                        }
                        disabled={flow.disabled}
                        title={flow.disabled ? "A disabled flow cannot be executed" : undefined}
                        data-testid="flow-execute"
                      >
                        Execute
                      </button>
                      <button
                        type="button"
                        onClick={() =>
                          bulk.mutate({
                            action: flow.disabled ? "enable" : "disable",
                            flows: [flow],
                          })
                        }
                        data-testid={flow.disabled ? "flow-enable" : "flow-disable"}
                      >
                        {flow.disabled ? "Enable" : "Disable"}
                      </button>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Delete ${flow.namespace}.${flow.id}`}
                        onClick={() => setConfirm({ action: "delete", flows: [flow] })}
                        data-testid="flow-delete"
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {flows.isLoading && <div className="loading">Loading flows…</div>}
          {!flows.isLoading && results.length === 0 && !flows.error && (
            <div className="empty" data-testid="flows-empty">
              {q || namespace || labels.length
                ? "No flow matches these filters."
                : "No flow yet: create the first one."}
            </div>
          )}
          <Pagination
            page={page}
            size={size}
            total={flows.data?.total ?? 0}
            onChange={(nextPage, nextSize) => update({ page: String(nextPage), size: String(nextSize) }, false)}
          />
        </section>
      </div>

      {confirm && (
        <ConfirmDialog
          title={`${confirm.action[0].toUpperCase()}${confirm.action.slice(1)} ${confirm.flows.length === 1 ? "flow" : `${confirm.flows.length} flows`}?`}
          confirmLabel={confirm.action === "delete" ? "Delete" : confirm.action === "enable" ? "Enable" : "Disable"}
          danger={confirm.action === "delete"}
          pending={bulk.isPending}
          error={bulk.error}
          onCancel={() => {
            bulk.reset();
            setConfirm(null);
          }}
          onConfirm={() => bulk.mutate(confirm)}
        >
          <ul className="confirm-list">
            {confirm.flows.slice(0, 10).map((flow) => (
              <li key={flowKey(flow)} className="mono">
                {flow.namespace}.{flow.id}
              </li>
            ))}
            {confirm.flows.length > 10 && <li className="muted">… and {confirm.flows.length - 10} more</li>}
          </ul>
          {confirm.action === "delete" && <p>Their triggers stop; past executions and revisions are kept.</p>}
          {confirm.action === "disable" && <p>Their triggers stop firing and they cannot be executed.</p>}
        </ConfirmDialog>
      )}
      {executing && (
        <ExecuteDialog namespace={executing.namespace} flowId={executing.id} onClose={() => setExecuting(null)} />
      )}
    </div>
  );
}

function Labels({ labels, onPick }: { labels: Label[]; onPick: (label: string) => void }) {
  if (labels.length === 0) return null;
  return (
    <div className="labels">
      {labels.map((label) => (
        <button
          type="button"
          key={`${label.key}:${label.value}`}
          className="label-chip"
          title="Filter by this label"
          onClick={() => onPick(`${label.key}:${label.value}`)}
        >
          {label.key}:{label.value}
        </button>
      ))}
    </div>
  );
}

/** The flow's last few executions, newest first, as small state badges linking to them. */
export function LastExecutions({
  namespace,
  flowId,
  count = 5,
}: {
  namespace: string;
  flowId: string;
  count?: number;
}) {
  const executions = useQuery({
    queryKey: ["executions", "search", { namespace, flowId, size: count }],
    queryFn: () => api<PagedResults<Execution>>("/executions/search" + qs({ namespace, flowId, size: count, page: 1 })),
    staleTime: 10_000,
  });
  // The namespace filter includes child namespaces: keep this flow's own executions.
  const own = (executions.data?.results ?? []).filter((e) => e.namespace === namespace && e.flowId === flowId);
  if (executions.error) return <span className="muted">—</span>;
  if (executions.isLoading) return <span className="muted">…</span>;
  if (own.length === 0) return <span className="muted">never executed</span>;
  return (
    <div className="last-executions" data-testid="flow-last-executions">
      {own.map((execution) => (
        <Link
          key={execution.id}
          to={`/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}/${execution.id}`}
          title={`${execution.id} · ${formatDate(execution.state.startDate)}`}
        >
          <StateBadge state={execution.state.current} />
        </Link>
      ))}
    </div>
  );
}

/** A confirmation for actions that change or remove flows. */
export function ConfirmDialog({
  title,
  confirmLabel,
  danger,
  pending,
  error,
  onCancel,
  onConfirm,
  children,
}: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  pending?: boolean;
  error?: unknown;
  onCancel: () => void;
  onConfirm: () => void;
  children?: ReactNode;
}) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onCancel();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="confirm-dialog">
        <h2>{title}</h2>
        {children}
        <ErrorBox error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? "danger" : "primary"}
            disabled={pending}
            onClick={onConfirm}
            data-testid="confirm-ok"
            autoFocus
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
