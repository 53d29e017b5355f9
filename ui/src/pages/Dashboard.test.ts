import { describe, expect, it } from "vitest";
import { parseIsoDuration, rangeStart, summarize, toBars, type DailyStatistics } from "./Dashboard";

const day = (startDate: string, counts: Record<string, number>, sum = "PT0S", count = 0): DailyStatistics => ({
  startDate,
  duration: { min: "PT0S", avg: "PT0S", max: "PT0S", sum, count },
  executionCounts: counts,
});

describe("parseIsoDuration", () => {
  it("reads the durations the server writes", () => {
    expect(parseIsoDuration("PT0.018025S")).toBeCloseTo(18.025);
    expect(parseIsoDuration("PT1M30S")).toBe(90_000);
    expect(parseIsoDuration("P1DT2H")).toBe(26 * 3600_000);
    expect(parseIsoDuration("PT0S")).toBe(0);
  });
  it("refuses what is not a duration", () => {
    expect(parseIsoDuration("soon")).toBeNaN();
    expect(parseIsoDuration("P")).toBeNaN();
    expect(parseIsoDuration("PT")).toBeNaN();
  });
});

describe("summarize", () => {
  it("counts states over the days, the success rate among ended executions and the mean duration", () => {
    const summary = summarize([
      day("2024-01-01T00:00:00Z", { SUCCESS: 3, FAILED: 1 }, "PT4S", 4),
      day("2024-01-02T00:00:00Z", { SUCCESS: 0, RUNNING: 2 }),
    ]);
    expect(summary.total).toBe(6);
    expect(summary.ended).toBe(4);
    expect(summary.successRate).toBe(0.75);
    expect(summary.averageMs).toBe(1000);
  });
  it("has no rate nor mean without ended executions", () => {
    const summary = summarize([day("2024-01-01T00:00:00Z", { RUNNING: 1 })]);
    expect(summary.successRate).toBeNull();
    expect(summary.averageMs).toBeNull();
  });
});

describe("toBars / rangeStart", () => {
  it("labels each day and stacks success first", () => {
    const [bar] = toBars([day("2024-03-09T00:00:00Z", { FAILED: 2, SUCCESS: 1 })]);
    expect(bar.label).toBe("03-09");
    expect(bar.title).toBe("2024-03-09");
    expect(bar.segments[0]).toEqual({ key: "SUCCESS", value: 1 });
    expect(bar.segments.find((s) => s.key === "FAILED")?.value).toBe(2);
  });
  it("starts the range at UTC midnight, today included", () => {
    expect(rangeStart(new Date("2024-03-30T15:00:00Z"), 30)).toBe("2024-03-01T00:00:00.000Z");
  });
});
