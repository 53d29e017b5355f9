import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import SchemaDoc, { describeType, isDynamic, parseMarkdown, references } from "./SchemaDoc";

const template = { description: "a template", pattern: ".*\\{[{%#].*", type: "string" };

describe("describeType", () => {
  it("names the alternatives without null and the template variant", () => {
    const message = { anyOf: [{ anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] }, template] };
    expect(describeType(message)).toBe("string | array of string");
    expect(isDynamic(message)).toBe(true);
    expect(describeType({ anyOf: [{ $ref: "#/definitions/Retry" }, { type: "null" }] })).toBe("Retry");
    expect(isDynamic({ type: "boolean" })).toBe(false);
  });
  it("reads maps, formats and enums", () => {
    expect(describeType({ type: "object", additionalProperties: { type: "integer" } })).toBe("map of integer");
    expect(describeType({ type: "string", format: "duration" })).toBe("string (duration)");
    expect(describeType({ enum: ["A", "B"] })).toBe("enum");
  });
  it("collects references", () => {
    expect(references({ anyOf: [{ $ref: "#/definitions/A" }, { type: "array", items: { $ref: "#/definitions/B" } }] })).toEqual(["A", "B"]);
  });
});

describe("parseMarkdown", () => {
  it("splits paragraphs, fenced code and lists", () => {
    const blocks = parseMarkdown("Log a message.\nSecond line.\n\n```yaml\n- id: x\n  type: Log\n```\n\n- one\n- two");
    expect(blocks).toEqual([
      { kind: "paragraph", text: "Log a message. Second line." },
      { kind: "code", language: "yaml", text: "- id: x\n  type: Log" },
      { kind: "list", items: ["one", "two"] },
    ]);
  });
});

describe("SchemaDoc", () => {
  afterEach(cleanup);
  it("documents properties, required first, with defaults and examples, and links definitions", () => {
    render(
      <SchemaDoc
        cls="io.kestra.plugin.core.log.Log"
        schema={{
          properties: {
            title: "Log",
            description: "Log a `message`.",
            required: ["message"],
            properties: {
              type: { type: "string" },
              level: { $ref: "#/definitions/LogLevel", default: "INFO", description: "The level." },
              message: { type: "string", examples: ["Hello"] },
            },
          },
          definitions: { LogLevel: { enum: ["INFO", "WARN"] } },
        }}
      />,
    );
    const names = screen.getAllByTestId("schema-property").map((p) => p.getAttribute("data-name"));
    expect(names).toEqual(["message", "level"]); // `type` is the page's title, required first
    expect(screen.getByText("required")).toBeTruthy();
    expect(screen.getByText("Hello").tagName).toBe("CODE");
    expect(screen.getByRole("link", { name: "LogLevel" }).getAttribute("href")).toBe("#def-LogLevel");
    expect(screen.getByText("message", { selector: "code" })).toBeTruthy();
  });
});
