// The Outputs tab: the execution's outputs and each task run's, as collapsible trees; internal-storage files
// (kestra:// URIs of this execution) can be previewed and downloaded.

import { useState } from "react";
import { api, downloadFile, qs, url } from "../api";
import { orderTaskRuns, taskRunLabel, type ExecutionDocument } from "../lib/executionLive";
import ErrorBox from "./ErrorBox";
import StateBadge from "./StateBadge";
import "../pages/execution.css";

export function isStorageUri(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("kestra://");
}

/** A value's one-line summary in the tree: scalars as they are, containers by their size. */
export function summarize(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? "" : "s"}]`;
  if (typeof value === "object") {
    const size = Object.keys(value).length;
    return `{${size} key${size === 1 ? "" : "s"}}`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

interface FilePreview {
  extension: string;
  content: string;
  truncated: boolean;
}

export default function OutputsTree({ execution }: { execution: ExecutionDocument }) {
  const withOutputs = orderTaskRuns(execution.taskRunList ?? []).filter(
    ({ run }) => run.outputs && Object.keys(run.outputs).length > 0,
  );
  const flowOutputs = execution.outputs && Object.keys(execution.outputs).length > 0 ? execution.outputs : null;
  if (!withOutputs.length && !flowOutputs) {
    return <div className="empty" data-testid="outputs-empty">No outputs.</div>;
  }
  return (
    <div className="outputs card" data-testid="outputs-tree">
      {flowOutputs && (
        <OutputGroup title="Execution outputs" executionId={execution.id} value={flowOutputs} testId="outputs-execution" />
      )}
      {withOutputs.map(({ run, depth }) => (
        <OutputGroup
          key={run.id}
          title={taskRunLabel(run)}
          state={run.state.current}
          depth={depth}
          executionId={execution.id}
          value={run.outputs!}
          testId="outputs-task-run"
          taskId={run.taskId}
        />
      ))}
    </div>
  );
}

function OutputGroup({
  title,
  state,
  depth = 0,
  executionId,
  value,
  testId,
  taskId,
}: {
  title: string;
  state?: string;
  depth?: number;
  executionId: string;
  value: Record<string, unknown>;
  testId: string;
  taskId?: string;
}) {
  const [open, setOpen] = useState(true);
  return (
    <section className="output-group" data-testid={testId} data-task-id={taskId} style={{ marginLeft: `${depth}rem` }}>
      <button type="button" className="output-group-title" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">{open ? "▾" : "▸"}</span> <strong>{title}</strong>
      </button>
      {state && <StateBadge state={state} />}
      {open && (
        <ul className="output-tree" role="tree">
          {Object.entries(value).map(([key, child]) => (
            <OutputNode key={key} name={key} value={child} executionId={executionId} />
          ))}
        </ul>
      )}
    </section>
  );
}

function OutputNode({ name, value, executionId }: { name: string; value: unknown; executionId: string }) {
  const container = isContainer(value);
  const [open, setOpen] = useState(container && Object.keys(value).length <= 20);
  return (
    <li role="treeitem" aria-expanded={container ? open : undefined} data-testid="output-node" data-name={name}>
      <div className="output-entry">
        {container ? (
          <button type="button" className="link output-key" onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? "▾" : "▸"}</span> {name}
          </button>
        ) : (
          <span className="output-key">{name}</span>
        )}
        {(!container || !open) && (
          <span className={`output-value mono${container ? " muted" : ""}`} data-testid="output-value">
            {summarize(value)}
          </span>
        )}
        {isStorageUri(value) && <FileLinks executionId={executionId} uri={value} />}
      </div>
      {container && open && (
        <ul className="output-tree" role="group">
          {Object.entries(value).map(([key, child]) => (
            <OutputNode key={key} name={key} value={child} executionId={executionId} />
          ))}
        </ul>
      )}
    </li>
  );
}

function FileLinks({ executionId, uri }: { executionId: string; uri: string }) {
  const [preview, setPreview] = useState<FilePreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const base = `/executions/${encodeURIComponent(executionId)}/file`;
  const fileName = uri.slice(uri.lastIndexOf("/") + 1);
  const showPreview = async () => {
    setError(null);
    setLoading(true);
    try {
      setPreview(await api<FilePreview>(`${base}/preview${qs({ path: uri })}`));
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };
  return (
    <span className="file-links">
      <button type="button" className="link" onClick={showPreview} disabled={loading} data-testid="output-preview">
        Preview
      </button>
      <a
        href={url(`${base}${qs({ path: uri })}`)}
        download={fileName}
        data-testid="output-download"
        onClick={(event) => {
          // The link cannot carry the user's credentials: fetch the file instead.
          event.preventDefault();
          setError(null);
          downloadFile(`${base}${qs({ path: uri })}`, fileName).catch(setError);
        }}
      >
        Download
      </a>
      {error != null && !preview && <ErrorBox error={error} />}
      {preview && (
        <div className="dialog-backdrop" onClick={() => setPreview(null)}>
          <div
            className="dialog wide"
            role="dialog"
            aria-label={`Preview of ${fileName}`}
            onClick={(event) => event.stopPropagation()}
            data-testid="output-preview-dialog"
          >
            <h2>{fileName}</h2>
            <pre className="file-preview">{preview.content}</pre>
            {preview.truncated && <p className="muted">Only the first lines are shown; download the file for all.</p>}
            <div className="dialog-actions">
              <button type="button" onClick={() => setPreview(null)}>
                Close
              </button>
            </div>
          </div>
        </div>
      )}
    </span>
  );
}
