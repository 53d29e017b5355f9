import { useState, type FormEvent } from "react";
import { api, ApiError, clearCredentials, login } from "../api";

/** Shown when the server answers 401: basic-auth credentials, checked against the server before going on. */
export default function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    login(username, password, remember);
    try {
      await api("/api/v1/configs");
      onLoggedIn();
    } catch (exc) {
      clearCredentials();
      setError(exc instanceof ApiError && exc.status === 401 ? "Wrong username or password" : String(exc));
    }
  }

  return (
    <div className="login">
      <form onSubmit={submit} className="card">
        <h1>Choreo</h1>
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label className="inline">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember me
        </label>
        {error && (
          <div className="error-box" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="primary">
          Log in
        </button>
      </form>
    </div>
  );
}
