import { describe, expect, it } from "vitest";
import { backfillStatus, shortType } from "./TriggersPage";

describe("triggers", () => {
  it("names a type by its last segment", () => {
    expect(shortType("io.kestra.plugin.core.trigger.Schedule")).toBe("Schedule");
  });
  it("tells where a backfill is", () => {
    expect(backfillStatus(null)).toBe("");
    const running = backfillStatus({ start: "2024-01-01T00:00:00Z", end: null, currentDate: "2024-01-02T00:00:00Z", paused: false });
    expect(running).toMatch(/^Running at .* \(until now\)$/);
    expect(backfillStatus({ start: "x", end: "2024-02-01T00:00:00Z", currentDate: "2024-01-02T00:00:00Z", paused: true })).toMatch(/^Paused/);
  });
});
