import { describe, expect, it } from "vitest";
import { encodeKvValue, KEY_PATTERN, kvValueToInput, previewValue } from "./KvEditor";

describe("encodeKvValue", () => {
  it("always quotes strings, so text that looks like a number stays text", () => {
    expect(encodeKvValue("STRING", "42")).toBe('"42"');
    expect(encodeKvValue("STRING", 'say "hi"')).toBe('"say \\"hi\\""');
  });
  it("sends numbers and booleans as JSON literals", () => {
    expect(encodeKvValue("NUMBER", " 3.5 ")).toBe("3.5");
    expect(encodeKvValue("BOOLEAN", "false")).toBe("false");
    expect(() => encodeKvValue("NUMBER", "abc")).toThrow(/not a number/);
    expect(() => encodeKvValue("NUMBER", "")).toThrow();
    expect(() => encodeKvValue("BOOLEAN", "yes")).toThrow();
  });
  it("sends dates, date-times and durations unquoted", () => {
    expect(encodeKvValue("DATE", "2024-02-03")).toBe("2024-02-03");
    expect(encodeKvValue("DATETIME", "2024-02-03T04:05")).toMatch(/^2024-02-0\dT\d\d:05:00\.000Z$/);
    expect(encodeKvValue("DURATION", "pt1h30m")).toBe("PT1H30M");
    expect(() => encodeKvValue("DURATION", "1 hour")).toThrow(/ISO-8601/);
    expect(() => encodeKvValue("DURATION", "PT")).toThrow();
    expect(() => encodeKvValue("DATE", "03/02/2024")).toThrow();
  });
  it("keeps JSON to objects and arrays", () => {
    expect(encodeKvValue("JSON", '{ "a": [1, 2] }')).toBe('{"a":[1,2]}');
    expect(() => encodeKvValue("JSON", "12")).toThrow(/object or an array/);
    expect(() => encodeKvValue("JSON", "{oops")).toThrow(/invalid JSON/);
  });
});

describe("values shown", () => {
  it("fills the form with the stored value", () => {
    expect(kvValueToInput("JSON", { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(kvValueToInput("NUMBER", 7)).toBe("7");
    expect(kvValueToInput("STRING", "x")).toBe("x");
    expect(kvValueToInput("BOOLEAN", true)).toBe("true");
  });
  it("previews values on one line", () => {
    expect(previewValue({ type: "JSON", value: [1, 2], updated: "" })).toBe("[1,2]");
    expect(previewValue(undefined)).toBe("…");
  });
  it("checks keys as the server does", () => {
    expect(KEY_PATTERN.test("my.key-1_x")).toBe(true);
    expect(KEY_PATTERN.test("-bad")).toBe(false);
    expect(KEY_PATTERN.test("with space")).toBe(false);
  });
});
