// Kestra's "Execute" dialog: a form built from the flow's inputs, execution labels, an optional schedule date, the
// equivalent curl command, and the server's per-input errors beside the fields.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useNavigate } from "react-router-dom";
import { api, authHeader, qs, request, url, type Execution, type Flow } from "../api";
import {
  choices,
  curlCommand,
  fieldKind,
  initialValues,
  inputErrors,
  inputHint,
  labelParams,
  localInputToIso,
  toFormData,
  type InputDeclaration,
  type InputValue,
  type InputValues,
  type LabelRow,
} from "../lib/inputs";
import ErrorBox from "./ErrorBox";
import "./execute-dialog.css";

export interface ExecuteDialogProps {
  namespace: string;
  flowId: string;
  onClose: () => void;
}

export default function ExecuteDialog({ namespace, flowId, onClose }: ExecuteDialogProps) {
  const flow = useQuery({
    queryKey: ["flow", namespace, flowId, "execute"],
    queryFn: () => api<Flow>(`/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}`),
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog execute-dialog" role="dialog" aria-modal="true" aria-labelledby="execute-title" data-testid="execute-dialog">
        <h2 id="execute-title">
          Execute <span className="mono">{namespace}.{flowId}</span>
        </h2>
        {flow.isPending && <div className="loading">Loading the flow…</div>}
        <ErrorBox error={flow.error} />
        {flow.data && <ExecuteForm flow={flow.data} onClose={onClose} />}
        {!flow.data && (
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function ExecuteForm({ flow, onClose }: { flow: Flow; onClose: () => void }) {
  const inputs = useMemo(() => (flow.inputs ?? []) as InputDeclaration[], [flow.inputs]);
  const [values, setValues] = useState<InputValues>(() => initialValues(inputs));
  const [labels, setLabels] = useState<LabelRow[]>([]);
  const [scheduleDate, setScheduleDate] = useState("");
  const [showCurl, setShowCurl] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const path = `/executions/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}`;

  const execute = useMutation({
    mutationFn: async () => {
      const query = qs({ labels: labelParams(labels), scheduleDate: localInputToIso(scheduleDate) });
      const response = await request(path + query, { method: "POST", body: toFormData(inputs, values) });
      return (await response.json()) as Execution;
    },
    onError: () => {
      // Bring the first field the server rejected into view (long forms scroll).
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('[data-testid="execute-dialog"] [aria-invalid="true"]')?.focus(),
      );
    },
    onSuccess: (execution) => {
      queryClient.invalidateQueries({ queryKey: ["executions"] });
      onClose();
      navigate(`/executions/${execution.namespace}/${execution.flowId}/${execution.id}`);
    },
  });
  const errors = inputErrors(execute.error);
  const setValue = (id: string, value: InputValue) => setValues((current) => ({ ...current, [id]: value }));

  const curl = curlCommand({
    origin: window.location.origin,
    path: url(path),
    inputs,
    values,
    labels: labelParams(labels),
    withAuth: authHeader() !== null,
  });

  return (
    // noValidate: the server checks every input and its messages are shown beside the fields.
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        execute.mutate();
      }}
    >
      {flow.disabled && <div className="error-box">This flow is disabled: the server will refuse to execute it.</div>}
      {inputs.length === 0 && <p className="muted">This flow has no inputs.</p>}
      {inputs.map((input) => (
        <InputField
          key={input.id}
          input={input}
          value={values[input.id] ?? null}
          error={errors[input.id]}
          onChange={(value) => setValue(input.id, value)}
        />
      ))}

      <fieldset className="execute-labels">
        <legend>Execution labels</legend>
        {labels.map((row, index) => (
          <div className="execute-label-row" key={index} data-testid="execute-label-row">
            <input
              aria-label={`Label ${index + 1} key`}
              placeholder="key"
              value={row.key}
              onChange={(e) => setLabels(labels.map((r, i) => (i === index ? { ...r, key: e.target.value } : r)))}
            />
            <input
              aria-label={`Label ${index + 1} value`}
              placeholder="value"
              value={row.value}
              onChange={(e) => setLabels(labels.map((r, i) => (i === index ? { ...r, value: e.target.value } : r)))}
            />
            <button
              type="button"
              aria-label={`Remove label ${index + 1}`}
              onClick={() => setLabels(labels.filter((_, i) => i !== index))}
            >
              ✕
            </button>
          </div>
        ))}
        <button type="button" className="link" data-testid="execute-add-label" onClick={() => setLabels([...labels, { key: "", value: "" }])}>
          + Add a label
        </button>
      </fieldset>

      <details className="execute-advanced">
        <summary>Advanced</summary>
        <label>
          <span>Schedule date (start later; empty: now)</span>
          <input
            type="datetime-local"
            step={1}
            name="scheduleDate"
            value={scheduleDate}
            onChange={(e) => setScheduleDate(e.target.value)}
          />
        </label>
      </details>

      <div className="execute-curl">
        <button type="button" className="link" aria-expanded={showCurl} onClick={() => setShowCurl(!showCurl)}>
          {showCurl ? "Hide" : "Show"} the curl command
        </button>
        {showCurl && (
          <>
            <pre data-testid="execute-curl">{curl}</pre>
            <button type="button" onClick={() => navigator.clipboard?.writeText(curl)} aria-label="Copy the curl command">
              Copy
            </button>
          </>
        )}
      </div>

      {execute.error && <ErrorBox error={execute.error} />}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" data-testid="execute-submit" disabled={execute.isPending}>
          {execute.isPending ? "Executing…" : "Execute"}
        </button>
      </div>
    </form>
  );
}

function InputField({
  input,
  value,
  error,
  onChange,
}: {
  input: InputDeclaration;
  value: InputValue;
  error?: string;
  onChange: (value: InputValue) => void;
}) {
  const kind = fieldKind(input);
  const required = input.required !== false;
  const title = (
    <span className="execute-input-title">
      {input.displayName ?? input.id}
      {input.displayName && <span className="muted mono"> {input.id}</span>}
      {required && (
        <span className="required" title="required">
          {" "}*
        </span>
      )}
      <span className="execute-input-type">{inputHint(input)}</span>
    </span>
  );
  const footer = (
    <>
      {input.description && <span className="muted execute-description">{input.description}</span>}
      {error && (
        <span className="field-error" role="alert" data-testid={`input-error-${input.id}`}>
          {error}
        </span>
      )}
    </>
  );
  const text = typeof value === "string" ? value : "";
  const common = {
    name: input.id,
    "aria-label": input.id,
    "aria-invalid": error ? true : undefined,
    required: required && input.defaults === undefined,
  };

  if (kind === "checkbox") {
    return (
      <div className={`execute-input${error ? " invalid" : ""}`} data-testid={`input-${input.id}`}>
        <label className="inline">
          <input type="checkbox" {...common} required={false} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {title}
        </label>
        {footer}
      </div>
    );
  }
  if (kind === "multiselect" || kind === "radio") {
    const selected = Array.isArray(value) ? value : typeof value === "string" && value ? [value] : [];
    return (
      <fieldset className={`execute-input${error ? " invalid" : ""}`} aria-label={input.id} data-testid={`input-${input.id}`}>
        <legend>{title}</legend>
        <div className="execute-choices">
          {choices(input).map((choice) => (
            <label className="inline" key={choice}>
              <input
                type={kind === "radio" ? "radio" : "checkbox"}
                name={input.id}
                value={choice}
                checked={selected.includes(choice)}
                onChange={(e) =>
                  kind === "radio"
                    ? onChange(choice)
                    : onChange(e.target.checked ? [...selected, choice] : selected.filter((v) => v !== choice))
                }
              />
              {choice}
            </label>
          ))}
        </div>
        {footer}
      </fieldset>
    );
  }

  let control: ReactNode;
  switch (kind) {
    case "select":
      control = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {(!required || text === "") && <option value="">—</option>}
          {choices(input).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      );
      break;
    case "combo":
      control = (
        <>
          <input {...common} list={`choices-${input.id}`} value={text} onChange={(e) => onChange(e.target.value)} />
          <datalist id={`choices-${input.id}`}>
            {choices(input).map((choice) => (
              <option key={choice} value={choice} />
            ))}
          </datalist>
        </>
      );
      break;
    case "file":
      control = (
        <input
          {...common}
          type="file"
          accept={input.allowedFileExtensions?.join(",") ?? input.extension}
          onChange={(e) => onChange(e.target.files?.[0] ?? null)}
        />
      );
      break;
    case "code":
      control = (
        <textarea
          {...common}
          className="mono"
          rows={Math.min(12, Math.max(3, text.split("\n").length + 1))}
          spellCheck={false}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type={HTML_TYPES[kind] ?? "text"}
          step={kind === "integer" ? 1 : kind === "number" ? "any" : kind === "datetime" || kind === "time" ? 1 : undefined}
          min={kind === "integer" || kind === "number" ? (input.min as number | undefined) : undefined}
          max={kind === "integer" || kind === "number" ? (input.max as number | undefined) : undefined}
          placeholder={PLACEHOLDERS[kind]}
          autoComplete={kind === "password" ? "new-password" : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className={`execute-input${error ? " invalid" : ""}`} data-testid={`input-${input.id}`}>
      <label>
        {title}
        {control}
      </label>
      {footer}
    </div>
  );
}

const HTML_TYPES: Partial<Record<string, string>> = {
  password: "password",
  email: "email",
  url: "url",
  integer: "number",
  number: "number",
  datetime: "datetime-local",
  date: "date",
  time: "time",
};

const PLACEHOLDERS: Partial<Record<string, string>> = {
  duration: "PT5M",
  array: "[1, 2, 3]",
  url: "https://…",
  email: "name@example.com",
};
