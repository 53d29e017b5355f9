import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import FileEditor, { indent, lineCount } from "./FileEditor";

describe("indent", () => {
  it("inserts two spaces at the cursor", () => {
    expect(indent("ab", 1, 1)).toEqual({ value: "a  b", selectionStart: 3, selectionEnd: 3 });
  });
  it("indents every selected line", () => {
    const text = "one\ntwo\nthree";
    const edit = indent(text, 1, 6); // from "one" into "two"
    expect(edit.value).toBe("  one\n  two\nthree");
    expect(edit.selectionStart).toBe(3);
    expect(edit.selectionEnd).toBe(10);
  });
  it("outdents up to two spaces per line", () => {
    expect(indent("    a\n b\nc", 0, 9, true).value).toBe("  a\nb\nc");
  });
  it("does not take the line after a selection ending with a newline", () => {
    expect(indent("a\nb", 0, 2).value).toBe("  a\nb");
  });
});

describe("FileEditor", () => {
  afterEach(cleanup);

  it("counts lines", () => {
    expect(lineCount("")).toBe(1);
    expect(lineCount("a\nb\n")).toBe(3);
  });

  it("saves with Ctrl+S only when changed, and is clean once saved", async () => {
    const onSave = vi.fn().mockResolvedValue(undefined);
    render(<FileEditor path="/a.py" initialValue="x = 1" saving={false} onSave={onSave} />);
    const area = screen.getByTestId("file-content");
    const save = screen.getByTestId("file-save");
    expect((save as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(area, { key: "s", ctrlKey: true });
    expect(onSave).not.toHaveBeenCalled();
    fireEvent.change(area, { target: { value: "x = 2" } });
    expect(screen.getByLabelText("Unsaved changes")).toBeTruthy();
    fireEvent.keyDown(area, { key: "s", ctrlKey: true });
    expect(onSave).toHaveBeenCalledWith("x = 2");
    await vi.waitFor(() => expect(screen.queryByLabelText("Unsaved changes")).toBeNull());
  });
});
