import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromLocalInput, toLocalInput, useUrlFilters } from "./LogsPage";

describe("datetime-local conversions", () => {
  it("round-trips a local date through ISO", () => {
    const iso = fromLocalInput("2024-05-06T07:08");
    expect(iso).toMatch(/Z$/);
    expect(toLocalInput(iso)).toBe("2024-05-06T07:08");
  });
  it("gives empty strings for empty or invalid values", () => {
    expect(fromLocalInput("")).toBe("");
    expect(fromLocalInput("not a date")).toBe("");
    expect(toLocalInput(null)).toBe("");
    expect(toLocalInput("garbage")).toBe("");
  });
});

function Probe() {
  const filters = useUrlFilters(["q", "minLevel"] as const, 300);
  const location = useLocation();
  return (
    <>
      <input aria-label="q" value={filters.draft.q} onChange={(e) => filters.edit("q", e.target.value)} />
      <button onClick={() => filters.set("minLevel", "WARN")}>warn</button>
      <span data-testid="search">{location.search}</span>
    </>
  );
}

describe("useUrlFilters", () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it("puts typed text in the URL after a pause, and resets the page", () => {
    vi.useFakeTimers();
    render(
      <MemoryRouter initialEntries={["/logs?page=3"]}>
        <Probe />
      </MemoryRouter>,
    );
    fireEvent.change(screen.getByLabelText("q"), { target: { value: "boom" } });
    expect(screen.getByTestId("search").textContent).toBe("?page=3");
    act(() => void vi.advanceTimersByTime(400));
    expect(screen.getByTestId("search").textContent).toBe("?q=boom");
  });

  it("applies a select at once", () => {
    render(
      <MemoryRouter initialEntries={["/logs"]}>
        <Probe />
      </MemoryRouter>,
    );
    fireEvent.click(screen.getByText("warn"));
    expect(screen.getByTestId("search").textContent).toBe("?minLevel=WARN");
  });
});
