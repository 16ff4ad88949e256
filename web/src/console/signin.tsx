import { useState } from "preact/hooks";
import { Agent, api, ApiError } from "./api";
import { t } from "./i18n";

export function SignIn({ onSignedIn }: { onSignedIn: (a: Agent) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const r = await api<{ agent: Agent }>("POST", "/api/v1/auth/login", { email, password });
      onSignedIn(r.agent);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t("Wrong email or password.") : String((err as Error).message));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="signin">
      <h1>Touchpoint</h1>
      <form onSubmit={submit}>
        <label for="email">{t("Email")}</label>
        <input id="email" type="email" autocomplete="username" required value={email}
               onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        <label for="password">{t("Password")}</label>
        <input id="password" type="password" autocomplete="current-password" required value={password}
               onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{t("Sign in")}</button>
      </form>
    </main>
  );
}
