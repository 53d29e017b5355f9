import { useEffect, useState, type ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { authHeader, logout } from "../api";
import { applyTheme, storedTheme, type Theme } from "../theme";

const LINKS = [
  ["/dashboard", "Dashboard"],
  ["/flows", "Flows"],
  ["/executions", "Executions"],
  ["/logs", "Logs"],
  ["/namespaces", "Namespaces"],
  ["/admin/triggers", "Triggers"],
  ["/plugins", "Plugins"],
] as const;

export default function Layout({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<Theme>(storedTheme());
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Choreo</div>
        {LINKS.map(([to, label]) => (
          <NavLink key={to} to={to} className={({ isActive }) => (isActive ? "active" : undefined)}>
            {label}
          </NavLink>
        ))}
        <div className="sidebar-footer">
          <button
            type="button"
            className="link"
            aria-label="Toggle theme"
            onClick={() => setTheme(theme === "dark" ? "light" : "dark")}
          >
            {theme === "dark" ? "☀ Light" : "☾ Dark"}
          </button>
          {authHeader() && (
            <button type="button" className="link" onClick={logout}>
              Log out
            </button>
          )}
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
