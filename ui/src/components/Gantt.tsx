// The Gantt tab: one bar per task run on the execution's time line, its attempts as coloured segments; the bars of
// running task runs grow with a ticking clock.

import { Fragment, useState, type ReactNode } from "react";
import type { StateType } from "../api";
import { formatDate, formatDuration } from "../lib/format";
import {
  isTerminal,
  orderTaskRuns,
  stateSpan,
  taskRunLabel,
  useNow,
  type ExecutionDocument,
  type TaskRunDocument,
} from "../lib/executionLive";
import StateBadge from "./StateBadge";

export interface GanttSegment {
  attempt: number;
  state: StateType;
  /** Percent of the time line. */
  left: number;
  width: number;
  durationMs: number;
}

export interface GanttRow {
  run: TaskRunDocument;
  depth: number;
  label: string;
  left: number;
  width: number;
  durationMs: number | null;
  running: boolean;
  segments: GanttSegment[];
}

export interface GanttLayout {
  rows: GanttRow[];
  /** Epoch milliseconds of the time line's ends. */
  start: number;
  end: number;
}

/** Bars narrower than this (percent) are widened, so an instant task is still visible. */
const MIN_WIDTH = 0.4;

function toMs(date: string | undefined): number | undefined {
  if (!date) return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Where each task run's bar goes: the time line runs from the first start to the last end (`now` for what still
 * runs); each attempt is a segment of its run's bar. Runs not started yet get no bar (width 0).
 */
export function ganttLayout(runs: readonly TaskRunDocument[], now: number, executionStart?: string): GanttLayout {
  const spans = orderTaskRuns(runs).map(({ run, depth }) => {
    const span = stateSpan(run.state);
    const start = toMs(span.start);
    const running = !isTerminal(run.state.current);
    const end = toMs(span.end) ?? (start !== undefined ? Math.max(now, start) : undefined);
    return { run, depth, start, end, running };
  });
  const starts = spans.flatMap((span) => (span.start !== undefined ? [span.start] : []));
  const ends = spans.flatMap((span) => (span.end !== undefined ? [span.end] : []));
  const lineStart = Math.min(toMs(executionStart) ?? Infinity, ...starts);
  const origin = Number.isFinite(lineStart) ? lineStart : now;
  const lineEnd = Math.max(origin, ...ends);
  const total = Math.max(lineEnd - origin, 1);
  const percent = (ms: number) => ((ms - origin) / total) * 100;
  const widthOf = (from: number, to: number) => Math.max(percent(to) - percent(from), MIN_WIDTH);

  const rows = spans.map(({ run, depth, start, end, running }): GanttRow => {
    if (start === undefined || end === undefined) {
      return { run, depth, label: taskRunLabel(run), left: 0, width: 0, durationMs: null, running, segments: [] };
    }
    const left = Math.min(percent(start), 100 - MIN_WIDTH);
    const segments = (run.attempts ?? []).flatMap((attempt, index): GanttSegment[] => {
      const span = stateSpan(attempt.state);
      const from = toMs(span.start);
      if (from === undefined) return [];
      const to = toMs(span.end) ?? Math.max(now, from);
      return [
        {
          attempt: index + 1,
          state: attempt.state.current,
          left: Math.min(percent(from), 100 - MIN_WIDTH),
          width: widthOf(from, to),
          durationMs: to - from,
        },
      ];
    });
    return {
      run,
      depth,
      label: taskRunLabel(run),
      left,
      width: Math.min(widthOf(start, end), 100 - left),
      durationMs: end - start,
      running,
      segments,
    };
  });
  return { rows, start: origin, end: origin + total };
}

export default function Gantt({
  execution,
  taskRunMenu,
}: {
  execution: ExecutionDocument;
  /** Actions on one task run (change its state, replay from it), shown when its row is opened. */
  taskRunMenu?: (run: TaskRunDocument) => ReactNode;
}) {
  const live = !isTerminal(execution.state.current);
  const now = useNow(live, 200);
  const [openRun, setOpenRun] = useState<string | null>(null);
  const runs = execution.taskRunList ?? [];
  if (!runs.length) return <div className="empty">No task has started yet.</div>;
  const layout = ganttLayout(runs, now, execution.state.startDate);
  return (
    <div className="gantt card" data-testid="gantt">
      <div className="gantt-axis" aria-hidden="true">
        <span>{formatDate(new Date(layout.start).toISOString())}</span>
        <span>{formatDuration(layout.end - layout.start)}</span>
      </div>
      {layout.rows.map((row) => {
        const open = openRun === row.run.id;
        return (
          <Fragment key={row.run.id}>
            <div className="gantt-row" data-testid="gantt-row" data-task-id={row.run.taskId}>
              <button
                type="button"
                className="gantt-label"
                style={{ paddingLeft: `${0.4 + row.depth * 1.1}rem` }}
                aria-expanded={open}
                onClick={() => setOpenRun(open ? null : row.run.id)}
                title={row.label}
              >
                <span className="gantt-caret" aria-hidden="true">
                  {open ? "▾" : "▸"}
                </span>
                <span className="gantt-name">{row.label}</span>
              </button>
              <span className="gantt-state">
                <StateBadge state={row.run.state.current} />
              </span>
              <span className="gantt-duration mono">{formatDuration(row.durationMs)}</span>
              <div className="gantt-track">
                {row.width > 0 && (
                  <div
                    className={`gantt-bar${row.running ? " running" : ""}`}
                    style={{
                      left: `${row.left}%`,
                      width: `${row.width}%`,
                      background: `color-mix(in srgb, var(--state-${row.run.state.current}) 30%, transparent)`,
                    }}
                    title={`${row.label}: ${row.run.state.current} ${formatDuration(row.durationMs)}`}
                    data-testid="gantt-bar"
                    data-state={row.run.state.current}
                  />
                )}
                {row.segments.map((segment) => (
                  <div
                    key={segment.attempt}
                    className="gantt-segment"
                    style={{
                      left: `${segment.left}%`,
                      width: `${segment.width}%`,
                      background: `var(--state-${segment.state})`,
                    }}
                    title={`attempt ${segment.attempt}: ${segment.state} ${formatDuration(segment.durationMs)}`}
                    data-testid="gantt-attempt"
                    data-state={segment.state}
                  />
                ))}
              </div>
            </div>
            {open && <GanttDetails run={row.run} menu={taskRunMenu?.(row.run)} />}
          </Fragment>
        );
      })}
    </div>
  );
}

function GanttDetails({ run, menu }: { run: TaskRunDocument; menu: ReactNode }) {
  return (
    <div className="gantt-details" data-testid="gantt-details">
      <div className="muted mono">task run {run.id}</div>
      {run.attempts && run.attempts.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th>Attempt</th>
              <th>State</th>
              <th>Start</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {run.attempts.map((attempt, index) => {
              const span = stateSpan(attempt.state);
              return (
                <tr key={index}>
                  <td>{index + 1}</td>
                  <td>
                    <StateBadge state={attempt.state.current} />
                  </td>
                  <td>{formatDate(span.start)}</td>
                  <td>{span.end && span.start ? formatDuration(Date.parse(span.end) - Date.parse(span.start)) : ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {menu}
    </div>
  );
}
