import { describe, expect, it } from "vitest";
import { diffLines, diffStats, splitLines } from "./lineDiff";

function render(before: string[], after: string[]): string[] {
  return diffLines(before, after).map((op) => (op.kind === "equal" ? " " : op.kind === "added" ? "+" : "-") + op.text);
}

describe("diffLines", () => {
  it("matches identical texts line for line", () => {
    expect(render(["a", "b"], ["a", "b"])).toEqual([" a", " b"]);
  });

  it("finds a changed line in the middle", () => {
    expect(render(["a", "b", "c"], ["a", "x", "c"])).toEqual([" a", "-b", "+x", " c"]);
  });

  it("finds insertions and deletions with the longest common subsequence", () => {
    const ops = diffLines(["a", "b", "c", "d"], ["b", "c", "e", "d", "f"]);
    expect(ops.filter((op) => op.kind === "equal").map((op) => op.text)).toEqual(["b", "c", "d"]);
    expect(diffStats(ops)).toEqual({ added: 2, removed: 1 });
  });

  it("numbers lines on both sides", () => {
    const ops = diffLines(["a", "b"], ["z", "a", "b"]);
    expect(ops[0]).toEqual({ kind: "added", text: "z", newLine: 1 });
    expect(ops[2]).toEqual({
      kind: "equal",
      text: "b",
      oldLine: 2,
      newLine: 3,
    });
  });

  it("handles empty sides", () => {
    expect(render([], ["a"])).toEqual(["+a"]);
    expect(render(["a"], [])).toEqual(["-a"]);
    expect(render([], [])).toEqual([]);
  });
});

describe("splitLines", () => {
  it("does not count the final newline as a line", () => {
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
    expect(splitLines("")).toEqual([]);
  });
});
