import { useState } from "react";

/** One bar: its label on the x axis and the stacked values, bottom first. */
export interface Bar {
  label: string;
  /** Shown in the tooltip (e.g. the full date); defaults to `label`. */
  title?: string;
  segments: { key: string; value: number }[];
}

/** A round top for the y axis (1, 2, 2.5, 5 × 10ⁿ) at or above `max`, and the ticks up to it. */
export function niceScale(max: number, tickCount = 4): { top: number; ticks: number[] } {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const rough = max / tickCount;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  // Whole numbers only: a count of executions is never 2.5.
  const wholeStep = Math.max(1, Math.ceil(step));
  const top = Math.ceil(max / wholeStep) * wholeStep;
  const ticks: number[] = [];
  for (let value = 0; value <= top; value += wholeStep) ticks.push(value);
  return { top, ticks };
}

const WIDTH = 800;
const HEIGHT = 220;
const MARGIN = { top: 10, right: 10, bottom: 28, left: 40 };

/**
 * A stacked bar chart drawn as SVG. Segment colours come from `colorOf(key)` (CSS variables, so both themes work);
 * every bar has a tooltip listing its non-zero segments.
 */
export default function BarChart({
  bars,
  colorOf,
  ariaLabel,
  labelEvery = 1,
}: {
  bars: Bar[];
  colorOf: (key: string) => string;
  ariaLabel: string;
  /** Label one bar in `labelEvery` on the x axis (30 dates do not fit side by side). */
  labelEvery?: number;
}) {
  const [hovered, setHovered] = useState<number | null>(null);
  const totals = bars.map((bar) => bar.segments.reduce((sum, s) => sum + s.value, 0));
  const { top, ticks } = niceScale(Math.max(0, ...totals));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = bars.length ? plotWidth / bars.length : plotWidth;
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const shown = hovered !== null ? bars[hovered] : null;

  return (
    <div className="bar-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={ariaLabel} data-testid="bar-chart">
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} className="grid" />
            <text x={MARGIN.left - 6} y={y(tick) + 4} textAnchor="end" className="axis">
              {tick}
            </text>
          </g>
        ))}
        {bars.map((bar, index) => {
          const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
          let base = 0;
          const nonZero = bar.segments.filter((s) => s.value > 0);
          return (
            <g
              key={bar.label + index}
              data-testid="bar"
              data-total={totals[index]}
              onMouseEnter={() => setHovered(index)}
              onMouseLeave={() => setHovered(null)}
            >
              <title>
                {[bar.title ?? bar.label, ...nonZero.map((s) => `${s.key}: ${s.value}`)].join("\n")}
              </title>
              {/* A transparent full-height target, so empty days can be hovered too. */}
              <rect x={MARGIN.left + index * slot} y={MARGIN.top} width={slot} height={plotHeight} fill="transparent" />
              {nonZero.map((segment) => {
                const from = base;
                base += segment.value;
                return (
                  <rect
                    key={segment.key}
                    x={x}
                    y={y(base)}
                    width={barWidth}
                    height={Math.max(0, y(from) - y(base))}
                    style={{ fill: colorOf(segment.key) }}
                    data-key={segment.key}
                  />
                );
              })}
              {index % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT - 8} textAnchor="middle" className="axis">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <div className="bar-chart-detail muted" aria-live="polite">
        {shown
          ? `${shown.title ?? shown.label}: ${
              shown.segments
                .filter((s) => s.value > 0)
                .map((s) => `${s.key} ${s.value}`)
                .join(", ") || "nothing"
            }`
          : " "}
      </div>
    </div>
  );
}
