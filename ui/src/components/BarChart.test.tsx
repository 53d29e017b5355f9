import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import BarChart, { niceScale } from "./BarChart";

describe("niceScale", () => {
  it("rounds the top up to a whole, round step", () => {
    expect(niceScale(7)).toEqual({ top: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(100).top).toBe(100);
    expect(niceScale(101).top).toBeGreaterThanOrEqual(101);
  });
  it("never uses fractional steps for counts", () => {
    expect(niceScale(3).ticks).toEqual([0, 1, 2, 3]);
  });
  it("has a scale for an empty chart", () => {
    expect(niceScale(0)).toEqual({ top: 1, ticks: [0, 1] });
  });
});

describe("BarChart", () => {
  afterEach(cleanup);
  it("stacks the non-zero segments of each bar, coloured by key", () => {
    render(
      <BarChart
        ariaLabel="chart"
        colorOf={(key) => `var(--state-${key})`}
        bars={[
          { label: "a", segments: [{ key: "SUCCESS", value: 3 }, { key: "FAILED", value: 1 }] },
          { label: "b", segments: [{ key: "SUCCESS", value: 0 }] },
        ]}
      />,
    );
    const bars = screen.getAllByTestId("bar");
    expect(bars.map((bar) => bar.getAttribute("data-total"))).toEqual(["4", "0"]);
    const segments = bars[0].querySelectorAll("rect[data-key]");
    expect([...segments].map((s) => s.getAttribute("data-key"))).toEqual(["SUCCESS", "FAILED"]);
    expect((segments[1] as SVGRectElement).style.fill).toBe("var(--state-FAILED)");
    expect(bars[1].querySelectorAll("rect[data-key]")).toHaveLength(0);
    // SUCCESS (3) is three times as tall as FAILED (1).
    const height = (rect: Element) => Number(rect.getAttribute("height"));
    expect(height(segments[0])).toBeCloseTo(3 * height(segments[1]));
  });
});
