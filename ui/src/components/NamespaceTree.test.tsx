import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import NamespaceTree, { ancestors, buildNamespaceTree } from "./NamespaceTree";

describe("buildNamespaceTree", () => {
  it("nests dotted namespaces and makes up missing parents", () => {
    const tree = buildNamespaceTree(["company.team", "company.data.raw", "other", "company.team"]);
    expect(tree.map((n) => n.path)).toEqual(["company", "other"]);
    const company = tree[0];
    expect(company.children.map((n) => n.path)).toEqual(["company.data", "company.team"]);
    expect(company.children[0].children.map((n) => n.name)).toEqual(["raw"]);
  });

  it("lists the ancestors to open", () => {
    expect(ancestors("a.b.c")).toEqual(["a", "a.b"]);
    expect(ancestors("a")).toEqual([]);
  });
});

describe("NamespaceTree", () => {
  afterEach(cleanup);
  const renderTree = (selected: string | null, onSelect = vi.fn()) =>
    render(
      <QueryClientProvider client={new QueryClient()}>
        <NamespaceTree selected={selected} onSelect={onSelect} namespaces={["company.team", "company.data"]} />
      </QueryClientProvider>,
    );

  it("opens the branch of the selected namespace and selects on click", () => {
    const onSelect = vi.fn();
    renderTree("company.team", onSelect);
    expect(screen.getByTestId("namespace-node-company.team").getAttribute("aria-current")).toBe("true");
    fireEvent.click(screen.getByTestId("namespace-node-company.data"));
    expect(onSelect).toHaveBeenCalledWith("company.data");
    fireEvent.click(screen.getByTestId("namespace-node-company.team"));
    expect(onSelect).toHaveBeenLastCalledWith(null); // clicking the selected one again shows all
  });

  it("keeps children hidden until expanded", () => {
    renderTree(null);
    expect(screen.queryByTestId("namespace-node-company.team")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Expand company" }));
    expect(screen.getByTestId("namespace-node-company.team")).toBeTruthy();
  });
});
