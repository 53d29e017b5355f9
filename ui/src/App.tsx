import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import Layout from "./components/Layout";
import LoginPage from "./pages/LoginPage";

// Each page is its own chunk: the first load fetches only the shell and the page it shows (Monaco comes with the
// editor only).
const Dashboard = lazy(() => import("./pages/Dashboard"));
const FlowsList = lazy(() => import("./pages/FlowsList"));
const FlowEditor = lazy(() => import("./pages/FlowEditor"));
const ExecutionsList = lazy(() => import("./pages/ExecutionsList"));
const ExecutionPage = lazy(() => import("./pages/ExecutionPage"));
const LogsPage = lazy(() => import("./pages/LogsPage"));
const NamespacesPage = lazy(() => import("./pages/NamespacesPage"));
const TriggersPage = lazy(() => import("./pages/TriggersPage"));
const PluginsPage = lazy(() => import("./pages/PluginsPage"));

export default function App() {
  const [needsLogin, setNeedsLogin] = useState(false);
  const queryClient = useQueryClient();
  useEffect(() => {
    const onUnauthorized = () => setNeedsLogin(true);
    window.addEventListener("choreo:unauthorized", onUnauthorized);
    return () => window.removeEventListener("choreo:unauthorized", onUnauthorized);
  }, []);
  if (needsLogin) {
    return (
      <LoginPage
        onLoggedIn={() => {
          setNeedsLogin(false);
          queryClient.invalidateQueries();
        }}
      />
    );
  }
  return (
    <Layout>
      <Suspense fallback={<div className="loading">Loading…</div>}>
        <Routes>
          <Route path="/" element={<Navigate to="/dashboard" replace />} />
          <Route path="/dashboard" element={<Dashboard />} />
          <Route path="/flows" element={<FlowsList />} />
          <Route path="/flows/new" element={<FlowEditor />} />
          <Route path="/flows/edit/:namespace/:id" element={<FlowEditor />} />
          <Route path="/flows/edit/:namespace/:id/:tab" element={<FlowEditor />} />
          <Route path="/executions" element={<ExecutionsList />} />
          <Route path="/executions/:namespace/:flowId" element={<ExecutionsList />} />
          <Route path="/executions/:namespace/:flowId/:executionId" element={<ExecutionPage />} />
          <Route path="/executions/:namespace/:flowId/:executionId/:tab" element={<ExecutionPage />} />
          <Route path="/logs" element={<LogsPage />} />
          <Route path="/namespaces" element={<NamespacesPage />} />
          <Route path="/namespaces/:namespace" element={<NamespacesPage />} />
          <Route path="/namespaces/:namespace/:tab" element={<NamespacesPage />} />
          <Route path="/admin/triggers" element={<TriggersPage />} />
          <Route path="/triggers" element={<Navigate to="/admin/triggers" replace />} />
          <Route path="/plugins" element={<PluginsPage />} />
          <Route path="/plugins/:cls" element={<PluginsPage />} />
          <Route path="*" element={<div className="empty">Nothing here: this page does not exist.</div>} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
