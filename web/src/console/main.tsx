// The agent console and supervisor dashboard: a single-page app served at / by Touchpoint.
// It signs in through /api/v1/auth/login and then uses the session cookie; any route opened
// without a session shows the sign-in form.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Agent, api, whenSignedOut } from "./api";
import { Dashboard } from "./dashboard";
import { live } from "./live";
import { Queue } from "./queue";
import { navigate, onLink, usePath } from "./router";
import { SignIn } from "./signin";
import { setCurrentAgent } from "./session";
import { TicketPage } from "./ticket";
import "./styles.css";
import { language, languages, setLanguage, t } from "./i18n";

const shortcuts: [string, string][] = [
  ["j / k", "next / previous ticket in the queue"],
  ["Enter", "open the selected ticket"],
  ["/", "search tickets (in the queue)"],
  ["r", "reply"],
  ["n", "internal note"],
  ["s", "solve the ticket"],
  ["g then d", "dashboard"],
  ["?", "show these shortcuts"],
];

function Shortcuts({ onClose }: { onClose: () => void }) {
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
      <div class="panel">
        <h2 id="shortcuts-title">{t(t("Keyboard shortcuts"))}</h2>
        <dl>{shortcuts.map(([k, v]) => <><dt><kbd>{k}</kbd></dt><dd>{v}</dd></>)}</dl>
        <button type="button" onClick={onClose} autofocus>{t("Close")}</button>
      </div>
    </div>
  );
}

function App() {
  const [agent, setAgent] = useState<Agent | null | undefined>(undefined);
  const [help, setHelp] = useState(false);
  const [away, setAway] = useState(false);
  const [lang, setLang] = useState(language());
  setCurrentAgent(agent ?? null);
  const path = usePath();

  useEffect(() => {
    whenSignedOut(() => setAgent(null));
    api<Agent>("GET", "/api/v1/auth/me").then(setAgent).catch(() => setAgent(null));
  }, []);

  useEffect(() => {
    if (!agent) return;
    live.start();
    let g = false;
    const keys = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest("input, textarea, select")) return;
      if (e.key === "?") setHelp(true);
      else if (e.key === "Escape") setHelp(false);
      else if (g && e.key === "d") navigate("/dashboard");
      g = e.key === "g";
    };
    addEventListener("keydown", keys);
    return () => {
      live.stop();
      removeEventListener("keydown", keys);
    };
  }, [agent]);

  async function signOut() {
    try {
      await api("POST", "/api/v1/auth/logout");
    } finally {
      setAgent(null);
    }
  }

  if (agent === undefined) return <p class="loading">{t("Loading…")}</p>;
  if (agent === null) return <SignIn onSignedIn={setAgent} />;
  const ticket = /^\/tickets\/(\d+)$/.exec(path);
  return (
    <>
      <header class="top">
        <a class="brand" href="/" onClick={onLink}>Touchpoint</a>
        <nav aria-label="Main">
          <a href="/" onClick={onLink} aria-current={path === "/" ? "page" : undefined}>{t("Queue")}</a>
          {agent.role !== "agent" && (
            <a href="/dashboard" onClick={onLink} aria-current={path === "/dashboard" ? "page" : undefined}>{t("Dashboard")}</a>
          )}
        </nav>
        <span class="me">{agent.name || agent.email}</span>
        <label class="inline away">
          <input type="checkbox" checked={away} onChange={async (e) => {
            const want = (e.target as HTMLInputElement).checked;
            try {
              const r = await api<{ status: string }>("PUT", "/api/v1/agents/me/presence", { status: want ? "away" : "online" });
              setAway(r.status === "away");
            } catch { /* the box shows what the server has */ }
          }} /> {t("Away")}
        </label>
        <label class="inline language">
          <span class="visually-hidden">{t("Language")}</span>
          <select value={language()} onChange={(e) => { setLanguage((e.target as HTMLSelectElement).value); setLang(language()); }}>
            {languages.map(([code, name]) => <option value={code}>{name}</option>)}
          </select>
        </label>
        <button type="button" class="link" onClick={() => setHelp(true)} aria-label={t("Keyboard shortcuts")}>?</button>
        <button type="button" onClick={signOut}>{t("Sign out")}</button>
      </header>
      <div key={lang}>
        {ticket ? <TicketPage id={Number(ticket[1])} /> : path === "/dashboard" ? <Dashboard /> : <Queue />}
      </div>
      {help && <Shortcuts onClose={() => setHelp(false)} />}
    </>
  );
}

render(<App />, document.getElementById("app")!);
