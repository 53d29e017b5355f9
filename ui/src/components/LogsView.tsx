// The Logs tab: the execution's lines (read once, then followed live while it runs), filtered by level on the
// server and by text here, grouped by task run in collapsible groups, and drawn in a window of fixed-height rows so
// that a hundred thousand lines scroll as smoothly as ten.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, downloadFile, followEvents, qs, url, type LogEntry, type StateType } from "../api";
import { formatDate } from "../lib/format";
import { isTerminal, orderTaskRuns, taskRunLabel, type ExecutionDocument, type TaskRunDocument } from "../lib/executionLive";
import ErrorBox from "./ErrorBox";
import StateBadge from "./StateBadge";
import "../pages/execution.css";

export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const LEVEL_KEY = "choreo.logs.minLevel";
/** Every row has this height (px): the window arithmetic needs it fixed (execution.css uses the same value). */
export const ROW_HEIGHT = 22;
const OVERSCAN = 20;
const FLUSH_MS = 80;

// -- pure helpers (unit-tested) --------------------------------------------------------------------------------

/** What identifies a line: the live copy of a line and its stored copy are the same line. */
export function logKey(line: LogEntry): string {
  return [line.timestamp, line.taskRunId ?? "", line.attemptNumber ?? "", line.level, line.message].join("\u0000");
}

export type LogRow =
  | { kind: "group"; key: string; label: string; state?: StateType; count: number; collapsed: boolean; run?: TaskRunDocument }
  | { kind: "line"; key: string; line: LogEntry; text: string; continuation: boolean };

export interface RowOptions {
  grouped: boolean;
  collapsed: ReadonlySet<string>;
  /** Case-insensitive text the message must contain. */
  search: string;
  /** Only the lines of this task. */
  taskId?: string;
}

/** The group key of lines that belong to no task run (the execution's own and its triggers'). */
export const EXECUTION_GROUP = "(execution)";

/**
 * The rows to draw: each line split at its line breaks (every row has the same height), under a header per task run
 * when grouped (task runs in the execution's tree order, lines of a collapsed group left out).
 */
export function buildLogRows(lines: readonly LogEntry[], runs: readonly TaskRunDocument[], options: RowOptions): LogRow[] {
  const needle = options.search.trim().toLowerCase();
  const kept = lines.filter(
    (line) =>
      (!options.taskId || line.taskId === options.taskId) &&
      (!needle || line.message.toLowerCase().includes(needle)),
  );
  const rows: LogRow[] = [];
  const pushLine = (line: LogEntry, index: number) => {
    const parts = line.message.split(/\r?\n/);
    parts.forEach((text, part) => {
      rows.push({ kind: "line", key: `${index}:${part}`, line, text, continuation: part > 0 });
    });
  };
  if (!options.grouped) {
    kept.forEach(pushLine);
    return rows;
  }
  const byRun = new Map<string, { line: LogEntry; index: number }[]>();
  kept.forEach((line, index) => {
    const group = line.taskRunId ?? EXECUTION_GROUP;
    const list = byRun.get(group) ?? [];
    list.push({ line, index });
    byRun.set(group, list);
  });
  const ordered: { key: string; label: string; run?: TaskRunDocument }[] = [];
  if (byRun.has(EXECUTION_GROUP)) ordered.push({ key: EXECUTION_GROUP, label: "Execution" });
  const known = new Set<string>();
  for (const { run } of orderTaskRuns(runs)) {
    known.add(run.id);
    if (byRun.has(run.id)) ordered.push({ key: run.id, label: taskRunLabel(run), run });
  }
  // Lines of a task run the execution document does not list (yet): still shown, under their task id.
  for (const [key, list] of byRun) {
    if (key !== EXECUTION_GROUP && !known.has(key)) ordered.push({ key, label: list[0].line.taskId ?? key });
  }
  for (const group of ordered) {
    const list = byRun.get(group.key)!;
    const collapsed = options.collapsed.has(group.key);
    rows.push({
      kind: "group",
      key: `group:${group.key}`,
      label: group.label,
      state: group.run?.state.current,
      count: list.length,
      collapsed,
      run: group.run,
    });
    if (!collapsed) for (const { line, index } of list) pushLine(line, index);
  }
  return rows;
}

const pad = (value: number, size = 2) => String(value).padStart(size, "0");

/** A line's time in local time, fixed width (`2024-01-31 13:45:07.123`): the columns of the log stay aligned. */
export function logTime(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  return `${day} ${time}`;
}

/** The rows to put in the DOM for this scroll position: those in view and `overscan` more on each side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = OVERSCAN,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

// -- loading ------------------------------------------------------------------------------------------------------

function storedLevel(): LogLevel {
  const saved = localStorage.getItem(LEVEL_KEY);
  return (LOG_LEVELS as readonly string[]).includes(saved ?? "") ? (saved as LogLevel) : "INFO";
}

/**
 * The execution's lines at `minLevel` and above: `GET /logs/{id}` first, then, while the execution runs,
 * `GET /logs/{id}/follow` (which repeats stored lines: those already here are dropped). New lines are applied in
 * batches so a chatty task does not re-render the page for every line. `epoch` changes when the execution starts
 * again (restart): everything is read anew.
 */
function useExecutionLogs(executionId: string, minLevel: LogLevel, live: boolean, epoch: number) {
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const liveRef = useRef(live);
  liveRef.current = live;

  useEffect(() => {
    const controller = new AbortController();
    const seen = new Set<string>();
    let all: LogEntry[] = [];
    let pending: LogEntry[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      if (!pending.length || controller.signal.aborted) return;
      all = all.concat(pending);
      pending = [];
      setLines(all);
      setLoading(false); // whichever of the read and the stream brings lines first shows them
    };
    const add = (line: LogEntry) => {
      const key = logKey(line);
      if (seen.has(key)) return;
      seen.add(key);
      pending.push(line);
      timer ??= setTimeout(flush, FLUSH_MS);
    };
    setLines([]);
    setError(null);
    setLoading(true);
    const path = `/logs/${encodeURIComponent(executionId)}`;
    const query = qs({ minLevel });
    const failed = (caught: unknown) => {
      if (controller.signal.aborted) return;
      setError(caught);
      setLoading(false);
    };
    // Both at once: the stored lines come in one answer, and the stream (which starts with the stored lines too,
    // then the live ones, until the end) does not wait for it. Deciding to follow now, not once the first answer is
    // in, matters: the execution may end meanwhile, and the stream is what brings the lines written after that read.
    api<LogEntry[]>(path + query, { signal: controller.signal })
      .then((stored) => {
        stored.forEach(add);
        flush();
        setLoading(false);
      })
      .catch(failed);
    if (liveRef.current) {
      followEvents(`${path}/follow${query}`, (event) => add(JSON.parse(event.data) as LogEntry), controller.signal)
        .then(flush)
        .catch(failed);
    }
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [executionId, minLevel, epoch]);

  return { lines, error, loading };
}

// -- the view -------------------------------------------------------------------------------------------------------

export default function LogsView({
  execution,
  taskId,
  onClearTask,
  taskRunMenu,
}: {
  execution: ExecutionDocument;
  /** Show only this task's lines (chosen in the topology). */
  taskId?: string;
  onClearTask?: () => void;
  /** Actions on a task run (change its state, replay from it), shown in its group's header. */
  taskRunMenu?: (run: TaskRunDocument) => ReactNode;
}) {
  const [minLevel, setMinLevel] = useState<LogLevel>(storedLevel);
  const [search, setSearch] = useState("");
  const [grouped, setGrouped] = useState(true);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const live = !isTerminal(execution.state.current);
  // A restart (or a task run set by hand) puts the execution back to RESTARTED: read its lines again.
  const epoch = (execution.state.histories ?? []).filter((entry) => entry.state === "RESTARTED").length;
  const { lines, error, loading } = useExecutionLogs(execution.id, minLevel, live, epoch);
  const runs = execution.taskRunList ?? [];
  const rows = useMemo(
    () => buildLogRows(lines, runs, { grouped, collapsed, search, taskId }),
    [lines, runs, grouped, collapsed, search, taskId],
  );

  const chooseLevel = (level: LogLevel) => {
    localStorage.setItem(LEVEL_KEY, level);
    setMinLevel(level);
  };
  const toggle = useCallback((key: string) => {
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }, []);
  const groupKeys = rows.flatMap((row) => (row.kind === "group" ? [row.key.slice("group:".length)] : []));
  const downloadPath = `/logs/${encodeURIComponent(execution.id)}/download${qs({ minLevel })}`;

  return (
    <div className="logs-view" data-testid="logs-view">
      <div className="filters">
        <label className="inline">
          Level
          <select
            value={minLevel}
            onChange={(event) => chooseLevel(event.target.value as LogLevel)}
            data-testid="logs-level"
          >
            {LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input
            type="search"
            aria-label="Search in messages"
            placeholder="Search in messages"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            data-testid="logs-search"
          />
        </label>
        <label className="inline">
          <input type="checkbox" checked={grouped} onChange={(event) => setGrouped(event.target.checked)} />
          Group by task run
        </label>
        {grouped && (
          <>
            <button type="button" onClick={() => setCollapsed(new Set())} data-testid="logs-expand-all">
              Expand all
            </button>
            <button
              type="button"
              onClick={() => setCollapsed(new Set([...collapsed, ...groupKeys]))}
              data-testid="logs-collapse-all"
            >
              Collapse all
            </button>
          </>
        )}
        {taskId && (
          <span className="logs-task-filter">
            task <code>{taskId}</code>
            {onClearTask && (
              <button type="button" className="link" aria-label="Show all tasks" onClick={onClearTask}>
                ✕
              </button>
            )}
          </span>
        )}
        <a
          className="logs-download"
          href={url(downloadPath)}
          download={`${execution.id}.log`}
          data-testid="logs-download"
          onClick={(event) => {
            // The link cannot carry the user's credentials: fetch the file instead.
            event.preventDefault();
            setDownloadError(null);
            downloadFile(downloadPath, `${execution.id}.log`).catch(setDownloadError);
          }}
        >
          Download
        </a>
        <span className="muted" data-testid="logs-count">
          {lines.length} line{lines.length === 1 ? "" : "s"}
          {live ? " · following" : ""}
        </span>
      </div>
      <ErrorBox error={error ?? downloadError} />
      {loading ? (
        <div className="loading">Loading logs…</div>
      ) : rows.length === 0 ? (
        <div className="empty" data-testid="logs-empty">
          {lines.length ? "No line matches." : live ? "No line yet." : "No log line at this level."}
        </div>
      ) : (
        <LogWindow rows={rows} follow={live} onToggle={toggle} taskRunMenu={taskRunMenu} search={search} />
      )}
    </div>
  );
}

/** The scrolling window: a spacer as tall as every row, and only the rows in view placed in it. */
function LogWindow({
  rows,
  follow,
  onToggle,
  taskRunMenu,
  search,
}: {
  rows: LogRow[];
  follow: boolean;
  onToggle: (key: string) => void;
  taskRunMenu?: (run: TaskRunDocument) => ReactNode;
  search: string;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  // While following, new lines keep the view at the bottom unless the user scrolled up.
  const stickToBottom = useRef(follow);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const measure = () => setHeight(element.clientHeight || 600);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = viewport.current;
    // The last lines can come with the end of the execution (follow already false): still show them.
    if (element && stickToBottom.current) {
      element.scrollTop = element.scrollHeight;
      setScrollTop(element.scrollTop);
    }
  }, [rows.length, follow]);

  const { first, last } = visibleRange(scrollTop, height, ROW_HEIGHT, rows.length);
  const [menuRun, setMenuRun] = useState<string | null>(null);

  return (
    <div
      className="log-window"
      ref={viewport}
      onScroll={(event) => {
        const element = event.currentTarget;
        setScrollTop(element.scrollTop);
        stickToBottom.current = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT;
      }}
      data-testid="log-window"
      role="log"
      aria-label="Execution logs"
    >
      <div className="log-spacer" style={{ height: rows.length * ROW_HEIGHT }}>
        {rows.slice(first, last).map((row, offset) => {
          const top = (first + offset) * ROW_HEIGHT;
          if (row.kind === "group") {
            const runId = row.key.slice("group:".length);
            return (
              <div key={row.key} className="log-group" style={{ top }} data-testid="log-group" data-task-run-id={runId}>
                <button
                  type="button"
                  className="log-group-toggle"
                  aria-expanded={!row.collapsed}
                  onClick={() => onToggle(runId)}
                >
                  <span aria-hidden="true">{row.collapsed ? "▸" : "▾"}</span> <strong>{row.label}</strong>
                </button>
                {row.state && <StateBadge state={row.state} />}
                <span className="muted">
                  {row.count} line{row.count === 1 ? "" : "s"}
                </span>
                {row.run && taskRunMenu && (
                  <span className="log-group-menu">
                    <button
                      type="button"
                      className="link"
                      aria-label={`Actions on ${row.label}`}
                      aria-expanded={menuRun === runId}
                      onClick={() => setMenuRun(menuRun === runId ? null : runId)}
                      data-testid="log-group-menu"
                    >
                      ⋯
                    </button>
                    {menuRun === runId && <div className="log-group-popover">{taskRunMenu(row.run)}</div>}
                  </span>
                )}
              </div>
            );
          }
          const line = row.line;
          return (
            <div
              key={row.key}
              className={`log-line level-${line.level}${row.continuation ? " continuation" : ""}`}
              style={{ top }}
              data-testid={row.continuation ? "log-line-continued" : "log-line"}
              data-level={line.level}
            >
              <span className="log-time mono" title={row.continuation ? undefined : formatDate(line.timestamp)}>
                {row.continuation ? "" : logTime(line.timestamp)}
              </span>
              <span className="log-level mono">{row.continuation ? "" : line.level}</span>
              {!row.continuation && line.taskId && <span className="log-task mono">{line.taskId}</span>}
              <span className="log-message mono" title={line.message}>
                <Highlight text={row.text} search={search} />
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Highlight({ text, search }: { text: string; search: string }) {
  const needle = search.trim().toLowerCase();
  if (!needle) return <>{text}</>;
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
    parts.push(text.slice(from, at), <mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  parts.push(text.slice(from));
  return <>{parts}</>;
}
