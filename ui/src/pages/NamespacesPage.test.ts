import { describe, expect, it } from "vitest";
import { childPath, decodeText, normalizePath, parentOf, sortEntries } from "./NamespacesPage";

describe("namespace file paths", () => {
  it("joins and splits Kestra's /-rooted paths", () => {
    expect(childPath("", "a.py")).toBe("/a.py");
    expect(childPath("/scripts", "a.py")).toBe("/scripts/a.py");
    expect(parentOf("/scripts/a.py")).toBe("/scripts");
    expect(parentOf("/a.py")).toBe("");
    expect(parentOf("/a/b/")).toBe("/a");
  });
  it("normalizes what the user typed", () => {
    expect(normalizePath("scripts//etl.py/")).toBe("/scripts/etl.py");
    expect(normalizePath(" / ")).toBe("");
  });
  it("lists folders before files", () => {
    const entry = (fileName: string, type: "File" | "Directory") => ({ fileName, type, size: 0, lastModifiedTime: 0 });
    const sorted = sortEntries([entry("b.txt", "File"), entry("z", "Directory"), entry("a.txt", "File")]);
    expect(sorted.map((e) => e.fileName)).toEqual(["z", "a.txt", "b.txt"]);
  });
  it("reads UTF-8 text and recognises binary content", () => {
    expect(decodeText(new TextEncoder().encode("héllo").buffer as ArrayBuffer)).toBe("héllo");
    expect(decodeText(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]).buffer)).toBeNull();
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41]).buffer)).toBeNull();
  });
});
