import { Fragment, type ReactNode } from "react";

/** The part of JSON Schema the documentation reads. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  default?: unknown;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  deprecated?: boolean;
}

/** Kestra's `PluginSchema`: the class's schema and the definitions its `$ref`s point to. */
export interface PluginSchema {
  properties: JsonSchema;
  definitions?: Record<string, JsonSchema>;
  outputs?: JsonSchema | Record<string, never>;
}

/** The schema variant meaning "a `{{ expression }}` is accepted here" (Kestra's dynamic properties). */
const isTemplate = (node: JsonSchema) => node.description === "a template" && typeof node.pattern === "string";

export const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

/** The alternatives of a node, without `null` and the template variant (shown as "dynamic" instead). */
function variants(node: JsonSchema): JsonSchema[] | null {
  const options = node.anyOf ?? node.oneOf;
  if (!options) return null;
  return options.filter((option) => option.type !== "null" && !isTemplate(option));
}

/** Whether a property takes expressions (`{{ … }}`), anywhere in its alternatives. */
export function isDynamic(node: JsonSchema): boolean {
  return (node.anyOf ?? node.oneOf ?? []).some((option) => isTemplate(option) || isDynamic(option));
}

/** A property's type in a few words: `string`, `string | array of string`, `Retry`, `map of integer`… */
export function describeType(node: JsonSchema): string {
  if (node.$ref) return refName(node.$ref);
  const options = variants(node);
  if (options) {
    const names = [...new Set(options.map(describeType))];
    return names.join(" | ") || "string";
  }
  if (node.allOf?.length === 1) return describeType(node.allOf[0]);
  if (node.enum) return "enum";
  if (node.const !== undefined) return JSON.stringify(node.const);
  const type = Array.isArray(node.type) ? node.type.filter((t) => t !== "null").join(" | ") : node.type;
  if (type === "array") return node.items ? `array of ${describeType(node.items)}` : "array";
  if (type === "object" && node.additionalProperties && typeof node.additionalProperties === "object") {
    return `map of ${describeType(node.additionalProperties)}`;
  }
  if (type === "string" && node.format) return `string (${node.format})`;
  return type ?? "any";
}

/** The `$ref` names a node points to (to link them to their definitions). */
export function references(node: JsonSchema): string[] {
  const found: string[] = [];
  const visit = (item: JsonSchema | undefined) => {
    if (!item) return;
    if (item.$ref) found.push(refName(item.$ref));
    [...(item.anyOf ?? []), ...(item.oneOf ?? []), ...(item.allOf ?? [])].forEach(visit);
    visit(item.items);
    if (typeof item.additionalProperties === "object") visit(item.additionalProperties);
  };
  visit(node);
  return [...new Set(found)];
}

// -- a small Markdown reader: paragraphs, headings, lists, fenced code, inline code, bold and links ----------------

type Block =
  | { kind: "code"; language: string; text: string }
  | { kind: "heading"; level: number; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "paragraph"; text: string }
  | { kind: "quote"; text: string };

export function parseMarkdown(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    const fence = /^\s*```(\S*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      index += 1;
      while (index < lines.length && !/^\s*```/.test(lines[index])) body.push(lines[index++]);
      index += 1; // the closing fence
      blocks.push({ kind: "code", language: fence[1], text: body.join("\n") });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: heading[1].length, text: heading[2] });
      index += 1;
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      while (index < lines.length && /^\s*[-*]\s+/.test(lines[index])) {
        items.push(lines[index].replace(/^\s*[-*]\s+/, ""));
        index += 1;
        // Indented continuation lines belong to the item.
        while (index < lines.length && /^\s{2,}\S/.test(lines[index]) && !/^\s*[-*]\s+/.test(lines[index])) {
          items[items.length - 1] += " " + lines[index].trim();
          index += 1;
        }
      }
      blocks.push({ kind: "list", items });
      continue;
    }
    if (line.trim() === "") {
      index += 1;
      continue;
    }
    const quote = line.startsWith(">");
    const paragraph: string[] = [];
    while (
      index < lines.length &&
      lines[index].trim() !== "" &&
      !/^\s*```/.test(lines[index]) &&
      !/^#{1,6}\s/.test(lines[index]) &&
      !/^\s*[-*]\s+/.test(lines[index])
    ) {
      paragraph.push(quote ? lines[index].replace(/^>\s?/, "") : lines[index]);
      index += 1;
    }
    blocks.push({ kind: quote ? "quote" : "paragraph", text: paragraph.join(" ") });
  }
  return blocks;
}

/** Inline Markdown as React nodes (never as HTML: the text is not trusted). */
export function inline(text: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text))) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    if (match[1] !== undefined) nodes.push(<code key={match.index}>{match[1]}</code>);
    else if (match[2] !== undefined) nodes.push(<strong key={match.index}>{match[2]}</strong>);
    else {
      const href = /^(https?:|\/|#)/.test(match[4]) ? match[4] : undefined; // no javascript: links
      nodes.push(
        <a key={match.index} href={href} target={href?.startsWith("http") ? "_blank" : undefined} rel="noreferrer">
          {match[3]}
        </a>,
      );
    }
    last = pattern.lastIndex;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      {parseMarkdown(text).map((block, index) => {
        switch (block.kind) {
          case "code":
            return (
              <pre key={index} data-language={block.language || undefined}>
                <code>{block.text}</code>
              </pre>
            );
          case "heading":
            return <h4 key={index}>{inline(block.text)}</h4>;
          case "list":
            return (
              <ul key={index}>
                {block.items.map((item, i) => (
                  <li key={i}>{inline(item)}</li>
                ))}
              </ul>
            );
          case "quote":
            return <blockquote key={index}>{inline(block.text)}</blockquote>;
          default:
            return <p key={index}>{inline(block.text)}</p>;
        }
      })}
    </div>
  );
}

// -- the documentation -------------------------------------------------------------------------------------------

const asCode = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

function TypeLabel({ node, known }: { node: JsonSchema; known: Set<string> }) {
  const label = describeType(node);
  // Link each definition named in the label to its section below.
  const parts = label.split(/(\b[A-Z][A-Za-z0-9_]*\b)/);
  return (
    <span className="prop-type">
      {parts.map((part, index) =>
        known.has(part) ? (
          <a key={index} href={`#def-${part}`}>
            {part}
          </a>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </span>
  );
}

function Constraints({ node }: { node: JsonSchema }) {
  const items: [string, ReactNode][] = [];
  const options = variants(node) ?? [node];
  const values = options.flatMap((option) => option.enum ?? []);
  if (values.length) items.push(["Values", values.map((v) => <code key={String(v)}>{String(v)} </code>)]);
  if (node.default !== undefined && node.default !== null) items.push(["Default", <code>{asCode(node.default)}</code>]);
  const pattern = options.find((option) => option.pattern)?.pattern;
  if (pattern) items.push(["Pattern", <code>{pattern}</code>]);
  for (const key of ["minimum", "maximum", "minLength", "maxLength"] as const) {
    const found = options.find((option) => option[key] !== undefined)?.[key];
    if (found !== undefined) items.push([key, String(found)]);
  }
  const examples = node.examples ?? options.flatMap((option) => option.examples ?? []);
  if (!items.length && !examples.length) return null;
  return (
    <>
      {items.length > 0 && (
        <dl>
          {items.map(([term, detail]) => (
            <Fragment key={term}>
              <dt>{term}</dt>
              <dd>{detail}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      {examples.length > 0 && (
        <div>
          <span className="muted">Example{examples.length > 1 ? "s" : ""}</span>
          {examples.map((example, index) => (
            <pre key={index}>
              <code>{asCode(example)}</code>
            </pre>
          ))}
        </div>
      )}
    </>
  );
}

export function PropertyList({
  schema,
  known,
  skip = [],
}: {
  schema: JsonSchema;
  known: Set<string>;
  skip?: string[];
}) {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {}).filter(([name]) => !skip.includes(name));
  if (!entries.length) return <p className="muted">No properties.</p>;
  // Required properties first, each group in the schema's order.
  entries.sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)));
  return (
    <div>
      {entries.map(([name, node]) => (
        <div className="prop" key={name} id={`prop-${name}`} data-testid="schema-property" data-name={name}>
          <div className="prop-head">
            <span className="prop-name">{name}</span>
            <TypeLabel node={node} known={known} />
            {required.has(name) && <span className="pill warn">required</span>}
            {isDynamic(node) && (
              <span className="pill info" title="Accepts {{ expressions }}">
                dynamic
              </span>
            )}
            {node.deprecated && <span className="pill off">deprecated</span>}
          </div>
          {node.title && node.title.toLowerCase() !== name.toLowerCase() && <div className="muted">{node.title}</div>}
          {node.description && <Markdown text={node.description} />}
          <Constraints node={node} />
        </div>
      ))}
    </div>
  );
}

/** A plugin type's documentation from its JSON Schema: description and examples, properties, definitions. */
export default function SchemaDoc({ cls, schema }: { cls: string; schema: PluginSchema }) {
  const main = schema.properties;
  const definitions = schema.definitions ?? {};
  const known = new Set(Object.keys(definitions));
  return (
    <article className="schema-doc" data-testid="schema-doc">
      <h1>{main.title ?? cls}</h1>
      {main.description && <Markdown text={main.description} />}
      <h2>Properties</h2>
      <PropertyList schema={main} known={known} skip={["type"]} />
      {Object.keys(definitions).length > 0 && (
        <>
          <h2>Definitions</h2>
          {Object.entries(definitions).map(([name, definition]) => (
            <section key={name} id={`def-${name}`} className="card" style={{ marginBottom: "0.8rem" }}>
              <h3>{name}</h3>
              {definition.description && <Markdown text={definition.description} />}
              {definition.enum ? (
                <p>
                  Values:{" "}
                  {definition.enum.map((value) => (
                    <code key={String(value)}>{String(value)} </code>
                  ))}
                </p>
              ) : definition.properties ? (
                <PropertyList schema={definition} known={known} />
              ) : (
                <p className="muted">
                  Type: <TypeLabel node={definition} known={known} />
                </p>
              )}
            </section>
          ))}
        </>
      )}
    </article>
  );
}
