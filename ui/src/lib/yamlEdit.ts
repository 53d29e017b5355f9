/**
 * "Every click becomes YAML": the form edits of the flow editor, written into the flow's source with the `yaml`
 * package's Document API. Only the lines an edit changes are replaced; every other line of the source (comments,
 * blank lines, quoting, indentation style) is kept byte for byte.
 */
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  stringify as stringifyValue,
  visit,
  type Document,
  type Node,
  type ParsedNode,
  YAMLMap,
  YAMLSeq,
} from "yaml";
import { diffLines } from "./lineDiff";

/** A task or trigger as the form gives it: `id`, `type` and its properties. */
export interface PluginValues {
  id: string;
  type: string;
  [property: string]: unknown;
}

export type PluginKind = "task" | "trigger";

/** An edit that cannot be made (invalid YAML, unknown or duplicate id): the message is meant for the user. */
export class YamlEditError extends Error {}

/** Top-level properties whose lists hold tasks (tasks nest further inside flowable tasks). */
const TASK_SECTIONS = ["tasks", "errors", "finally", "afterExecution"] as const;

// -- reading ---------------------------------------------------------------------------------------------------------

function load(source: string): Document.Parsed {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    throw new YamlEditError(`The YAML cannot be read (${doc.errors[0].message.split("\n")[0]}): fix it first.`);
  }
  return doc;
}

function rootMap(doc: Document): YAMLMap | null {
  return isMap(doc.contents) ? (doc.contents as YAMLMap) : null;
}

function scalarString(map: YAMLMap, key: string): string | undefined {
  const value = map.get(key, true);
  return isScalar(value) && typeof value.value === "string" ? value.value : undefined;
}

/** A task: a map with a string `id` and a dotted plugin `type` (inputs and outputs have types like STRING). */
function isPluginMap(node: unknown): node is YAMLMap {
  if (!isMap(node)) return false;
  const type = scalarString(node, "type");
  return scalarString(node, "id") !== undefined && type !== undefined && type.includes(".");
}

/** One step from a collection to a child: the child is `parent.items[index]` (a seq item or a map pair). */
interface Step {
  parent: YAMLMap | YAMLSeq;
  index: number;
}

interface Located {
  map: YAMLMap;
  path: Step[];
}

/** Every task of the flow, depth first in document order, with the path that leads to it. */
function* tasksOf(root: YAMLMap): Generator<Located> {
  function* walk(node: unknown, path: Step[]): Generator<Located> {
    if (isMap(node)) {
      if (isPluginMap(node)) yield { map: node, path };
      for (let index = 0; index < node.items.length; index++) {
        yield* walk(node.items[index].value, [...path, { parent: node, index }]);
      }
    } else if (isSeq(node)) {
      for (let index = 0; index < node.items.length; index++) {
        yield* walk(node.items[index], [...path, { parent: node, index }]);
      }
    }
  }
  for (let index = 0; index < root.items.length; index++) {
    const pair = root.items[index];
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if ((TASK_SECTIONS as readonly unknown[]).includes(key)) yield* walk(pair.value, [{ parent: root, index }]);
  }
}

function* triggersOf(root: YAMLMap): Generator<Located> {
  const triggers = root.get("triggers", true);
  if (!isSeq(triggers)) return;
  for (let index = 0; index < triggers.items.length; index++) {
    const item = triggers.items[index];
    if (isMap(item) && scalarString(item, "id") !== undefined) {
      yield { map: item, path: [{ parent: triggers as YAMLSeq, index }] };
    }
  }
}

function locate(root: YAMLMap, kind: PluginKind, id: string): Located | null {
  for (const found of kind === "task" ? tasksOf(root) : triggersOf(root)) {
    if (scalarString(found.map, "id") === id) return found;
  }
  return null;
}

/** The ids of the flow's tasks (nested ones included) and triggers; null when the YAML cannot be read. */
export function pluginIds(source: string): { tasks: string[]; triggers: string[] } | null {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return null;
  const root = rootMap(doc);
  if (!root) return { tasks: [], triggers: [] };
  const idOf = (found: Located) => scalarString(found.map, "id")!;
  return {
    tasks: [...tasksOf(root)].map(idOf),
    triggers: [...triggersOf(root)].map(idOf),
  };
}

/** A task's or trigger's properties as plain values, or null when there is none with that id (or no valid YAML). */
export function getPlugin(source: string, kind: PluginKind, id: string): PluginValues | null {
  const doc = parseDocument(source);
  const root = doc.errors.length === 0 ? rootMap(doc) : null;
  const found = root ? locate(root, kind, id) : null;
  return found ? (found.map.toJS(doc) as PluginValues) : null;
}

/** The flow's `id` and `namespace`, as far as they can be read. */
export function flowHeader(source: string): {
  id?: string;
  namespace?: string;
} {
  const doc = parseDocument(source);
  const root = doc.errors.length === 0 ? rootMap(doc) : null;
  if (!root) return {};
  return {
    id: scalarString(root, "id"),
    namespace: scalarString(root, "namespace"),
  };
}

// -- writing ---------------------------------------------------------------------------------------------------------

/** Multi-line strings are written as literal blocks (`|`), the way people write scripts in flows. */
function blockStrings(node: Node): Node {
  visit(node, {
    Scalar(_, scalar) {
      if (typeof scalar.value === "string" && scalar.value.includes("\n")) scalar.type = Scalar.BLOCK_LITERAL;
    },
  });
  return node;
}

function createNode(doc: Document, value: unknown): Node {
  return blockStrings(doc.createNode(value) as Node);
}

/** `id` and `type` first, then the other properties in the order given; undefined ones are left out. */
function ordered(values: PluginValues): Record<string, unknown> {
  const { id, type, ...rest } = values;
  const result: Record<string, unknown> = { id, type };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) result[key] = value;
  return result;
}

/**
 * Does this source indent block sequences under their key (`tasks:\n  - id`) or not (`tasks:\n- id`)? The list under
 * the top-level `section` decides when there is one (a source may mix both styles), else the first list found.
 */
export function indentsSequences(source: string, section?: string): boolean {
  const lines = source.split(/\r?\n/);
  const start = section ? lines.findIndex((line) => new RegExp(`^${section}:\\s*(#.*)?$`).test(line)) : -1;
  for (let i = Math.max(start, 0); i < lines.length; i++) {
    const key = /^(\s*)(?:- )?[^\s#-][^:#]*:\s*(#.*)?$/.exec(lines[i]);
    if (!key) continue;
    let next = i + 1;
    while (next < lines.length && /^\s*(#.*)?$/.test(lines[next])) next++;
    const item = /^(\s*)- /.exec(lines[next] ?? "");
    if (!item) continue;
    const keyIndent = lines[i].search(/\S/) + (lines[i].trimStart().startsWith("- ") ? 2 : 0);
    return item[1].length > keyIndent;
  }
  return true;
}

function stringify(doc: Document, indentSeq: boolean): string {
  return doc.toString({
    lineWidth: 0,
    flowCollectionPadding: false,
    indentSeq,
  });
}

/**
 * The source after `edit` changed its document: the document is written out before and after the edit, and only
 * the lines that differ between the two are replaced in the source, so nothing the edit did not touch changes.
 */
function applyEdit(
  source: string,
  edit: (doc: Document.Parsed, root: YAMLMap) => void,
  section?: "tasks" | "triggers",
): string {
  const doc = load(source);
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as ParsedNode;
  const root = rootMap(doc);
  if (!root) throw new YamlEditError("The flow must be a YAML mapping (id, namespace, tasks…).");
  const indentSeq = indentsSequences(source, section);
  const before = stringify(doc, indentSeq);
  edit(doc, root);
  const after = stringify(doc, indentSeq);
  return splice(source, before, after);
}

/**
 * Which source line each line of `before` (the writer's version of the source) was written from: the same line, or
 * the one it normalized (`key:   value` → `key: value`); undefined for a blank line the writer added. Null when the
 * writer changed the lines too much to pair them (then the writer's text is used as it is).
 */
function sourceLineOf(sourceLines: string[], beforeLines: string[]): (number | undefined)[] | null {
  const map: (number | undefined)[] = new Array(beforeLines.length).fill(undefined);
  const sourceText = sourceLines.flatMap((line, i) => (line.trim() === "" ? [] : [i]));
  const written = beforeLines.flatMap((line, j) => (line.trim() === "" ? [] : [j]));
  if (sourceText.length === written.length) {
    // The usual case: the writer re-indents or re-spaces lines but writes each one as one line. Blank lines pair
    // up within each gap between two paired lines (the writer keeps at most one where the source may have more).
    written.forEach((j, k) => (map[j] = sourceText[k]));
    for (let k = 0; k <= written.length; k++) {
      const [fromWritten, toWritten] = [
        k === 0 ? -1 : written[k - 1],
        k < written.length ? written[k] : beforeLines.length,
      ];
      const [fromSource, toSource] = [
        k === 0 ? -1 : sourceText[k - 1],
        k < sourceText.length ? sourceText[k] : sourceLines.length,
      ];
      for (let j = fromWritten + 1, i = fromSource + 1; j < toWritten && i < toSource; j++, i++) map[j] = i;
    }
    return map;
  }
  let removed: number[] = [];
  let added: number[] = [];
  const pairRun = (): boolean => {
    const sourceText = removed.filter((i) => sourceLines[i].trim() !== "");
    const written = added.filter((j) => beforeLines[j].trim() !== "");
    if (sourceText.length !== written.length) return false;
    written.forEach((j, k) => (map[j] = sourceText[k]));
    removed = [];
    added = [];
    return true;
  };
  for (const op of diffLines(sourceLines, beforeLines)) {
    if (op.kind === "removed") removed.push(op.oldLine - 1);
    else if (op.kind === "added") added.push(op.newLine - 1);
    else {
      if (!pairRun()) return null;
      map[op.newLine - 1] = op.oldLine - 1;
    }
  }
  return pairRun() ? map : null;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * How far to move a line the edit added so it is indented as the source indents its surroundings: the writer may
 * indent a block deeper or shallower than the source does, so the line moves as its nearest preceding sibling or
 * parent line (one indented as much or less) moved, among the lines just added first, then among the source's.
 */
function indentShift(
  text: string,
  from: number,
  run: { text: string; shift: number }[],
  beforeLines: string[],
  sourceLines: string[],
  sourceOf: (number | undefined)[],
): number {
  for (let k = run.length - 1; k >= 0; k--) if (isAnchor(run[k].text, text)) return run[k].shift;
  for (let j = from; j >= 0; j--) {
    const line = sourceOf[j];
    if (line === undefined || beforeLines[j].trim() === "" || !isAnchor(beforeLines[j], text)) continue;
    return indentOf(sourceLines[line]) - indentOf(beforeLines[j]);
  }
  return 0;
}

/**
 * Is `candidate` (an earlier line) the sibling or the parent of `text`? A shallower line is; one as deep is,
 * except a list item (`- …`) for a key line: that item belongs to a key above (`key:\n- item`).
 */
function isAnchor(candidate: string, text: string): boolean {
  const [a, b] = [indentOf(candidate), indentOf(text)];
  const item = (line: string) => line.trimStart().startsWith("- ");
  return a < b || (a === b && !(item(candidate) && !item(text)));
}

function shifted(text: string, shift: number): string {
  return shift >= 0 ? " ".repeat(shift) + text : text.slice(Math.min(-shift, indentOf(text)));
}

/** Apply the line changes from `before` to `after` (two writings of one document) to `source`, its original text. */
export function splice(source: string, before: string, after: string): string {
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  const body = source.replace(/\s+$/, "");
  const tail = source.slice(body.length);
  const ending = tail === "" ? (source === "" ? eol : "") : tail;
  const sourceLines = body === "" ? [] : body.split(/\r?\n/);
  const beforeLines = before.trimEnd() === "" ? [] : before.trimEnd().split("\n");
  const afterLines = after.trimEnd() === "" ? [] : after.trimEnd().split("\n");
  const sourceOf = sourceLineOf(sourceLines, beforeLines);
  if (!sourceOf) return afterLines.join(eol) + (ending || eol);

  const lines: string[] = [];
  let next = 0; // the next source line not yet written out (or dropped)
  let lastBefore = -1; // the last line of `before` handled
  let run: { text: string; shift: number }[] = []; // the added lines just written (as the writer wrote them)
  for (const op of diffLines(beforeLines, afterLines)) {
    if (op.kind === "added") {
      if (op.text.trim() === "") {
        lines.push(op.text);
        continue;
      }
      const shift = indentShift(op.text, lastBefore, run, beforeLines, sourceLines, sourceOf);
      run.push({ text: op.text, shift });
      lines.push(shifted(op.text, shift));
      continue;
    }
    run = [];
    lastBefore = op.oldLine - 1;
    const line = sourceOf[op.oldLine - 1];
    if (line === undefined || line < next) continue;
    if (op.kind === "equal") while (next <= line) lines.push(sourceLines[next++]);
    else next = line + 1; // removed, with the unpaired (blank) source lines just before it
  }
  while (next < sourceLines.length) lines.push(sourceLines[next++]);
  return lines.join(eol) + ending;
}

function sectionSeq(doc: Document, root: YAMLMap, key: string): YAMLSeq {
  const current = root.get(key, true);
  if (isSeq(current)) {
    current.flow = false; // `tasks: []` becomes a block list as items are added
    return current as YAMLSeq;
  }
  if (current !== undefined && !(isScalar(current) && current.value === null)) {
    throw new YamlEditError(`\`${key}\` must be a list to add to it.`);
  }
  const seq = new YAMLSeq(doc.schema);
  root.set(key, seq);
  return seq;
}

function checkNew(root: YAMLMap, kind: PluginKind, values: PluginValues): void {
  if (!values.id) throw new YamlEditError(`A ${kind} needs an id.`);
  if (!values.type) throw new YamlEditError(`A ${kind} needs a type.`);
  if (locate(root, kind, values.id)) throw new YamlEditError(`A ${kind} with the id '${values.id}' already exists.`);
}

/** Add an item at the end of a list, separated by a blank line when the list's items are. */
function append(doc: Document, seq: YAMLSeq, values: PluginValues): void {
  const node = createNode(doc, ordered(values));
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (last && seq.items.length > 1 && last.spaceBefore) node.spaceBefore = true;
  seq.items.push(node);
}

/** Append a task to the flow's top-level `tasks` (created when missing). */
export function addTask(source: string, task: PluginValues): string {
  return applyEdit(
    source,
    (doc, root) => {
      checkNew(root, "task", task);
      append(doc, sectionSeq(doc, root, "tasks"), task);
    },
    "tasks",
  );
}

/** Append a trigger to the flow's `triggers` (created when missing). */
export function addTrigger(source: string, trigger: PluginValues): string {
  return applyEdit(
    source,
    (doc, root) => {
      checkNew(root, "trigger", trigger);
      append(doc, sectionSeq(doc, root, "triggers"), trigger);
    },
    "triggers",
  );
}

/** A one-line scalar written in the style the replaced one had (plain, 'single' or "double" quoted). */
function scalarText(value: unknown, style: Scalar.Type | undefined): string {
  if (typeof value === "string" && style === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (typeof value === "string" && style === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
  return stringifyValue(value, { lineWidth: 0 }).trimEnd();
}

function isSimple(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

/**
 * Set properties of a task or trigger: a value replaces the property's value, `undefined` removes the property, a
 * new property is added at the end. A one-line value replacing a one-line value is written over the old value's
 * characters only, so the rest of its line (a comment, the spacing) stays.
 */
function updatePlugin(source: string, kind: PluginKind, id: string, props: Record<string, unknown>): string {
  const root = rootMap(load(source));
  const found = root ? locate(root, kind, id) : null;
  if (!root || !found) throw new YamlEditError(`There is no ${kind} with the id '${id}'.`);
  const newId = typeof props.id === "string" ? props.id : id;
  if (newId !== id && locate(root, kind, newId)) {
    throw new YamlEditError(`A ${kind} with the id '${newId}' already exists.`);
  }

  const replacements: { start: number; end: number; text: string }[] = [];
  const structural: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    const current = found.map.get(key, true);
    if (isScalar(current) && isSimple(value) && current.value === value) continue;
    const oneLine = !(typeof value === "string" && /[\r\n]/.test(value));
    const blockStyle =
      isScalar(current) && (current.type === Scalar.BLOCK_LITERAL || current.type === Scalar.BLOCK_FOLDED);
    if (isScalar(current) && current.range && isSimple(value) && oneLine && !blockStyle && !found.map.flow) {
      replacements.push({
        start: current.range[0],
        end: current.range[1],
        text: scalarText(value, current.type),
      });
    } else {
      structural[key] = value;
    }
  }
  let edited = source;
  for (const { start, end, text } of replacements.sort((a, b) => b.start - a.start)) {
    edited = edited.slice(0, start) + text + edited.slice(end);
  }
  if (Object.keys(structural).length === 0) return edited;

  return applyEdit(edited, (doc, editedRoot) => {
    const target = locate(editedRoot, kind, newId)!;
    for (const [key, value] of Object.entries(structural)) {
      if (value === undefined) target.map.delete(key);
      else target.map.set(key, createNode(doc, value));
    }
  });
}

export function updateTask(source: string, taskId: string, props: Record<string, unknown>): string {
  return updatePlugin(source, "task", taskId, props);
}

export function updateTrigger(source: string, triggerId: string, props: Record<string, unknown>): string {
  return updatePlugin(source, "trigger", triggerId, props);
}

function removePlugin(source: string, kind: PluginKind, id: string): string {
  return applyEdit(source, (_, root) => {
    if (kind === "trigger") {
      const triggers = root.get("triggers", true);
      if (!isSeq(triggers)) throw new YamlEditError(`There is no trigger with the id '${id}'.`);
      const index = triggers.items.findIndex((item) => isMap(item) && scalarString(item, "id") === id);
      if (index < 0) throw new YamlEditError(`There is no trigger with the id '${id}'.`);
      triggers.items.splice(index, 1);
      if (triggers.items.length === 0) root.delete("triggers"); // no `triggers: []` left behind
      return;
    }
    const found = locate(root, kind, id);
    if (!found) throw new YamlEditError(`There is no ${kind} with the id '${id}'.`);
    // A task held under a key (a Dag entry's `task:`) goes with the list item that holds it.
    for (let i = found.path.length - 1; i >= 0; i--) {
      const { parent, index } = found.path[i];
      if (isSeq(parent)) {
        parent.items.splice(index, 1);
        return;
      }
    }
    throw new YamlEditError(`The ${kind} '${id}' is not in a list and cannot be removed here.`);
  });
}

export function removeTask(source: string, taskId: string): string {
  return removePlugin(source, "task", taskId);
}

export function removeTrigger(source: string, triggerId: string): string {
  return removePlugin(source, "trigger", triggerId);
}
