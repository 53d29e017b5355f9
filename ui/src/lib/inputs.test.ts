import { describe, expect, it } from "vitest";
import { ApiError } from "../api";
import {
  curlCommand,
  fieldKind,
  formFields,
  initialValue,
  initialValues,
  inputErrors,
  inputHint,
  isoToLocalInput,
  labelParams,
  localInputToIso,
  shellQuote,
  type InputDeclaration,
} from "./inputs";

const input = (
  type: string,
  extra: Partial<InputDeclaration> = {},
): InputDeclaration => ({ id: type.toLowerCase(), type, ...extra });

describe("fieldKind", () => {
  it("gives every Kestra input type its field", () => {
    const kinds = Object.fromEntries(
      [
        "STRING",
        "INT",
        "FLOAT",
        "BOOL",
        "BOOLEAN",
        "DATETIME",
        "DATE",
        "TIME",
        "DURATION",
        "SELECT",
        "ENUM",
        "MULTISELECT",
        "FILE",
        "JSON",
        "YAML",
        "URI",
        "EMAIL",
        "SECRET",
        "ARRAY",
      ].map((t) => [t, fieldKind(input(t, { values: ["a"] }))]),
    );
    expect(kinds).toEqual({
      STRING: "text",
      INT: "integer",
      FLOAT: "number",
      BOOL: "checkbox",
      BOOLEAN: "checkbox",
      DATETIME: "datetime",
      DATE: "date",
      TIME: "time",
      DURATION: "duration",
      SELECT: "select",
      ENUM: "select",
      MULTISELECT: "multiselect",
      FILE: "file",
      JSON: "code",
      YAML: "code",
      URI: "url",
      EMAIL: "email",
      SECRET: "password",
      ARRAY: "array",
    });
    expect(fieldKind(input("SELECT", { isRadio: true, values: ["a"] }))).toBe(
      "radio",
    );
    expect(
      fieldKind(input("SELECT", { allowCustomValue: true, values: ["a"] })),
    ).toBe("combo");
    // Choices from an expression are unknown to the browser: a free field (a JSON array for MULTISELECT).
    expect(fieldKind(input("SELECT", { expression: "{{ kv('x') }}" }))).toBe(
      "combo",
    );
    expect(
      fieldKind(input("MULTISELECT", { expression: "{{ kv('x') }}" })),
    ).toBe("array");
  });
});

describe("initial values", () => {
  it("prefills defaults in the shape each field holds", () => {
    expect(initialValue(input("STRING", { defaults: "world" }))).toBe("world");
    expect(initialValue(input("INT", { defaults: 3 }))).toBe("3");
    expect(initialValue(input("BOOLEAN", { defaults: true }))).toBe(true);
    expect(initialValue(input("BOOLEAN", { defaults: "false" }))).toBe(false);
    expect(initialValue(input("BOOLEAN", { required: false }))).toBeNull();
    expect(
      initialValue(
        input("MULTISELECT", { values: ["a", "b"], defaults: ["a", "b"] }),
      ),
    ).toEqual(["a", "b"]);
    expect(
      initialValue(input("MULTISELECT", { values: ["c"], defaults: '["c"]' })),
    ).toEqual(["c"]);
    expect(initialValue(input("MULTISELECT", { values: ["a"] }))).toEqual([]);
    expect(initialValue(input("JSON", { defaults: { k: [1, 2] } }))).toBe(
      '{\n  "k": [\n    1,\n    2\n  ]\n}',
    );
    expect(initialValue(input("YAML", { defaults: { a: 1 } }))).toBe("a: 1");
    expect(initialValue(input("ARRAY", { defaults: [1, 2] }))).toBe("[1,2]");
    expect(
      initialValue(input("FILE", { defaults: "nsfile:///x.csv" })),
    ).toBeNull();
    expect(
      initialValue(input("STRING", { required: false, prefill: "edit me" })),
    ).toBe("edit me");
    expect(initialValue(input("DURATION"))).toBe("");
  });

  it("shows a datetime default in the browser's zone and sends it back in UTC", () => {
    const local = initialValue(
      input("DATETIME", { defaults: "2024-01-31T10:00:00Z" }),
    ) as string;
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(localInputToIso(local)).toBe("2024-01-31T10:00:00Z");
    expect(isoToLocalInput("not a date")).toBe("not a date");
    expect(localInputToIso("")).toBe("");
  });
});

describe("form fields", () => {
  const inputs = [
    input("STRING", { id: "name" }),
    input("INT", { id: "count" }),
    input("BOOLEAN", { id: "flag" }),
    input("BOOLEAN", { id: "untouched", required: false }),
    input("MULTISELECT", { id: "tags", values: ["a", "b"] }),
    input("MULTISELECT", { id: "none", values: ["a"] }),
    input("FILE", { id: "upload" }),
    input("DATETIME", { id: "when" }),
    input("STRING", { id: "blank" }),
  ];
  const file = new File(["x,y\n"], "data.csv", { type: "text/csv" });
  const values = {
    name: "world",
    count: "3",
    flag: false,
    untouched: null,
    tags: ["a", "b"],
    none: [],
    upload: file,
    when: isoToLocalInput("2024-01-31T10:00:00Z"),
    blank: "  ",
  };

  it("sends text as text, lists as JSON arrays, files as files, and leaves empty fields out", () => {
    expect(formFields(inputs, values)).toEqual([
      ["name", "world"],
      ["count", "3"],
      ["flag", "false"],
      ["tags", '["a","b"]'],
      ["upload", file],
      ["when", "2024-01-31T10:00:00Z"],
    ]);
  });

  it("builds the equivalent curl command with -F per input", () => {
    const command = curlCommand({
      origin: "http://localhost:8080",
      path: "/api/v1/main/executions/company.team/hello",
      inputs: [...inputs, input("STRING", { id: "at" })],
      values: { ...values, at: "@home", name: "it's me" },
      labels: ["team:data", "env:dev"],
      withAuth: true,
    });
    expect(command.split(" \\\n  ")).toEqual([
      "curl -X POST 'http://localhost:8080/api/v1/main/executions/company.team/hello?labels=team%3Adata&labels=env%3Adev'",
      "-u 'username:password'",
      "-F 'name=it'\\''s me'",
      "-F 'count=3'",
      "-F 'flag=false'",
      `-F 'tags=["a","b"]'`,
      "-F 'upload=@data.csv'",
      "-F 'when=2024-01-31T10:00:00Z'",
      "--form-string 'at=@home'",
    ]);
  });

  it("keeps initial values per input id", () => {
    expect(
      initialValues([
        input("STRING", { id: "a", defaults: "x" }),
        input("INT", { id: "b" }),
      ]),
    ).toEqual({ a: "x", b: "" });
  });
});

describe("labels, errors and hints", () => {
  it("turns label rows into key:value and skips blank keys", () => {
    expect(
      labelParams([
        { key: " team ", value: "data" },
        { key: "", value: "lost" },
        { key: "x", value: "a:b" },
      ]),
    ).toEqual(["team:data", "x:a:b"]);
  });

  it("reads the per-input messages of a 422", () => {
    const error = new ApiError(422, "Invalid inputs: …", {
      message: "Invalid inputs: …",
      inputs: { rows: "Expected an integer" },
    });
    expect(inputErrors(error)).toEqual({ rows: "Expected an integer" });
    expect(
      inputErrors(
        new ApiError(404, "flow not found", { message: "flow not found" }),
      ),
    ).toEqual({});
    expect(inputErrors(new Error("network"))).toEqual({});
    expect(inputErrors(null)).toEqual({});
  });

  it("describes what the server checks", () => {
    expect(inputHint(input("INT", { min: 1, max: 10 }))).toBe(
      "INT · min 1 · max 10",
    );
    expect(inputHint(input("ARRAY", { itemType: "INT" }))).toBe(
      "ARRAY of INT · JSON array, e.g. [1, 2]",
    );
    expect(inputHint(input("STRING", { validator: "h.*" }))).toBe(
      "STRING · pattern h.*",
    );
  });

  it("quotes for a POSIX shell", () => {
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
