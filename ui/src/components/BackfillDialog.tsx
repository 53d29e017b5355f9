import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, type Flow, type FlowInput, type Label } from "../api";
import { fromLocalInput } from "../pages/LogsPage";
import ErrorBox from "./ErrorBox";

export interface TriggerKey {
  namespace: string;
  flowId: string;
  triggerId: string;
}

export interface BackfillForm {
  start: string; // datetime-local values
  end: string;
  inputs: Record<string, string | boolean>;
  labels: Label[];
}

/**
 * The body of `PUT /triggers/backfill/create`, or the reason the form cannot be sent. Empty inputs are left out (the
 * flow's defaults apply), and so are label rows without a key.
 */
export function backfillRequest(
  trigger: TriggerKey,
  form: BackfillForm,
): { body: Record<string, unknown> } | { error: string } {
  const start = fromLocalInput(form.start);
  if (!start) return { error: "Give the start date of the backfill." };
  const end = fromLocalInput(form.end);
  if (form.end && !end) return { error: "The end date is not a valid date." };
  if (end && Date.parse(end) <= Date.parse(start)) return { error: "The end must be after the start." };
  const labels = form.labels.filter((label) => label.key.trim());
  const missingValue = labels.find((label) => !label.value.trim());
  if (missingValue) return { error: `Label "${missingValue.key}" has no value.` };
  const inputs = Object.fromEntries(Object.entries(form.inputs).filter(([, value]) => value !== ""));
  return {
    body: {
      ...trigger,
      backfill: {
        start,
        end: end || null,
        inputs,
        labels: labels.map((label) => ({ key: label.key.trim(), value: label.value })),
      },
    },
  };
}

function initialInputs(inputs: FlowInput[]): Record<string, string | boolean> {
  return Object.fromEntries(
    inputs.map((input) => {
      if (input.type === "BOOLEAN") return [input.id, input.defaults === true];
      const value = input.defaults;
      return [input.id, value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value)];
    }),
  );
}

function InputField({
  input,
  value,
  onChange,
}: {
  input: FlowInput;
  value: string | boolean;
  onChange: (value: string | boolean) => void;
}) {
  const label = `${input.displayName ?? input.id}${input.required ? " *" : ""}`;
  if (input.type === "BOOLEAN") {
    return (
      <label className="inline">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        {label}
      </label>
    );
  }
  if ((input.type === "SELECT" || input.type === "ENUM") && input.values?.length) {
    return (
      <label>
        {label}
        <select value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {input.values.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <label>
      {label} <span className="field-hint">{input.type}</span>
      <input value={String(value)} onChange={(e) => onChange(e.target.value)} placeholder={input.description ?? ""} />
    </label>
  );
}

/** Start a backfill of a schedule trigger: the scheduler replays every date from start to end (or now). */
export default function BackfillDialog({ trigger, onClose }: { trigger: TriggerKey; onClose: () => void }) {
  const queryClient = useQueryClient();
  const flow = useQuery({
    queryKey: ["flow", trigger.namespace, trigger.flowId],
    queryFn: () => api<Flow>(`/flows/${trigger.namespace}/${trigger.flowId}`),
  });
  const [form, setForm] = useState<BackfillForm>({ start: "", end: "", inputs: {}, labels: [] });
  const [formError, setFormError] = useState<string | null>(null);
  const inputs = flow.data?.inputs ?? [];
  const values = { ...initialInputs(inputs), ...form.inputs };

  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api("/triggers/backfill/create", { method: "PUT", json: body }),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ["triggers"] });
      onClose();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const request = backfillRequest(trigger, { ...form, inputs: values });
    if ("error" in request) {
      setFormError(request.error);
      return;
    }
    setFormError(null);
    create.mutate(request.body);
  }

  const setLabel = (index: number, change: Partial<Label>) =>
    setForm((current) => ({
      ...current,
      labels: current.labels.map((label, i) => (i === index ? { ...label, ...change } : label)),
    }));

  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="backfill-title"
        data-testid="backfill-dialog"
        onSubmit={submit}
        onKeyDown={(e) => e.key === "Escape" && onClose()}
      >
        <h2 id="backfill-title">
          Backfill {trigger.namespace}.{trigger.flowId} · {trigger.triggerId}
        </h2>
        <p className="muted">
          Executions are created for each date the schedule would have fired between the start and the end (now when
          no end is given), one after the other.
        </p>
        <label>
          Start *
          <input
            type="datetime-local"
            required
            value={form.start}
            onChange={(e) => setForm({ ...form, start: e.target.value })}
            data-testid="backfill-start"
          />
        </label>
        <label>
          End
          <input
            type="datetime-local"
            value={form.end}
            onChange={(e) => setForm({ ...form, end: e.target.value })}
            data-testid="backfill-end"
          />
        </label>
        {flow.error ? <ErrorBox error={flow.error} /> : null}
        {inputs.length > 0 && (
          <fieldset>
            <legend>Inputs</legend>
            {inputs.map((input) => (
              <InputField
                key={input.id}
                input={input}
                value={values[input.id] ?? ""}
                onChange={(value) => setForm({ ...form, inputs: { ...values, [input.id]: value } })}
              />
            ))}
          </fieldset>
        )}
        <fieldset>
          <legend>Labels</legend>
          {form.labels.map((label, index) => (
            <div className="pair-row" key={index}>
              <input
                aria-label="Label key"
                placeholder="key"
                value={label.key}
                onChange={(e) => setLabel(index, { key: e.target.value })}
              />
              <input
                aria-label="Label value"
                placeholder="value"
                value={label.value}
                onChange={(e) => setLabel(index, { value: e.target.value })}
              />
              <button
                type="button"
                aria-label="Remove label"
                onClick={() => setForm({ ...form, labels: form.labels.filter((_, i) => i !== index) })}
              >
                ✕
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setForm({ ...form, labels: [...form.labels, { key: "", value: "" }] })}>
            Add a label
          </button>
        </fieldset>
        <ErrorBox error={formError ?? create.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending} data-testid="backfill-submit">
            {create.isPending ? "Starting…" : "Start backfill"}
          </button>
        </div>
      </form>
    </div>
  );
}
