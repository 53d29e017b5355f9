/**
 * Monaco for the flow editor: the editor core, YAML highlighting and monaco-yaml (completion and hover from the
 * server's flow JSON Schema). Only the editor chunk imports this module, so the app shell never loads Monaco; the
 * workers are bundled by Vite (nothing comes from a CDN).
 */
import "monaco-editor/esm/vs/editor/edcore.main.js";
import "monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js";
import * as monaco from "monaco-editor/esm/vs/editor/editor.api.js";
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker.js?worker";
import { configureMonacoYaml, type JSONSchema, type MonacoYaml } from "monaco-yaml";
import YamlWorker from "monaco-yaml/yaml.worker.js?worker";

// Vite's `?worker` imports bundle each worker with its dependencies (a `new URL("monaco-yaml/…")` is not resolved
// for a package path).
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === "yaml" ? new YamlWorker() : new EditorWorker();
  },
};

/** Flow models are named `<namespace>.<id>.flow.yaml`: the flow schema applies to them and to nothing else. */
export const FLOW_FILE_PATTERN = "*.flow.yaml";
const FLOW_SCHEMA_URI = `${window.location.origin}/api/v1/main/plugins/schemas/flow`;

let monacoYaml: MonacoYaml | null = null;

function yamlOptions(schema: JSONSchema | null) {
  return {
    enableSchemaRequest: false,
    completion: true,
    hover: true,
    // The server validates (its messages are the ones a save would give): markers come from /flows/validate.
    validate: false,
    format: { enable: false },
    schemas: schema ? [{ uri: FLOW_SCHEMA_URI, fileMatch: [FLOW_FILE_PATTERN], schema }] : [],
  };
}

/** Give monaco-yaml the flow JSON Schema (configured once; later calls update it). */
export function setFlowSchema(schema: JSONSchema | null): void {
  if (monacoYaml) void monacoYaml.update(yamlOptions(schema));
  else monacoYaml = configureMonacoYaml(monaco, yamlOptions(schema));
}

export function monacoTheme(): "vs" | "vs-dark" {
  return document.documentElement.dataset.theme === "dark" ? "vs-dark" : "vs";
}

export { monaco };
