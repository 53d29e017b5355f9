import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { api } from "../api";
import ErrorBox from "../components/ErrorBox";
import SchemaDoc, { Markdown, type PluginSchema } from "../components/SchemaDoc";
import "./admin.css";

interface PluginSummary {
  cls: string;
  title: string;
  description: string;
  deprecated: boolean;
}

/** Kestra's `Plugin` document: one per package, its types by kind. */
export interface PluginPackage {
  name: string;
  title: string;
  group: string;
  version: string;
  tasks: PluginSummary[];
  triggers: PluginSummary[];
  conditions: PluginSummary[];
  taskRunners: PluginSummary[];
}

interface PluginDocumentation {
  cls: string;
  markdown: string;
  schema: PluginSchema;
}

export const KINDS = [
  ["tasks", "Tasks"],
  ["triggers", "Triggers"],
  ["conditions", "Conditions"],
  ["taskRunners", "Task runners"],
] as const;

/** The packages with only the types whose class or title contains `search` (ignoring case); empty ones dropped. */
export function filterPlugins(packages: PluginPackage[], search: string): PluginPackage[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return packages;
  const keep = (summary: PluginSummary) =>
    summary.cls.toLowerCase().includes(needle) || summary.title.toLowerCase().includes(needle);
  return packages
    .map((pkg) => ({
      ...pkg,
      tasks: pkg.tasks.filter(keep),
      triggers: pkg.triggers.filter(keep),
      conditions: pkg.conditions.filter(keep),
      taskRunners: pkg.taskRunners.filter(keep),
    }))
    .filter((pkg) => KINDS.some(([kind]) => pkg[kind].length > 0));
}

/** `io.kestra.plugin.core.log.Log` → `log.Log` below its package's group `io.kestra.plugin.core`. */
export function shortName(cls: string, group: string): string {
  return group && cls.startsWith(group + ".") ? cls.slice(group.length + 1) : cls;
}

function PluginList({ packages, selected }: { packages: PluginPackage[]; selected?: string }) {
  const [params, setParams] = useSearchParams();
  const search = params.get("q") ?? "";
  const shown = filterPlugins(packages, search);
  return (
    <nav className="card plugin-list" aria-label="Plugin types">
      <label>
        Search
        <input
          type="search"
          value={search}
          onChange={(e) => setParams(e.target.value ? { q: e.target.value } : {}, { replace: true })}
          placeholder="Log, http, Schedule…"
          data-testid="plugins-search"
        />
      </label>
      {shown.length === 0 && <div className="muted">No plugin type matches.</div>}
      {shown.map((pkg) => (
        <section key={pkg.name} data-testid="plugin-package" data-package={pkg.name}>
          <h3 title={pkg.group}>{pkg.title}</h3>
          {KINDS.filter(([kind]) => pkg[kind].length).map(([kind, label]) => (
            <div key={kind}>
              <h4>{label}</h4>
              <ul>
                {pkg[kind].map((summary) => (
                  <li key={summary.cls}>
                    <Link
                      to={`/plugins/${summary.cls}${search ? `?q=${encodeURIComponent(search)}` : ""}`}
                      className={summary.cls === selected ? "active" : undefined}
                      title={`${summary.cls}\n${summary.title}`}
                      data-testid="plugin-link"
                    >
                      {shortName(summary.cls, pkg.group)}
                      {summary.deprecated && <span className="muted"> (deprecated)</span>}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </nav>
  );
}

function PluginDoc({ cls }: { cls: string }) {
  const doc = useQuery({
    queryKey: ["plugins", "doc", cls],
    queryFn: () => api<PluginDocumentation>(`/plugins/${encodeURIComponent(cls)}`),
    staleTime: 5 * 60_000,
  });
  if (doc.error) return <ErrorBox error={doc.error} />;
  if (!doc.data) return <div className="loading">Loading…</div>;
  return (
    <div>
      <p className="muted mono">{doc.data.cls}</p>
      {doc.data.cls !== cls && <p className="muted">{cls} is an alias of this type.</p>}
      <SchemaDoc cls={doc.data.cls} schema={doc.data.schema} />
    </div>
  );
}

function Overview({ packages }: { packages: PluginPackage[] }) {
  return (
    <div>
      <p className="muted">Pick a type to read its documentation: its properties, their types and examples.</p>
      <div className="cards">
        {packages.map((pkg) => (
          <div className="card" key={pkg.name} data-testid="plugin-package-card">
            <h3 style={{ marginTop: 0 }}>{pkg.title}</h3>
            <div className="muted mono">{pkg.group}</div>
            <Markdown
              text={KINDS.filter(([kind]) => pkg[kind].length)
                .map(([kind, label]) => `- ${pkg[kind].length} ${label.toLowerCase()}`)
                .join("\n")}
            />
          </div>
        ))}
      </div>
    </div>
  );
}

/** `/plugins`: the installed types by package, searchable; `/plugins/:cls`: one type's documentation. */
export default function PluginsPage() {
  const { cls } = useParams();
  const plugins = useQuery({
    queryKey: ["plugins", "list"],
    queryFn: () => api<PluginPackage[]>("/plugins"),
    staleTime: 5 * 60_000,
  });
  return (
    <div className="admin-page">
      <div className="page-header">
        <h1>Plugins</h1>
      </div>
      <ErrorBox error={plugins.error} />
      <div className="plugins-layout">
        {plugins.data ? <PluginList packages={plugins.data} selected={cls} /> : <div className="loading">Loading…</div>}
        <div>{cls ? <PluginDoc cls={cls} /> : plugins.data && <Overview packages={plugins.data} />}</div>
      </div>
    </div>
  );
}
