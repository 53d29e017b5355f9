import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { api, qs, TERMINAL_STATES, type Execution, type PagedResults, type StateType } from "../api";
import BarChart, { type Bar } from "../components/BarChart";
import ErrorBox from "../components/ErrorBox";
import NamespaceInput from "../components/NamespaceInput";
import StateBadge from "../components/StateBadge";
import { durationMs, formatDate, formatDuration } from "../lib/format";
import "./admin.css";

/** One day of `GET /stats/executions/daily` (Kestra's DailyExecutionStatistics). */
export interface DailyStatistics {
  startDate: string;
  duration: { min: string; avg: string; max: string; sum: string; count: number };
  executionCounts: Record<string, number>;
}

const DAYS = 30;
/** `GET /stats/executions/durations`: the ended executions of the range, computed by the server. */
export interface DurationStatistics {
  count: number;
  p50: string | null;
  p95: string | null;
  avg: string | null;
  successRate: number | null;
}
/** Bottom to top in each bar: the states that matter most sit on the axis. */
const STACK_ORDER: StateType[] = [
  "SUCCESS",
  "WARNING",
  "FAILED",
  "KILLED",
  "CANCELLED",
  "SKIPPED",
  "RETRIED",
  "RUNNING",
  "PAUSED",
  "QUEUED",
  "CREATED",
  "RESTARTED",
  "KILLING",
  "RETRYING",
  "SUBMITTED",
  "RESUBMITTED",
  "BREAKPOINT",
];

/** Milliseconds of an ISO-8601 duration such as `PT1M2.5S` or `P1DT2H` (NaN when it is not one). */
export function parseIsoDuration(text: string): number {
  const match = /^(-)?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!match || text.trim() === "P" || text.trim().endsWith("T")) return Number.NaN;
  const [, minus, days, hours, minutes, seconds] = match;
  const ms =
    (Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)) *
    1000;
  return minus ? -ms : ms;
}

export interface Summary {
  total: number;
  ended: number;
  byState: Record<string, number>;
  /** SUCCESS among the ended executions, 0–1 (null when none ended). */
  successRate: number | null;
  /** Mean duration of the ended executions, from the daily sums. */
  averageMs: number | null;
}

export function summarize(days: DailyStatistics[]): Summary {
  const byState: Record<string, number> = {};
  let sumMs = 0;
  let durationCount = 0;
  for (const day of days) {
    for (const [state, count] of Object.entries(day.executionCounts)) byState[state] = (byState[state] ?? 0) + count;
    const daySum = parseIsoDuration(day.duration.sum);
    if (day.duration.count > 0 && !Number.isNaN(daySum)) {
      sumMs += daySum;
      durationCount += day.duration.count;
    }
  }
  const total = Object.values(byState).reduce((a, b) => a + b, 0);
  const ended = TERMINAL_STATES.reduce((sum, state) => sum + (byState[state] ?? 0), 0);
  return {
    total,
    ended,
    byState,
    successRate: ended ? (byState.SUCCESS ?? 0) / ended : null,
    averageMs: durationCount ? sumMs / durationCount : null,
  };
}

/** Short x-axis label of a day (`11-26`) and its full date for the tooltip. */
export function toBars(days: DailyStatistics[]): Bar[] {
  return days.map((day) => ({
    label: day.startDate.slice(5, 10),
    title: day.startDate.slice(0, 10),
    segments: STACK_ORDER.map((state) => ({ key: state, value: day.executionCounts[state] ?? 0 })),
  }));
}

/** Midnight UTC `days - 1` days ago: the first day of the chart (the stats are grouped by UTC day). */
export function rangeStart(now: Date, days: number): string {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return start.toISOString();
}

export const stateColor = (state: string) => `var(--state-${state}, var(--muted))`;

/** The daily statistics chart with its legend (also used by a namespace's overview). */
export function ExecutionsChart({ days }: { days: DailyStatistics[] }) {
  const present = STACK_ORDER.filter((state) => days.some((day) => (day.executionCounts[state] ?? 0) > 0));
  return (
    <div className="card chart-card">
      <BarChart
        bars={toBars(days)}
        colorOf={stateColor}
        ariaLabel={`Executions per day over the last ${days.length} days, by state`}
        labelEvery={Math.max(1, Math.ceil(days.length / 10))}
      />
      <div className="legend">
        {present.length === 0 && <span className="muted">No executions in this period.</span>}
        {present.map((state) => (
          <span key={state} className="legend-item">
            <span className="swatch" style={{ background: stateColor(state) }} /> {state}
          </span>
        ))}
      </div>
    </div>
  );
}

export function useDailyStatistics(namespace: string, days = DAYS) {
  const startDate = rangeStart(new Date(), days);
  return useQuery({
    queryKey: ["stats", "daily", namespace, startDate],
    queryFn: () => api<DailyStatistics[]>(`/stats/executions/daily${qs({ namespace, startDate })}`),
  });
}

export default function Dashboard() {
  const [params, setParams] = useSearchParams();
  const namespace = params.get("namespace") ?? "";
  const startDate = rangeStart(new Date(), DAYS);

  const stats = useDailyStatistics(namespace);
  const durations = useQuery({
    queryKey: ["stats", "durations", namespace, startDate],
    queryFn: () => api<DurationStatistics>(`/stats/executions/durations${qs({ namespace, startDate })}`),
  });
  const failures = useQuery({
    queryKey: ["executions", "recent-failures", namespace],
    queryFn: () =>
      api<PagedResults<Execution>>(
        `/executions/search${qs({ namespace, state: "FAILED", size: 10, sort: "startDate:desc" })}`,
      ),
  });

  const summary = stats.data ? summarize(stats.data) : null;
  return (
    <div className="admin-page">
      <div className="page-header">
        <h1>Dashboard</h1>
        <label className="inline">
          Namespace
          <NamespaceInput
            id="dashboard-namespaces"
            value={namespace}
            placeholder="All namespaces"
            testId="dashboard-namespace"
            onChange={(value) => setParams(value ? { namespace: value } : {}, { replace: true })}
          />
        </label>
      </div>
      <ErrorBox error={stats.error ?? durations.error ?? failures.error} />

      <div className="cards">
        <div className="card stat" data-testid="stat-total">
          <div className="stat-label">Executions ({DAYS} days)</div>
          <div className="stat-value">{summary ? summary.total : "…"}</div>
          <div className="muted">{summary ? `${summary.ended} ended` : ""}</div>
        </div>
        <div className="card stat" data-testid="stat-success-rate">
          <div className="stat-label">Success rate</div>
          <div className="stat-value">
            {summary ? (summary.successRate === null ? "–" : `${(summary.successRate * 100).toFixed(1)} %`) : "…"}
          </div>
          <div className="muted">SUCCESS among ended executions</div>
        </div>
        <div className="card stat" data-testid="stat-failed">
          <div className="stat-label">Failed</div>
          <div className="stat-value">{summary ? (summary.byState.FAILED ?? 0) : "…"}</div>
          <div className="muted">{summary ? `${summary.byState.RUNNING ?? 0} running now` : ""}</div>
        </div>
        <div className="card stat" data-testid="stat-duration">
          <div className="stat-label">Duration p50 / p95</div>
          <div className="stat-value">
            {durations.data
              ? durations.data.p50 && durations.data.p95
                ? `${formatDuration(parseIsoDuration(durations.data.p50))} / ${formatDuration(parseIsoDuration(durations.data.p95))}`
                : "–"
              : "…"}
          </div>
          <div className="muted">
            {durations.data?.avg ? `average ${formatDuration(parseIsoDuration(durations.data.avg))}` : ""}
            {durations.data ? ` · ${durations.data.count} ended` : ""}
          </div>
        </div>
      </div>

      <h2>Executions per day</h2>
      {stats.isPending ? <div className="loading">Loading…</div> : stats.data && <ExecutionsChart days={stats.data} />}

      <h2>Recent failures</h2>
      {failures.isPending ? (
        <div className="loading">Loading…</div>
      ) : failures.data?.results.length ? (
        <table className="data" data-testid="recent-failures">
          <thead>
            <tr>
              <th>Execution</th>
              <th>Flow</th>
              <th>Started</th>
              <th>Duration</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {failures.data.results.map((execution) => (
              <tr key={execution.id} data-testid="failure-row">
                <td>
                  <Link to={`/executions/${execution.namespace}/${execution.flowId}/${execution.id}`} className="mono">
                    {execution.id}
                  </Link>
                </td>
                <td>
                  <Link to={`/flows/edit/${execution.namespace}/${execution.flowId}`}>
                    {execution.namespace}.{execution.flowId}
                  </Link>
                </td>
                <td>{formatDate(execution.state.startDate)}</td>
                <td>{formatDuration(durationMs(execution.state.startDate, execution.state.endDate))}</td>
                <td>
                  <StateBadge state={execution.state.current} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="empty">No failed execution{namespace ? ` in ${namespace}` : ""}.</div>
      )}
    </div>
  );
}
