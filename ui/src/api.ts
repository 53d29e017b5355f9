// The one way the UI talks to the server: Kestra's API under /api/v1/main, with the credentials the user gave.

export const TENANT_BASE = "/api/v1/main";
const AUTH_KEY = "choreo.auth";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export function authHeader(): string | null {
  return sessionStorage.getItem(AUTH_KEY) ?? localStorage.getItem(AUTH_KEY);
}

export function login(username: string, password: string, remember = false): void {
  const value = "Basic " + btoa(unescape(encodeURIComponent(`${username}:${password}`)));
  (remember ? localStorage : sessionStorage).setItem(AUTH_KEY, value);
}

export function clearCredentials(): void {
  sessionStorage.removeItem(AUTH_KEY);
  localStorage.removeItem(AUTH_KEY);
}

export function logout(): void {
  clearCredentials();
  window.dispatchEvent(new Event("choreo:unauthorized"));
}

/** `/flows/search` → `/api/v1/main/flows/search`; paths starting with /api are left as they are. */
export function url(path: string): string {
  return path.startsWith("/api") ? path : TENANT_BASE + path;
}

/** A query string from an object: arrays repeat the key, null/undefined/"" are left out. */
export function qs(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  // Tells the server not to send a Basic challenge on 401 (the browser would show its own prompt): the app's
  // login page asks instead.
  headers.set("X-Requested-With", "XMLHttpRequest");
  const auth = authHeader();
  if (auth && !headers.has("Authorization")) headers.set("Authorization", auth);
  const response = await fetch(url(path), { ...init, headers });
  if (response.status === 401) window.dispatchEvent(new Event("choreo:unauthorized"));
  if (!response.ok) {
    let body: unknown = undefined;
    let message = `${response.status} ${response.statusText}`;
    try {
      body = await response.json();
      const data = body as { message?: string };
      if (data && typeof data.message === "string") message = data.message;
    } catch {
      /* not JSON: keep the status line */
    }
    throw new ApiError(response.status, message, body);
  }
  return response;
}

/** JSON in, JSON out (undefined for an empty answer such as 204). */
export async function api<T = unknown>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  if (json !== undefined) {
    rest.body = JSON.stringify(json);
    rest.headers = { "Content-Type": "application/json", ...(rest.headers as Record<string, string>) };
  }
  const response = await request(path, rest);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Send YAML (flow source) and read JSON back. */
export function apiYaml<T = unknown>(path: string, method: string, yaml: string): Promise<T> {
  return api<T>(path, { method, body: yaml, headers: { "Content-Type": "application/x-yaml" } });
}

export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * Follow a server-sent-events route. EventSource cannot send the Authorization header, so the stream is read with
 * fetch. Resolves when the stream ends; abort the signal to stop.
 */
export async function followEvents(path: string, onEvent: (event: ServerEvent) => void, signal: AbortSignal) {
  const response = await request(path, { signal, headers: { Accept: "text/event-stream" } });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new EventParser(onEvent);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.push(value);
  }
}

/**
 * Splits a text stream (given in arbitrary chunks) into server-sent events, in time linear in the stream's size (a
 * log stream of 100k lines comes in chunks of hundreds of events).
 */
export class EventParser {
  private buffer = "";
  private carriageReturn = false;

  constructor(private readonly onEvent: (event: ServerEvent) => void) {}

  push(chunk: string): void {
    // Line ends become "\n"; a "\r" ending a chunk may be the first half of a "\r\n" split across two chunks.
    let text = (this.carriageReturn && chunk.startsWith("\n") ? chunk.slice(1) : chunk).replace(/\r\n?/g, "\n");
    this.carriageReturn = chunk.endsWith("\r");
    this.buffer += text;
    text = this.buffer;
    let start = 0;
    for (let end = text.indexOf("\n\n", start); end >= 0; end = text.indexOf("\n\n", start)) {
      this.dispatch(text.slice(start, end));
      start = end + 2;
    }
    this.buffer = text.slice(start);
  }

  private dispatch(block: string): void {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) this.onEvent({ event, data: data.join("\n") });
  }
}

// -- the documents the UI reads (the fields it uses; the server sends Kestra's full documents) ---------------------

export type StateType =
  | "CREATED"
  | "QUEUED"
  | "RUNNING"
  | "PAUSED"
  | "RESTARTED"
  | "KILLING"
  | "SUCCESS"
  | "WARNING"
  | "FAILED"
  | "KILLED"
  | "CANCELLED"
  | "RETRYING"
  | "RETRIED"
  | "SKIPPED"
  | "BREAKPOINT"
  | "RESUBMITTED"
  | "SUBMITTED";

export const TERMINAL_STATES: StateType[] = ["SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED", "SKIPPED", "RETRIED"];

export interface StateHistory {
  state: StateType;
  date: string;
}

export interface State {
  current: StateType;
  startDate?: string;
  endDate?: string;
  duration?: string | number;
  histories?: StateHistory[];
}

export interface Label {
  key: string;
  value: string;
}

export interface Attempt {
  state: State;
}

export interface TaskRun {
  id: string;
  taskId: string;
  parentTaskRunId?: string | null;
  value?: string | null;
  state: State;
  attempts?: Attempt[];
  outputs?: Record<string, unknown>;
}

export interface Execution {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  state: State;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  labels?: Label[];
  taskRunList?: TaskRun[];
  trigger?: { id: string; type: string; variables?: Record<string, unknown> } | null;
  parentId?: string | null;
}

export interface Flow {
  id: string;
  namespace: string;
  revision: number;
  description?: string;
  disabled?: boolean;
  labels?: Label[] | Record<string, string>;
  inputs?: FlowInput[];
  source?: string;
  tasks?: unknown[];
  triggers?: { id: string; type: string; disabled?: boolean }[];
  deleted?: boolean;
}

export interface FlowInput {
  id: string;
  type: string;
  required?: boolean;
  defaults?: unknown;
  description?: string;
  displayName?: string;
  values?: string[];
  multiple?: boolean;
}

export interface PagedResults<T> {
  results: T[];
  total: number;
}

export interface LogEntry {
  namespace: string;
  flowId: string;
  executionId?: string;
  taskId?: string;
  taskRunId?: string;
  attemptNumber?: number;
  triggerId?: string;
  timestamp: string;
  level: string;
  message: string;
  thread?: string;
}

/**
 * Download a server file with the user's credentials (a plain link cannot send the Authorization header): fetch it,
 * then save it under the name the server gives (Content-Disposition) or `fallbackName`.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const response = await request(path);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const name = encoded ? decodeURIComponent(encoded[1]) : plain ? plain[1] : fallbackName;
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
