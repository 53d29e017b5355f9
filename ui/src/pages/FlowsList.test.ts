import { describe, expect, it } from "vitest";
import { labelList, nextSort, parseLabelFilter } from "./FlowsList";

describe("FlowsList helpers", () => {
  it("normalizes labels from a list or a map", () => {
    expect(labelList([{ key: "team", value: "data" }])).toEqual([{ key: "team", value: "data" }]);
    expect(labelList({ team: "data", env: "prod" })).toEqual([
      { key: "team", value: "data" },
      { key: "env", value: "prod" },
    ]);
    expect(labelList(undefined)).toEqual([]);
  });

  it("parses the label filter", () => {
    expect(parseLabelFilter("team:data, env:prod  bad")).toEqual(["team:data", "env:prod"]);
    expect(parseLabelFilter("")).toEqual([]);
  });

  it("cycles a column's sort", () => {
    expect(nextSort(null, "id")).toBe("id:asc");
    expect(nextSort("id:asc", "id")).toBe("id:desc");
    expect(nextSort("id:desc", "id")).toBeNull();
    expect(nextSort("namespace:asc", "id")).toBe("id:asc");
  });
});
