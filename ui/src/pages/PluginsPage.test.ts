import { describe, expect, it } from "vitest";
import { filterPlugins, shortName, type PluginPackage } from "./PluginsPage";

const summary = (cls: string, title = "") => ({ cls, title, description: "", deprecated: false });
const core: PluginPackage = {
  name: "core",
  title: "Core",
  group: "io.kestra.plugin.core",
  version: "1",
  tasks: [summary("io.kestra.plugin.core.log.Log", "Log a message"), summary("io.kestra.plugin.core.http.Request")],
  triggers: [summary("io.kestra.plugin.core.trigger.Schedule", "Cron")],
  conditions: [],
  taskRunners: [],
};
const other: PluginPackage = { ...core, name: "x", group: "x", tasks: [summary("x.Other")], triggers: [] };

describe("filterPlugins", () => {
  it("keeps the matching types by class or title, and drops empty packages", () => {
    const found = filterPlugins([core, other], "cron");
    expect(found).toHaveLength(1);
    expect(found[0].triggers.map((t) => t.cls)).toEqual(["io.kestra.plugin.core.trigger.Schedule"]);
    expect(found[0].tasks).toEqual([]);
    expect(filterPlugins([core, other], "LOG")[0].tasks).toHaveLength(1);
    expect(filterPlugins([core, other], "  ")).toHaveLength(2);
  });
  it("shortens class names below their group", () => {
    expect(shortName("io.kestra.plugin.core.log.Log", "io.kestra.plugin.core")).toBe("log.Log");
    expect(shortName("other.Type", "io.kestra")).toBe("other.Type");
  });
});
