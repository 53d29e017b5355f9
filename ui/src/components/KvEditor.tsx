import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, qs, request, type PagedResults } from "../api";
import { formatDate } from "../lib/format";
import { fromLocalInput, toLocalInput } from "../pages/LogsPage";
import ErrorBox from "./ErrorBox";
import Pagination from "./Pagination";

export const KV_TYPES = ["STRING", "NUMBER", "BOOLEAN", "DATETIME", "DATE", "DURATION", "JSON"] as const;
export type KvType = (typeof KV_TYPES)[number];

/** A key as listed (`GET /kv`): no value nor type, those come from `GET /namespaces/{ns}/kv/{key}`. */
interface KvEntry {
  namespace: string;
  key: string;
  description: string | null;
  creationDate: string | null;
  updateDate: string | null;
  expirationDate: string | null;
}

interface KvDetail {
  type: KvType;
  value: unknown;
  updated: string;
}

export const KEY_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const ISO_DURATION = /^-?P(?!$)(\d+(\.\d+)?[YMWD])*(T(?=\d)(\d+(\.\d+)?[HMS])+)?$/i;

/**
 * The request body that stores `raw` with type `type`. The server reads the body as a literal (Kestra's rule): a
 * JSON number, boolean, object or quoted string keeps its type, an unquoted ISO date, date-time or duration becomes
 * DATE, DATETIME or DURATION. So a STRING is always sent quoted (`"42"` stays text). Throws a message for a value
 * that is not of its type.
 */
export function encodeKvValue(type: KvType, raw: string): string {
  const text = raw.trim();
  switch (type) {
    case "STRING":
      return JSON.stringify(raw);
    case "NUMBER":
      if (text === "" || !Number.isFinite(Number(text))) throw new Error(`"${raw}" is not a number`);
      return String(Number(text));
    case "BOOLEAN":
      if (text !== "true" && text !== "false") throw new Error("a boolean is true or false");
      return text;
    case "DATETIME": {
      const iso = fromLocalInput(text);
      if (!iso) throw new Error("give a date and a time");
      return iso;
    }
    case "DATE":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) throw new Error("give a date (YYYY-MM-DD)");
      return text;
    case "DURATION":
      if (!ISO_DURATION.test(text)) throw new Error(`"${raw}" is not an ISO-8601 duration such as PT5M or P1D`);
      return text.toUpperCase();
    case "JSON": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new Error(`invalid JSON: ${(error as Error).message}`);
      }
      // A JSON scalar would be stored as a STRING, NUMBER or BOOLEAN: JSON entries are objects and arrays.
      if (parsed === null || typeof parsed !== "object") throw new Error("a JSON value is an object or an array");
      return JSON.stringify(parsed);
    }
  }
}

/** The text a form field shows for a stored value (the inverse of `encodeKvValue`). */
export function kvValueToInput(type: KvType, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (type === "JSON") return JSON.stringify(value, null, 2);
  if (type === "DATETIME") return toLocalInput(String(value));
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A one-line preview of a value in the list. */
export function previewValue(detail: KvDetail | undefined): string {
  if (!detail) return "…";
  if (detail.type === "DATETIME") return formatDate(String(detail.value));
  return typeof detail.value === "string" ? detail.value : JSON.stringify(detail.value);
}

const detailKey = (namespace: string, key: string) => ["kv", namespace, "detail", key];

function useDetail(namespace: string, key: string, enabled = true) {
  return useQuery({
    queryKey: detailKey(namespace, key),
    queryFn: () => api<KvDetail>(`/namespaces/${namespace}/kv/${encodeURIComponent(key)}`),
    enabled,
  });
}

function KvRow({
  namespace,
  entry,
  onEdit,
  onDelete,
}: {
  namespace: string;
  entry: KvEntry;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const detail = useDetail(namespace, entry.key);
  return (
    <tr data-testid="kv-row" data-key={entry.key}>
      <td className="mono">{entry.key}</td>
      <td>{detail.data?.type ?? ""}</td>
      <td className="kv-value mono" title={previewValue(detail.data)} data-testid="kv-value">
        {detail.error ? <span className="muted">{(detail.error as Error).message}</span> : previewValue(detail.data)}
      </td>
      <td className="nowrap">{formatDate(entry.updateDate)}</td>
      <td className="nowrap">{entry.expirationDate ? formatDate(entry.expirationDate) : <span className="muted">never</span>}</td>
      <td>
        <div className="row-actions">
          <button type="button" onClick={onEdit} data-testid="kv-edit">
            Edit
          </button>
          <button type="button" className="danger" onClick={onDelete} data-testid="kv-delete">
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

interface DraftEntry {
  key: string;
  type: KvType;
  value: string;
  ttl: string;
}

function ValueInput({ draft, onChange }: { draft: DraftEntry; onChange: (value: string) => void }) {
  const common = { value: draft.value, onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  switch (draft.type) {
    case "BOOLEAN":
      return (
        <select {...common} data-testid="kv-value-input">
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
    case "NUMBER":
      return <input type="number" step="any" {...common} data-testid="kv-value-input" />;
    case "DATETIME":
      return <input type="datetime-local" step="1" {...common} data-testid="kv-value-input" />;
    case "DATE":
      return <input type="date" {...common} data-testid="kv-value-input" />;
    case "DURATION":
      return <input placeholder="PT1H30M" {...common} data-testid="kv-value-input" />;
    default:
      return (
        <textarea
          {...common}
          spellCheck={false}
          placeholder={draft.type === "JSON" ? '{"key": "value"}' : ""}
          data-testid="kv-value-input"
        />
      );
  }
}

function KvDialog({
  namespace,
  editing,
  onClose,
}: {
  namespace: string;
  /** The key being edited, null for a new one. */
  editing: string | null;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const detail = useDetail(namespace, editing ?? "", editing !== null);
  const loaded: DraftEntry | null =
    editing === null
      ? { key: "", type: "STRING", value: "", ttl: "" }
      : detail.data
        ? { key: editing, type: detail.data.type, value: kvValueToInput(detail.data.type, detail.data.value), ttl: "" }
        : null;
  const [changes, setChanges] = useState<Partial<DraftEntry>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const draft = loaded ? { ...loaded, ...changes } : null;

  const save = useMutation({
    mutationFn: ({ key, body, ttl }: { key: string; body: string; ttl: string }) =>
      request(`/namespaces/${namespace}/kv/${encodeURIComponent(key)}`, {
        method: "PUT",
        body,
        headers: { "Content-Type": "text/plain", ...(ttl ? { ttl } : {}) },
      }),
    onSuccess: (_, { key }) => {
      queryClient.invalidateQueries({ queryKey: ["kv", namespace] });
      queryClient.invalidateQueries({ queryKey: detailKey(namespace, key) });
      onClose();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const key = draft.key.trim();
    if (!KEY_PATTERN.test(key)) {
      setFormError("The key uses letters, digits, '.', '_' and '-', and starts with a letter or a digit.");
      return;
    }
    const ttl = draft.ttl.trim().toUpperCase();
    if (ttl && !ISO_DURATION.test(ttl)) {
      setFormError(`TTL "${draft.ttl}" is not an ISO-8601 duration such as PT1H or P7D.`);
      return;
    }
    let body: string;
    try {
      body = encodeKvValue(draft.type, draft.value);
    } catch (error) {
      setFormError(`Value: ${(error as Error).message}.`);
      return;
    }
    setFormError(null);
    save.mutate({ key, body, ttl });
  }

  const change = (patch: Partial<DraftEntry>) => setChanges((current) => ({ ...current, ...patch }));

  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="kv-dialog-title"
        data-testid="kv-dialog"
        onSubmit={submit}
        onKeyDown={(e) => e.key === "Escape" && onClose()}
      >
        <h2 id="kv-dialog-title">{editing === null ? "New key" : `Edit ${editing}`}</h2>
        <ErrorBox error={detail.error} />
        {!draft ? (
          <div className="loading">Loading…</div>
        ) : (
          <>
            <label>
              Key
              <input
                value={draft.key}
                onChange={(e) => change({ key: e.target.value })}
                readOnly={editing !== null}
                required
                data-testid="kv-key-input"
              />
            </label>
            <label>
              Type
              <select
                value={draft.type}
                onChange={(e) => {
                  const type = e.target.value as KvType;
                  change({ type, value: type === "BOOLEAN" ? "true" : draft.type === "BOOLEAN" ? "" : draft.value });
                }}
                data-testid="kv-type-input"
              >
                {KV_TYPES.map((type) => (
                  <option key={type}>{type}</option>
                ))}
              </select>
            </label>
            <label>
              Value
              <ValueInput draft={draft} onChange={(value) => change({ value })} />
            </label>
            <label>
              Expires after (TTL)
              <input
                value={draft.ttl}
                placeholder="PT1H, P7D… (empty: never)"
                onChange={(e) => change({ ttl: e.target.value })}
                data-testid="kv-ttl-input"
              />
              <span className="field-hint">
                An ISO-8601 duration from now. Saving without one removes any expiry the key had.
              </span>
            </label>
          </>
        )}
        <ErrorBox error={formError ?? save.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!draft || save.isPending} data-testid="kv-save">
            {save.isPending ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </div>
  );
}

/** A namespace's key/value store: the keys (paged by the server), their typed values, create, edit and delete. */
export default function KvEditor({ namespace }: { namespace: string }) {
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(25);
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<string | null | undefined>(undefined); // undefined: no dialog
  const list = useQuery({
    queryKey: ["kv", namespace, "list", search, page, size],
    queryFn: () =>
      api<PagedResults<KvEntry>>(
        `/kv${qs({ "filters[namespace][EQUALS]": namespace, "filters[q][CONTAINS]": search, page, size, sort: "key:asc" })}`,
      ),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (key: string) => api(`/namespaces/${namespace}/kv/${encodeURIComponent(key)}`, { method: "DELETE" }),
    onSuccess: (_, key) => {
      queryClient.removeQueries({ queryKey: detailKey(namespace, key) });
      queryClient.invalidateQueries({ queryKey: ["kv", namespace, "list"] });
    },
  });

  return (
    <div data-testid="kv-editor">
      <div className="toolbar">
        <label className="inline">
          Search
          <input
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(1);
            }}
            aria-label="Search keys"
          />
        </label>
        <button type="button" className="primary" onClick={() => setEditing(null)} data-testid="kv-add">
          New key
        </button>
      </div>
      <ErrorBox error={list.error ?? remove.error} />
      {list.isPending ? (
        <div className="loading">Loading…</div>
      ) : list.data && list.data.results.length === 0 ? (
        <div className="empty">{search ? "No key matches." : `No key in ${namespace} yet.`}</div>
      ) : (
        list.data && (
          <>
            <table className="data" data-testid="kv-table">
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Type</th>
                  <th>Value</th>
                  <th>Updated</th>
                  <th>Expires</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.data.results.map((entry) => (
                  <KvRow
                    key={entry.key}
                    namespace={namespace}
                    entry={entry}
                    onEdit={() => setEditing(entry.key)}
                    onDelete={() => window.confirm(`Delete the key ${entry.key}?`) && remove.mutate(entry.key)}
                  />
                ))}
              </tbody>
            </table>
            <Pagination
              page={page}
              size={size}
              total={list.data.total}
              onChange={(nextPage, nextSize) => {
                setPage(nextPage);
                setSize(nextSize);
              }}
            />
          </>
        )
      )}
      {editing !== undefined && <KvDialog namespace={namespace} editing={editing} onClose={() => setEditing(undefined)} />}
    </div>
  );
}
