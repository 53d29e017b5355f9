import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, Navigate, NavLink, useParams, useSearchParams } from "react-router-dom";
import { api, qs, request, type Flow, type PagedResults } from "../api";
import ErrorBox from "../components/ErrorBox";
import FileEditor from "../components/FileEditor";
import KvEditor from "../components/KvEditor";
import Pagination from "../components/Pagination";
import { ExecutionsChart, useDailyStatistics } from "./Dashboard";
import "./admin.css";

const TABS = [
  ["overview", "Overview"],
  ["files", "Files"],
  ["kv", "KV Store"],
] as const;

// -- helpers ---------------------------------------------------------------------------------------------------------

/** A child's path in Kestra's form (`/scripts/etl.py`) from its directory's path (`""` for the root). */
export function childPath(directory: string, name: string): string {
  return `${directory.replace(/\/+$/, "")}/${name}`;
}

/** The directory holding a path (`/a/b.py` → `/a`, `/b.py` → `""`). */
export function parentOf(path: string): string {
  const index = path.replace(/\/+$/, "").lastIndexOf("/");
  return index <= 0 ? "" : path.slice(0, index);
}

/** A path as the user typed it, in Kestra's form: one leading slash, no trailing one, no empty segments. */
export function normalizePath(text: string): string {
  const parts = text.split("/").filter((part) => part.trim() !== "");
  return parts.length ? "/" + parts.join("/") : "";
}

/** Text when the bytes are UTF-8, null for binary content (shown as a download rather than garbage). */
export function decodeText(bytes: ArrayBuffer): string | null {
  if (new Uint8Array(bytes).includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Save a server file to the user's disk (fetched with the credentials: a plain link would not send them). */
async function download(path: string, fileName: string): Promise<void> {
  const response = await request(path);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

const filesBase = (namespace: string) => `/namespaces/${encodeURIComponent(namespace)}/files`;

interface FileAttributes {
  fileName: string;
  type: "File" | "Directory";
  size: number;
  lastModifiedTime: number;
}

// -- the list of namespaces ------------------------------------------------------------------------------------------

function NamespaceList() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const page = Number(params.get("page")) || 1;
  const size = Number(params.get("size")) || 25;
  const namespaces = useQuery({
    queryKey: ["namespaces", "search", q, page, size],
    queryFn: () => api<PagedResults<{ id: string }>>(`/namespaces/search${qs({ q, page, size, sort: "id:asc" })}`),
    placeholderData: keepPreviousData,
  });
  return (
    <div className="admin-page">
      <div className="page-header">
        <h1>Namespaces</h1>
      </div>
      <div className="filters" role="search">
        <label>
          Search
          <input
            type="search"
            value={q}
            onChange={(e) => setParams(e.target.value ? { q: e.target.value } : {}, { replace: true })}
            data-testid="namespaces-search"
          />
        </label>
      </div>
      <ErrorBox error={namespaces.error} />
      {namespaces.isPending ? (
        <div className="loading">Loading…</div>
      ) : namespaces.data && namespaces.data.results.length === 0 ? (
        <div className="empty">
          {q ? "No namespace matches." : "No namespace yet: a namespace exists once a flow, a file or a key is in it."}
        </div>
      ) : (
        namespaces.data && (
          <>
            <table className="data" data-testid="namespaces-table">
              <thead>
                <tr>
                  <th>Namespace</th>
                  <th>Shortcuts</th>
                </tr>
              </thead>
              <tbody>
                {namespaces.data.results.map(({ id }) => (
                  <tr key={id} data-testid="namespace-row" data-namespace={id}>
                    <td>
                      {/* Children are indented under their parents (the list is sorted by id). */}
                      <span style={{ paddingLeft: `${(id.split(".").length - 1) * 1.1}rem` }}>
                        <Link to={`/namespaces/${id}/overview`}>{id}</Link>
                      </span>
                    </td>
                    <td className="row-actions">
                      <Link to={`/namespaces/${id}/files`}>Files</Link>
                      <Link to={`/namespaces/${id}/kv`}>KV Store</Link>
                      <Link to={`/flows?namespace=${encodeURIComponent(id)}`}>Flows</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination
              page={page}
              size={size}
              total={namespaces.data.total}
              onChange={(nextPage, nextSize) =>
                setParams({ ...(q ? { q } : {}), page: String(nextPage), size: String(nextSize) })
              }
            />
          </>
        )
      )}
    </div>
  );
}

// -- overview --------------------------------------------------------------------------------------------------------

function Overview({ namespace }: { namespace: string }) {
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(25);
  const stats = useDailyStatistics(namespace);
  const flows = useQuery({
    queryKey: ["flows", "search", "namespace", namespace, page, size],
    queryFn: () =>
      api<PagedResults<Flow>>(
        `/flows/search${qs({ "filters[namespace][EQUALS]": namespace, page, size, sort: "id:asc" })}`,
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <div data-testid="namespace-overview">
      <h2>Executions (30 days, this namespace and its children)</h2>
      <ErrorBox error={stats.error ?? flows.error} />
      {stats.data && <ExecutionsChart days={stats.data} />}
      <div className="page-header">
        <h2>Flows</h2>
        <Link to={`/flows?namespace=${encodeURIComponent(namespace)}`}>All flows of {namespace} and its children →</Link>
      </div>
      {flows.data && flows.data.results.length === 0 ? (
        <div className="empty">No flow directly in {namespace}.</div>
      ) : (
        flows.data && (
          <>
            <table className="data">
              <thead>
                <tr>
                  <th>Flow</th>
                  <th>Description</th>
                  <th>Revision</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {flows.data.results.map((flow) => (
                  <tr key={flow.id} data-testid="namespace-flow-row">
                    <td>
                      <Link to={`/flows/edit/${flow.namespace}/${flow.id}`}>{flow.id}</Link>
                      {flow.disabled && <span className="pill off">Disabled</span>}
                    </td>
                    <td className="muted">{flow.description?.split("\n")[0]}</td>
                    <td>{flow.revision}</td>
                    <td>
                      <Link to={`/executions/${flow.namespace}/${flow.id}`}>Executions</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination
              page={page}
              size={size}
              total={flows.data.total}
              onChange={(nextPage, nextSize) => {
                setPage(nextPage);
                setSize(nextSize);
              }}
            />
          </>
        )
      )}
    </div>
  );
}

// -- files -----------------------------------------------------------------------------------------------------------

function useDirectory(namespace: string, path: string, enabled = true) {
  return useQuery({
    queryKey: ["nsfiles", namespace, "dir", path],
    queryFn: () => api<FileAttributes[]>(`${filesBase(namespace)}/directory${qs({ path })}`),
    enabled,
  });
}

/** Directories first, then files, each by name. */
export function sortEntries(entries: FileAttributes[]): FileAttributes[] {
  return [...entries].sort(
    (a, b) => Number(b.type === "Directory") - Number(a.type === "Directory") || a.fileName.localeCompare(b.fileName),
  );
}

function Directory({
  namespace,
  path,
  expanded,
  selected,
  onToggle,
  onSelect,
}: {
  namespace: string;
  path: string;
  expanded: Set<string>;
  selected: string;
  onToggle: (path: string) => void;
  onSelect: (path: string, isDirectory: boolean) => void;
}) {
  const listing = useDirectory(namespace, path);
  if (listing.error) return <ErrorBox error={listing.error} />;
  if (!listing.data) return <div className="muted">Loading…</div>;
  if (listing.data.length === 0 && path === "") return <div className="muted">No file yet.</div>;
  return (
    <ul role={path === "" ? "tree" : "group"} aria-label={path === "" ? "Namespace files" : undefined}>
      {sortEntries(listing.data).map((entry) => {
        const entryPath = childPath(path, entry.fileName);
        const isDirectory = entry.type === "Directory";
        const open = expanded.has(entryPath);
        return (
          <li key={entryPath} role="treeitem" aria-expanded={isDirectory ? open : undefined}>
            <div className={`tree-item${selected === entryPath ? " selected" : ""}`}>
              <button
                type="button"
                className="link"
                data-testid="file-tree-item"
                data-path={entryPath}
                title={entryPath}
                onClick={() => {
                  if (isDirectory) onToggle(entryPath);
                  onSelect(entryPath, isDirectory);
                }}
              >
                <span className="tree-icon">{isDirectory ? (open ? "▾" : "▸") : "·"}</span>
                {entry.fileName}
              </button>
            </div>
            {isDirectory && open && (
              <Directory
                namespace={namespace}
                path={entryPath}
                expanded={expanded}
                selected={selected}
                onToggle={onToggle}
                onSelect={onSelect}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}

type PathAction = { kind: "file" | "directory"; base: string } | { kind: "move"; from: string };

/** Asks for a path: a new file, a new directory, or where to move one. */
function PathDialog({
  action,
  onSubmit,
  onClose,
  pending,
  error,
}: {
  action: PathAction;
  onSubmit: (path: string) => void;
  onClose: () => void;
  pending: boolean;
  error: unknown;
}) {
  const initial = action.kind === "move" ? action.from : action.base ? `${action.base}/` : "/";
  const [value, setValue] = useState(initial);
  const title = { file: "New file", directory: "New folder", move: "Rename or move" }[action.kind];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const path = normalizePath(value);
    if (path) onSubmit(path);
  };
  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="path-dialog-title"
        data-testid="path-dialog"
        onSubmit={submit}
        onKeyDown={(e) => e.key === "Escape" && onClose()}
      >
        <h2 id="path-dialog-title">{title}</h2>
        <label>
          Path
          <input
            autoFocus
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder="/scripts/etl.py"
            data-testid="path-input"
          />
          <span className="field-hint">Relative to the namespace; folders in the path are created as needed.</span>
        </label>
        <ErrorBox error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending || !normalizePath(value)} data-testid="path-submit">
            {action.kind === "move" ? "Move" : "Create"}
          </button>
        </div>
      </form>
    </div>
  );
}

function OpenFile({
  namespace,
  path,
  onMove,
  onDelete,
}: {
  namespace: string;
  path: string;
  onMove: () => void;
  onDelete: () => void;
}) {
  const queryClient = useQueryClient();
  const file = useQuery({
    queryKey: ["nsfiles", namespace, "file", path],
    queryFn: async () => {
      const bytes = await (await request(`${filesBase(namespace)}${qs({ path })}`)).arrayBuffer();
      return { text: decodeText(bytes), size: bytes.byteLength };
    },
    staleTime: Infinity, // what the editor shows is replaced only by saving, or by opening the file again
    gcTime: 0,
  });
  const save = useMutation({
    mutationFn: (content: string) => {
      const form = new FormData();
      form.append("fileContent", new Blob([content], { type: "application/octet-stream" }), path.split("/").pop());
      return request(`${filesBase(namespace)}${qs({ path })}`, { method: "POST", body: form });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["nsfiles", namespace, "dir"] }),
  });
  const name = path.split("/").pop() ?? path;
  const actions = (
    <>
      <button type="button" onClick={onMove} data-testid="file-move">
        Rename / move
      </button>
      <button type="button" onClick={() => download(`${filesBase(namespace)}${qs({ path })}`, name)} data-testid="file-download">
        Download
      </button>
      <button type="button" className="danger" onClick={onDelete} data-testid="file-delete">
        Delete
      </button>
    </>
  );
  if (file.error) return <ErrorBox error={file.error} />;
  if (!file.data) return <div className="loading">Loading…</div>;
  if (file.data.text === null) {
    return (
      <div className="card">
        <div className="file-editor-header">
          <span className="path mono">{path}</span>
          {actions}
        </div>
        <p className="muted">Binary file ({file.data.size} bytes): download it to see its content.</p>
      </div>
    );
  }
  return (
    <>
      <FileEditor
        path={path}
        initialValue={file.data.text}
        saving={save.isPending}
        onSave={(content) => save.mutateAsync(content)}
        actions={actions}
      />
      <ErrorBox error={save.error} />
    </>
  );
}

function FilesPanel({ namespace }: { namespace: string }) {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const selected = params.get("path") ?? "";
  const [selectedIsDirectory, setSelectedIsDirectory] = useState(false);
  // Open the directories on the way to a file given in the URL.
  const [expanded, setExpanded] = useState<Set<string>>(() => {
    const open = new Set<string>();
    for (let dir = parentOf(selected); dir; dir = parentOf(dir)) open.add(dir);
    return open;
  });
  const [dialog, setDialog] = useState<PathAction | null>(null);
  const select = (path: string, isDirectory = false) => {
    setSelectedIsDirectory(isDirectory);
    setParams(path ? { path } : {}, { replace: true });
  };
  const refreshTree = () => queryClient.invalidateQueries({ queryKey: ["nsfiles", namespace, "dir"] });
  const baseDirectory = selected ? (selectedIsDirectory ? selected : parentOf(selected)) : "";

  const pathAction = useMutation({
    mutationFn: async ({ action, path }: { action: PathAction; path: string }) => {
      if (action.kind === "move") {
        return request(`${filesBase(namespace)}${qs({ from: action.from, to: path })}`, { method: "PUT" });
      }
      if (action.kind === "directory") {
        return request(`${filesBase(namespace)}/directory${qs({ path })}`, { method: "POST" });
      }
      return request(`${filesBase(namespace)}${qs({ path })}`, { method: "POST" }); // no body: an empty file
    },
    onSuccess: (_, { action, path }) => {
      refreshTree();
      setDialog(null);
      setExpanded((current) => {
        const next = new Set(current);
        for (let dir = parentOf(path); dir; dir = parentOf(dir)) next.add(dir);
        if (action.kind === "directory") next.add(path);
        return next;
      });
      if (action.kind === "move") queryClient.removeQueries({ queryKey: ["nsfiles", namespace, "file", action.from] });
      select(path, action.kind === "directory" || (action.kind === "move" && selectedIsDirectory));
    },
  });
  const remove = useMutation({
    mutationFn: (path: string) => request(`${filesBase(namespace)}${qs({ path })}`, { method: "DELETE" }),
    onSuccess: (_, path) => {
      queryClient.removeQueries({ queryKey: ["nsfiles", namespace, "file", path] });
      refreshTree();
      select("");
    },
  });
  const confirmDelete = (path: string, isDirectory: boolean) => {
    const what = isDirectory ? `the folder ${path} and everything in it` : path;
    if (window.confirm(`Delete ${what}?`)) remove.mutate(path);
  };

  return (
    <div data-testid="namespace-files">
      <div className="toolbar">
        <button type="button" onClick={() => setDialog({ kind: "file", base: baseDirectory })} data-testid="file-new">
          New file
        </button>
        <button
          type="button"
          onClick={() => setDialog({ kind: "directory", base: baseDirectory })}
          data-testid="folder-new"
        >
          New folder
        </button>
        <button
          type="button"
          onClick={() => download(`${filesBase(namespace)}/export`, `${namespace}_files.zip`)}
          data-testid="files-export"
        >
          Export as ZIP
        </button>
        <button type="button" onClick={refreshTree} aria-label="Refresh files">
          ↻
        </button>
      </div>
      <ErrorBox error={remove.error} />
      <div className="files-layout">
        <div className="card file-tree" data-testid="file-tree">
          <Directory
            namespace={namespace}
            path=""
            expanded={expanded}
            selected={selected}
            onToggle={(path) =>
              setExpanded((current) => {
                const next = new Set(current);
                if (!next.delete(path)) next.add(path);
                return next;
              })
            }
            onSelect={select}
          />
        </div>
        <div>
          {!selected ? (
            <div className="empty">Select a file to open it, or create one.</div>
          ) : selectedIsDirectory ? (
            <div className="card">
              <div className="file-editor-header">
                <span className="path mono">{selected}/</span>
                <button type="button" onClick={() => setDialog({ kind: "move", from: selected })} data-testid="file-move">
                  Rename / move
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => confirmDelete(selected, true)}
                  data-testid="file-delete"
                >
                  Delete folder
                </button>
              </div>
            </div>
          ) : (
            <OpenFile
              key={selected}
              namespace={namespace}
              path={selected}
              onMove={() => setDialog({ kind: "move", from: selected })}
              onDelete={() => confirmDelete(selected, false)}
            />
          )}
        </div>
      </div>
      {dialog && (
        <PathDialog
          action={dialog}
          pending={pathAction.isPending}
          error={pathAction.error}
          onSubmit={(path) => pathAction.mutate({ action: dialog, path })}
          onClose={() => {
            setDialog(null);
            pathAction.reset();
          }}
        />
      )}
    </div>
  );
}

// -- one namespace ---------------------------------------------------------------------------------------------------

function NamespaceDetail({ namespace, tab }: { namespace: string; tab: string }) {
  const found = useQuery({
    queryKey: ["namespace", namespace],
    queryFn: () => api<{ id: string }>(`/namespaces/${encodeURIComponent(namespace)}`),
    retry: false,
  });
  const known = TABS.some(([id]) => id === tab);
  return (
    <div className="admin-page">
      <div className="page-header">
        <h1>
          <Link to="/namespaces" className="muted">
            Namespaces
          </Link>{" "}
          / {namespace}
        </h1>
      </div>
      {/* A 404 only means nothing is stored yet: the user can still add files and keys to create it. */}
      {found.error && (
        <p className="muted" data-testid="namespace-empty-note">
          Nothing in {namespace} yet: add a file or a key to create it.
        </p>
      )}
      <nav className="tabs" aria-label="Namespace tabs">
        {TABS.map(([id, label]) => (
          <NavLink
            key={id}
            to={`/namespaces/${namespace}/${id}`}
            className={({ isActive }) => (isActive ? "active" : undefined)}
            data-testid={`tab-${id}`}
          >
            {label}
          </NavLink>
        ))}
      </nav>
      {tab === "overview" && <Overview namespace={namespace} />}
      {tab === "files" && <FilesPanel namespace={namespace} />}
      {tab === "kv" && <KvEditor namespace={namespace} />}
      {!known && <div className="empty">No tab "{tab}" here.</div>}
    </div>
  );
}

/** `/namespaces` lists them; `/namespaces/:namespace[/:tab]` shows one (overview, files, kv). */
export default function NamespacesPage() {
  const { namespace, tab } = useParams();
  if (!namespace) return <NamespaceList />;
  if (!tab) return <Navigate to={`/namespaces/${namespace}/overview`} replace />;
  return <NamespaceDetail namespace={namespace} tab={tab} />;
}
