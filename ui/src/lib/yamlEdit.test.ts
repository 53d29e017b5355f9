import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { diffLines } from "./lineDiff";
import {
  addTask,
  addTrigger,
  flowHeader,
  getPlugin,
  indentsSequences,
  pluginIds,
  removeTask,
  removeTrigger,
  updateTask,
  updateTrigger,
  YamlEditError,
} from "./yamlEdit";

const FLOW = `# The greeting flow
id: hello
namespace: company.team

tasks:
  # say hello first
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}!" # keep the quotes

  - id: shout
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.name | upper }}"

triggers:
  - id: every-morning
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 8 * * 1-5"   # weekdays
`;

describe("addTask", () => {
  it("appends a task and keeps every other line as it was", () => {
    const result = addTask(FLOW, {
      id: "bye",
      type: "io.kestra.plugin.core.log.Log",
      message: "Bye",
    });
    expect(parse(result).tasks.map((t: { id: string }) => t.id)).toEqual(["greet", "shout", "bye"]);
    expect(result).toContain("# The greeting flow\n");
    expect(result).toContain("  # say hello first\n");
    expect(result).toContain('message: "Hello {{ inputs.name }}!" # keep the quotes');
    expect(result).toContain('cron: "0 8 * * 1-5"   # weekdays');
    expect(result).toContain("\n\n  - id: bye\n    type: io.kestra.plugin.core.log.Log\n    message: Bye\n\ntriggers:");
    // Only added lines: nothing of the original is changed or removed.
    const ops = diffLines(FLOW.split("\n"), result.split("\n"));
    expect(ops.filter((op) => op.kind === "removed")).toEqual([]);
    expect(result).toBe(
      FLOW.replace(
        "\n\ntriggers:",
        "\n\n  - id: bye\n    type: io.kestra.plugin.core.log.Log\n    message: Bye\n\ntriggers:",
      ),
    );
  });

  it("puts id and type first and writes multi-line strings as literal blocks", () => {
    const result = addTask("id: f\nnamespace: n\ntasks: []\n", {
      script: "echo 1\necho 2\n",
      type: "io.kestra.plugin.scripts.shell.Script",
      id: "run",
    } as never);
    expect(result).toMatch(/- id: run\n\s+type: io\.kestra\.plugin\.scripts\.shell\.Script\n\s+script: \|/);
    expect(parse(result).tasks[0].script).toBe("echo 1\necho 2\n");
  });

  it("creates the tasks list when it is missing or empty", () => {
    const task = {
      id: "a",
      type: "io.kestra.plugin.core.log.Log",
      message: "m",
    };
    expect(parse(addTask("id: f\nnamespace: n\n", task)).tasks).toEqual([task]);
    expect(parse(addTask("id: f\nnamespace: n\ntasks:\n", task)).tasks).toEqual([task]);
  });

  it("follows the source's sequence indentation", () => {
    const source = "id: f\nnamespace: n\ntasks:\n- id: a\n  type: io.kestra.plugin.core.log.Log\n  message: x\n";
    const result = addTask(source, {
      id: "b",
      type: "io.kestra.plugin.core.log.Log",
      message: "y",
    });
    expect(result).toBe(source + "- id: b\n  type: io.kestra.plugin.core.log.Log\n  message: y\n");
  });

  it("refuses a duplicate id and unreadable YAML", () => {
    expect(() => addTask(FLOW, { id: "greet", type: "io.kestra.plugin.core.log.Log" })).toThrow(YamlEditError);
    expect(() => addTask("id: [", { id: "x", type: "a.B" })).toThrow(/cannot be read/);
  });
});

describe("updateTask", () => {
  it("changes a value in place, keeping the comment beside it", () => {
    const result = updateTask(FLOW, "greet", { message: "Hi!" });
    expect(result).toContain('message: "Hi!" # keep the quotes');
    expect(result.split("\n").length).toBe(FLOW.split("\n").length);
    expect(parse(result).tasks[0].message).toBe("Hi!");
  });

  it("adds, removes and renames properties", () => {
    const result = updateTask(FLOW, "shout", {
      id: "loud",
      format: undefined,
      description: "Shouts",
    });
    const task = parse(result).tasks[1];
    expect(task).toEqual({
      id: "loud",
      type: "io.kestra.plugin.core.debug.Return",
      description: "Shouts",
    });
    expect(result).toContain("  # say hello first\n");
  });

  it("finds tasks nested in flowable tasks", () => {
    const source = `id: f
namespace: n
tasks:
  - id: parallel
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: inner
        type: io.kestra.plugin.core.log.Log
        message: a
`;
    expect(pluginIds(source)?.tasks).toEqual(["parallel", "inner"]);
    const result = updateTask(source, "inner", { message: "b", level: "WARN" });
    expect(parse(result).tasks[0].tasks[0]).toMatchObject({
      message: "b",
      level: "WARN",
    });
  });

  it("does not take inputs for tasks", () => {
    const source = "id: f\nnamespace: n\ninputs:\n  - id: name\n    type: STRING\ntasks: []\n";
    expect(pluginIds(source)?.tasks).toEqual([]);
    expect(pluginIds("id: [")).toBeNull();
    expect(() => updateTask(source, "name", { defaults: "x" })).toThrow(/no task/);
  });

  it("refuses to rename onto an existing id", () => {
    expect(() => updateTask(FLOW, "greet", { id: "shout" })).toThrow(/already exists/);
  });
});

describe("removeTask", () => {
  it("removes the task and keeps the rest", () => {
    const result = removeTask(FLOW, "shout");
    expect(parse(result).tasks.map((t: { id: string }) => t.id)).toEqual(["greet"]);
    expect(result).toContain("# The greeting flow");
    expect(result).toContain('cron: "0 8 * * 1-5"   # weekdays');
  });

  it("removes a Dag entry with its task", () => {
    const source = `id: f
namespace: n
tasks:
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: one
          type: io.kestra.plugin.core.log.Log
          message: 1
      - task:
          id: two
          type: io.kestra.plugin.core.log.Log
          message: 2
        dependsOn: [one]
`;
    const result = removeTask(source, "one");
    expect(parse(result).tasks[0].tasks).toEqual([
      {
        task: { id: "two", type: "io.kestra.plugin.core.log.Log", message: 2 },
        dependsOn: ["one"],
      },
    ]);
  });
});

describe("triggers", () => {
  it("adds, updates and removes triggers", () => {
    let source = addTrigger(FLOW, {
      id: "hook",
      type: "io.kestra.plugin.core.trigger.Webhook",
      key: "abc",
    });
    expect(pluginIds(source)?.triggers).toEqual(["every-morning", "hook"]);
    source = updateTrigger(source, "every-morning", { cron: "0 9 * * *" });
    expect(source).toContain('cron: "0 9 * * *"   # weekdays');
    source = removeTrigger(source, "hook");
    expect(source).toBe(FLOW.replace("0 8 * * 1-5", "0 9 * * *"));
  });

  it("reads one plugin's properties", () => {
    expect(getPlugin(FLOW, "trigger", "every-morning")).toEqual({
      id: "every-morning",
      type: "io.kestra.plugin.core.trigger.Schedule",
      cron: "0 8 * * 1-5",
    });
    expect(getPlugin(FLOW, "task", "missing")).toBeNull();
    expect(getPlugin("id: [", "task", "greet")).toBeNull();
  });
});

describe("helpers", () => {
  it("reads the flow header", () => {
    expect(flowHeader(FLOW)).toEqual({
      id: "hello",
      namespace: "company.team",
    });
    expect(flowHeader("not: [valid")).toEqual({});
  });

  it("detects the sequence indentation style", () => {
    expect(indentsSequences(FLOW)).toBe(true);
    expect(indentsSequences("tasks:\n- id: a\n")).toBe(false);
    expect(indentsSequences("id: a\n")).toBe(true);
  });

  it("keeps a source without a final newline that way", () => {
    const source = "id: f\nnamespace: n\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: x";
    expect(updateTask(source, "a", { message: "y" })).toBe(source.replace("message: x", "message: y"));
  });
});

describe("splicing into sources the writer would format differently", () => {
  it("keeps double blank lines and odd spacing", () => {
    const source = `id: f
namespace:   n


tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message:    x


triggers:
  - id: t
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * *"
`;
    const added = addTask(source, {
      id: "b",
      type: "io.kestra.plugin.core.log.Log",
      message: "y",
    });
    expect(added).toBe(
      source.replace(
        "message:    x\n",
        "message:    x\n  - id: b\n    type: io.kestra.plugin.core.log.Log\n    message: y\n",
      ),
    );
    expect(removeTask(added, "b")).toBe(source);
    expect(updateTask(source, "a", { message: "z" })).toBe(source.replace("message:    x", "message:    z"));
  });
});

describe("sources mixing list styles", () => {
  const source = `id: f
namespace: n

tasks:
- id: a
  type: io.kestra.plugin.core.log.Log
  message: x
  retry:
    type: constant
    interval: PT1S

errors:
  - id: e
    type: io.kestra.plugin.core.log.Log
    message: Never
`;

  it("adds a triggers section at the top level and removes it again", () => {
    const added = addTrigger(source, {
      id: "t",
      type: "io.kestra.plugin.core.trigger.Schedule",
      cron: "0 * * * *",
    });
    expect(parse(added).triggers).toEqual([
      {
        id: "t",
        type: "io.kestra.plugin.core.trigger.Schedule",
        cron: "0 * * * *",
      },
    ]);
    expect(parse(added).errors[0].id).toBe("e");
    expect(added.startsWith(source.trimEnd())).toBe(true);
    expect(removeTrigger(added, "t")).toBe(source);
  });

  it("indents new properties as the surrounding block is indented", () => {
    const updated = updateTask(source, "e", { description: "d" });
    expect(updated).toBe(source.replace("    message: Never\n", "    message: Never\n    description: d\n"));
    const first = updateTask(source, "a", { description: "d" });
    expect(first).toContain("    interval: PT1S\n  description: d\n");
  });
});
