import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";

// Monaco does not run in jsdom; these tests are about the page's pure helpers.
vi.mock("../components/YamlEditor", () => ({ default: () => null }));

import { markdownBlocks, newFlowTemplate, parseProblems, tabOf } from "./FlowEditor";

describe("parseProblems", () => {
  it("reads positions from the server's constraints and warnings", () => {
    const problems = parseProblems([
      {
        index: 0,
        constraints:
          "<flow>:5:11: tasks[0].type: unknown type 'a.B' (did you mean 'a.C'?)\n<flow>:7:5: tasks[1].message: missing required property",
        warnings: ["3:1: tasks[0]: deprecated type", "no position"],
      },
    ]);
    expect(problems).toEqual([
      {
        line: 5,
        column: 11,
        message: "tasks[0].type: unknown type 'a.B' (did you mean 'a.C'?)",
        severity: "error",
      },
      {
        line: 7,
        column: 5,
        message: "tasks[1].message: missing required property",
        severity: "error",
      },
      {
        line: 3,
        column: 1,
        message: "tasks[0]: deprecated type",
        severity: "warning",
      },
      { message: "no position", severity: "warning" },
    ]);
  });

  it("keeps a message spread over several lines together", () => {
    const problems = parseProblems([
      {
        index: 0,
        constraints: "flow.yaml:4:1: invalid YAML:\n  while parsing\n<flow>:9:2: x: y",
      },
    ]);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [4, "invalid YAML:\n  while parsing"],
      [9, "x: y"],
    ]);
  });

  it("finds nothing in a valid answer", () => {
    expect(parseProblems([{ index: 0, warnings: [] }])).toEqual([]);
  });
});

describe("helpers", () => {
  it("maps Kestra's tab names", () => {
    expect(tabOf(undefined)).toBe("edit");
    expect(tabOf("topology")).toBe("edit");
    expect(tabOf("revisions")).toBe("revisions");
    expect(tabOf("executions")).toBe("executions");
  });

  it("starts a new flow in the namespace asked for", () => {
    expect(parse(newFlowTemplate("data.raw"))).toMatchObject({
      id: "my_flow",
      namespace: "data.raw",
    });
    expect(parse(newFlowTemplate(null)).namespace).toBe("company.team");
  });

  it("splits plugin documentation into blocks", () => {
    expect(markdownBlocks("# Title\n\nSome text\nmore.\n\n```yaml\n- id: a\n  type: b\n```\n\nAfter.")).toEqual([
      { kind: "heading", text: "Title" },
      { kind: "paragraph", text: "Some text\nmore." },
      { kind: "code", text: "- id: a\n  type: b" },
      { kind: "paragraph", text: "After." },
    ]);
  });
});
