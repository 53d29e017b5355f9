import { useQuery } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { api } from "../api";
import type { PluginKind, PluginValues } from "../lib/yamlEdit";
import ErrorBox from "./ErrorBox";

// -- the plugin documents (GET /plugins, GET /plugins/{cls}) -------------------------------------------------------

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  $ref?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
  title?: string;
  pattern?: string;
  format?: string;
  default?: unknown;
  examples?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  deprecated?: boolean;
}

interface PluginSummary {
  cls: string;
  title?: string;
  deprecated?: boolean;
}

interface PluginPackage {
  name: string;
  tasks: PluginSummary[];
  triggers: PluginSummary[];
}

export interface PluginDoc {
  cls: string;
  markdown?: string;
  schema: { properties: JsonSchema; definitions?: Record<string, JsonSchema> };
}

export function usePluginDoc(type: string | undefined) {
  return useQuery({
    queryKey: ["plugins", type],
    queryFn: () => api<PluginDoc>(`/plugins/${encodeURIComponent(type!)}`),
    enabled: Boolean(type),
    staleTime: Infinity,
  });
}

// -- from a property's JSON Schema to a form field ----------------------------------------------------------------

export type FieldKind =
  | { kind: "string"; multiline: boolean }
  | { kind: "number"; integer: boolean }
  | { kind: "boolean" }
  | { kind: "enum"; options: string[] }
  | { kind: "yaml" };

const MULTILINE_NAMES = /script|sql|query|body|code|template|content/i;

function resolve(schema: JsonSchema, definitions: Record<string, JsonSchema>): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 10; depth++) {
    const name = current.$ref.replace(/^#\/(definitions|\$defs)\//, "");
    const target = definitions[name];
    if (!target) break;
    current = {
      ...target,
      description: current.description ?? target.description,
    };
  }
  return current;
}

/** A `{{ … }}` alternative: any property may hold an expression; the form keeps it as text. */
function isTemplate(schema: JsonSchema): boolean {
  return schema.description === "a template" || (schema.pattern?.startsWith(".*\\{") ?? false);
}

function isNull(schema: JsonSchema): boolean {
  return schema.type === "null";
}

/** The form field for a property: strings, numbers, booleans and enums get inputs; anything else is YAML text. */
export function fieldKind(name: string, schema: JsonSchema, definitions: Record<string, JsonSchema> = {}): FieldKind {
  const resolved = resolve(schema, definitions);
  if (resolved.enum) return { kind: "enum", options: resolved.enum.map(String) };
  const alternatives = resolved.anyOf ?? resolved.oneOf;
  if (alternatives) {
    const options = alternatives.filter((option) => !isNull(option) && !isTemplate(option));
    if (options.length === 1) return fieldKind(name, options[0], definitions);
    const kinds = options.map((option) => fieldKind(name, option, definitions));
    if (kinds.some((k) => k.kind === "string")) return { kind: "string", multiline: MULTILINE_NAMES.test(name) };
    const number = kinds.find((k) => k.kind === "number");
    if (number) return number;
    if (kinds.length > 0 && kinds.every((k) => k.kind === "enum")) {
      return {
        kind: "enum",
        options: kinds.flatMap((k) => (k.kind === "enum" ? k.options : [])),
      };
    }
    return { kind: "yaml" };
  }
  switch (resolved.type) {
    case "string":
      return { kind: "string", multiline: MULTILINE_NAMES.test(name) };
    case "integer":
      return { kind: "number", integer: true };
    case "number":
      return { kind: "number", integer: false };
    case "boolean":
      return { kind: "boolean" };
    default:
      return { kind: "yaml" };
  }
}

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  placeholder?: string;
}

/** The fields of a plugin type's form (not `id` and `type`, which the form has anyway), required ones first. */
export function fieldsOf(doc: PluginDoc): FieldSpec[] {
  const schema = doc.schema.properties;
  const definitions = doc.schema.definitions ?? {};
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {})
    .filter(([name]) => name !== "id" && name !== "type")
    .map(([name, property]) => {
      const example = property.examples?.[0] ?? (property.default !== null ? property.default : undefined);
      return {
        name,
        kind: fieldKind(name, property, definitions),
        required: required.has(name),
        description: property.description,
        placeholder:
          example === undefined ? undefined : typeof example === "string" ? example : JSON.stringify(example),
      };
    });
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

// -- form text ⇄ values -------------------------------------------------------------------------------------------

/** Every field as text ("" for unset): YAML for complex values, "true"/"false" for booleans. */
export type FormText = Record<string, string>;

/** Fields whose value does not fit their input (a list where a string is expected) are edited as YAML instead. */
export function effectiveKind(kind: FieldKind, value: unknown): FieldKind {
  if (value === undefined || value === null) return kind;
  const fits =
    (kind.kind === "string" && typeof value === "string") ||
    (kind.kind === "number" && (typeof value === "number" || typeof value === "string")) ||
    (kind.kind === "boolean" && (typeof value === "boolean" || typeof value === "string")) ||
    (kind.kind === "enum" && typeof value !== "object") ||
    kind.kind === "yaml";
  return fits ? kind : { kind: "yaml" };
}

export function toFormText(fields: FieldSpec[], values: Record<string, unknown>): FormText {
  const text: FormText = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === null) text[field.name] = "";
    else if (effectiveKind(field.kind, value).kind === "yaml") text[field.name] = stringifyYaml(value).trimEnd();
    else text[field.name] = String(value);
  }
  return text;
}

export interface FormResult {
  /** Property values (undefined: remove the property). */
  props: Record<string, unknown>;
  /** Messages by field name. */
  errors: Record<string, string>;
}

function valueOf(kind: FieldKind, text: string): unknown {
  if (text.trim() === "") return undefined;
  switch (kind.kind) {
    case "number": {
      const number = Number(text);
      if (text.includes("{{")) return text;
      if (!Number.isFinite(number) || (kind.integer && !Number.isInteger(number))) {
        throw new Error(kind.integer ? "expected a whole number" : "expected a number");
      }
      return number;
    }
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "yaml":
      try {
        return parseYaml(text);
      } catch (error) {
        throw new Error(`invalid YAML: ${(error as Error).message.split("\n")[0]}`);
      }
    default:
      return text;
  }
}

/**
 * The properties the form sets. With `initial` (editing), only the fields whose text changed are returned, so a
 * property the user did not touch is left as it is written in the source; an emptied field removes its property.
 */
export function fromFormText(fields: FieldSpec[], text: FormText, initialValues?: Record<string, unknown>): FormResult {
  const props: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const initialText = initialValues ? toFormText(fields, initialValues) : undefined;
  for (const field of fields) {
    const current = text[field.name] ?? "";
    if (initialText && current === initialText[field.name]) continue;
    const kind = effectiveKind(field.kind, initialValues?.[field.name]);
    try {
      const value = valueOf(kind, current);
      if (value === undefined && field.required) errors[field.name] = "required";
      else if (value !== undefined || initialText) props[field.name] = value;
    } catch (error) {
      errors[field.name] = (error as Error).message;
    }
  }
  return { props, errors };
}

export const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

/** Properties every task (or trigger) has: shown folded, after the ones particular to the type. */
export const COMMON_PROPERTIES = new Set([
  "description",
  "retry",
  "timeout",
  "disabled",
  "workerGroup",
  "logLevel",
  "logToFile",
  "allowFailure",
  "allowWarning",
  "runIf",
  "taskCache",
  "conditions",
  "stopAfter",
  "minLogLevel",
  "failOnTriggerError",
]);

// -- the form -----------------------------------------------------------------------------------------------------

export interface TaskFormSubmit {
  id: string;
  type: string;
  /** Adding: every property set. Editing: the changed ones (undefined removes one), `id` included when renamed. */
  props: Record<string, unknown>;
}

interface Props {
  kind: PluginKind;
  /** The task or trigger being edited; none when adding. */
  initial?: PluginValues;
  /** Ids already used in the flow (a new id must not be one of them). */
  existingIds: string[];
  onSubmit: (result: TaskFormSubmit) => void;
  onCancel: () => void;
  /** Why the last submit could not be written into the flow. */
  error?: string | null;
}

/** Add or edit a task or trigger through a form generated from its type's JSON Schema. */
export default function TaskForm({ kind, initial, existingIds, onSubmit, onCancel, error }: Props) {
  const editing = initial !== undefined;
  const [type, setType] = useState(initial?.type ?? "");
  const [typeFilter, setTypeFilter] = useState("");
  const [id, setId] = useState(initial?.id ?? "");
  const [text, setText] = useState<FormText | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [idError, setIdError] = useState<string | null>(null);

  const plugins = useQuery({
    queryKey: ["plugins"],
    queryFn: () => api<PluginPackage[]>("/plugins"),
    staleTime: Infinity,
  });
  const doc = usePluginDoc(type || undefined);
  const fields = useMemo(() => (doc.data ? fieldsOf(doc.data) : []), [doc.data]);
  const initialText = useMemo(() => toFormText(fields, initial ?? {}), [fields, initial]);
  const values = text ?? initialText;

  const types = useMemo(() => {
    const list = (plugins.data ?? []).flatMap((p) => (kind === "task" ? p.tasks : p.triggers));
    const needle = typeFilter.trim().toLowerCase();
    return list
      .filter((p) => !needle || p.cls.toLowerCase().includes(needle) || p.title?.toLowerCase().includes(needle))
      .sort((a, b) => a.cls.localeCompare(b.cls));
  }, [plugins.data, kind, typeFilter]);

  const setField = (name: string, value: string) => setText({ ...values, [name]: value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmedId = id.trim();
    if (!ID_PATTERN.test(trimmedId)) {
      setIdError("letters, digits, - and _ only, starting with a letter or digit");
      return;
    }
    if (trimmedId !== initial?.id && existingIds.includes(trimmedId)) {
      setIdError(`the id '${trimmedId}' is already used in this flow`);
      return;
    }
    setIdError(null);
    const result = fromFormText(fields, values, initial);
    setFieldErrors(result.errors);
    if (Object.keys(result.errors).length > 0) return;
    const props = editing && trimmedId !== initial.id ? { id: trimmedId, ...result.props } : result.props;
    onSubmit({ id: trimmedId, type, props });
  };

  const required = fields.filter((f) => f.required);
  const specific = fields.filter((f) => !f.required && !COMMON_PROPERTIES.has(f.name));
  const common = fields.filter((f) => !f.required && COMMON_PROPERTIES.has(f.name));
  const title = `${editing ? "Edit" : "Add"} ${kind}${editing ? ` ${initial.id}` : ""}`;
  const summary = doc.data?.markdown ? firstParagraph(doc.data.markdown) : "";

  return (
    <div className="dialog-backdrop" role="presentation">
      <form className="dialog task-form" role="dialog" aria-label={title} onSubmit={submit} data-testid="task-form">
        <h2>{title}</h2>
        {!editing && (
          <div className="task-form-type">
            <label>
              Filter types
              <input
                value={typeFilter}
                onChange={(e) => setTypeFilter(e.target.value)}
                placeholder="log, http, python…"
                data-testid="task-form-type-filter"
              />
            </label>
            <label>
              Type
              <select
                value={type}
                onChange={(e) => {
                  setType(e.target.value);
                  setText(null);
                  setFieldErrors({});
                }}
                required
                data-testid="task-form-type"
              >
                <option value="">Choose a {kind} type…</option>
                {types.map((p) => (
                  <option key={p.cls} value={p.cls}>
                    {p.cls}
                    {p.deprecated ? " (deprecated)" : ""}
                  </option>
                ))}
              </select>
            </label>
            <ErrorBox error={plugins.error} />
          </div>
        )}
        {editing && (
          <p className="muted mono" data-testid="task-form-type">
            {type}
          </p>
        )}
        {summary && <p className="task-form-summary">{summary}</p>}

        <label>
          <span>
            id <span className="required">*</span>
          </span>
          <input
            value={id}
            onChange={(e) => setId(e.target.value)}
            required
            data-testid="task-form-id"
            autoFocus={!editing}
          />
          {idError && <span className="field-error">{idError}</span>}
        </label>

        {type && doc.isLoading && <div className="loading">Loading the properties of {type}…</div>}
        <ErrorBox error={doc.error} />
        {required.map((field) => (
          <Field
            key={field.name}
            field={field}
            value={values[field.name] ?? ""}
            initial={initial}
            error={fieldErrors[field.name]}
            onChange={setField}
          />
        ))}
        {specific.map((field) => (
          <Field
            key={field.name}
            field={field}
            value={values[field.name] ?? ""}
            initial={initial}
            error={fieldErrors[field.name]}
            onChange={setField}
          />
        ))}
        {common.length > 0 && (
          <details className="task-form-optional" open={common.some((f) => initialText[f.name] || fieldErrors[f.name])}>
            <summary>
              Common {kind} properties ({common.length})
            </summary>
            {common.map((field) => (
              <Field
                key={field.name}
                field={field}
                value={values[field.name] ?? ""}
                initial={initial}
                error={fieldErrors[field.name]}
                onChange={setField}
              />
            ))}
          </details>
        )}

        <ErrorBox error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!type || doc.isLoading} data-testid="task-form-submit">
            {editing ? "Apply" : `Add ${kind}`}
          </button>
        </div>
      </form>
    </div>
  );
}

function Field({
  field,
  value,
  initial,
  error,
  onChange,
}: {
  field: FieldSpec;
  value: string;
  initial?: PluginValues;
  error?: string;
  onChange: (name: string, value: string) => void;
}) {
  const kind = effectiveKind(field.kind, initial?.[field.name]);
  const testId = `task-form-field-${field.name}`;
  const label = (
    <span>
      {field.name}
      {field.required && <span className="required"> *</span>}
      {kind.kind === "yaml" && <span className="muted"> (YAML)</span>}
    </span>
  );
  let input;
  if (kind.kind === "boolean" || kind.kind === "enum") {
    const options = kind.kind === "boolean" ? ["true", "false"] : kind.options;
    input = (
      <select value={value} onChange={(e) => onChange(field.name, e.target.value)} data-testid={testId}>
        <option value="">{field.required ? "Choose…" : "(default)"}</option>
        {[...options, ...(value && !options.includes(value) ? [value] : [])].map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (kind.kind === "yaml" || (kind.kind === "string" && (kind.multiline || value.includes("\n")))) {
    input = (
      <textarea
        className="mono"
        rows={Math.min(12, Math.max(3, value.split("\n").length + 1))}
        value={value}
        placeholder={field.placeholder}
        onChange={(e) => onChange(field.name, e.target.value)}
        data-testid={testId}
      />
    );
  } else {
    input = (
      <input
        value={value}
        inputMode={kind.kind === "number" ? "decimal" : undefined}
        placeholder={field.placeholder}
        onChange={(e) => onChange(field.name, e.target.value)}
        data-testid={testId}
      />
    );
  }
  return (
    <label className="task-form-field">
      {label}
      {input}
      {field.description && <span className="muted field-help">{field.description.split("\n")[0]}</span>}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

/** The first prose paragraph of a plugin's Markdown documentation (after its `# type` heading). */
export function firstParagraph(markdown: string): string {
  const paragraphs = markdown.split(/\n\s*\n/).map((p) => p.trim());
  return paragraphs.find((p) => p && !p.startsWith("#") && !p.startsWith("```")) ?? "";
}
