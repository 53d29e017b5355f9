import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { api } from "../api";
import ErrorBox from "./ErrorBox";

export interface NamespaceNode {
  /** The last segment (`team` of `company.team`). */
  name: string;
  /** The whole namespace (`company.team`). */
  path: string;
  children: NamespaceNode[];
}

/** Dotted namespaces as a tree: `company.team` and `company.data` are children of `company` (made up if absent). */
export function buildNamespaceTree(namespaces: string[]): NamespaceNode[] {
  const roots: NamespaceNode[] = [];
  const byPath = new Map<string, NamespaceNode>();
  for (const namespace of [...new Set(namespaces)].filter(Boolean).sort()) {
    let siblings = roots;
    let path = "";
    for (const segment of namespace.split(".")) {
      path = path ? `${path}.${segment}` : segment;
      let node = byPath.get(path);
      if (!node) {
        node = { name: segment, path, children: [] };
        byPath.set(path, node);
        siblings.push(node);
      }
      siblings = node.children;
    }
  }
  return roots;
}

/** `a.b.c` → [`a`, `a.b`]: the nodes to open so that `a.b.c` shows. */
export function ancestors(namespace: string): string[] {
  const parts = namespace.split(".");
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join("."));
}

interface Props {
  /** The selected namespace (its flows and its children's are listed); null: all namespaces. */
  selected: string | null;
  onSelect: (namespace: string | null) => void;
  /** The namespaces to show; by default those that hold flows (`GET /flows/distinct-namespaces`). */
  namespaces?: string[];
}

/** A collapsible tree of namespaces; a click selects one (again: back to all). */
export default function NamespaceTree({ selected, onSelect, namespaces }: Props) {
  const query = useQuery({
    queryKey: ["flows", "distinct-namespaces"],
    queryFn: () => api<string[]>("/flows/distinct-namespaces"),
    enabled: namespaces === undefined,
  });
  const list = namespaces ?? query.data ?? [];
  const tree = useMemo(() => buildNamespaceTree(list), [list]);
  const [open, setOpen] = useState<Set<string>>(() => new Set(selected ? ancestors(selected) : []));

  // A namespace selected from elsewhere (a link, the URL) is made visible.
  useEffect(() => {
    if (selected) setOpen((current) => new Set([...current, ...ancestors(selected)]));
  }, [selected]);

  const toggle = (path: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  const renderNode = (node: NamespaceNode) => {
    const expanded = open.has(node.path);
    return (
      <li key={node.path} role="treeitem" aria-expanded={node.children.length ? expanded : undefined}>
        <div className={`ns-row${selected === node.path ? " selected" : ""}`}>
          {node.children.length > 0 ? (
            <button
              type="button"
              className="ns-toggle"
              aria-label={`${expanded ? "Collapse" : "Expand"} ${node.path}`}
              onClick={() => toggle(node.path)}
            >
              {expanded ? "▾" : "▸"}
            </button>
          ) : (
            <span className="ns-toggle" aria-hidden />
          )}
          <button
            type="button"
            className="ns-name"
            title={node.path}
            data-testid={`namespace-node-${node.path}`}
            aria-current={selected === node.path ? "true" : undefined}
            onClick={() => onSelect(selected === node.path ? null : node.path)}
          >
            {node.name}
          </button>
        </div>
        {expanded && node.children.length > 0 && <ul role="group">{node.children.map(renderNode)}</ul>}
      </li>
    );
  };

  return (
    <nav className="namespace-tree" aria-label="Namespaces" data-testid="namespace-tree">
      <div className={`ns-row${selected === null ? " selected" : ""}`}>
        <span className="ns-toggle" aria-hidden />
        <button
          type="button"
          className="ns-name"
          onClick={() => onSelect(null)}
          aria-current={selected === null ? "true" : undefined}
        >
          All namespaces
        </button>
      </div>
      <ErrorBox error={query.error} />
      {query.isLoading && <div className="muted">Loading…</div>}
      {!query.isLoading && tree.length === 0 && !query.error && <div className="muted">No namespace yet.</div>}
      <ul role="tree">{tree.map(renderNode)}</ul>
    </nav>
  );
}
