import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

const INDENT = "  ";

export interface Edit {
  value: string;
  selectionStart: number;
  selectionEnd: number;
}

/**
 * Tab in a text: with no selection, two spaces at the cursor; with a selection, every selected line indented (or,
 * with `outdent`, up to two leading spaces removed from each). The selection follows the text it covered.
 */
export function indent(value: string, start: number, end: number, outdent = false): Edit {
  if (start === end && !outdent) {
    return { value: value.slice(0, start) + INDENT + value.slice(end), selectionStart: start + 2, selectionEnd: start + 2 };
  }
  const lineStart = value.lastIndexOf("\n", start - 1) + 1;
  // A selection ending at the very start of a line does not take that line.
  const lastChar = end > start && value[end - 1] === "\n" ? end - 1 : end;
  const nextBreak = value.indexOf("\n", lastChar);
  const lineEnd = nextBreak === -1 ? value.length : nextBreak;
  const lines = value.slice(lineStart, lineEnd).split("\n");
  let firstShift = 0;
  let totalShift = 0;
  const changed = lines.map((line, index) => {
    let shift: number;
    let next: string;
    if (outdent) {
      const removable = line.match(/^ {1,2}|^\t/)?.[0].length ?? 0;
      next = line.slice(removable);
      shift = -removable;
    } else {
      next = INDENT + line;
      shift = INDENT.length;
    }
    if (index === 0) firstShift = shift;
    totalShift += shift;
    return next;
  });
  return {
    value: value.slice(0, lineStart) + changed.join("\n") + value.slice(lineEnd),
    selectionStart: Math.max(lineStart, start + firstShift),
    selectionEnd: Math.max(lineStart, end + totalShift),
  };
}

/** The number of lines a text shows (an empty text still has one). */
export const lineCount = (value: string) => value.split("\n").length;

/**
 * A plain text editor for namespace files: a textarea with line numbers, Tab / Shift+Tab indentation, Ctrl/Cmd+S
 * to save, and a marker while there are unsaved changes (the browser also asks before leaving the page then).
 */
export default function FileEditor({
  path,
  initialValue,
  saving,
  onSave,
  actions,
}: {
  path: string;
  initialValue: string;
  saving: boolean;
  /** Resolves once stored; the editor is then clean again. */
  onSave: (value: string) => Promise<unknown>;
  /** More buttons for the header (rename, delete, download). */
  actions?: ReactNode;
}) {
  const [value, setValue] = useState(initialValue);
  const [saved, setSaved] = useState(initialValue);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLPreElement>(null);
  const pendingSelection = useRef<[number, number] | null>(null);
  const dirty = value !== saved;

  useEffect(() => {
    setValue(initialValue);
    setSaved(initialValue);
  }, [path, initialValue]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  useEffect(() => {
    // Put the selection back after a Tab edit re-rendered the textarea's value.
    if (pendingSelection.current && textarea.current) {
      textarea.current.setSelectionRange(...pendingSelection.current);
      pendingSelection.current = null;
    }
  }, [value]);

  const save = () => {
    const content = value;
    onSave(content).then(() => setSaved(content), () => undefined /* the page shows the error */);
  };

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      if (dirty && !saving) save();
      return;
    }
    if (event.key === "Tab" && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      const target = event.currentTarget;
      const edit = indent(target.value, target.selectionStart, target.selectionEnd, event.shiftKey);
      pendingSelection.current = [edit.selectionStart, edit.selectionEnd];
      setValue(edit.value);
    }
  }

  const lines = lineCount(value);
  return (
    <div className="file-editor" data-testid="file-editor">
      <div className="file-editor-header">
        <span className="path mono">
          {path}
          {dirty && (
            <span className="dirty-dot" title="Unsaved changes" aria-label="Unsaved changes">
              {" "}
              ●
            </span>
          )}
        </span>
        {actions}
        <button
          type="button"
          className="primary"
          disabled={!dirty || saving}
          onClick={save}
          data-testid="file-save"
          title="Save (Ctrl+S)"
        >
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
      <div className="file-editor-body">
        <pre className="file-editor-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => i + 1).join("\n")}
        </pre>
        <textarea
          ref={textarea}
          value={value}
          spellCheck={false}
          wrap="off"
          aria-label={`Content of ${path}`}
          data-testid="file-content"
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
    </div>
  );
}
