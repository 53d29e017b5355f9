import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, qs, type LogEntry, type PagedResults } from "../api";
import ErrorBox from "../components/ErrorBox";
import NamespaceInput from "../components/NamespaceInput";
import Pagination from "../components/Pagination";
import { formatDate } from "../lib/format";
import "./admin.css";

export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"] as const;

/** `2024-01-31T12:00` (what a datetime-local input shows, in local time) from an ISO date; "" for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** An ISO date (UTC) from a datetime-local value, read in local time; "" for an empty or invalid value. */
export function fromLocalInput(value: string): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

/**
 * Filters kept in the URL's query string (shareable, survive reloads). Text fields are edited in a draft that
 * reaches the URL after a short pause in typing, so each key press does not start a search. Changing a filter goes
 * back to page 1.
 */
export function useUrlFilters<K extends string>(names: readonly K[], delayMs = 350) {
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(names.map((name) => [name, params.get(name) ?? ""])) as Record<K, string>;
  const [draft, setDraft] = useState(applied);
  const appliedKey = names.map((name) => applied[name]).join("\u0000");

  // The URL changed from outside (back button, a link): show what it says.
  useEffect(() => setDraft(applied), [appliedKey]);

  useEffect(() => {
    if (names.every((name) => draft[name] === applied[name])) return;
    const timer = setTimeout(() => apply(draft), delayMs);
    return () => clearTimeout(timer);
  });

  function apply(values: Partial<Record<K, string>>) {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(values) as [K, string][]) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        next.delete("page");
        return next;
      },
      { replace: true },
    );
  }

  const page = Number(params.get("page")) || 1;
  const size = Number(params.get("size")) || 25;
  const setPage = (nextPage: number, nextSize: number) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.set("page", String(nextPage));
      next.set("size", String(nextSize));
      return next;
    });
  return {
    applied,
    draft,
    /** Edit a text field (reaches the URL after the pause). */
    edit: (name: K, value: string) => setDraft((current) => ({ ...current, [name]: value })),
    /** Apply a value now (selects, dates). */
    set: (name: K, value: string) => {
      // The whole draft goes with it: text typed in another field is not lost.
      const next = { ...draft, [name]: value };
      setDraft(next);
      apply(next);
    },
    clear: () => {
      const empty = Object.fromEntries(names.map((name) => [name, ""])) as Record<K, string>;
      setDraft(empty);
      apply(empty);
    },
    page,
    size,
    setPage,
  };
}

const FILTERS = ["namespace", "flowId", "minLevel", "q", "startDate", "endDate"] as const;

function executionLink(entry: LogEntry): string | null {
  return entry.executionId ? `/executions/${entry.namespace}/${entry.flowId}/${entry.executionId}/logs` : null;
}

export default function LogsPage() {
  const filters = useUrlFilters(FILTERS);
  const { applied, draft, page, size } = filters;
  const logs = useQuery({
    queryKey: ["logs", "search", applied, page, size],
    queryFn: () =>
      api<PagedResults<LogEntry>>(`/logs/search${qs({ ...applied, page, size, sort: "timestamp:desc" })}`),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="admin-page">
      <div className="page-header">
        <h1>Logs</h1>
      </div>
      <div className="filters" role="search">
        <label>
          Namespace
          <NamespaceInput
            id="logs-namespaces"
            value={draft.namespace}
            onChange={(value) => filters.edit("namespace", value)}
            testId="logs-filter-namespace"
          />
        </label>
        <label>
          Flow
          <input
            value={draft.flowId}
            onChange={(e) => filters.edit("flowId", e.target.value)}
            data-testid="logs-filter-flow"
          />
        </label>
        <label>
          Minimum level
          <select
            value={draft.minLevel}
            onChange={(e) => filters.set("minLevel", e.target.value)}
            data-testid="logs-filter-level"
          >
            <option value="">Any</option>
            {LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level}
              </option>
            ))}
          </select>
        </label>
        <label>
          Message contains
          <input
            type="search"
            value={draft.q}
            onChange={(e) => filters.edit("q", e.target.value)}
            data-testid="logs-filter-q"
          />
        </label>
        <label>
          From
          <input
            type="datetime-local"
            value={toLocalInput(draft.startDate)}
            onChange={(e) => filters.set("startDate", fromLocalInput(e.target.value))}
            data-testid="logs-filter-start"
          />
        </label>
        <label>
          To
          <input
            type="datetime-local"
            value={toLocalInput(draft.endDate)}
            onChange={(e) => filters.set("endDate", fromLocalInput(e.target.value))}
            data-testid="logs-filter-end"
          />
        </label>
        <button type="button" onClick={filters.clear}>
          Clear
        </button>
      </div>
      <ErrorBox error={logs.error} />
      {logs.isPending ? (
        <div className="loading">Loading…</div>
      ) : logs.data && logs.data.results.length === 0 ? (
        <div className="empty">No log line matches these filters.</div>
      ) : (
        logs.data && (
          <>
            <table className="data" data-testid="logs-table">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Level</th>
                  <th>Flow</th>
                  <th>Task</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {logs.data.results.map((entry, index) => {
                  const link = executionLink(entry);
                  return (
                    <tr key={`${entry.timestamp}-${index}`} data-testid="log-row">
                      <td className="nowrap">
                        {link ? (
                          <Link to={link} title={`Execution ${entry.executionId}`} data-testid="log-execution-link">
                            {formatDate(entry.timestamp)}
                          </Link>
                        ) : (
                          formatDate(entry.timestamp)
                        )}
                      </td>
                      <td>
                        <span className={`level level-${entry.level}`} data-testid="log-level">
                          {entry.level}
                        </span>
                      </td>
                      <td>
                        <span className="muted">{entry.namespace}.</span>
                        {entry.flowId}
                      </td>
                      <td className="mono">{entry.taskId ?? entry.triggerId ?? ""}</td>
                      <td>
                        <pre className="log-message">{entry.message}</pre>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <Pagination page={page} size={size} total={logs.data.total} onChange={filters.setPage} />
          </>
        )
      )}
    </div>
  );
}
