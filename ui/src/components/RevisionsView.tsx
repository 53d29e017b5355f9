import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { api, apiYaml, type Flow } from "../api";
import { formatDate } from "../lib/format";
import { diffLines, diffStats, splitLines, type DiffOp } from "../lib/lineDiff";
import ErrorBox from "./ErrorBox";

interface Revision extends Flow {
  updated?: string;
  source?: string;
}

interface Props {
  namespace: string;
  flowId: string;
  /** Called with the new revision once an old one is restored (the editor reloads the flow). */
  onRestored?: (flow: Flow) => void;
}

/** A flow's revisions: compare any two (a line diff) and restore an old one as a new revision. */
export default function RevisionsView({ namespace, flowId, onRestored }: Props) {
  const queryClient = useQueryClient();
  const revisions = useQuery({
    queryKey: ["flows", namespace, flowId, "revisions"],
    queryFn: () => api<Revision[]>(`/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}/revisions`),
  });
  const list = useMemo(() => [...(revisions.data ?? [])].sort((a, b) => a.revision - b.revision), [revisions.data]);
  const latest = list[list.length - 1];
  const [left, setLeft] = useState<number | null>(null);
  const [right, setRight] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<Revision | null>(null);

  // By default: the previous revision against the latest one.
  useEffect(() => {
    if (!latest) return;
    setRight((current) => (current !== null && list.some((r) => r.revision === current) ? current : latest.revision));
    setLeft((current) =>
      current !== null && list.some((r) => r.revision === current)
        ? current
        : (list[list.length - 2] ?? latest).revision,
    );
  }, [list, latest]);

  const restore = useMutation({
    mutationFn: (revision: Revision) =>
      apiYaml<Flow>(
        `/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}`,
        "PUT",
        revision.source ?? "",
      ),
    onSuccess: (flow) => {
      setConfirming(null);
      queryClient.invalidateQueries({ queryKey: ["flows"] });
      onRestored?.(flow);
    },
  });

  const leftRevision = list.find((r) => r.revision === left);
  const rightRevision = list.find((r) => r.revision === right);
  const ops = useMemo(
    () => diffLines(splitLines(leftRevision?.source ?? ""), splitLines(rightRevision?.source ?? "")),
    [leftRevision, rightRevision],
  );
  const stats = diffStats(ops);

  if (revisions.isLoading) return <div className="loading">Loading revisions…</div>;
  if (revisions.error) return <ErrorBox error={revisions.error} />;
  if (!latest) return <div className="empty">This flow has no revision.</div>;

  const picker = (label: string, value: number | null, onChange: (revision: number) => void, testId: string) => (
    <label className="inline">
      {label}
      <select value={value ?? ""} onChange={(e) => onChange(Number(e.target.value))} data-testid={testId}>
        {list.map((r) => (
          <option key={r.revision} value={r.revision}>
            Revision {r.revision}
            {r.revision === latest.revision ? " (current)" : ""} · {formatDate(r.updated)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="revisions" data-testid="revisions">
      <div className="toolbar">
        {picker("Compare", left, setLeft, "revision-left")}
        {picker("with", right, setRight, "revision-right")}
        <span className="muted" data-testid="revision-diff-stats">
          +{stats.added} −{stats.removed}
        </span>
        {leftRevision && leftRevision.revision !== latest.revision && (
          <button type="button" onClick={() => setConfirming(leftRevision)} data-testid="revision-restore">
            Restore revision {leftRevision.revision}
          </button>
        )}
      </div>
      <ErrorBox error={restore.error} />
      {left === right ? (
        <div className="muted">Pick two different revisions to see what changed.</div>
      ) : (
        <DiffView ops={ops} />
      )}
      <table className="data revisions-table">
        <thead>
          <tr>
            <th>Revision</th>
            <th>Saved</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {[...list].reverse().map((r) => (
            <tr key={r.revision} data-testid="revision-row" data-revision={r.revision}>
              <td>
                {r.revision}
                {r.revision === latest.revision && <span className="muted"> (current)</span>}
              </td>
              <td>{formatDate(r.updated)}</td>
              <td className="actions">
                <button type="button" className="link" onClick={() => setLeft(r.revision)}>
                  Compare
                </button>
                {r.revision !== latest.revision && (
                  <button type="button" className="link" onClick={() => setConfirming(r)}>
                    Restore
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {confirming && (
        <div className="dialog-backdrop" role="presentation">
          <div className="dialog" role="dialog" aria-label="Restore revision">
            <h2>Restore revision {confirming.revision}?</h2>
            <p>
              Its source becomes the flow's new revision ({latest.revision + 1}
              ); the current revision stays in the history.
            </p>
            <div className="dialog-actions">
              <button type="button" onClick={() => setConfirming(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="primary"
                disabled={restore.isPending}
                onClick={() => restore.mutate(confirming)}
                data-testid="revision-restore-confirm"
              >
                Restore
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

/** A unified line diff with both line numbers. */
export function DiffView({ ops }: { ops: DiffOp[] }) {
  if (ops.length === 0) return <div className="muted">Both revisions are empty.</div>;
  return (
    <div className="diff" data-testid="revision-diff" role="table" aria-label="Differences">
      {ops.map((op, index) => (
        <div key={index} className={`diff-line diff-${op.kind}`} role="row">
          <span className="diff-number" role="cell">
            {op.kind !== "added" ? op.oldLine : ""}
          </span>
          <span className="diff-number" role="cell">
            {op.kind !== "removed" ? op.newLine : ""}
          </span>
          <span className="diff-sign" role="cell" aria-label={op.kind}>
            {op.kind === "added" ? "+" : op.kind === "removed" ? "−" : " "}
          </span>
          <span className="diff-text" role="cell">
            {op.text}
          </span>
        </div>
      ))}
    </div>
  );
}
