import { describe, expect, it } from "vitest";
import { fieldKind, fieldsOf, firstParagraph, fromFormText, toFormText, type PluginDoc } from "./TaskForm";

const definitions = {
  LogLevel: { enum: ["ERROR", "WARN", "INFO"], type: "string" },
};
const template = {
  description: "a template",
  pattern: ".*\\{[{%#].*",
  type: "string",
};

describe("fieldKind", () => {
  it("reads plain types, enums behind $ref and nullable alternatives", () => {
    expect(fieldKind("x", { type: "boolean" })).toEqual({ kind: "boolean" });
    expect(fieldKind("x", { type: "integer" })).toEqual({
      kind: "number",
      integer: true,
    });
    expect(fieldKind("level", { $ref: "#/definitions/LogLevel" }, definitions)).toEqual({
      kind: "enum",
      options: ["ERROR", "WARN", "INFO"],
    });
    expect(
      fieldKind("logLevel", { anyOf: [{ $ref: "#/definitions/LogLevel" }, { type: "null" }] }, definitions).kind,
    ).toBe("enum");
    expect(
      fieldKind("timeout", {
        anyOf: [{ type: "string", format: "duration" }, template, { type: "null" }],
      }),
    ).toEqual({
      kind: "string",
      multiline: false,
    });
  });

  it("uses a text input when a string is one of the alternatives, YAML for objects", () => {
    const message = {
      anyOf: [
        {
          anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
        },
        template,
      ],
    };
    expect(fieldKind("message", message).kind).toBe("string");
    expect(fieldKind("script", { type: "string" })).toEqual({
      kind: "string",
      multiline: true,
    });
    expect(
      fieldKind("retry", {
        anyOf: [{ oneOf: [{ $ref: "#/definitions/Constant" }] }, { type: "null" }],
      }).kind,
    ).toBe("yaml");
    expect(fieldKind("headers", { type: "object" }).kind).toBe("yaml");
  });
});

const doc: PluginDoc = {
  cls: "io.kestra.plugin.core.log.Log",
  markdown: "# io.kestra.plugin.core.log.Log\n\nLog one message.\n\n```yaml\n- id: x\n```",
  schema: {
    properties: {
      required: ["type", "id", "message"],
      properties: {
        type: { type: "string" },
        id: { type: "string" },
        level: { $ref: "#/definitions/LogLevel", default: "INFO" },
        message: {
          anyOf: [{ type: "string" }, { type: "array" }],
          examples: ["Hello"],
        },
        retry: { type: "object" },
        allowFailure: { type: "boolean", default: false },
        maxAttempt: { type: "integer" },
      },
    },
    definitions,
  },
};

describe("form text", () => {
  const fields = fieldsOf(doc);

  it("lists required fields first, without id and type", () => {
    expect(fields.map((f) => f.name)).toEqual(["message", "level", "retry", "allowFailure", "maxAttempt"]);
    expect(fields[0]).toMatchObject({ required: true, placeholder: "Hello" });
  });

  it("turns a new task's form into properties, leaving empty fields out", () => {
    const text = {
      message: "Hi",
      level: "WARN",
      retry: "type: constant\ninterval: PT1S",
      allowFailure: "true",
      maxAttempt: "3",
    };
    expect(fromFormText(fields, text)).toEqual({
      props: {
        message: "Hi",
        level: "WARN",
        retry: { type: "constant", interval: "PT1S" },
        allowFailure: true,
        maxAttempt: 3,
      },
      errors: {},
    });
    expect(fromFormText(fields, { message: "" }).errors).toEqual({
      message: "required",
    });
    expect(fromFormText(fields, { message: "x", maxAttempt: "1.5" }).errors).toEqual({
      maxAttempt: "expected a whole number",
    });
    expect(fromFormText(fields, { message: "x", retry: "a: [" }).errors.retry).toMatch(/invalid YAML/);
  });

  it("returns only the changed fields when editing, and undefined for emptied ones", () => {
    const initial = {
      id: "t",
      type: doc.cls,
      message: ["one", "two"],
      level: "INFO",
      retry: { type: "constant" },
    };
    const text = toFormText(fields, initial);
    expect(text.message).toBe("- one\n- two"); // a list where a string is expected: edited as YAML
    expect(fromFormText(fields, text, initial)).toEqual({
      props: {},
      errors: {},
    });
    const changed = { ...text, message: "- one\n- three", level: "" };
    expect(fromFormText(fields, changed, initial).props).toEqual({
      message: ["one", "three"],
      level: undefined,
    });
  });

  it("keeps an expression in a number field as text", () => {
    expect(fromFormText(fields, { message: "x", maxAttempt: "{{ inputs.n }}" }).props.maxAttempt).toBe(
      "{{ inputs.n }}",
    );
  });

  it("reads the first paragraph of the documentation", () => {
    expect(firstParagraph(doc.markdown!)).toBe("Log one message.");
  });
});
