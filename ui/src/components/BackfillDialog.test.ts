import { describe, expect, it } from "vitest";
import { backfillRequest } from "./BackfillDialog";

const trigger = { namespace: "company.team", flowId: "hello", triggerId: "daily" };

describe("backfillRequest", () => {
  it("builds Kestra's body with ISO dates, the inputs given and the labels", () => {
    const result = backfillRequest(trigger, {
      start: "2024-01-01T00:00",
      end: "",
      inputs: { name: "x", empty: "", flag: false },
      labels: [
        { key: "origin", value: "backfill" },
        { key: " ", value: "" },
      ],
    });
    expect("body" in result).toBe(true);
    if (!("body" in result)) return;
    const body = result.body as { backfill: Record<string, unknown> } & typeof trigger;
    expect(body.triggerId).toBe("daily");
    expect(body.backfill.start).toBe(new Date("2024-01-01T00:00").toISOString());
    expect(body.backfill.end).toBeNull();
    expect(body.backfill.inputs).toEqual({ name: "x", flag: false });
    expect(body.backfill.labels).toEqual([{ key: "origin", value: "backfill" }]);
  });
  it("refuses a missing start, an end before the start and a label without value", () => {
    const base = { start: "2024-01-02T00:00", end: "", inputs: {}, labels: [] };
    expect(backfillRequest(trigger, { ...base, start: "" })).toEqual({ error: expect.stringMatching(/start/) });
    expect(backfillRequest(trigger, { ...base, end: "2024-01-01T00:00" })).toEqual({
      error: expect.stringMatching(/after the start/),
    });
    expect(backfillRequest(trigger, { ...base, labels: [{ key: "k", value: "" }] })).toEqual({
      error: expect.stringMatching(/"k"/),
    });
  });
});
