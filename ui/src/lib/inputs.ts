// Flow inputs in the Execute dialog: which field each Kestra input type gets, the value a form starts with, and how
// the values travel (multipart form fields, files as parts named by the input id, labels as `labels=key:value`).
import { stringify as toYaml } from "yaml";
import { ApiError, type FlowInput } from "../api";

/** A flow input as the server declares it (`GET /flows/{ns}/{id}` → `inputs`), with each type's options. */
export interface InputDeclaration extends FlowInput {
  prefill?: unknown;
  min?: number | string;
  max?: number | string;
  after?: string;
  before?: string;
  validator?: string;
  options?: string[];
  allowCustomValue?: boolean;
  isRadio?: boolean;
  itemType?: string;
  extension?: string;
  allowedFileExtensions?: string[];
  expression?: string;
  dependsOn?: { inputs?: string[]; condition?: string };
}

/** The value a field holds: text, a checkbox, the chosen values of a multiselect, a file (null: nothing given). */
export type InputValue = string | boolean | string[] | File | null;
export type InputValues = Record<string, InputValue>;

export type FieldKind =
  | "text"
  | "password"
  | "email"
  | "url"
  | "integer"
  | "number"
  | "checkbox"
  | "datetime"
  | "date"
  | "time"
  | "duration"
  | "select"
  | "radio"
  | "combo"
  | "multiselect"
  | "file"
  | "code"
  | "array";

/** The form field for an input type (unknown types get a text field: the server still checks the value). */
export function fieldKind(input: InputDeclaration): FieldKind {
  switch (input.type.toUpperCase()) {
    case "SECRET":
      return "password";
    case "EMAIL":
      return "email";
    case "URI":
      return "url";
    case "INT":
      return "integer";
    case "FLOAT":
      return "number";
    case "BOOL":
    case "BOOLEAN":
      return "checkbox";
    case "DATETIME":
      return "datetime";
    case "DATE":
      return "date";
    case "TIME":
      return "time";
    case "DURATION":
      return "duration";
    case "SELECT":
    case "ENUM":
      // Choices computed by an `expression` are not sent with the flow: a free field, checked by the server.
      if (input.allowCustomValue || choices(input).length === 0) return "combo";
      return input.isRadio ? "radio" : "select";
    case "MULTISELECT":
      return choices(input).length === 0 ? "array" : "multiselect";
    case "FILE":
      return "file";
    case "JSON":
    case "YAML":
      return "code";
    case "ARRAY":
      return "array";
    default:
      return "text";
  }
}

/** The choices of a SELECT, ENUM or MULTISELECT (`options` is MULTISELECT's old name of `values`). */
export function choices(input: InputDeclaration): string[] {
  return (input.values ?? input.options ?? []).map(String);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO instant → the `YYYY-MM-DDTHH:mm:ss` an `<input type="datetime-local">` shows, in the browser's zone. */
export function isoToLocalInput(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** A datetime-local value (the browser's zone) → an ISO instant in UTC, as the server expects a zone. */
export function localInputToIso(value: string): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().replace(".000Z", "Z");
}

/** What a field shows first: the default, else the prefill, else nothing. */
export function initialValue(input: InputDeclaration): InputValue {
  const given = input.defaults ?? input.prefill;
  const kind = fieldKind(input);
  switch (kind) {
    case "checkbox":
      if (given === undefined || given === null) return null; // optional and untouched: the server decides
      return given === true || String(given).toLowerCase() === "true";
    case "multiselect":
      if (Array.isArray(given)) return given.map(String);
      if (typeof given === "string" && given.trim().startsWith("[")) {
        try {
          const parsed: unknown = JSON.parse(given);
          if (Array.isArray(parsed)) return parsed.map(String);
        } catch {
          /* not JSON: a single value */
        }
      }
      return given === undefined || given === null || given === "" ? [] : [String(given)];
    case "file":
      return null; // a default (nsfile://) is applied by the server when no file is sent
    case "datetime":
      return typeof given === "string" ? isoToLocalInput(given) : "";
    case "code":
      if (given === undefined || given === null) return "";
      if (typeof given === "string") return given;
      return input.type.toUpperCase() === "YAML" ? toYaml(given).trimEnd() : JSON.stringify(given, null, 2);
    case "array":
      if (given === undefined || given === null) return "";
      return typeof given === "string" ? given : JSON.stringify(given);
    default:
      return given === undefined || given === null ? "" : String(given);
  }
}

export function initialValues(inputs: InputDeclaration[]): InputValues {
  return Object.fromEntries(inputs.map((input) => [input.id, initialValue(input)]));
}

/**
 * The form fields to send, in declaration order: text as text, files as files. Empty fields are left out, so the
 * server applies the default (or reports a missing required input).
 */
export function formFields(inputs: InputDeclaration[], values: InputValues): [string, string | File][] {
  const fields: [string, string | File][] = [];
  for (const input of inputs) {
    const value = values[input.id];
    if (value === null || value === undefined) continue;
    const kind = fieldKind(input);
    if (value instanceof File) fields.push([input.id, value]);
    else if (typeof value === "boolean") fields.push([input.id, String(value)]);
    else if (Array.isArray(value)) {
      if (value.length) fields.push([input.id, JSON.stringify(value)]); // the server reads a JSON array
    }
    else if (value.trim() === "") continue;
    else if (kind === "datetime") fields.push([input.id, localInputToIso(value)]);
    else fields.push([input.id, value]);
  }
  return fields;
}

export function toFormData(inputs: InputDeclaration[], values: InputValues): FormData {
  const form = new FormData();
  for (const [name, value] of formFields(inputs, values)) form.append(name, value);
  return form;
}

export interface LabelRow {
  key: string;
  value: string;
}

/** Rows with a key become `key:value` (rows left blank are ignored). */
export function labelParams(rows: LabelRow[]): string[] {
  return rows.filter((row) => row.key.trim() !== "").map((row) => `${row.key.trim()}:${row.value}`);
}

/** Wrap for a POSIX shell: single quotes, with embedded ones closed and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The equivalent curl command: `-F id=value` per input, `-F id=@file` for uploads. Values curl would read as a file
 * (starting with `@` or `<`) go through `--form-string`.
 */
export function curlCommand(options: {
  origin: string;
  path: string;
  inputs: InputDeclaration[];
  values: InputValues;
  labels: string[];
  withAuth?: boolean;
}): string {
  const query = new URLSearchParams();
  for (const label of options.labels) query.append("labels", label);
  const search = query.toString();
  const target = `${options.origin}${options.path}${search ? `?${search}` : ""}`;
  const parts = [`curl -X POST ${shellQuote(target)}`];
  if (options.withAuth) parts.push(`-u ${shellQuote("username:password")}`);
  for (const [name, value] of formFields(options.inputs, options.values)) {
    if (value instanceof File) parts.push(`-F ${shellQuote(`${name}=@${value.name}`)}`);
    else if (/^[@<]/.test(value)) parts.push(`--form-string ${shellQuote(`${name}=${value}`)}`);
    else parts.push(`-F ${shellQuote(`${name}=${value}`)}`);
  }
  return parts.join(" \\\n  ");
}

/** Per-input messages of a rejected execution (422 `{"message", "inputs": {id: message}}`). */
export function inputErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.status !== 422) return {};
  const body = error.body as { inputs?: unknown } | undefined;
  const inputs = body?.inputs;
  if (!inputs || typeof inputs !== "object" || Array.isArray(inputs)) return {};
  return Object.fromEntries(Object.entries(inputs as Record<string, unknown>).map(([id, m]) => [id, String(m)]));
}

/** A short hint under a field: the type, and the bounds or format the server checks. */
export function inputHint(input: InputDeclaration): string {
  const type = input.type.toUpperCase();
  const bits: string[] = [type === "ARRAY" && input.itemType ? `ARRAY of ${input.itemType}` : type];
  if (input.min !== undefined && input.min !== null) bits.push(`min ${input.min}`);
  if (input.max !== undefined && input.max !== null) bits.push(`max ${input.max}`);
  if (input.after) bits.push(`after ${input.after}`);
  if (input.before) bits.push(`before ${input.before}`);
  if (input.validator) bits.push(`pattern ${input.validator}`);
  if (type === "DURATION") bits.push("ISO-8601, e.g. PT5M");
  if (type === "ARRAY") bits.push("JSON array, e.g. [1, 2]");
  if (type === "FILE" && input.allowedFileExtensions?.length) bits.push(input.allowedFileExtensions.join(", "));
  else if (type === "FILE" && input.extension) bits.push(input.extension);
  return bits.join(" · ");
}
