import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { stringify as stringifyYaml } from "yaml";
import { api, ApiError, apiYaml, qs, type Execution, type Flow, type PagedResults } from "../api";
import ErrorBox from "../components/ErrorBox";
import ExecuteDialog from "../components/ExecuteDialog";
import Pagination from "../components/Pagination";
import RevisionsView from "../components/RevisionsView";
import StateBadge from "../components/StateBadge";
import TaskForm, { usePluginDoc, type TaskFormSubmit } from "../components/TaskForm";
import Topology, { type FlowGraph } from "../components/Topology";
import YamlEditor, { type EditorMarker, type YamlEditorHandle } from "../components/YamlEditor";
import { durationMs, formatDate, formatDuration } from "../lib/format";
import {
  addTask,
  addTrigger,
  getPlugin,
  pluginIds,
  removeTask,
  removeTrigger,
  updateTask,
  updateTrigger,
  YamlEditError,
  type PluginKind,
  type PluginValues,
} from "../lib/yamlEdit";
import { ConfirmDialog } from "./FlowsList";
import "./flows.css";

// -- pure helpers (exported for tests) -----------------------------------------------------------------------------

/** One result of `POST /flows/validate` (Kestra's ValidateConstraintViolation). */
export interface ValidationResult {
  index: number;
  namespace?: string;
  flow?: string;
  constraints?: string;
  warnings?: string[];
  deprecationPaths?: string[];
}

export interface Problem {
  line?: number;
  column?: number;
  message: string;
  severity: "error" | "warning";
}

const LOCATED = /^(?:(?:.*?):)?(\d+):(\d+): (?:warning: )?([\s\S]*)$/;

/**
 * The problems of a validation answer with their positions: constraints read `<file>:<line>:<col>: <path>: <message>`
 * (one per line; a line without a position continues the message before it), warnings `<line>:<col>: …`.
 */
export function parseProblems(results: ValidationResult[]): Problem[] {
  const problems: Problem[] = [];
  for (const result of results) {
    let last: Problem | null = null;
    for (const text of (result.constraints ?? "").split("\n")) {
      if (!text.trim()) continue;
      const match = LOCATED.exec(text);
      if (match) {
        last = {
          line: Number(match[1]),
          column: Number(match[2]),
          message: match[3],
          severity: "error",
        };
        problems.push(last);
      } else if (last) {
        last.message += `\n${text}`;
      } else {
        last = { message: text, severity: "error" };
        problems.push(last);
      }
    }
    for (const text of result.warnings ?? []) {
      const match = LOCATED.exec(text);
      problems.push(
        match
          ? {
              line: Number(match[1]),
              column: Number(match[2]),
              message: match[3],
              severity: "warning",
            }
          : { message: text, severity: "warning" },
      );
    }
  }
  return problems;
}

/** `/ui/flows/edit/{ns}/{id}/{tab}`: Kestra's tab names; the editor is the default (`edit`, `topology`, none). */
export type EditorTab = "edit" | "executions" | "revisions";

export function tabOf(param: string | undefined): EditorTab {
  return param === "executions" || param === "revisions" ? param : "edit";
}

export function newFlowTemplate(namespace: string | null): string {
  return `id: my_flow
namespace: ${namespace || "company.team"}

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: Hello World! 🚀
`;
}

export type MarkdownBlock = {
  kind: "heading" | "paragraph" | "code";
  text: string;
};

/** Plugin documentation (Markdown) as headings, paragraphs and code blocks: enough to read it, no HTML injected. */
export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  const parts = markdown.split(/^```[^\n]*\n?/m);
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      blocks.push({ kind: "code", text: part.replace(/\n$/, "") });
      return;
    }
    for (const paragraph of part.split(/\n\s*\n/)) {
      const text = paragraph.trim();
      if (!text) continue;
      if (/^#{1,6} /.test(text)) blocks.push({ kind: "heading", text: text.replace(/^#{1,6} /, "") });
      else blocks.push({ kind: "paragraph", text });
    }
  });
  return blocks;
}

/** How the editor tab shows the flow, as Kestra's editor offers: source and topology side by side, or one of them. */
export type EditorLayout = "both" | "source" | "topology";
const LAYOUT_KEY = "choreo.flowEditorLayout";

function storedLayout(): EditorLayout {
  const saved = localStorage.getItem(LAYOUT_KEY);
  return saved === "source" || saved === "topology" ? saved : "both";
}

function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

const flowPath = (namespace: string, id: string) => `/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}`;
const editPath = (namespace: string, id: string, tab?: EditorTab) =>
  `/flows/edit/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}${tab && tab !== "edit" ? `/${tab}` : ""}`;

// -- the page --------------------------------------------------------------------------------------------------------

export default function FlowEditor() {
  const { namespace, id, tab } = useParams();
  const [params] = useSearchParams();
  if (!namespace || !id) {
    return (
      <div className="flow-editor-page">
        <div className="page-header">
          <h1>New flow</h1>
        </div>
        <SourceEditor key="new" initialSource={newFlowTemplate(params.get("namespace"))} />
      </div>
    );
  }
  return <ExistingFlow key={`${namespace}/${id}`} namespace={namespace} id={id} tab={tabOf(tab)} />;
}

function ExistingFlow({ namespace, id, tab }: { namespace: string; id: string; tab: EditorTab }) {
  const flow = useQuery({
    queryKey: ["flows", namespace, id, "source"],
    queryFn: () => api<Flow>(flowPath(namespace, id)),
  });
  const missing = flow.error instanceof ApiError && flow.error.status === 404;
  const deleted = useQuery({
    queryKey: ["flows", namespace, id, "deleted"],
    queryFn: () => api<Flow>(flowPath(namespace, id) + qs({ allowDeleted: true })),
    enabled: missing,
    retry: false,
  });

  const header = (
    <div className="page-header">
      <h1>
        <Link to={`/flows?namespace=${encodeURIComponent(namespace)}`} className="muted">
          {namespace}
        </Link>
        <span className="muted">.</span>
        <span data-testid="flow-title">{id}</span>
      </h1>
      {flow.data && <span className="muted">revision {flow.data.revision}</span>}
    </div>
  );

  if (flow.isLoading)
    return (
      <div className="loading">
        Loading {namespace}.{id}…
      </div>
    );
  if (missing) {
    return (
      <div className="flow-editor-page">
        {header}
        {deleted.isLoading ? (
          <div className="loading">…</div>
        ) : deleted.data?.deleted ? (
          <DeletedFlow flow={deleted.data} />
        ) : (
          <div className="card flow-missing" data-testid="flow-not-found">
            <p>
              There is no flow <strong>{id}</strong> in the namespace <strong>{namespace}</strong>.
            </p>
            <p>
              <Link to={`/flows/new?namespace=${encodeURIComponent(namespace)}`}>Create a flow</Link> ·{" "}
              <Link to="/flows">All flows</Link>
            </p>
          </div>
        )}
      </div>
    );
  }
  if (flow.error || !flow.data) return <ErrorBox error={flow.error ?? "The flow could not be read."} />;

  const tabs: [EditorTab, string][] = [
    ["edit", "Editor"],
    ["executions", "Executions"],
    ["revisions", "Revisions"],
  ];
  let body: ReactNode = null;
  if (tab === "executions") body = <FlowExecutions namespace={namespace} flowId={id} />;
  else if (tab === "revisions") body = <RevisionsView namespace={namespace} flowId={id} />;

  return (
    <div className="flow-editor-page">
      {header}
      <nav className="tabs" aria-label="Flow">
        {tabs.map(([name, label]) => (
          <Link
            key={name}
            to={editPath(namespace, id, name)}
            className={tab === name ? "active" : undefined}
            aria-current={tab === name ? "page" : undefined}
            data-testid={`tab-${name === "edit" ? "editor" : name}`}
          >
            {label}
          </Link>
        ))}
      </nav>
      {flow.data.disabled && <DisabledBanner flow={flow.data} />}
      {/* The editor stays mounted on the other tabs: unsaved changes survive a look at the revisions. */}
      <div hidden={tab !== "edit"}>
        <SourceEditor initialSource={flow.data.source ?? ""} flow={flow.data} active={tab === "edit"} />
      </div>
      {body}
    </div>
  );
}

function DisabledBanner({ flow }: { flow: Flow }) {
  const queryClient = useQueryClient();
  const enable = useMutation({
    mutationFn: () =>
      api("/flows/enable/by-ids", {
        method: "POST",
        json: [{ namespace: flow.namespace, id: flow.id }],
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["flows"] }),
  });
  return (
    <div className="banner warning" role="status" data-testid="flow-disabled-banner">
      This flow is disabled: its triggers do not fire and it cannot be executed.
      <button type="button" onClick={() => enable.mutate()} disabled={enable.isPending} data-testid="flow-enable">
        Enable
      </button>
      <ErrorBox error={enable.error} />
    </div>
  );
}

function DeletedFlow({ flow }: { flow: Flow }) {
  const queryClient = useQueryClient();
  const restore = useMutation({
    mutationFn: () => apiYaml<Flow>("/flows", "POST", flow.source ?? ""),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["flows"] }),
  });
  return (
    <div className="card" data-testid="flow-deleted">
      <p>
        This flow was deleted (its last revision was {flow.revision}). Its executions are kept. Restoring it saves its
        last source as a new revision.
      </p>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => restore.mutate()}
          disabled={restore.isPending}
          data-testid="flow-restore"
        >
          Restore this flow
        </button>
        <Link to={`/executions/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}`}>
          Its executions
        </Link>
      </div>
      <ErrorBox error={restore.error} />
      {flow.source && <pre className="deleted-source">{flow.source}</pre>}
    </div>
  );
}

// -- the editor tab --------------------------------------------------------------------------------------------------

interface FormState {
  kind: PluginKind;
  initial?: PluginValues;
}

function SourceEditor({
  initialSource,
  flow,
  active = true,
}: {
  initialSource: string;
  flow?: Flow;
  active?: boolean;
}) {
  const isNew = !flow;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const editorHandle = useRef<YamlEditorHandle>(null);
  const [source, setSourceState] = useState(initialSource);
  // The text as it is right now: Monaco reports a change synchronously, React renders it a little later, and a
  // Ctrl+S in between must save what the user sees.
  const currentSource = useRef(initialSource);
  const setSource = useCallback((text: string) => {
    currentSource.current = text;
    setSourceState(text);
  }, []);
  const [saved, setSaved] = useState(initialSource);
  const [savedNotice, setSavedNotice] = useState<string | null>(null);
  const [executing, setExecuting] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<{
    kind: PluginKind;
    id: string;
  } | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const [outdated, setOutdated] = useState<number | null>(null);
  const [layout, setLayout] = useState<EditorLayout>(storedLayout);
  const dirty = source !== saved;
  useEffect(() => localStorage.setItem(LAYOUT_KEY, layout), [layout]);

  // A new revision from elsewhere (enable, restore, another tab): taken when there is nothing unsaved here.
  const revision = flow?.revision;
  const serverSource = flow?.source;
  const knownRevision = useRef(revision);
  useEffect(() => {
    if (revision === undefined || revision === knownRevision.current) return;
    knownRevision.current = revision;
    if (serverSource === undefined || serverSource === saved) return;
    if (source === saved) {
      setSource(serverSource);
      setSaved(serverSource);
      setOutdated(null);
    } else setOutdated(revision);
    // Only a revision change matters here.
  }, [revision]);

  const debounced = useDebounced(source, 300);
  const validation = useQuery({
    queryKey: ["flows", "validate", debounced],
    queryFn: () => apiYaml<ValidationResult[]>("/flows/validate", "POST", debounced),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const graph = useQuery({
    queryKey: ["flows", "graph", debounced],
    queryFn: () => apiYaml<FlowGraph>("/flows/graph", "POST", debounced),
    staleTime: Infinity,
    retry: false,
  });
  // While the YAML is invalid the topology keeps showing the last valid version.
  const [lastGraph, setLastGraph] = useState<FlowGraph | null>(null);
  useEffect(() => {
    if (graph.data) setLastGraph(graph.data);
  }, [graph.data]);

  const problems = useMemo(() => parseProblems(validation.data ?? []), [validation.data]);
  const markers = useMemo<EditorMarker[]>(
    () =>
      problems.map((p) => ({
        line: p.line ?? 1,
        column: p.column ?? 1,
        message: p.message,
        severity: p.severity,
      })),
    [problems],
  );
  const errorCount = problems.filter((p) => p.severity === "error").length;
  // While the YAML cannot be read, the panels keep the ids of its last readable version.
  const lastIds = useRef<{ tasks: string[]; triggers: string[] }>({ tasks: [], triggers: [] });
  const ids = useMemo(() => {
    const found = pluginIds(source);
    if (found) lastIds.current = found;
    return lastIds.current;
  }, [source]);

  const save = useMutation({
    mutationFn: (text: string) =>
      isNew ? apiYaml<Flow>("/flows", "POST", text) : apiYaml<Flow>(flowPath(flow.namespace, flow.id), "PUT", text),
    onSuccess: (result, text) => {
      setSaved(text);
      setOutdated(null);
      knownRevision.current = result.revision;
      queryClient.invalidateQueries({ queryKey: ["flows"] });
      if (isNew) {
        navigate(editPath(result.namespace, result.id), { replace: true });
        return;
      }
      setSavedNotice(`Saved: revision ${result.revision}`);
    },
  });
  useEffect(() => {
    if (!savedNotice) return;
    const timer = setTimeout(() => setSavedNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [savedNotice]);

  const canExecute = !isNew && !flow.disabled;
  const doSave = useCallback(() => {
    if (!save.isPending) save.mutate(currentSource.current);
  }, [save]);
  const doExecute = useCallback(() => {
    if (canExecute) setExecuting(true);
  }, [canExecute]);

  // Ctrl/Cmd+S and Ctrl/Cmd+E outside the editor too (inside it, Monaco's own commands handle them).
  const shortcuts = useRef({ doSave, doExecute, blocked: false });
  shortcuts.current = {
    doSave,
    doExecute,
    blocked: form !== null || executing || removing !== null,
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !(event.ctrlKey || event.metaKey) || event.altKey || shortcuts.current.blocked)
        return;
      const key = event.key.toLowerCase();
      if (key === "s") {
        event.preventDefault();
        shortcuts.current.doSave();
      } else if (key === "e") {
        event.preventDefault();
        shortcuts.current.doExecute();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", onUnload);
    return () => window.removeEventListener("beforeunload", onUnload);
  }, [dirty]);

  const applyForm = (result: TaskFormSubmit) => {
    if (!form) return;
    try {
      const { initial, kind } = form;
      let next: string;
      if (initial) {
        next =
          kind === "task"
            ? updateTask(currentSource.current, initial.id, result.props)
            : updateTrigger(currentSource.current, initial.id, result.props);
      } else {
        const values: PluginValues = {
          id: result.id,
          type: result.type,
          ...result.props,
        };
        next = kind === "task" ? addTask(currentSource.current, values) : addTrigger(currentSource.current, values);
      }
      setSource(next);
      if (kind === "task") setSelected(result.id);
      setForm(null);
      setFormError(null);
    } catch (error) {
      setFormError(error instanceof YamlEditError ? error.message : String(error));
    }
  };

  const openForm = (kind: PluginKind, id?: string) => {
    setEditError(null);
    if (id) {
      const initial = getPlugin(source, kind, id);
      if (!initial) {
        setEditError(`The ${kind} '${id}' cannot be read from the YAML: fix the YAML first.`);
        return;
      }
      setForm({ kind, initial });
    } else setForm({ kind });
  };

  const remove = () => {
    if (!removing) return;
    try {
      const text = currentSource.current;
      setSource(removing.kind === "task" ? removeTask(text, removing.id) : removeTrigger(text, removing.id));
      if (removing.kind === "task" && selected === removing.id) setSelected(null);
      setEditError(null);
    } catch (error) {
      setEditError(error instanceof YamlEditError ? error.message : String(error));
    }
    setRemoving(null);
  };

  return (
    <div className="source-editor">
      <div className="toolbar editor-toolbar">
        <button
          type="button"
          className="primary"
          onClick={doSave}
          disabled={save.isPending || (!dirty && !isNew)}
          data-testid="save-flow"
          title="Save (Ctrl/Cmd+S)"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <button
          type="button"
          onClick={doExecute}
          disabled={!canExecute}
          data-testid="execute-flow"
          title={
            isNew
              ? "Save the flow first"
              : flow.disabled
                ? "A disabled flow cannot be executed"
                : "Execute (Ctrl/Cmd+E)"
          }
        >
          Execute
        </button>
        <button type="button" onClick={() => openForm("task")} data-testid="add-task">
          Add task
        </button>
        <button type="button" onClick={() => openForm("trigger")} data-testid="add-trigger">
          Add trigger
        </button>
        <div className="layout-switch" role="group" aria-label="Editor layout">
          {(
            [
              ["both", "Source + topology"],
              ["source", "Source"],
              ["topology", "Topology"],
            ] as [EditorLayout, string][]
          ).map(([value, label]) => (
            <button
              key={value}
              type="button"
              aria-pressed={layout === value}
              className={layout === value ? "active" : undefined}
              onClick={() => setLayout(value)}
              data-testid={`layout-${value}`}
            >
              {label}
            </button>
          ))}
        </div>
        {dirty && (
          <span className="muted" data-testid="unsaved">
            Unsaved changes{!isNew ? " · Execute runs the saved revision" : ""}
          </span>
        )}
        {savedNotice && !dirty && (
          <span className="saved-notice" role="status" data-testid="saved-notice">
            {savedNotice}
          </span>
        )}
      </div>
      {outdated !== null && (
        <div className="banner warning" role="status">
          Revision {outdated} was saved elsewhere while you were editing; saving now replaces it with your version.
        </div>
      )}
      <div data-testid="save-error">
        <ErrorBox error={save.error} />
      </div>
      <ErrorBox error={editError} />

      <div className={`editor-grid layout-${layout}`}>
        <div className="editor-column">
          <YamlEditor
            ref={editorHandle}
            value={source}
            onChange={setSource}
            modelName={flow ? `${flow.namespace}.${flow.id}` : "new-flow"}
            markers={markers}
            onSave={doSave}
            onExecute={doExecute}
          />
          <ValidationStatus
            problems={problems}
            errorCount={errorCount}
            checking={validation.isFetching}
            error={validation.error}
            onPick={(p) => p.line && editorHandle.current?.reveal(p.line, p.column ?? 1)}
          />
        </div>
        <div className="side-column">
          <div className="topology-wrapper">
            {!active ? null : lastGraph ? (
              // Laid out again when its box changes size (the graph is fitted to its box once, when drawn).
              <Topology
                key={layout}
                graph={lastGraph}
                onSelect={setSelected}
                height={layout === "topology" ? 560 : 320}
              />
            ) : graph.isLoading ? (
              <div className="loading">Drawing the topology…</div>
            ) : (
              <div className="empty">The topology appears once the flow is valid.</div>
            )}
            {graph.error && lastGraph && <div className="muted topology-note">Showing the last valid version.</div>}
          </div>
          {selected ? (
            <TaskPanel
              source={source}
              taskId={selected}
              onClose={() => setSelected(null)}
              onEdit={() => openForm("task", selected)}
              onRemove={() => setRemoving({ kind: "task", id: selected })}
            />
          ) : (
            <OverviewPanel
              tasks={ids.tasks}
              triggers={ids.triggers}
              onSelectTask={setSelected}
              onEditTrigger={(id) => openForm("trigger", id)}
              onRemoveTrigger={(id) => setRemoving({ kind: "trigger", id })}
            />
          )}
        </div>
      </div>

      {form && (
        <TaskForm
          kind={form.kind}
          initial={form.initial}
          existingIds={form.kind === "task" ? ids.tasks : ids.triggers}
          onSubmit={applyForm}
          onCancel={() => {
            setForm(null);
            setFormError(null);
          }}
          error={formError}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove the ${removing.kind} ${removing.id}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={remove}
        >
          <p>It is removed from the YAML; nothing is saved until you save the flow.</p>
        </ConfirmDialog>
      )}
      {executing && flow && (
        <ExecuteDialog namespace={flow.namespace} flowId={flow.id} onClose={() => setExecuting(false)} />
      )}
    </div>
  );
}

function ValidationStatus({
  problems,
  errorCount,
  checking,
  error,
  onPick,
}: {
  problems: Problem[];
  errorCount: number;
  checking: boolean;
  error: unknown;
  onPick: (problem: Problem) => void;
}) {
  const warnings = problems.length - errorCount;
  return (
    <div className="validation">
      <div className="validation-status" data-testid="validation-status" data-valid={errorCount === 0 && !error}>
        {error
          ? "The flow could not be validated."
          : errorCount > 0
            ? `${errorCount} error${errorCount > 1 ? "s" : ""}${warnings ? `, ${warnings} warning${warnings > 1 ? "s" : ""}` : ""}`
            : warnings > 0
              ? `Valid, ${warnings} warning${warnings > 1 ? "s" : ""}`
              : "Valid flow"}
        {checking && <span className="muted"> · checking…</span>}
      </div>
      <ErrorBox error={error} />
      {problems.length > 0 && (
        <ul className="validation-errors" data-testid="validation-errors">
          {problems.map((problem, index) => (
            <li key={index} className={problem.severity} data-testid="validation-error">
              <button type="button" className="link" onClick={() => onPick(problem)} disabled={!problem.line}>
                {problem.line ? `${problem.line}:${problem.column ?? 1}` : "—"}
              </button>{" "}
              <span className="problem-message">{problem.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function OverviewPanel({
  tasks,
  triggers,
  onSelectTask,
  onEditTrigger,
  onRemoveTrigger,
}: {
  tasks: string[];
  triggers: string[];
  onSelectTask: (id: string) => void;
  onEditTrigger: (id: string) => void;
  onRemoveTrigger: (id: string) => void;
}) {
  return (
    <div className="card side-panel" data-testid="flow-overview-panel">
      <h2>Tasks</h2>
      {tasks.length === 0 ? (
        <p className="muted">No task yet.</p>
      ) : (
        <ul className="plain-list">
          {tasks.map((id) => (
            <li key={id}>
              <button type="button" className="link" onClick={() => onSelectTask(id)} data-testid={`panel-task-${id}`}>
                {id}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h2>Triggers</h2>
      {triggers.length === 0 ? (
        <p className="muted">No trigger: the flow runs when executed.</p>
      ) : (
        <ul className="plain-list">
          {triggers.map((id) => (
            <li key={id} className="row-actions">
              <span className="mono">{id}</span>
              <button
                type="button"
                className="link"
                onClick={() => onEditTrigger(id)}
                data-testid={`edit-trigger-${id}`}
              >
                Edit
              </button>
              <button
                type="button"
                className="link danger-link"
                onClick={() => onRemoveTrigger(id)}
                aria-label={`Remove trigger ${id}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">Click a task in the topology to see its properties and documentation.</p>
    </div>
  );
}

function TaskPanel({
  source,
  taskId,
  onClose,
  onEdit,
  onRemove,
}: {
  source: string;
  taskId: string;
  onClose: () => void;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const task = useMemo(() => getPlugin(source, "task", taskId), [source, taskId]);
  const doc = usePluginDoc(task?.type);
  const properties = useMemo(() => {
    if (!task) return "";
    const { id: _id, type: _type, ...rest } = task;
    return Object.keys(rest).length ? stringifyYaml(rest, { lineWidth: 0 }) : "";
  }, [task]);
  return (
    <div className="card side-panel" data-testid="task-panel">
      <div className="side-panel-header">
        <h2 className="mono">{taskId}</h2>
        <button type="button" className="link" onClick={onClose} aria-label="Close the task panel">
          ✕
        </button>
      </div>
      {!task ? (
        <p className="muted">This task is not in the YAML any more (or the YAML cannot be read).</p>
      ) : (
        <>
          <p className="mono muted">{task.type}</p>
          <div className="toolbar">
            <button type="button" onClick={onEdit} data-testid="edit-task">
              Edit
            </button>
            <button type="button" className="danger" onClick={onRemove} data-testid="remove-task">
              Remove
            </button>
          </div>
          <h3>Properties</h3>
          {properties ? (
            <pre data-testid="task-properties">{properties}</pre>
          ) : (
            <p className="muted">None besides id and type.</p>
          )}
          <h3>Documentation</h3>
          <ErrorBox error={doc.error} />
          {doc.isLoading && <div className="muted">Loading…</div>}
          {doc.data?.markdown && <MarkdownView markdown={doc.data.markdown} />}
          {doc.data && (
            <Link to={`/plugins/${encodeURIComponent(doc.data.cls)}`} className="muted">
              Full documentation of {doc.data.cls}
            </Link>
          )}
        </>
      )}
    </div>
  );
}

function MarkdownView({ markdown }: { markdown: string }) {
  return (
    <div className="plugin-doc" data-testid="task-doc">
      {markdownBlocks(markdown).map((block, index) =>
        block.kind === "code" ? (
          <pre key={index}>{block.text}</pre>
        ) : block.kind === "heading" ? (
          <h4 key={index}>{block.text}</h4>
        ) : (
          <p key={index}>{inlineCode(block.text)}</p>
        ),
      )}
    </div>
  );
}

/** `code` spans of a paragraph as <code>. */
function inlineCode(text: string): ReactNode[] {
  return text
    .split(/(`[^`]+`)/)
    .map((part, index) =>
      part.startsWith("`") && part.endsWith("`") && part.length > 1 ? (
        <code key={index}>{part.slice(1, -1)}</code>
      ) : (
        part
      ),
    );
}

// -- the executions tab --------------------------------------------------------------------------------------------

function FlowExecutions({ namespace, flowId }: { namespace: string; flowId: string }) {
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(25);
  const executions = useQuery({
    queryKey: ["executions", "search", { namespace, flowId, page, size }],
    queryFn: () => api<PagedResults<Execution>>("/executions/search" + qs({ namespace, flowId, page, size })),
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  });
  const results = (executions.data?.results ?? []).filter((e) => e.namespace === namespace && e.flowId === flowId);
  return (
    <div data-testid="flow-executions">
      <div className="toolbar">
        <Link to={`/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}`}>
          Open in the executions list (filters, bulk actions)
        </Link>
      </div>
      <ErrorBox error={executions.error} />
      <table className="data">
        <thead>
          <tr>
            <th>Id</th>
            <th>State</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Revision</th>
          </tr>
        </thead>
        <tbody>
          {results.map((execution) => (
            <tr key={execution.id} data-testid="flow-execution-row">
              <td className="mono">
                <Link to={`/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}/${execution.id}`}>
                  {execution.id}
                </Link>
              </td>
              <td>
                <StateBadge state={execution.state.current} />
              </td>
              <td>{formatDate(execution.state.startDate)}</td>
              <td>{formatDuration(durationMs(execution.state.startDate, execution.state.endDate))}</td>
              <td>{execution.flowRevision}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {executions.isLoading && <div className="loading">Loading executions…</div>}
      {!executions.isLoading && results.length === 0 && !executions.error && (
        <div className="empty">This flow has not been executed yet.</div>
      )}
      <Pagination
        page={page}
        size={size}
        total={executions.data?.total ?? 0}
        onChange={(nextPage, nextSize) => {
          setPage(nextPage);
          setSize(nextSize);
        }}
      />
    </div>
  );
}
