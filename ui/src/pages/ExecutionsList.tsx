// The executions list (/ui/executions and /ui/executions/:namespace/:flowId): filters kept in the URL, server-side
// pagination and sort, live refresh while something runs, and bulk kill / restart / replay / delete.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { api, qs, TERMINAL_STATES, type Execution, type PagedResults, type StateType } from "../api";
import ErrorBox from "../components/ErrorBox";
import Pagination from "../components/Pagination";
import StateBadge from "../components/StateBadge";
import { durationMs, formatDate, formatDuration } from "../lib/format";
import "./executions.css";

export const ALL_STATES: StateType[] = [
  "CREATED",
  "QUEUED",
  "RUNNING",
  "PAUSED",
  "RESTARTED",
  "KILLING",
  "SUCCESS",
  "WARNING",
  "FAILED",
  "KILLED",
  "CANCELLED",
  "RETRYING",
  "RETRIED",
  "SKIPPED",
  "BREAKPOINT",
  "SUBMITTED",
  "RESUBMITTED",
];

/** Relative ranges kept as ISO-8601 durations in the URL (`timeRange=PT24H`), so a shared link stays relative. */
export const TIME_RANGES: [string, string, number][] = [
  ["PT1H", "Last hour", 3_600_000],
  ["PT24H", "Last 24 hours", 86_400_000],
  ["P7D", "Last 7 days", 7 * 86_400_000],
  ["P30D", "Last 30 days", 30 * 86_400_000],
];

/** The server sorts by these (duration is not a column it can sort by). */
export const SORTABLE = ["id", "namespace", "flowId", "state", "startDate", "endDate"] as const;
const DEFAULT_SORT = "startDate:desc";
const DEFAULT_SIZE = 25;

export interface ExecutionFilters {
  namespace: string;
  flowId: string;
  states: StateType[];
  timeRange: string;
  /** ISO instants. */
  startAfter: string;
  startBefore: string;
  /** `key:value` */
  labels: string[];
  q: string;
  page: number;
  size: number;
  sort: string;
}

/** The filters of the page: the route's namespace and flow win over the query string. */
export function readFilters(search: URLSearchParams, route: { namespace?: string; flowId?: string } = {}): ExecutionFilters {
  const positive = (value: string | null, fallback: number) => {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return {
    namespace: route.namespace ?? search.get("namespace") ?? "",
    flowId: route.flowId ?? search.get("flowId") ?? "",
    states: search.getAll("state").filter((s): s is StateType => (ALL_STATES as string[]).includes(s)),
    timeRange: search.get("timeRange") ?? "",
    startAfter: search.get("startDate") ?? "",
    startBefore: search.get("endDate") ?? "",
    labels: search.getAll("labels").filter((l) => l.includes(":")),
    q: search.get("q") ?? "",
    page: positive(search.get("page"), 1),
    size: positive(search.get("size"), DEFAULT_SIZE),
    sort: search.get("sort") ?? DEFAULT_SORT,
  };
}

/** The page's query string (defaults left out; the route's namespace and flow are not repeated). */
export function writeFilters(filters: ExecutionFilters, route: { namespace?: string; flowId?: string } = {}): URLSearchParams {
  const search = new URLSearchParams();
  const set = (key: string, value: string | number, fallback: string | number = "") => {
    if (value !== "" && value !== fallback) search.set(key, String(value));
  };
  if (!route.namespace) set("namespace", filters.namespace);
  if (!route.flowId) set("flowId", filters.flowId);
  for (const state of filters.states) search.append("state", state);
  set("timeRange", filters.timeRange);
  set("startDate", filters.startAfter);
  set("endDate", filters.startBefore);
  for (const label of filters.labels) search.append("labels", label);
  set("q", filters.q);
  set("page", filters.page, 1);
  set("size", filters.size, DEFAULT_SIZE);
  set("sort", filters.sort, DEFAULT_SORT);
  return search;
}

/** `GET /executions/search` parameters, in Kestra's `filters[field][OPERATION]` form. */
export function searchParams(filters: ExecutionFilters, now = Date.now()): Record<string, unknown> {
  const params: Record<string, unknown> = { page: filters.page, size: filters.size, sort: filters.sort };
  // With a flow, the namespace is the flow's own; without one, child namespaces are included.
  if (filters.namespace) params[`filters[namespace][${filters.flowId ? "EQUALS" : "PREFIX"}]`] = filters.namespace;
  if (filters.flowId) params["filters[flowId][EQUALS]"] = filters.flowId;
  if (filters.states.length) params["filters[state][IN]"] = filters.states.join(",");
  const range = TIME_RANGES.find(([code]) => code === filters.timeRange);
  const after = range ? new Date(now - range[2]).toISOString() : filters.startAfter;
  if (after) params["filters[startDate][GREATER_THAN_OR_EQUAL_TO]"] = after;
  if (filters.startBefore && !range) params["filters[startDate][LESS_THAN_OR_EQUAL_TO]"] = filters.startBefore;
  for (const label of filters.labels) {
    const at = label.indexOf(":");
    params[`filters[labels][EQUALS][${label.slice(0, at)}]`] = label.slice(at + 1);
  }
  if (filters.q) params["filters[q][EQUALS]"] = filters.q;
  return params;
}

/** `team:data, env:prod` → `["team:data", "env:prod"]` (entries without a colon are not labels). */
export function parseLabels(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.indexOf(":") > 0);
}

/** Refresh quickly while something shown can still change. */
export function hasLiveExecution(executions: Execution[] | undefined): boolean {
  return (executions ?? []).some((e) => !TERMINAL_STATES.includes(e.state.current));
}

/** Clicking a header: a new column sorts descending first, the same column flips. */
export function nextSort(current: string, field: string): string {
  const [name, direction] = current.split(":");
  if (name !== field) return `${field}:desc`;
  return `${field}:${direction === "desc" ? "asc" : "desc"}`;
}

// The dialog (and the YAML library it uses) loads only when someone executes from here.
const ExecuteDialog = lazy(() => import("../components/ExecuteDialog"));

const LIVE_INTERVAL = 2_000;
const IDLE_INTERVAL = 10_000;

export default function ExecutionsList() {
  const route = useParams<{ namespace?: string; flowId?: string }>();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(
    () => readFilters(search, { namespace: route.namespace, flowId: route.flowId }),
    [search, route.namespace, route.flowId],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [executing, setExecuting] = useState(false);

  const update = (changes: Partial<ExecutionFilters>) => {
    // Any change of filter or size goes back to the first page.
    const next = { ...filters, page: 1, ...changes };
    setSearch(writeFilters(next, route), { replace: changes.page === undefined });
  };

  const query = useQuery({
    queryKey: ["executions", "search", searchParams({ ...filters, timeRange: "" }), filters.timeRange],
    queryFn: () => api<PagedResults<Execution>>("/executions/search" + qs(searchParams(filters))),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (hasLiveExecution(q.state.data?.results) ? LIVE_INTERVAL : IDLE_INTERVAL),
  });
  const results = useMemo(() => query.data?.results ?? [], [query.data]);

  // A selection only makes sense on the rows shown.
  useEffect(() => {
    setSelected((current) => {
      const shown = new Set(results.map((e) => e.id));
      const kept = [...current].filter((id) => shown.has(id));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [results]);

  const scoped = Boolean(route.namespace && route.flowId);
  return (
    <div className="executions-page">
      <div className="page-header">
        <h1>
          Executions
          {scoped && (
            <span className="muted">
              {" "}
              · <Link to={`/flows/edit/${route.namespace}/${route.flowId}`}>{route.namespace}.{route.flowId}</Link>
            </span>
          )}
        </h1>
        <button type="button" onClick={() => query.refetch()} aria-label="Refresh" data-testid="executions-refresh">
          ⟳ Refresh
        </button>
        {scoped && (
          <button type="button" className="primary" data-testid="execute-button" onClick={() => setExecuting(true)}>
            ▶ Execute
          </button>
        )}
      </div>
      <FilterBar filters={filters} scoped={scoped} onChange={update} />
      <BulkActions ids={[...selected]} onDone={() => setSelected(new Set())} />
      <ErrorBox error={query.error} />
      {query.isPending ? (
        <div className="loading">Loading executions…</div>
      ) : results.length === 0 ? (
        <div className="empty" data-testid="executions-empty">
          No execution matches these filters.
        </div>
      ) : (
        <ExecutionsTable
          executions={results}
          scoped={scoped}
          sort={filters.sort}
          onSort={(field) => update({ sort: nextSort(filters.sort, field) })}
          selected={selected}
          onSelect={setSelected}
          onLabel={(label) => !filters.labels.includes(label) && update({ labels: [...filters.labels, label] })}
        />
      )}
      {query.data && (
        <Pagination
          page={filters.page}
          size={filters.size}
          total={query.data.total}
          onChange={(page, size) => update({ page, size })}
        />
      )}
      {executing && route.namespace && route.flowId && (
        <Suspense fallback={null}>
          <ExecuteDialog namespace={route.namespace} flowId={route.flowId} onClose={() => setExecuting(false)} />
        </Suspense>
      )}
    </div>
  );
}

/** A text filter applied once typing pauses (not at every key). */
function TextFilter({
  label,
  value,
  onCommit,
  placeholder,
  testId,
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  placeholder?: string;
  testId: string;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onCommit(text), 400);
    return () => clearTimeout(timer);
    // onCommit changes at each render of the page; the text is what matters.
  }, [text]);
  return (
    <label>
      <span>{label}</span>
      <input
        type="search"
        value={text}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && onCommit(text)}
      />
    </label>
  );
}

/** datetime-local (the browser's zone) ↔ the ISO instant kept in the URL. */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return "";
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

function fromLocalInput(local: string): string {
  const date = new Date(local);
  return local && !Number.isNaN(date.getTime()) ? date.toISOString() : "";
}

function FilterBar({
  filters,
  scoped,
  onChange,
}: {
  filters: ExecutionFilters;
  scoped: boolean;
  onChange: (changes: Partial<ExecutionFilters>) => void;
}) {
  const toggleState = (state: StateType, on: boolean) =>
    onChange({ states: on ? [...filters.states, state] : filters.states.filter((s) => s !== state) });
  const anyFilter =
    filters.states.length > 0 ||
    filters.labels.length > 0 ||
    Boolean(filters.q || filters.timeRange || filters.startAfter || filters.startBefore) ||
    (!scoped && Boolean(filters.namespace || filters.flowId));
  return (
    <div className="filters executions-filters" data-testid="executions-filters">
      <TextFilter label="Search" value={filters.q} placeholder="id, flow, namespace, label…" testId="filter-q" onCommit={(q) => onChange({ q })} />
      {!scoped && (
        <>
          <TextFilter label="Namespace" value={filters.namespace} testId="filter-namespace" onCommit={(namespace) => onChange({ namespace })} />
          <TextFilter label="Flow" value={filters.flowId} testId="filter-flow" onCommit={(flowId) => onChange({ flowId })} />
        </>
      )}
      <details className="state-filter" data-testid="filter-state">
        <summary>
          State{filters.states.length ? `: ${filters.states.join(", ")}` : ": any"}
        </summary>
        <div className="state-filter-menu">
          {ALL_STATES.map((state) => (
            <label className="inline" key={state}>
              <input
                type="checkbox"
                checked={filters.states.includes(state)}
                onChange={(e) => toggleState(state, e.target.checked)}
              />
              <StateBadge state={state} />
            </label>
          ))}
        </div>
      </details>
      <label>
        <span>Time range</span>
        <select
          value={filters.timeRange}
          data-testid="filter-time-range"
          onChange={(e) => onChange({ timeRange: e.target.value, startAfter: "", startBefore: "" })}
        >
          <option value="">Any time / custom</option>
          {TIME_RANGES.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Started after</span>
        <input
          type="datetime-local"
          step={1}
          data-testid="filter-start-after"
          value={toLocalInput(filters.startAfter)}
          onChange={(e) => onChange({ startAfter: fromLocalInput(e.target.value), timeRange: "" })}
        />
      </label>
      <label>
        <span>Started before</span>
        <input
          type="datetime-local"
          step={1}
          data-testid="filter-start-before"
          value={toLocalInput(filters.startBefore)}
          onChange={(e) => onChange({ startBefore: fromLocalInput(e.target.value), timeRange: "" })}
        />
      </label>
      <TextFilter
        label="Labels"
        value={filters.labels.join(", ")}
        placeholder="key:value, …"
        testId="filter-labels"
        onCommit={(text) => onChange({ labels: parseLabels(text) })}
      />
      {anyFilter && (
        <button
          type="button"
          className="link"
          data-testid="filter-clear"
          onClick={() =>
            onChange({
              states: [],
              labels: [],
              q: "",
              timeRange: "",
              startAfter: "",
              startBefore: "",
              ...(scoped ? {} : { namespace: "", flowId: "" }),
            })
          }
        >
          Clear filters
        </button>
      )}
    </div>
  );
}

const COLUMNS: { field?: (typeof SORTABLE)[number]; title: string; flowColumn?: boolean }[] = [
  { field: "id", title: "Id" },
  { field: "flowId", title: "Flow", flowColumn: true },
  { field: "namespace", title: "Namespace", flowColumn: true },
  { field: "state", title: "State" },
  { field: "startDate", title: "Start" },
  { field: "endDate", title: "End" },
  { title: "Duration" },
  { title: "Labels" },
  { title: "Trigger" },
];

function ExecutionsTable({
  executions,
  scoped,
  sort,
  onSort,
  selected,
  onSelect,
  onLabel,
}: {
  executions: Execution[];
  scoped: boolean;
  sort: string;
  onSort: (field: string) => void;
  selected: Set<string>;
  onSelect: (ids: Set<string>) => void;
  onLabel: (label: string) => void;
}) {
  const [sortField, sortDirection] = sort.split(":");
  const allSelected = executions.every((e) => selected.has(e.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelect(next);
  };
  return (
    <table className="data executions-table" data-testid="executions-table">
      <thead>
        <tr>
          <th className="select-cell">
            <input
              type="checkbox"
              aria-label="Select all executions on this page"
              data-testid="select-all"
              checked={allSelected}
              onChange={(e) => onSelect(e.target.checked ? new Set(executions.map((x) => x.id)) : new Set())}
            />
          </th>
          {COLUMNS.filter((c) => !(scoped && c.flowColumn)).map((column) => {
            const active = column.field === sortField;
            return (
              <th
                key={column.title}
                aria-sort={active ? (sortDirection === "asc" ? "ascending" : "descending") : undefined}
              >
                {column.field ? (
                  <button type="button" className="sort-button" onClick={() => onSort(column.field!)} data-testid={`sort-${column.field}`}>
                    {column.title}
                    {active && <span aria-hidden="true">{sortDirection === "asc" ? " ▲" : " ▼"}</span>}
                  </button>
                ) : (
                  column.title
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {executions.map((execution) => (
          <ExecutionRow
            key={execution.id}
            execution={execution}
            scoped={scoped}
            checked={selected.has(execution.id)}
            onCheck={(on) => toggle(execution.id, on)}
            onLabel={onLabel}
          />
        ))}
      </tbody>
    </table>
  );
}

function ExecutionRow({
  execution,
  scoped,
  checked,
  onCheck,
  onLabel,
}: {
  execution: Execution;
  scoped: boolean;
  checked: boolean;
  onCheck: (on: boolean) => void;
  onLabel: (label: string) => void;
}) {
  const { state } = execution;
  const labels = (execution.labels ?? []).filter((l) => !l.key.startsWith("system."));
  const trigger = execution.trigger;
  return (
    <tr data-testid="execution-row" data-execution-id={execution.id} className={checked ? "selected" : undefined}>
      <td className="select-cell">
        <input
          type="checkbox"
          aria-label={`Select execution ${execution.id}`}
          data-testid="execution-select"
          checked={checked}
          onChange={(e) => onCheck(e.target.checked)}
        />
      </td>
      <td>
        <Link
          className="mono"
          to={`/executions/${execution.namespace}/${execution.flowId}/${execution.id}`}
          title={execution.id}
          data-testid="execution-link"
        >
          {execution.id.slice(0, 8)}
        </Link>
      </td>
      {!scoped && (
        <>
          <td>
            <Link to={`/flows/edit/${execution.namespace}/${execution.flowId}`}>{execution.flowId}</Link>
          </td>
          <td>
            <Link to={`/namespaces/${execution.namespace}`}>{execution.namespace}</Link>
          </td>
        </>
      )}
      <td data-testid="execution-state" data-state={state.current}>
        <StateBadge state={state.current} />
      </td>
      <td title={state.startDate}>{formatDate(state.startDate)}</td>
      <td title={state.endDate ?? undefined}>{formatDate(state.endDate)}</td>
      <td>{formatDuration(durationMs(state.startDate, state.endDate))}</td>
      <td className="labels-cell">
        {labels.map((label) => (
          <button
            type="button"
            key={label.key}
            className="label-chip"
            title="Filter by this label"
            onClick={() => onLabel(`${label.key}:${label.value}`)}
          >
            {label.key}:{label.value}
          </button>
        ))}
      </td>
      <td title={trigger?.type}>{trigger ? `${trigger.id} (${trigger.type.split(".").pop()})` : <span className="muted">manual</span>}</td>
    </tr>
  );
}

type BulkAction = "kill" | "restart" | "replay" | "delete";

const BULK: Record<BulkAction, { label: string; done: string; method: string; path: string; danger?: boolean }> = {
  kill: { label: "Kill", done: "Killed", method: "DELETE", path: "/executions/kill/by-ids", danger: true },
  restart: { label: "Restart", done: "Restarted", method: "POST", path: "/executions/restart/by-ids" },
  replay: { label: "Replay", done: "Replayed", method: "POST", path: "/executions/replay/by-ids" },
  delete: { label: "Delete", done: "Deleted", method: "DELETE", path: "/executions/by-ids", danger: true },
};

const BULK_NOTES: Record<BulkAction, string> = {
  kill: "Running executions are stopped; executions already ended are left as they are.",
  restart: "Failed or killed executions start again from the tasks that did not succeed.",
  replay: "Each execution is replayed as a new execution of the same flow revision.",
  delete: "The executions, their logs, metrics and files are deleted. Executions still running are skipped.",
};

function BulkActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<BulkAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (action: BulkAction) =>
      api<{ count: number }>(BULK[action].path, { method: BULK[action].method, json: ids }).then((r) => ({
        action,
        count: r?.count ?? 0,
        asked: ids.length,
      })),
    onSuccess: ({ action, count, asked }) => {
      const skipped = asked - count;
      setNotice(
        `${BULK[action].done} ${count} execution${count === 1 ? "" : "s"}` +
          (skipped ? ` (${skipped} skipped: their state does not allow it)` : "") +
          ".",
      );
      setConfirming(null);
      onDone();
      queryClient.invalidateQueries({ queryKey: ["executions"] });
    },
  });
  return (
    <>
      {ids.length > 0 && (
        <div className="toolbar bulk-actions" data-testid="bulk-actions">
          <span>
            {ids.length} selected
          </span>
          {(Object.keys(BULK) as BulkAction[]).map((action) => (
            <button
              type="button"
              key={action}
              className={BULK[action].danger ? "danger" : undefined}
              data-testid={`bulk-${action}`}
              onClick={() => {
                run.reset();
                setConfirming(action);
              }}
            >
              {BULK[action].label}
            </button>
          ))}
        </div>
      )}
      {notice && (
        <div className="bulk-notice" role="status" data-testid="bulk-notice">
          {notice}
          <button type="button" className="link" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ✕
          </button>
        </div>
      )}
      {confirming && (
        <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setConfirming(null)}>
          <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="bulk-title" data-testid="confirm-dialog">
            <h2 id="bulk-title">
              {BULK[confirming].label} {ids.length} execution{ids.length === 1 ? "" : "s"}?
            </h2>
            <p className="muted">{BULK_NOTES[confirming]}</p>
            <ErrorBox error={run.error} />
            <div className="dialog-actions">
              <button type="button" onClick={() => setConfirming(null)}>
                Cancel
              </button>
              <button
                type="button"
                className={BULK[confirming].danger ? "danger" : "primary"}
                data-testid="confirm-bulk"
                disabled={run.isPending}
                onClick={() => run.mutate(confirming)}
              >
                {BULK[confirming].label}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
