import { useQuery } from "@tanstack/react-query";
import { useEffect, useImperativeHandle, useRef, type Ref } from "react";
import { api } from "../api";
import { monaco, monacoTheme, setFlowSchema } from "../lib/monacoSetup";
import type { JSONSchema } from "monaco-yaml";

declare global {
  interface Window {
    /** The flow editor's Monaco instance, for end-to-end tests (`__choreoEditor.getValue()`). */
    __choreoEditor?: monaco.editor.IStandaloneCodeEditor;
  }
}

export interface EditorMarker {
  line: number;
  column: number;
  message: string;
  severity: "error" | "warning";
}

export interface YamlEditorHandle {
  /** Put the cursor at a position, scroll it into view and focus the editor. */
  reveal(line: number, column: number): void;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  /** Names the model (`<name>.flow.yaml`): the flow schema applies to it. */
  modelName: string;
  markers?: EditorMarker[];
  onSave?: () => void;
  onExecute?: () => void;
  readOnly?: boolean;
  ref?: Ref<YamlEditorHandle>;
}

/** The flow's JSON Schema, once per session: it only changes when plugins are installed. */
function useFlowSchema() {
  return useQuery({
    queryKey: ["plugins", "schemas", "flow"],
    queryFn: () => api<JSONSchema>("/plugins/schemas/flow"),
    staleTime: Infinity,
  });
}

/** Monaco with YAML highlighting, schema completion and hover, and the server's validation as markers. */
export default function YamlEditor({ value, onChange, modelName, markers, onSave, onExecute, readOnly, ref }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // The latest callbacks, read by commands bound once when the editor is created.
  const callbacks = useRef({ onChange, onSave, onExecute });
  callbacks.current = { onChange, onSave, onExecute };
  const schema = useFlowSchema();

  useEffect(() => {
    if (schema.data) setFlowSchema(schema.data);
  }, [schema.data]);

  useEffect(() => {
    const uri = monaco.Uri.parse(`file:///choreo/${encodeURIComponent(modelName)}.flow.yaml`);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(value, "yaml", uri);
    const editor = monaco.editor.create(container.current!, {
      model,
      theme: monacoTheme(),
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 2,
      insertSpaces: true,
      fontSize: 13,
      quickSuggestions: { other: true, comments: false, strings: true },
      readOnly,
    });
    editorRef.current = editor;
    window.__choreoEditor = editor;
    const changes = model.onDidChangeContent(() => callbacks.current.onChange(model.getValue()));
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => callbacks.current.onSave?.());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyE, () => callbacks.current.onExecute?.());
    const onTheme = () => monaco.editor.setTheme(monacoTheme());
    window.addEventListener("choreo:theme", onTheme);
    return () => {
      window.removeEventListener("choreo:theme", onTheme);
      changes.dispose();
      editor.dispose();
      model.dispose();
      if (window.__choreoEditor === editor) delete window.__choreoEditor;
      editorRef.current = null;
    };
    // The editor is created once per flow; the value is synchronized by the effect below.
  }, [modelName]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  // A value from outside (a form edit, a restored revision) replaces the text as one undoable edit.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model || model.getValue() === value) return;
    model.pushStackElement();
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: value }], () => null);
    model.pushStackElement();
  }, [value]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      "choreo",
      (markers ?? []).map((marker) => toMarker(model, marker)),
    );
  }, [markers, modelName]);

  useImperativeHandle(ref, () => ({
    reveal(line, column) {
      const editor = editorRef.current;
      if (!editor) return;
      editor.setPosition({ lineNumber: line, column });
      editor.revealLineInCenter(line);
      editor.focus();
    },
  }));

  return <div ref={container} className="yaml-editor" data-testid="yaml-editor" />;
}

/** A marker from the line and column the server reports, spanning the word there (or the rest of the line). */
function toMarker(model: monaco.editor.ITextModel, marker: EditorMarker): monaco.editor.IMarkerData {
  const line = Math.min(Math.max(marker.line, 1), model.getLineCount());
  const maxColumn = model.getLineMaxColumn(line);
  const column = Math.min(Math.max(marker.column, 1), maxColumn);
  const word = model.getWordAtPosition({ lineNumber: line, column });
  const endColumn = word && word.endColumn > column ? word.endColumn : maxColumn > column ? maxColumn : column + 1;
  return {
    startLineNumber: line,
    startColumn: column,
    endLineNumber: line,
    endColumn,
    message: marker.message,
    severity: marker.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
  };
}
